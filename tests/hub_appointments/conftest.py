"""Fixtures of the appointment tests: the server fixtures of ``tests/server`` and RS-SAS-RDV helpers.

Appointments arrive as the Hub delivers them: an EDXL-DE envelope from the SAS
platform (``fr.health.ptfsas``) to our CRRA, posted to ``POST /api/v1/hub/messages``.
"""

from __future__ import annotations

import copy
import uuid as uuid_mod
from datetime import datetime, timedelta

import pytest

from app.models import User
from app.services.interop.hub import envelope, schemas
from tests.interop.conftest import EXAMPLES, load, samples  # noqa: F401 (samples is re-exported)
from tests.server.conftest import (  # noqa: F401 (fixtures)
    add_slot, app, auth, case_body, client, db_url, orientation_body, password, password_hash, sessions, slot_decision,
    token_for, users,
)

PLATFORM, US = "fr.health.ptfsas", "fr.health.samu670"
#: The regulator of every official sample.
REGULATOR = "3620100057/70326SR"


def sample(name: str) -> dict:
    """The ``appointment`` object of an official sample (``PS.01``, ``PS.01-MAJ``…)."""
    path = EXAMPLES / "RS-SAS-RDV" / f"RS-SAS-RDV_appointment_{name}.json"
    return copy.deepcopy(load(path)["appointment"])


def wrap(payload: dict) -> dict:
    return envelope.build_envelope(PLATFORM, US, "appointment", payload)


def error_code(response) -> int:
    assert schemas.validate_envelope(response.json()) == []
    return envelope.read_envelope(response.json()).payload["errorCode"]["statusCode"]


def appointment(name: str = "PS.01", **overrides) -> dict:
    """A sample with a fresh ``appointmentId`` (or the given fields)."""
    payload = sample(name)
    payload["appointmentId"] = str(uuid_mod.uuid4())
    payload.update(overrides)
    return payload


def hub_time(value: datetime) -> str:
    return envelope.hub_time(value)


@pytest.fixture
def post(client, auth):
    """``post(payload)`` → the response to the envelope carrying that appointment (as the Hub connector)."""
    return lambda payload, role="HUB": client.post("/api/v1/hub/messages", json=wrap(payload), headers=auth(role))


@pytest.fixture
def link_regulator(sessions, users):
    """``link_regulator("OSNP", id)`` gives that test user a SAS platform regulator id."""

    def link(role: str, regulator_id: str = REGULATOR) -> None:
        with sessions() as s:
            s.get(User, users[role].id).regulator_id = regulator_id
            s.commit()

    return link


@pytest.fixture
def search_event(client, auth):
    """``search_event(case_uuid, at, effecteur_ids, role)``: the console's record of a slot search."""

    def make(case_uuid: str, at: datetime, effecteur_ids: list[str], role: str = "OSNP") -> dict:
        uid = str(uuid_mod.uuid4())
        body = {"uuid": uid, "case_uuid": case_uuid, "created_at": at.isoformat(), "type": "search",
                "search": {"criteria": {"radius_km": 10}, "result_count": len(effecteur_ids),
                           "effecteur_ids": effecteur_ids}}
        response = client.put(f"/api/v1/cases/{case_uuid}/events/{uid}", json=body, headers=auth(role))
        assert response.status_code == 201, response.json()
        return body

    return make


@pytest.fixture
def new_case(client, auth, case_body):
    """``new_case(**fields)`` → the uuid of a case created through ``PUT /cases``."""

    def make(**fields) -> str:
        body = case_body(**fields)
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201
        return body["uuid"]

    return make


def before(payload: dict, minutes: int) -> datetime:
    """``minutes`` before the appointment was booked on the platform."""
    return envelope.parse_hub_time(payload["created"]) - timedelta(minutes=minutes)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item):
    """Delete the widgets pytest-qt closed before the next test (as ``tests/ui/conftest.py`` does)."""
    yield
    if "qtbot" in getattr(item, "fixturenames", ()):
        from app.ui.qt import QApplication, QEvent

        if QApplication.instance() is not None:
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
