"""Fixtures of the booking-at-the-editor tests: a server app over a registry of real (fake) editors.

The editors are :mod:`tests.fhir.fake_editor` — a real HTTP server in a thread — under
four names: ``Agenda`` and ``Agenda2`` take bookings, ``Lent`` takes them too but has a
1 s time limit, ``Tel`` only shows slots.  ``Absent`` takes bookings at an address where
nothing listens.  The server-side fixtures (users, tokens, a case and its slot
decision) are those of :mod:`tests.server.conftest`.
"""

from __future__ import annotations

import socket
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from app.models import ConsultationSite, Effecteur, Slot
from app.server.app import create_app
from app.services.agendas import registry as agenda_registry
from tests.fhir.conftest import editor_server  # noqa: F401  (module-scoped fake editor server)
from tests.fhir.fake_editor import FakeEditors
from tests.server.conftest import (  # noqa: F401  (fixtures)
    auth, case_body, db_url, orientation_body, password, password_hash, slot_decision, token_for, users)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

RPPS = "10101010101"
PHONE = "+33388112233"
DOCTOR = "Dr Martin"
LAT, LON = 48.5834, 7.7455
BOOKING_EDITORS = ("Agenda", "Agenda2", "Lent")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake(editor_server: FakeEditors) -> FakeEditors:  # noqa: F811
    editor_server.editors.clear()
    for name in (*BOOKING_EDITORS, "Tel"):
        editor_server.editor(name)
    return editor_server


@pytest.fixture
def registry(fake: FakeEditors) -> agenda_registry.Registry:
    tables = [{"name": n, "base_url": fake.url(n), "booking": True, "time_limit_s": 1 if n == "Lent" else 3}
              for n in BOOKING_EDITORS]
    tables.append({"name": "Tel", "base_url": fake.url("Tel"), "booking": False})
    tables.append({"name": "Absent", "base_url": f"http://127.0.0.1:{_closed_port()}/fhir", "booking": True,
                   "time_limit_s": 2})
    return agenda_registry.parse({"editor": tables})


@pytest.fixture
def app(db_url, registry):  # noqa: F811
    app = create_app(db_url, editors=registry)
    # No periodic pull here: these slots are written by the tests, not offered by the fake editors, so a
    # complete pull (2 s after start by default) would delete them in the middle of a slow test.
    app.state.agendas_first_delay_s = 3600.0
    yield app
    app.state.sas.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def sessions(app):
    return app.state.sas.sessions


@pytest.fixture
def editor_slot(sessions) -> Callable[..., int]:
    """``editor_slot("Agenda", "slot-a")``: a free slot of Dr Martin from that editor; its id."""
    counter = iter(range(1, 1000))

    def make(editor: str, external_id: str | None, *, hours: float = 2) -> int:
        start = (datetime.now(timezone.utc) + timedelta(hours=hours)).replace(microsecond=0)
        start += timedelta(minutes=next(counter))
        with sessions() as s:
            if s.get(Effecteur, "eff-martin") is None:
                s.add(Effecteur(id="eff-martin", kind="MG", name=DOCTOR, rpps_id=RPPS, phone=PHONE,
                                sas_participant=True, accepts_extra=False))
                s.add(ConsultationSite(id="site-martin", effecteur_id="eff-martin", name="Cabinet Martin",
                                       address="1 place Kléber", city_name="Strasbourg", city_insee_code="67482",
                                       lat=LAT, lon=LON))
                s.flush()
            slot = Slot(site_id="site-martin", effecteur_id="eff-martin", start=start,
                        end=start + timedelta(minutes=20), mode="AMB", slot_type="SNP", status="free", source=editor,
                        external_id=external_id, fetched_at=datetime.now(timezone.utc))
            s.add(slot)
            s.commit()
            return slot.id

    return make
