"""Engines, sessions and schema migrations for any SQLAlchemy URL.

:func:`open_database` is the single way the program opens a database: it
creates the engine (SQLite gets WAL, foreign keys and durable commits), and
upgrades the schema to the newest Alembic revision.

Supported URLs: ``sqlite:///path`` (embedded server, console cache) and
``postgresql://user@host/db`` (central server; psycopg 3 is used whatever
driver the URL names, ``postgresql+psycopg://`` is accepted as is).

SQLite runs with ``synchronous=FULL``: a commit is on disk before the server
answers, which survives a power loss, not only a process crash.  The cost
(one fsync per commit) is why the sync pushes in batches (one commit per
batch, see ``routes_sync``) rather than relaxing it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` → ``postgresql+psycopg://`` (psycopg 3); others unchanged."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite connections get the pragmas the program relies on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 40)
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine``'s database to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def open_database(url: str, *, migrate: bool = True, **kwargs) -> tuple[Engine, sessionmaker[Session]]:
    """Open (and by default migrate) the database at ``url``."""
    engine = make_engine(url, **kwargs)
    if migrate:
        upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    log.info("database ready: %s", engine.url.render_as_string(hide_password=True))
    return engine, factory
