"""A computer clock and a room of the test's choosing: ``TZ`` set in this process, the room's département set.

``machine_tz`` runs a test once with the computer on UTC and once on Tokyo time
(``TZ`` and :func:`time.tzset`), and checks the change took; ``room`` runs it for
SAMU 67 (Europe/Paris) and SAMU 974 (Indian/Reunion) through
:func:`app.codes.room_time.set_room`, restoring the previous room afterwards.
What the tests expect is written by hand for each room: the same data must read
the same whatever the computer's clock.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from app.codes import room_time

MACHINE_ZONES = {"UTC": timedelta(0), "Asia/Tokyo": timedelta(hours=9)}
ROOMS = ("67", "974")


@pytest.fixture(params=list(MACHINE_ZONES))
def machine_tz(request, monkeypatch):
    """The computer's zone for the test (``UTC`` then ``Asia/Tokyo``)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    probe = datetime(2024, 1, 18, tzinfo=timezone.utc).astimezone()
    assert probe.utcoffset() == MACHINE_ZONES[request.param], os.environ.get("TZ")
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(params=ROOMS)
def room(request):
    """The room's département for the test (``67`` then ``974``)."""
    previous = room_time.set_room(request.param)
    yield request.param
    room_time.set_room(previous)


# --- one case told across the night clocks go forward in Paris (2024-03-31, 01:00 UTC) ----------------------
CASE_UUID = "c0ffee00-0000-4000-8000-000000000001"
SLOT_START = datetime(2024, 3, 31, 15, 30, tzinfo=timezone.utc)
#: When each step happened, in UTC.
PRESENTED = datetime(2024, 3, 31, 0, 30, tzinfo=timezone.utc)     # 01:30 in Paris (+01:00), 04:30 in Saint-Denis
OPENED = datetime(2024, 3, 31, 0, 30, 20, tzinfo=timezone.utc)
HANDED_OVER = datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc)  # 03:30 in Paris (+02:00), 05:30 in Saint-Denis
DECIDED = datetime(2024, 3, 31, 1, 45, tzinfo=timezone.utc)
BOOKED = datetime(2024, 3, 31, 1, 45, 1, tzinfo=timezone.utc)
SURGE = datetime(2024, 3, 31, 2, 0, tzinfo=timezone.utc)


def case_id(dep: str) -> str:
    samu = "670" if dep == "67" else dep
    return f"fr.health.samu{samu}.DRFR15{samu}240910001"


def tell_the_night(session, dep: str) -> None:
    """Write the case, its hand-over, its booked decision and a surge switch, through the models and the journal."""
    from app.models import Case, CaseEvent, Orientation, Patient
    from app.services.records import journal

    journal.begin_write(session)
    ident = case_id(dep)
    session.add(Case(uuid=CASE_UUID, case_id=ident, owner=ident.rsplit(".", 1)[0], reception=PRESENTED,
                     creation=OPENED, answered_at=OPENED, priority="P2", perimeter="SNP",
                     health_motive_label="Fièvre", city_name="Sélestat", created_by="arm1"))
    session.flush()
    session.add(Patient(case_uuid=CASE_UUID, patient_id="p1", first_name="Zoé", last_name="Martin"))
    journal.append(session, uuid=CASE_UUID, kind="case", author="arm1", author_role="ARM", now=OPENED, payload={
        "uuid": CASE_UUID, "case_id": ident, "priority": "P2", "perimeter": "SNP",
        "health_motive_label": "Fièvre", "patients": [{"uuid": "p1", "patient_id": "p1", "first_name": "Zoé",
                                                       "last_name": "Martin"}]})
    handover = {"uuid": "e-hand", "case_uuid": CASE_UUID, "type": "handover", "to_role": "MRL"}
    session.add(CaseEvent(uuid="e-hand", case_uuid=CASE_UUID, type="handover", created_at=HANDED_OVER,
                          author="arm1", author_role="ARM", payload=handover))
    journal.append(session, uuid="e-hand", kind="case_event", author="arm1", author_role="ARM", now=HANDED_OVER,
                   payload=handover)
    session.add(Orientation(uuid="o1", case_uuid=CASE_UUID, creation=DECIDED, decision_key="CONSULTATION_48H",
                            decision_type="ORIENT", slot_id=42, effecteur_name="Dr Anne Weber",
                            appointment_start=SLOT_START, appointment_mode="AMB", author="mrl1", author_role="MRL"))
    journal.append(session, uuid="o1", kind="orientation", author="mrl1", author_role="MRL", now=DECIDED, payload={
        "uuid": "o1", "case_uuid": CASE_UUID, "decision_key": "CONSULTATION_48H", "decision_type": "ORIENT",
        "effecteur_name": "Dr Anne Weber", "appointment_start": SLOT_START.isoformat()})
    journal.append(session, uuid="o1", kind="booking", author="mrl1", author_role="MRL", now=BOOKED, payload={
        "slot_id": 42, "orientation_id": "o1", "case_id": CASE_UUID, "status": "booked",
        "start": SLOT_START.isoformat()})
    journal.append(session, uuid="s1", kind="surge", author="chef", author_role="SUPERVISEUR", now=SURGE,
                   payload={"uuid": "s1", "active": True, "reason": "Épidémie de grippe"})
    session.commit()


@pytest.fixture
def night(tmp_path, room):
    """A session factory over a cache holding :func:`tell_the_night` for the test's room."""
    from app.models.db import open_database, sqlite_url

    engine, factory = open_database(sqlite_url(tmp_path / "night.db"))
    with factory() as session:
        tell_the_night(session, room)
    yield factory
    engine.dispose()
