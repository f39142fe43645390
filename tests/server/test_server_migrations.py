"""Alembic migrations on SQLite and PostgreSQL: from empty, from the previous revision with data, and back."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.models.db import alembic_config, make_engine, upgrade
from app.models.db import open_database
from app.services.records import journal
from tests.helpers.databases import BACKENDS, database_url

pytestmark = pytest.mark.parametrize("backend", BACKENDS)


def _head(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def _current(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_upgrade_from_empty_to_head(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine, _sessions = open_database(url)
        try:
            assert _current(engine) == _head(engine) == "0012"
            tables = set(inspect(engine).get_table_names())
            assert {"journal", "audit_events", "users", "orientations", "outbox", "case_events", "addresses", "calls",
                    "call_events", "call_outbox"} <= tables
            assert "ix_addresses_lookup" in {i["name"] for i in inspect(engine).get_indexes("addresses")}
            assert "ix_cases_waiting" in {i["name"] for i in inspect(engine).get_indexes("cases")}
            columns = {c["name"] for c in inspect(engine).get_columns("journal")}
            assert {"prev_hash", "entry_hash"} <= columns
        finally:
            engine.dispose()


def test_upgrade_from_previous_revision_keeps_and_chains_the_data(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0002")
            created = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (username, display_name, role, password_hash, active, created_at) "
                    "VALUES ('mrl', 'Dr MRL', 'MRL', 'x', :t, :c)"), {"t": True, "c": created})
                for seq in (1, 2, 3):
                    conn.execute(text(
                        "INSERT INTO journal (seq, uuid, kind, author, author_role, created_at, payload) "
                        "VALUES (:seq, :uuid, 'case', 'arm', 'ARM', :c, :p)"),
                        {"seq": seq, "uuid": f"u-{seq}", "c": created, "p": f'{{"n": {seq}, "texte": "é"}}'})
            upgrade(engine, "head")
            assert _current(engine) == _head(engine)
            with engine.connect() as conn:
                assert conn.execute(text("SELECT failed_logins FROM users")).scalar_one() == 0
                hashes = conn.execute(text("SELECT prev_hash, entry_hash FROM journal ORDER BY seq")).all()
            assert hashes[0][0] == "0" * 64 and hashes[1][0] == hashes[0][1] and hashes[2][0] == hashes[1][1]
            _engine, sessions = open_database(url)
            with sessions() as session:
                report = journal.verify(session)
            _engine.dispose()
            assert report.ok and report.checked == 3
        finally:
            engine.dispose()


def test_downgrade_to_previous_revision_and_up_again(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "head")
            from alembic import command

            command.downgrade(alembic_config(engine), "0002")
            assert _current(engine) == "0002"
            assert "audit_events" not in inspect(engine).get_table_names()
            upgrade(engine, "head")
            assert _current(engine) == _head(engine)
        finally:
            engine.dispose()


def test_0005_adds_the_login_throttle_and_revocable_tokens_to_a_populated_0004(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0004")
            created = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (id, username, display_name, role, password_hash, active, created_at, "
                    "failed_logins) VALUES (1, 'mrl', 'Dr MRL', 'MRL', 'x', :t, :c, 0)"), {"t": True, "c": created})
                conn.execute(text("INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) "
                                  "VALUES (:h, 1, :c, :c)"), {"h": "a" * 64, "c": created})
            upgrade(engine, "0005")
            assert _current(engine) == "0005"
            assert {"revoked_at", "desk_id"} <= {c["name"] for c in inspect(engine).get_columns("auth_tokens")}
            with engine.begin() as conn:
                assert conn.execute(text("SELECT revoked_at, desk_id FROM auth_tokens")).one() == (None, None)
                conn.execute(text("INSERT INTO login_throttle (kind, key, failures, window_start) "
                                  "VALUES ('address', '127.0.0.1', 1, :c)"), {"c": created})
            with engine.begin() as conn, pytest.raises(Exception):  # one counter per (kind, key)
                conn.execute(text("INSERT INTO login_throttle (kind, key, failures, window_start) "
                                  "VALUES ('address', '127.0.0.1', 2, :c)"), {"c": created})
            from alembic import command

            command.downgrade(alembic_config(engine), "0004")
            assert "login_throttle" not in inspect(engine).get_table_names()
            assert "revoked_at" not in {c["name"] for c in inspect(engine).get_columns("auth_tokens")}
            upgrade(engine, "head")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM auth_tokens")).scalar_one() == 1
        finally:
            engine.dispose()
