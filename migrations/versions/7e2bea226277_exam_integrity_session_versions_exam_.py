"""exam integrity: session versions, exam-room rules, attempt events, question use

Revision ID: 7e2bea226277
Revises: ef38a775492f
Create Date: 2026-12-07 05:01:52.423767

Existing rows get server defaults: no code, anywhere allowed, one version for every session.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e2bea226277'
down_revision = 'ef38a775492f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attempt_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attempt_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_event_attempt_id'), ['attempt_id'], unique=False)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_token', sa.String(length=64), nullable=True))

    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_code', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('allowed_networks', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('single_device', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('closed_book', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('require_fullscreen', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('focus_warning_after', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('use', sa.String(length=10), nullable=False, server_default='any'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('use')

    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('focus_warning_after')
        batch_op.drop_column('require_fullscreen')
        batch_op.drop_column('closed_book')
        batch_op.drop_column('single_device')
        batch_op.drop_column('allowed_networks')
        batch_op.drop_column('access_code')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('device_token')

    with op.batch_alter_table('attempt_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_event_attempt_id'))

    op.drop_table('attempt_event')
