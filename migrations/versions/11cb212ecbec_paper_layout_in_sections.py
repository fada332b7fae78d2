"""paper layout in sections

Existing exams and attempts keep the mixed order they were written in; new exams default to sections.

Revision ID: 11cb212ecbec
Revises: 7e2bea226277
Create Date: 2026-12-07 07:46:19.292402

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '11cb212ecbec'
down_revision = '7e2bea226277'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sectioned', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_layout', sa.String(length=10), server_default='mixed', nullable=False))


def downgrade():
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('paper_layout')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('sectioned')
