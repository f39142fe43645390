"""Fixtures for the server tests: a fresh SQLite file per test, users, tokens, a small territory.

Test data is inserted directly with the models (no demo generator), and all
users share one argon2 hash computed once per session, so tests stay fast.
"""

from __future__ import annotations

import uuid as uuid_mod
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from app.models import AuthToken, ConsultationSite, Effecteur, Role, Slot, User
from app.models.db import sqlite_url
from app.server.app import create_app
from app.services.security.auth import hash_password, new_token
from tests.helpers.databases import BACKENDS, database_url

with warnings.catch_warnings():
    # Starlette deprecates httpx inside its TestClient; that is the library's business.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
ROLES = [r.value for r in Role]
#: A point in Strasbourg (place Kléber), the centre of the test territory.
CENTER = (48.5834, 7.7455)


@pytest.fixture(scope="session")
def password() -> str:
    """The password of every test user."""
    return PASSWORD


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def db_url(request, tmp_path) -> Iterator[str]:
    """SQLite by default; ``pytest.mark.parametrize("db_url", BACKENDS, indirect=True)`` adds PostgreSQL
    (skipped with its reason when no PostgreSQL server is reachable)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "server.db")
        return
    with database_url(backend, tmp_path) as url:
        yield url


@pytest.fixture
def app(db_url):
    app = create_app(db_url)
    yield app
    app.state.sas.engine.dispose()  # PostgreSQL: no connection left when the database is dropped


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def sessions(app):
    return app.state.sas.sessions


@pytest.fixture
def users(sessions, password_hash) -> dict[str, User]:
    """One active user per role, username = role in lower case (``arm``, ``osnp``...)."""
    created = {}
    with sessions() as s:
        for role in ROLES:
            user = User(username=role.lower(), display_name=f"Agent {role}", role=role, password_hash=password_hash)
            s.add(user)
            created[role] = user
        s.commit()
    return created


@pytest.fixture
def token_for(sessions, users) -> Callable[..., str]:
    """A valid bearer token for the user of ``role`` (``expires_in`` may be negative)."""

    def make(role: str, expires_in: timedelta = timedelta(hours=1)) -> str:
        token, digest = new_token()
        with sessions() as s:
            s.add(AuthToken(token_hash=digest, user_id=users[role].id,
                            expires_at=datetime.now(timezone.utc) + expires_in))
            s.commit()
        return token

    return make


@pytest.fixture
def auth(token_for) -> Callable[[str], dict[str, str]]:
    """``auth("OSNP")`` → the Authorization header of a fresh OSNP token."""
    return lambda role: {"Authorization": f"Bearer {token_for(role)}"}


@pytest.fixture
def add_slot(sessions) -> Callable[..., int]:
    """Insert a slot at a (possibly new) site; returns the slot id.

    ``add_slot(site="s1", lat=..., lon=..., start=datetime)``; the effecteur and
    site are created on first use of their id.
    """

    def make(*, site: str = "site-1", lat: float = CENTER[0], lon: float = CENTER[1],
             start: datetime | None = None, minutes: int = 20, status: str = "free", mode: str = "AMB") -> int:
        start = start or datetime.now(timezone.utc) + timedelta(hours=1)
        with sessions() as s:
            eff_id = f"eff-{site}"
            if s.get(Effecteur, eff_id) is None:
                s.add(Effecteur(id=eff_id, kind="MG", name=f"Dr {site}", phone="+33388000000",
                                sas_participant=True, accepts_extra=False))
                s.add(ConsultationSite(id=site, effecteur_id=eff_id, name=f"Cabinet {site}",
                                       address="1 rue du Test", city_name="Strasbourg",
                                       city_insee_code="67482", lat=lat, lon=lon))
                s.flush()
            slot = Slot(site_id=site, effecteur_id=eff_id, start=start, end=start + timedelta(minutes=minutes),
                        mode=mode, slot_type="SNP", status=status, source="test")
            s.add(slot)
            s.commit()
            return slot.id

    return make


def _uuid() -> str:
    return str(uuid_mod.uuid4())


@pytest.fixture
def case_body() -> Callable[..., dict]:
    """A valid CaseDoc JSON body; keyword arguments override fields."""
    counter = iter(range(1, 100_000))

    def make(**overrides) -> dict:
        n = next(counter)
        uid = overrides.pop("uuid", _uuid())
        body = {
            "uuid": uid,
            "case_id": f"fr.health.samu670.DRFR15670241{n:08d}",
            "owner": "fr.health.samu670",
            "creation": "2024-01-18T10:15:00+01:00",
            "reception": "2024-01-18T10:14:30+01:00",
            "priority": "P2",
            "perimeter": "SNP",
            "caller_name": "Jeanne Test",
            "caller_phone": "+33612345678",
            "address_complete": "1 place Kléber",
            "city_name": "Strasbourg",
            "city_insee_code": "67482",
            "lat": CENTER[0],
            "lon": CENTER[1],
            "patients": [{"uuid": _uuid(), "patient_id": f"fr.health.samu670.patient.{n}",
                          "last_name": "Test", "first_name": "Jeanne", "birth_date": "1950-02-03", "sex": "F"}],
            "notes": [{"uuid": _uuid(), "creation": "2024-01-18T10:16:00+01:00", "author": "arm",
                       "author_role": "ARM", "freetext": "Fièvre depuis 2 jours"}],
        }
        body.update(overrides)
        return body

    return make


@pytest.fixture
def orientation_body() -> Callable[..., dict]:
    """A valid OrientationDoc JSON body for ``case_uuid``; keyword arguments override fields."""

    def make(case_uuid: str, **overrides) -> dict:
        body = {
            "uuid": overrides.pop("uuid", _uuid()),
            "case_uuid": case_uuid,
            "creation": "2024-01-18T10:30:00+01:00",
            "decision_key": "CONSEIL",
            "decision_type": "CONSEIL",
            "freetext": "Paracétamol, rappeler si aggravation",
        }
        body.update(overrides)
        return body

    return make


@pytest.fixture
def slot_decision(client, auth, case_body, orientation_body) -> Callable[[], tuple[str, str]]:
    """A new case (opened by the ARM) and its MRL decision « consultation sous 48 h »: (case uuid, orientation uuid).

    What a booking carries out: the regulation core refuses a booking without it.
    """

    def make() -> tuple[str, str]:
        case = case_body()
        assert client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM")).status_code == 201
        decision = orientation_body(case["uuid"], decision_key="CONSULTATION_48H", decision_type="ORIENT")
        assert client.put(f"/api/v1/orientations/{decision['uuid']}", json=decision,
                          headers=auth("MRL")).status_code == 201
        return case["uuid"], decision["uuid"]

    return make
