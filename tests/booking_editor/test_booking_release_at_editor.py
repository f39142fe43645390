"""A booking at an agenda editor, or confirmed by phone, ends the booker's « prise en charge » too.

Against the real HTTP fake editors of :mod:`tests.booking_editor.conftest`: the case row and
the journal are read directly; a refused booking leaves the hold where it was.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from app.models import Case, JournalEntry


def _take(client, auth, role: str, case_uuid: str) -> None:
    event = {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, "type": "take_charge",
             "created_at": datetime.now(timezone.utc).isoformat()}
    assert client.put(f"/api/v1/cases/{case_uuid}/events/{event['uuid']}", json=event,
                      headers=auth(role)).status_code == 201


def _book(client, auth, slot_id, decision, role="OSNP", **extra):
    case_uuid, orientation = decision
    return client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth(role),
                       json={"orientation_id": orientation, "case_id": case_uuid, **extra})


def _holder(sessions, case_uuid: str) -> str | None:
    with sessions() as s:
        return s.get(Case, case_uuid).holder


def _after_booking(sessions) -> list[tuple[str, str | None]]:
    """(kind, event type) of the journal entries from the last booking on."""
    with sessions() as s:
        rows = [(e.kind, e.payload.get("type")) for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))]
    return rows[max(i for i, (kind, _t) in enumerate(rows) if kind == "booking"):]


def test_a_booking_at_the_editor_releases_the_osnp(client, auth, fake, sessions, editor_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])

    response = _book(client, auth, editor_slot("Agenda", "slot-a"), decision)

    assert response.status_code == 201, response.text
    assert response.json()["booked_via"] == "editor" and len(fake.live("Agenda")) == 1
    assert _holder(sessions, decision[0]) is None
    assert _after_booking(sessions) == [("booking", None), ("orientation", None), ("case_event", "release")]


def test_a_booking_confirmed_by_phone_releases_the_osnp(client, auth, fake, sessions, editor_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])

    response = _book(client, auth, editor_slot("Tel", "slot-t"), decision, confirmed_by_phone=True)

    assert response.status_code == 201 and response.json()["booked_via"] == "phone"
    assert _holder(sessions, decision[0]) is None
    assert _after_booking(sessions)[-1] == ("case_event", "release")


def test_a_rebooking_at_the_editor_releases_the_osnp(client, auth, fake, sessions, editor_slot, slot_decision):
    decision = slot_decision()
    assert _book(client, auth, editor_slot("Agenda", "slot-a"), decision).status_code == 201
    _take(client, auth, "OSNP", decision[0])

    assert _book(client, auth, editor_slot("Agenda2", "slot-b"), decision, rebook=True).status_code == 201

    assert _holder(sessions, decision[0]) is None


def test_an_editor_that_refuses_leaves_the_hold(client, auth, fake, sessions, editor_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])
    fake.editor("Agenda").appointment_status = 500

    assert _book(client, auth, editor_slot("Agenda", "slot-a"), decision).status_code == 502

    assert _holder(sessions, decision[0]) == "osnp"


def test_the_doctor_holding_the_case_keeps_it_when_the_osnp_books_at_the_editor(client, auth, fake, sessions,
                                                                                editor_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "MRL", decision[0])

    assert _book(client, auth, editor_slot("Agenda", "slot-a"), decision).status_code == 201

    assert _holder(sessions, decision[0]) == "mrl"
