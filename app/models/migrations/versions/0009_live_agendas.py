"""live agendas: editor health, per-effecteur editors, slot identity at the editor, the durable Hub outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:00:00

Hand-written (issue 14).  Adds three tables and nullable columns only, so it runs on
a populated database.
"""

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)
_UUID = sa.String(length=36)


def upgrade() -> None:
    op.create_table(
        'editor_status',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('last_success_at', _DT, nullable=True),
        sa.Column('last_error_at', _DT, nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('latencies_ms', sa.JSON(), nullable=False),
        sa.Column('refreshed_at', _DT, nullable=True),
        sa.Column('slots', sa.Integer(), nullable=False),
        sa.Column('updated_at', _DT, nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_editor_status')),
    )
    op.create_table(
        'effecteur_editors',
        sa.Column('effecteur_id', sa.String(length=40), nullable=False),
        sa.Column('editor', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['effecteur_id'], ['effecteurs.id'], name=op.f('fk_effecteur_editors_effecteur_id_effecteurs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('effecteur_id', 'editor', name=op.f('pk_effecteur_editors')),
    )
    op.create_index(op.f('ix_effecteur_editors_editor'), 'effecteur_editors', ['editor'])
    op.create_table(
        'hub_outbox',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('distribution_id', sa.String(length=160), nullable=False),
        sa.Column('recipient', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('envelope', sa.JSON(), nullable=False),
        sa.Column('case_uuid', _UUID, nullable=True),
        sa.Column('created_at', _DT, nullable=False),
        sa.Column('sent_at', _DT, nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('claimed_until', _DT, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_outbox')),
        sa.UniqueConstraint('distribution_id', name=op.f('uq_hub_outbox_distribution_id')),
    )
    op.create_index(op.f('ix_hub_outbox_case_uuid'), 'hub_outbox', ['case_uuid'])
    op.create_index(op.f('ix_hub_outbox_sent_at'), 'hub_outbox', ['sent_at'])
    with op.batch_alter_table('slots') as batch:
        batch.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('held_until', _DT, nullable=True))
        batch.add_column(sa.Column('booked_via', sa.String(length=8), nullable=True))
    with op.batch_alter_table('appointments') as batch:
        batch.add_column(sa.Column('editor', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('editor_location', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments') as batch:
        batch.drop_column('editor_location')
        batch.drop_column('editor')
    with op.batch_alter_table('slots') as batch:
        batch.drop_column('booked_via')
        batch.drop_column('held_until')
        batch.drop_column('external_id')
    op.drop_index(op.f('ix_hub_outbox_sent_at'), table_name='hub_outbox')
    op.drop_index(op.f('ix_hub_outbox_case_uuid'), table_name='hub_outbox')
    op.drop_table('hub_outbox')
    op.drop_index(op.f('ix_effecteur_editors_editor'), table_name='effecteur_editors')
    op.drop_table('effecteur_editors')
    op.drop_table('editor_status')
