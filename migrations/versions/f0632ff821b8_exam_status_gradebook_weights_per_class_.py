"""exam status, gradebook weights per class, last login

Exam.published (a bool) becomes Exam.status (draft | published | closed): unpublished exams
become drafts, published ones stay published. ExamClass.weight keeps a class's gradebook weight
for the exam (1 for every existing assignment, the weight the gradebook used by default).
User.last_login_at starts empty: nobody is known to have logged in before this revision.

Revision ID: f0632ff821b8
Revises: 2c4313c0ea1a
Create Date: 2026-12-07 14:05:01.365187

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f0632ff821b8'
down_revision = '2c4313c0ea1a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='published', nullable=False))
    op.execute("UPDATE exam SET status = CASE WHEN published THEN 'published' ELSE 'draft' END")
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('published')

    with op.batch_alter_table('exam_class', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight', sa.Float(), server_default='1', nullable=False))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')

    with op.batch_alter_table('exam_class', schema=None) as batch_op:
        batch_op.drop_column('weight')

    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute("UPDATE exam SET published = (status <> 'draft')")
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('status')
