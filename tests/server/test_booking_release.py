"""A booking ends the booker's « prise en charge », in the same transaction, as a journalled ``release``.

The OSNP takes a decided case from its « À réserver » worklist and books it: once booked the
case is held by nobody, and the journal every desk pulls carries the ``release`` event after
the booking.  A case held by someone else (the doctor who decided) keeps its holder; a
cancellation changes no hold.  Oracles: the case row and the journal rows, read directly.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.models import Case, JournalEntry


def _take(client, auth, role: str, case_uuid: str, at: datetime | None = None) -> None:
    event = {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, "type": "take_charge",
             "created_at": (at or datetime.now(timezone.utc)).isoformat()}
    response = client.put(f"/api/v1/cases/{case_uuid}/events/{event['uuid']}", json=event, headers=auth(role))
    assert response.status_code == 201, response.text


def _book(client, auth, role: str, slot_id: int, decision: tuple[str, str], **extra):
    case_uuid, orientation_uuid = decision
    return client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth(role),
                       json={"orientation_id": orientation_uuid, "case_id": case_uuid, **extra})


def _holder(sessions, case_uuid: str) -> str | None:
    with sessions() as s:
        return s.get(Case, case_uuid).holder


def _journal(sessions) -> list[tuple[str, str, dict]]:
    """(kind, author, payload) of every journal entry, in the order the desks pull them."""
    with sessions() as s:
        return [(e.kind, e.author, e.payload) for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))]


def _releases(sessions, case_uuid: str) -> list[tuple[str, dict]]:
    return [(author, p) for kind, author, p in _journal(sessions)
            if kind == "case_event" and p["type"] == "release" and p["case_uuid"] == case_uuid]


def test_the_osnp_books_the_case_it_took_and_holds_it_no_more(client, auth, sessions, add_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])
    assert _holder(sessions, decision[0]) == "osnp"

    response = _book(client, auth, "OSNP", add_slot(), decision)

    assert response.status_code == 201, response.text
    assert _holder(sessions, decision[0]) is None
    kinds = [(kind, p.get("type") or p.get("status")) for kind, _a, p in _journal(sessions)]
    booked = kinds.index(("booking", "booked"))
    assert kinds[booked + 1:] == [("orientation", None), ("case_event", "release")]
    [(author, release)] = _releases(sessions, decision[0])
    assert (author, release["orientation_uuid"]) == ("osnp", decision[1])


def test_a_desk_clock_ahead_of_the_server_still_sees_the_release_after_the_hold(client, auth, sessions, add_slot,
                                                                               slot_decision):
    """Every desk applies a release only when it is later than the hold, whose time came from the OSNP's clock."""
    decision = slot_decision()
    ahead = (datetime.now(timezone.utc) + timedelta(minutes=3)).replace(microsecond=0)
    _take(client, auth, "OSNP", decision[0], at=ahead)

    assert _book(client, auth, "OSNP", add_slot(), decision).status_code == 201

    assert _holder(sessions, decision[0]) is None
    [(_author, release)] = _releases(sessions, decision[0])
    assert datetime.fromisoformat(release["created_at"]) >= ahead


@pytest.mark.parametrize("holder, booker", [("MRL", "OSNP"), ("OSNP", "MRL")])
def test_a_case_held_by_someone_else_keeps_its_holder(client, auth, sessions, add_slot, slot_decision,
                                                      holder, booker):
    decision = slot_decision()
    _take(client, auth, holder, decision[0])  # after the decision (which released the doctor's first hold)

    assert _book(client, auth, booker, add_slot(), decision).status_code == 201

    assert _holder(sessions, decision[0]) == holder.lower()
    assert _releases(sessions, decision[0]) == []


def test_a_case_nobody_holds_is_booked_without_a_release(client, auth, sessions, add_slot, slot_decision):
    decision = slot_decision()
    assert _book(client, auth, "OSNP", add_slot(), decision).status_code == 201
    assert _releases(sessions, decision[0]) == []


def test_a_replayed_booking_releases_nothing_more(client, auth, sessions, add_slot, slot_decision):
    decision, slot_id = slot_decision(), add_slot()
    _take(client, auth, "OSNP", decision[0])
    assert _book(client, auth, "OSNP", slot_id, decision).status_code == 201
    _take(client, auth, "OSNP", decision[0])  # opened again at the desk

    assert _book(client, auth, "OSNP", slot_id, decision).status_code == 200

    assert _holder(sessions, decision[0]) == "osnp"
    assert len(_releases(sessions, decision[0])) == 1


def test_a_rebooking_releases_the_hold_taken_again(client, auth, sessions, add_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])
    assert _book(client, auth, "OSNP", add_slot(), decision).status_code == 201
    _take(client, auth, "OSNP", decision[0])

    assert _book(client, auth, "OSNP", add_slot(site="site-2"), decision, rebook=True).status_code == 201

    assert _holder(sessions, decision[0]) is None
    assert len(_releases(sessions, decision[0])) == 2


def test_a_refused_booking_keeps_the_hold(client, auth, sessions, add_slot, slot_decision):
    decision = slot_decision()
    _take(client, auth, "OSNP", decision[0])

    assert _book(client, auth, "OSNP", add_slot(status="booked"), decision).status_code == 409

    assert _holder(sessions, decision[0]) == "osnp"
    assert _releases(sessions, decision[0]) == []


def test_a_cancellation_changes_no_hold(client, auth, sessions, add_slot, slot_decision):
    decision = slot_decision()
    assert _book(client, auth, "OSNP", add_slot(), decision).status_code == 201
    _take(client, auth, "OSNP", decision[0])

    assert client.delete(f"/api/v1/slots/bookings/{decision[0]}", headers=auth("OSNP")).status_code == 200

    assert _holder(sessions, decision[0]) == "osnp"
    assert _releases(sessions, decision[0]) == []
