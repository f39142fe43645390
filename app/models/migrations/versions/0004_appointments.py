"""appointments: RS-SAS-RDV appointments of the SAS platform, matched to cases; users' regulator ids

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:00:00

Hand-written (issue 6, RS-SAS-RDV).  Adds the ``appointments`` table and a
nullable ``regulator_id`` on ``users`` (the platform's id of the regulator, used
to match an appointment to the searches of that user).  Only adds, so it runs on
a populated database.
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regulator_id', sa.String(length=64), nullable=True))

    op.create_table('appointments',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('appointment_id', sa.String(length=128), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=True),
    sa.Column('orientation_uuid', sa.String(length=36), nullable=True),
    sa.Column('practitioner_id', sa.String(length=16), nullable=True),
    sa.Column('organization_id', sa.String(length=40), nullable=True),
    sa.Column('effecteur_name', sa.String(length=200), nullable=True),
    sa.Column('regulator_id', sa.String(length=64), nullable=False),
    sa.Column('orientation_category', sa.String(length=8), nullable=True),
    sa.Column('booked_at', _DT, nullable=False),
    sa.Column('start', _DT, nullable=False),
    sa.Column('end', _DT, nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('received_at', _DT, nullable=False),
    sa.Column('updated_at', _DT, nullable=False),
    sa.Column('attached_by', sa.String(length=64), nullable=True),
    sa.Column('attached_at', _DT, nullable=True),
    sa.Column('attach_method', sa.String(length=8), nullable=True),
    sa.Column('follow_up_since', _DT, nullable=True),
    sa.Column('followed_up_by', sa.String(length=64), nullable=True),
    sa.Column('followed_up_at', _DT, nullable=True),
    sa.ForeignKeyConstraint(['case_uuid'], ['cases.uuid'], name=op.f('fk_appointments_case_uuid_cases'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_appointments')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_appointments_appointment_id'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_case_uuid'), ['case_uuid'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_practitioner_id'), ['practitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_regulator_id'), ['regulator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_follow_up_since'), ['follow_up_since'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointments_follow_up_since'))
        batch_op.drop_index(batch_op.f('ix_appointments_regulator_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_organization_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_case_uuid'))
    op.drop_table('appointments')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('regulator_id')
