"""paper variants, one-time passwords, manually graded case work

ExamPaper records the seed of each printed variant (A卷, B卷 …) so typed-in paper answers are graded
against the same draw; existing users, attempts and case work are unaffected (flags default false).

Revision ID: 2c4313c0ea1a
Revises: 11cb212ecbec
Create Date: 2026-12-07 11:01:39.269820

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c4313c0ea1a'
down_revision = '11cb212ecbec'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exam_paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('exam_paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_paper_exam_id'), ['exam_id'], unique=False)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_attempt_paper_id_exam_paper', 'exam_paper', ['paper_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('case_work', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_manual', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('graded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_case_work_graded_by_id_user', 'user', ['graded_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('case_work', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_work_graded_by_id_user', type_='foreignkey')
        batch_op.drop_column('graded_at')
        batch_op.drop_column('graded_by_id')
        batch_op.drop_column('needs_manual')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('fk_attempt_paper_id_exam_paper', type_='foreignkey')
        batch_op.drop_column('paper_id')

    with op.batch_alter_table('exam_paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_paper_exam_id'))

    op.drop_table('exam_paper')
