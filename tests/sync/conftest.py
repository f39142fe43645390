"""Shared set-up of the sync fault, crash and concurrency tests.

``SAS_SOAK=1`` (``make soak``) turns every test of this package into its
long version: more items, more cycles, more faults, PostgreSQL as well.

Every test runs on both console caches (the ``cache_key`` fixture): a plain
SQLite file, and the SQLCipher file the desks use (``open_database(key=)``,
as :func:`app.services.sync.cache_crypto.open_cache` opens it), whose file
is checked to be encrypted.  The encrypted variant may run fewer cycles
(:func:`scaled` with ``encrypted=``) to keep CI quick.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import sessionmaker

from app.models import JournalEntry, Orientation, User
from app.models.db import make_engine, open_database, sqlite_url, upgrade
from app.server.run import EmbeddedServer
from app.services.records import journal
from app.services.security.auth import hash_password
from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.sync.cache_crypto import KEY_BYTES, is_plain_sqlite
from app.services.sync.local_store import LocalStore
from tests.helpers.databases import database_url

SOAK = os.environ.get("SAS_SOAK") == "1"
T0 = datetime(2025, 11, 24, 14, 30, tzinfo=timezone.utc)
PASSWORD = "mrl-demo"
#: CI runs the quick versions on SQLite; the soak adds PostgreSQL.
SOAK_BACKENDS = ["sqlite", "postgresql"] if SOAK else ["sqlite"]
#: The console caches every test runs on.
CACHES = ["plain", "encrypted"]


def scaled(quick: int, soak: int, *, encrypted: int | None = None, key: bytes | None = None) -> int:
    """``soak`` under ``make soak``; else ``quick``, or ``encrypted`` when ``key`` (an encrypted cache) is given."""
    if SOAK:
        return soak
    return encrypted if key is not None and encrypted is not None else quick


@pytest.fixture(params=CACHES)
def cache_key(request) -> bytes | None:
    """None for a plain cache; a fresh 256-bit key for an encrypted (SQLCipher) cache."""
    return secrets.token_bytes(KEY_BYTES) if request.param == "encrypted" else None


@lru_cache(maxsize=None)
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_users(url: str, names: list[str]) -> None:
    engine, sessions = open_database(url)
    with sessions() as session, session.begin():
        for name in names:
            session.add(User(username=name, display_name=f"Dr {name}", role="MRL", password_hash=password_hash()))
    engine.dispose()


def make_case() -> CaseDoc:
    return CaseDoc(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
                   owner="fr.health.samu670", creation=T0, priority="P2", caller_phone="+33612345678")


def make_orientation(case_uuid: str, n: int = 0) -> OrientationDoc:
    return OrientationDoc(uuid=str(uuid.uuid4()), case_uuid=case_uuid, creation=T0 + timedelta(seconds=n),
                          decision_key="CONSEIL", decision_type="CONSEIL", freetext=f"Conseil n° {n}")


def open_store(path, *, durable: bool = True, key: bytes | None = None) -> tuple[LocalStore, object]:
    """A console cache, encrypted with ``key`` if given; ``durable=False`` skips fsync (tests of the server)."""
    engine = make_engine(sqlite_url(path), key=key)
    if not durable:
        event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA synchronous=OFF"))
    upgrade(engine)
    assert is_plain_sqlite(path) is (key is None), f"{path}: expected {'an encrypted' if key else 'a plain'} cache"
    return LocalStore(sessionmaker(engine, expire_on_commit=False)), engine


def cache_intact(engine, key: bytes | None) -> None:
    """The cache file passes SQLite's integrity check and, encrypted, SQLCipher's page authentication."""
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        if key is not None:
            assert conn.execute(text("PRAGMA cipher_integrity_check")).all() == []


@pytest.fixture
def server_db(request, tmp_path) -> Iterator[str]:
    """A fresh server database (``backend`` parameter, SQLite by default) with users mrl, mrl1..mrl20."""
    backend = getattr(request, "param", "sqlite")
    with database_url(backend, tmp_path) as url:
        add_users(url, ["mrl"] + [f"mrl{i}" for i in range(1, 21)])
        yield url


@pytest.fixture
def server(server_db) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(server_db) as srv:
        yield srv


def server_facts(url: str) -> dict:
    """What the server holds: orientation uuids, journal seqs and per-uuid counts, chain check."""
    engine, sessions = open_database(url, migrate=False)
    try:
        with sessions() as s:
            orientations = set(s.scalars(select(Orientation.uuid)))
            seqs = list(s.scalars(select(JournalEntry.seq).order_by(JournalEntry.seq)))
            per_uuid = dict(s.execute(select(JournalEntry.uuid, func.count()).where(
                JournalEntry.kind == journal.KIND_ORIENTATION).group_by(JournalEntry.uuid)).all())
            chain = journal.verify(s)
    finally:
        engine.dispose()
    return {"orientations": orientations, "seqs": seqs, "per_uuid": per_uuid, "chain": chain}
