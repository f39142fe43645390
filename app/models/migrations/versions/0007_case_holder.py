"""case holder: who has taken the case in charge (prise en charge)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 22:00:00

Hand-written (issue 13, item 3).  A doctor or OSNP who opens a case takes it in charge
(case event ``take_charge``); the case row keeps who holds it, under which name and since
when, so every desk's queue reads it with the case (cleared by ``release``, a hand-over
or a closing).  Only adds nullable columns, so it runs on a populated database (server
and desk cache alike); cases taken before it simply have no holder.
"""

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('holder', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('holder_name', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('held_since', _DT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('held_since')
        batch.drop_column('holder_name')
        batch.drop_column('holder')
