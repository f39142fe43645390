"""Engines, sessions and schema migrations for any SQLAlchemy URL.

:func:`open_database` is the single way the program opens a database: it
creates the engine (SQLite gets WAL, foreign keys and durable commits; statement parameters
are never shown in errors nor logs), and
upgrades the schema to the newest Alembic revision.

Supported URLs: ``sqlite:///path`` (embedded server, console cache) and
``postgresql://user@host/db`` (central server; psycopg 3 is used whatever
driver the URL names, ``postgresql+psycopg://`` is accepted as is).

``key=`` (32 random bytes) opens an SQLite file encrypted with SQLCipher
(``sqlite+pysqlcipher``, driver ``sqlcipher3``): the raw key is set by the
dialect before any other statement of each connection, temporary tables and
indices stay in memory (``temp_store=MEMORY``), and the WAL file is encrypted
too.  The console's offline cache is opened this way
(:mod:`app.services.sync.cache_crypto`); a wrong key fails at the first pragma.

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
from sqlalchemy import Engine, URL, create_engine, event, make_url
from sqlalchemy.pool import QueuePool
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


def _on_sqlcipher_connect(dbapi_conn, _record) -> None:
    # The dialect has already run "PRAGMA key" on this connection (its on_connect comes first).
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level=NONE")  # a wrong key is reported by the exception, not on stderr
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()
    _on_sqlite_connect(dbapi_conn, _record)


def sqlcipher_url(url: str, key: bytes) -> URL:
    """The ``sqlite+pysqlcipher`` URL of the SQLite file ``url`` with the raw 256-bit ``key``."""
    plain = make_url(url)
    if plain.get_backend_name() != "sqlite" or not plain.database or plain.database == ":memory:":
        raise ValueError("only an SQLite file can be encrypted")
    if len(key) != 32:
        raise ValueError("the cache key must be 32 bytes")
    # x'<hex>' is SQLCipher's raw key syntax: no passphrase derivation, the key is used as is.
    return URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=plain.database)


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` → ``postgresql+psycopg://`` (psycopg 3); others unchanged."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, key: bytes | None = None, **kwargs) -> Engine:
    """Create an engine; SQLite connections get the pragmas the program relies on.

    With ``key``, ``url`` must name an SQLite file, opened encrypted (SQLCipher).
    """
    # Statement parameters are patient data: never in an exception message nor an echo line.
    kwargs.setdefault("hide_parameters", True)
    if key is not None:
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        kwargs.setdefault("poolclass", QueuePool)  # as pysqlite files; the dialect's default is per thread
        engine = create_engine(sqlcipher_url(url, key), **kwargs)
        event.listen(engine, "connect", _on_sqlcipher_connect)
        return engine
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        # Sessions in UTC: times come back with datetime.timezone.utc, which UTCDateTime passes on
        # for a tenth of the cost of converting a zoneinfo time (issue 12, item 9: the stats read thousands).
        kwargs.setdefault("connect_args", {"options": "-c TimeZone=UTC"})
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


def open_database(url: str, *, migrate: bool = True, key: bytes | None = None,
                  **kwargs) -> tuple[Engine, sessionmaker[Session]]:
    """Open (and by default migrate) the database at ``url``; ``key`` for an encrypted SQLite file."""
    engine = make_engine(url, key=key, **kwargs)
    if migrate:
        upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    log.info("database ready: %s", engine.url.render_as_string(hide_password=True))
    return engine, factory
