"""editor status: when the sender says an appointment's status was set (order of Appointment updates)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00

Hand-written (issue 14, item 4).  Adds one nullable column, so it runs on a populated
database: ``appointments.status_at``, the time the sender gave for the state it reported
(FHIR ``meta.lastUpdated`` from an agenda editor, the envelope's ``dateTimeSent`` for an
RS-SAS-RDV from the Hub), so an older update arriving late never overwrites a newer one.
"""

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appointments') as batch:
        batch.add_column(sa.Column('status_at', app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments') as batch:
        batch.drop_column('status_at')
