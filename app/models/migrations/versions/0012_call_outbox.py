"""call_outbox: the desk's call facts not yet acknowledged by the server, kept across a console restart

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 02:00:00

Hand-written (issue 15).  Adds one table, so it runs on a populated database:
``call_outbox`` (one row per call event or call-to-case link the desk's softphone
reported, deleted once the server answered it for good).  Only the console's cache fills it.
"""

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'call_outbox',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('call_id', sa.String(length=255), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('created_at', _DT, nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_outbox')),
    )
    op.create_index(op.f('ix_call_outbox_author'), 'call_outbox', ['author'])


def downgrade() -> None:
    op.drop_index(op.f('ix_call_outbox_author'), table_name='call_outbox')
    op.drop_table('call_outbox')
