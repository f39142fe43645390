"""login throttle per account and per address; revocable tokens bound to a desk

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-10 09:00:00

Hand-written (issue 12, authentication rules).  Adds the ``login_throttle``
table (attempt counters keyed by (kind, key), decided atomically before a
password is checked, see :mod:`app.services.security.login_throttle`) and two
nullable columns on ``auth_tokens``: ``revoked_at`` (logout, newer login on the
same desk) and ``desk_id``.  Only adds, so it runs on a populated database; the
old ``users.failed_logins``/``locked_until`` stay for a downgrade.
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('window_start', _DT, nullable=False),
    sa.Column('locked_until', _DT, nullable=True),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_locked_until'), ['locked_until'], unique=False)

    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', _DT, nullable=True))
        batch_op.add_column(sa.Column('desk_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.drop_column('desk_id')
        batch_op.drop_column('revoked_at')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_locked_until'))
    op.drop_table('login_throttle')
