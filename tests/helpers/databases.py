"""Test databases: a throw-away PostgreSQL database per use, or a skip when there is no server (a failure in CI).

CI starts PostgreSQL on 127.0.0.1:5432 with trust authentication for the
``postgres`` user (``.ci/services.sh``); :func:`postgres_database` creates a
uniquely named database there, yields its URL and drops it afterwards.
``SAS_TEST_PG_ADMIN_URL`` points elsewhere if needed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import pytest

PG_ADMIN_URL = os.environ.get("SAS_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


@lru_cache(maxsize=1)
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL unreachable at {PG_ADMIN_URL} ({type(exc).__name__}); run .ci/services.sh"


def require_postgres() -> None:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh empty database; yields its SQLAlchemy URL and drops it at the end."""
    require_postgres()
    name = f"sas_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_url(backend: str, tmp_path) -> Iterator[str]:
    """A fresh database of ``backend`` (``sqlite`` file in ``tmp_path`` or ``postgresql``)."""
    if backend == "sqlite":
        from app.models.db import sqlite_url

        yield sqlite_url(tmp_path / f"server-{uuid.uuid4().hex[:6]}.db")
    else:
        with postgres_database() as url:
            yield url
