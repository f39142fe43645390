"""Migration 0004 (appointments, users' regulator ids) on a real SQLite file and on PostgreSQL, with data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app.models.db import alembic_config, make_engine, open_database, upgrade
from tests.helpers.databases import BACKENDS, database_url

T = datetime(2025, 6, 17, 8, 15, tzinfo=timezone.utc)


def _version(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0004_upgrades_a_populated_0003_database_and_goes_back(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0003")
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO users (username, display_name, role, password_hash, active, created_at, "
                                  "failed_logins) VALUES ('osnp', 'OSNP', 'OSNP', 'x', :t, :c, 0)"),
                             {"t": True, "c": T})
                conn.execute(text("INSERT INTO cases (uuid, case_id, owner, creation, origin, priority, status, "
                                  "created_by, updated_at, version, accompanied, surge) VALUES ('c-1', 'fr.health.samu670.DRFR1', "
                                  "'fr.health.samu670', :c, '15', 'P2', 'ACTIF', 'arm', :c, 1, :f, :f)"),
                             {"c": T, "f": False})
            upgrade(engine, "0004")
            assert _version(engine) == "0004"
            assert "regulator_id" in {c["name"] for c in inspect(engine).get_columns("users")}
            with engine.begin() as conn:
                assert conn.execute(text("SELECT regulator_id FROM users")).scalar_one() is None
                conn.execute(text("INSERT INTO appointments (uuid, appointment_id, case_uuid, regulator_id, booked_at, "
                                  "start, status, message, received_at, updated_at) VALUES ('a-1', 'rdv-1', 'c-1', "
                                  "'3620100057/70326SR', :t, :t, 'booked', '{}', :t, :t)"), {"t": T})
            with engine.begin() as conn, pytest.raises(Exception):  # appointmentId is unique
                conn.execute(text("INSERT INTO appointments (uuid, appointment_id, regulator_id, booked_at, start, "
                                  "status, message, received_at, updated_at) VALUES ('a-2', 'rdv-1', 'r', :t, :t, "
                                  "'booked', '{}', :t, :t)"), {"t": T})
            command.downgrade(alembic_config(engine), "0003")
            assert "appointments" not in inspect(engine).get_table_names()
            assert "regulator_id" not in {c["name"] for c in inspect(engine).get_columns("users")}
            upgrade(engine, "head")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_new_database_has_the_appointments(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine, _sessions = open_database(url)
        try:
            assert _version(engine) >= "0004" and "appointments" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
