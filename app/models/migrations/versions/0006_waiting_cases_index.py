"""waiting cases: an index for the queue's query (open cases, whatever their age)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:45:00

Hand-written (issue 12, item 5).  The waiting queue is now one query over every case
not decided and not ended; this index keeps it fast on a desk's cache of 50,000 cases
and on the server.  Only adds an index, so it runs on a populated database.
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_waiting', 'cases', ['decided_at', 'status'])


def downgrade() -> None:
    op.drop_index('ix_cases_waiting', table_name='cases')
