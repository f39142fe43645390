"""addresses: the Base Adresse Nationale, for placing the patient at the house number

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:45:00

Hand-written (issue 13, item 7).  One row per BAN address point, looked up by
commune, normalised street name and number (``ix_addresses_lookup``).  Only adds
a table, so it runs on a populated database.
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'addresses',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('insee', sa.String(length=5), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=False),
        sa.Column('street_key', sa.String(length=200), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('rep', sa.String(length=10), nullable=False),
        sa.Column('postal_code', sa.String(length=5), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses')),
    )
    op.create_index('ix_addresses_lookup', 'addresses', ['insee', 'street_key', 'number'])


def downgrade() -> None:
    op.drop_index('ix_addresses_lookup', table_name='addresses')
    op.drop_table('addresses')
