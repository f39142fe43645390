"""sync guarantees: hash-chained append-only journal, audit trail, login throttling

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00

Hand-written (issue 5).  Adds ``prev_hash``/``entry_hash`` to ``journal`` and
fills them for the entries already there (in ``seq`` order), then forbids
UPDATE and DELETE on ``journal`` and ``audit_events`` with triggers (SQLite and
PostgreSQL); adds ``failed_logins``/``locked_until`` to ``users`` and the
``audit_events`` table.  Runs on a populated database.
"""

from alembic import op
import sqlalchemy as sa
import app.models.base
from app.models.journal import GENESIS_HASH, chain_hash, content_bytes


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_DT = app.models.base.UTCDateTime(timezone=True)
_APPEND_ONLY = ('journal', 'audit_events')


def _fill_hashes() -> None:
    bind = op.get_bind()
    journal = sa.table('journal', sa.column('seq', sa.Integer), sa.column('uuid', sa.String),
                       sa.column('kind', sa.String), sa.column('author', sa.String),
                       sa.column('author_role', sa.String), sa.column('created_at', _DT),
                       sa.column('payload', sa.JSON), sa.column('prev_hash', sa.String),
                       sa.column('entry_hash', sa.String))
    prev = GENESIS_HASH
    for row in bind.execute(sa.select(journal).order_by(journal.c.seq)).mappings().all():
        digest = chain_hash(prev, content_bytes(
            seq=row['seq'], uuid=row['uuid'], kind=row['kind'], author=row['author'],
            author_role=row['author_role'], created_at=row['created_at'], payload=row['payload']))
        bind.execute(journal.update().where(journal.c.seq == row['seq'])
                     .values(prev_hash=prev, entry_hash=digest))
        prev = digest


def _create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("""
            CREATE OR REPLACE FUNCTION sas_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
        """)
    for table in _APPEND_ONLY:
        for action in ('UPDATE', 'DELETE'):
            name = f'{table}_no_{action.lower()}'
            if dialect == 'sqlite':
                op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
            elif dialect == 'postgresql':
                op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
                           f"FOR EACH ROW EXECUTE FUNCTION sas_append_only()")


def _drop_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        for action in ('UPDATE', 'DELETE'):
            name = f'{table}_no_{action.lower()}'
            op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == 'postgresql' else ""))
    if dialect == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS sas_append_only()")


def upgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), server_default='', nullable=False))
    _fill_hashes()

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', _DT, nullable=True))

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', _DT, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('object_uuid', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_object_uuid'), ['object_uuid'], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_object_uuid'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
