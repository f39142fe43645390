"""calls: the room's telephone calls and what each desk reported, the case's clock source

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 01:00:00

Hand-written (issue 15).  Adds two tables and one nullable column, so it runs on a
populated database: ``calls`` (one row per room call id), ``call_events`` (each desk's
report, unique per call and key) and ``cases.clock_source`` (``phone`` when a call gave
the case its reception and answer clocks; NULL, typed by hand, for every existing case).
"""

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)
_UUID = sa.String(length=36)


def upgrade() -> None:
    op.create_table(
        'calls',
        sa.Column('uuid', _UUID, nullable=False),
        sa.Column('call_id', sa.String(length=255), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=True),
        sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('presented_at', _DT, nullable=True),
        sa.Column('answered_at', _DT, nullable=True),
        sa.Column('answered_by', sa.String(length=64), nullable=True),
        sa.Column('holder', sa.String(length=64), nullable=True),
        sa.Column('ended_at', _DT, nullable=True),
        sa.Column('abandoned', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('case_uuid', _UUID, nullable=True),
        sa.Column('gave_clocks', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('typed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('target', sa.String(length=255), nullable=True),
        sa.Column('transfers', sa.JSON(), nullable=False),
        sa.Column('updated_at', _DT, nullable=False),
        sa.PrimaryKeyConstraint('uuid', name=op.f('pk_calls')),
        sa.UniqueConstraint('call_id', name=op.f('uq_calls_call_id')),
    )
    op.create_index('ix_calls_presented_at', 'calls', ['presented_at'])
    op.create_index(op.f('ix_calls_case_uuid'), 'calls', ['case_uuid'])
    op.create_table(
        'call_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('call_uuid', _UUID, nullable=False),
        sa.Column('event', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('at', _DT, nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('author_role', sa.String(length=16), nullable=False),
        sa.Column('target', sa.String(length=255), nullable=True),
        sa.Column('typed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('recorded_at', _DT, nullable=False),
        sa.ForeignKeyConstraint(['call_uuid'], ['calls.uuid'], name=op.f('fk_call_events_call_uuid_calls'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_events')),
    )
    op.create_index(op.f('ix_call_events_call_uuid'), 'call_events', ['call_uuid'])
    op.create_index('uq_call_events_call_key', 'call_events', ['call_uuid', 'key'], unique=True)
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('clock_source', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('clock_source')
    op.drop_index('uq_call_events_call_key', table_name='call_events')
    op.drop_index(op.f('ix_call_events_call_uuid'), table_name='call_events')
    op.drop_table('call_events')
    op.drop_index(op.f('ix_calls_case_uuid'), table_name='calls')
    op.drop_index('ix_calls_presented_at', table_name='calls')
    op.drop_table('calls')
