"""case workflow: caller language, access details, clocks, routing, case events, surge, drafts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:00:00

Hand-written (issue 3).  Only adds: new nullable or defaulted columns on
``cases`` and three new tables, so it runs on a populated database.
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('caller_communication', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('access_building', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('access_floor', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('access_code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('access_intercom', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('risk_threat_codes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', _DT, nullable=True))
        batch_op.add_column(sa.Column('handed_over_at', _DT, nullable=True))
        batch_op.add_column(sa.Column('decided_at', _DT, nullable=True))
        batch_op.add_column(sa.Column('accompanied', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('suggested_perimeter', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('suggested_attribution', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('surge', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('case_events',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('created_at', _DT, nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_role', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['cases.uuid'], name=op.f('fk_case_events_case_uuid_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_uuid'), ['case_uuid'], unique=False)

    op.create_table('surge_switches',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', _DT, nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_role', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_surge_switches'))
    )
    with op.batch_alter_table('surge_switches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surge_switches_created_at'), ['created_at'], unique=False)

    op.create_table('case_drafts',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('saved_at', _DT, nullable=False),
    sa.Column('form', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_case_drafts'))
    )


def downgrade() -> None:
    op.drop_table('case_drafts')
    with op.batch_alter_table('surge_switches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surge_switches_created_at'))
    op.drop_table('surge_switches')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_uuid'))
    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in ('surge', 'suggested_attribution', 'suggested_perimeter', 'accompanied', 'decided_at',
                     'handed_over_at', 'answered_at', 'risk_threat_codes', 'access_intercom', 'access_code',
                     'access_floor', 'access_building', 'caller_communication', 'caller_language'):
            batch_op.drop_column(name)
