"""Booking a slot at its agenda editor (issue 14, item 3), against a real HTTP fake editor.

The oracles are independent of the server: the editor's own list of appointments
(what a doctor's agenda would show), the database rows and the shared journal.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.models import Appointment, JournalEntry, Orientation, Slot
from app.services.interop.fhir import codes
from tests.booking_editor.conftest import DOCTOR, LAT, LON, PHONE, RPPS
from tests.helpers.databases import BACKENDS

SEARCH = "/api/v1/slots/search"


def _book(client, auth, slot_id, decision, role="OSNP", **extra):
    case_uuid, orientation = decision
    return client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth(role),
                       json={"orientation_id": orientation, "case_id": case_uuid, **extra})


def _found(client, auth) -> list[int]:
    body = client.get(SEARCH, params={"lat": LAT, "lon": LON, "radius_km": 5}, headers=auth("OSNP")).json()
    return [r["slot_id"] for r in body["results"]]


def _bookings(sessions) -> list[dict]:
    with sessions() as s:
        return [e.payload for e in s.scalars(select(JournalEntry).where(JournalEntry.kind == "booking")
                                             .order_by(JournalEntry.seq))]


def _slot(sessions, slot_id) -> Slot | None:
    with sessions() as s:
        return s.get(Slot, slot_id)


def _orientation_slot(sessions, orientation_uuid) -> int | None:
    with sessions() as s:
        return s.get(Orientation, orientation_uuid).slot_id


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_booking_creates_the_appointment_at_the_editor_then_records_it(client, auth, fake, sessions, users,
                                                                       editor_slot, slot_decision):
    with sessions() as s:  # the OSNP's platform id is an IDNPS: it is the appointment's operator
        s.get(type(users["OSNP"]), users["OSNP"].id).regulator_id = "810100000042"
        s.commit()
    slot_id = editor_slot("Agenda", "slot-a")
    decision = slot_decision()
    assert slot_id in _found(client, auth)

    response = _book(client, auth, slot_id, decision)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["booked_via"], body["editor"]) == ("booked", "editor", "Agenda")
    assert body["orientation"]["slot_id"] == slot_id
    [appointment] = fake.live("Agenda")
    assert appointment["identifier"] == [{"system": codes.OID_SAS, "value": body["appointment_id"]}]
    assert appointment["slot"] == [{"reference": "Slot/slot-a"}]
    assert appointment["status"] == "booked"
    assert appointment["participant"][0]["actor"]["identifier"]["value"] == "8" + RPPS
    [operator] = appointment["extension"]
    assert operator["url"] == codes.EXT_APPOINTMENT_OPERATOR
    assert operator["valueReference"]["identifier"]["value"] == "810100000042"
    assert operator["valueReference"]["identifier"]["system"] == codes.OID_IDNPS

    slot = _slot(sessions, slot_id)
    assert (slot.status, slot.booked_via, slot.booked_orientation_uuid, slot.held_until) == (
        "booked", "editor", decision[1], None)
    with sessions() as s:
        row = s.scalar(select(Appointment).where(Appointment.appointment_id == body["appointment_id"]))
        assert (row.status, row.editor, row.case_uuid, row.orientation_uuid) == (
            "booked", "Agenda", decision[0], decision[1])
        assert row.editor_location.endswith(f"/Agenda/Appointment/{appointment['id']}/_history/1")
        assert (row.practitioner_id, row.regulator_id) == ("8" + RPPS, "810100000042")
    [entry] = _bookings(sessions)
    assert (entry["slot_id"], entry["status"], entry["booked_via"], entry["editor"]) == (
        slot_id, "booked", "editor", "Agenda")
    assert slot_id not in _found(client, auth)


def test_a_regulator_without_national_id_is_an_intrn_operator(client, auth, fake, editor_slot, slot_decision):
    assert _book(client, auth, editor_slot("Agenda", "slot-a"), slot_decision()).status_code == 201
    identifier = fake.live("Agenda")[0]["extension"][0]["valueReference"]["identifier"]
    assert identifier["system"] == codes.OID_SAS
    assert identifier["type"]["coding"][0]["code"] == "INTRN"


@pytest.mark.parametrize("how", ["taken_elsewhere", "422"])
def test_slot_taken_at_the_editor_refuses_books_nothing_and_leaves_the_search(client, auth, fake, sessions,
                                                                              editor_slot, slot_decision, how):
    slot_id, decision = editor_slot("Agenda", "slot-a"), slot_decision()
    if how == "taken_elsewhere":
        fake.editor("Agenda").taken.add("slot-a")
    else:
        fake.editor("Agenda").appointment_status = 422
    assert slot_id in _found(client, auth)

    response = _book(client, auth, slot_id, decision)

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "slot_taken_at_editor"
    assert body["message"] == (f"Ce créneau vient d'être pris dans l'agenda de {DOCTOR} : la liste est rafraîchie, "
                               f"choisissez-en un autre.")
    assert fake.live("Agenda") == []
    assert _bookings(sessions) == []
    assert _orientation_slot(sessions, decision[1]) is None
    assert _slot(sessions, slot_id) is None
    assert slot_id not in _found(client, auth)


@pytest.mark.parametrize("editor, setup", [
    ("Lent", lambda e: setattr(e, "appointment_delay", 2.5)),   # past its 1 s limit
    ("Agenda", lambda e: setattr(e, "appointment_status", 500)),
    ("Absent", None),                                           # nothing listens there
])
def test_editor_down_or_slow_refuses_and_frees_the_slot(client, auth, fake, sessions, editor_slot, slot_decision,
                                                        editor, setup):
    if setup is not None:
        setup(fake.editor(editor))
    slot_id, decision = editor_slot(editor, "slot-a"), slot_decision()

    response = _book(client, auth, slot_id, decision)

    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "editor_unavailable"
    assert f"« {editor} »" in body["message"] and "rien n'est réservé" in body["message"]
    assert "Jeanne" not in body["message"] and RPPS not in body["message"]
    slot = _slot(sessions, slot_id)
    assert (slot.status, slot.held_until, slot.booked_orientation_uuid) == ("free", None, None)
    assert _bookings(sessions) == []
    assert slot_id in _found(client, auth)
    if editor == "Lent":  # it books the slot late, after we answered « rien n'est réservé »: cancelled there too
        deadline = time.monotonic() + 15
        while not (fake.editor(editor).appointments and fake.live(editor) == []) and time.monotonic() < deadline:
            time.sleep(0.1)
        late = list(fake.editor(editor).appointments.values())
        assert late and all(a["status"] == "cancelled" for a in late), late
        assert [m for m, _ in fake.editor(editor).writes][:2] == ["POST", "PUT"]
    if editor != "Absent":
        fake.editor(editor).appointment_status, fake.editor(editor).appointment_delay = None, 0
        assert _book(client, auth, slot_id, decision).status_code == 201  # free again: bookable
        assert len(fake.live(editor)) == 1


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_two_desks_racing_for_one_slot_get_one_booking_and_one_appointment(client, auth, fake, sessions,
                                                                           editor_slot, slot_decision):
    fake.editor("Agenda").appointment_delay = 0.5  # the first desk is still at the editor when the second asks
    slot_id = editor_slot("Agenda", "slot-a")
    decisions = [slot_decision(), slot_decision()]
    headers = {d[1]: auth("OSNP") for d in decisions}
    barrier, results, lock = threading.Barrier(2), [], threading.Lock()

    def desk(decision):
        barrier.wait()
        response = client.post(f"/api/v1/slots/{slot_id}/booking", headers=headers[decision[1]],
                               json={"orientation_id": decision[1], "case_id": decision[0]})
        with lock:
            results.append((decision[1], response.status_code, response.json(), time.monotonic()))

    threads = [threading.Thread(target=desk, args=(d,)) for d in decisions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(r[1] for r in results) == [201, 409]
    [(_, _, loser, lost_at)] = [r for r in results if r[1] == 409]
    [(winner, _, _, won_at)] = [r for r in results if r[1] == 201]
    assert loser["error"] == "slot_taken"
    assert lost_at < won_at  # refused while the winner's hold waited for the editor
    assert len([w for w in fake.editor("Agenda").writes if w[0] == "POST"]) == 1
    assert len(fake.live("Agenda")) == 1
    assert _slot(sessions, slot_id).booked_orientation_uuid == winner
    assert [e["orientation_id"] for e in _bookings(sessions)] == [winner]


def test_cancel_sets_the_editor_appointment_cancelled(client, auth, fake, sessions, editor_slot, slot_decision):
    slot_id, decision = editor_slot("Agenda", "slot-a"), slot_decision()
    booked = _book(client, auth, slot_id, decision).json()

    response = client.delete(f"/api/v1/slots/bookings/{decision[0]}", headers=auth("OSNP"))

    assert response.status_code == 200, response.text
    assert (response.json()["editor"], response.json()["appointment_id"]) == ("Agenda", booked["appointment_id"])
    [appointment] = fake.editor("Agenda").appointments.values()
    assert appointment["status"] == "cancelled"
    assert appointment["identifier"][0]["value"] == booked["appointment_id"]
    with sessions() as s:
        assert s.scalar(select(Appointment.status)) == "cancelled"
    assert (_slot(sessions, slot_id).status, _slot(sessions, slot_id).booked_via) == ("free", None)
    assert slot_id in _found(client, auth)


def test_cancel_with_the_editor_unreachable_is_refused_and_keeps_the_booking(client, auth, fake, sessions,
                                                                             editor_slot, slot_decision):
    slot_id, decision = editor_slot("Agenda", "slot-a"), slot_decision()
    assert _book(client, auth, slot_id, decision).status_code == 201
    fake.editor("Agenda").appointment_status = 503

    response = client.delete(f"/api/v1/slots/bookings/{decision[0]}", headers=auth("OSNP"))

    assert response.status_code == 502
    assert response.json()["error"] == "editor_unavailable"
    assert "n'est pas annulé" in response.json()["message"]
    assert len(fake.live("Agenda")) == 1
    assert _slot(sessions, slot_id).status == "booked"
    assert _orientation_slot(sessions, decision[1]) == slot_id


def test_rebook_creates_the_new_appointment_and_cancels_the_old(client, auth, fake, sessions, editor_slot,
                                                                slot_decision):
    first, second = editor_slot("Agenda", "slot-a"), editor_slot("Agenda2", "slot-b")
    decision = slot_decision()
    old = _book(client, auth, first, decision).json()

    response = _book(client, auth, second, decision, rebook=True)

    assert response.status_code == 201, response.text
    new = response.json()
    [cancelled] = fake.editor("Agenda").appointments.values()
    assert (cancelled["identifier"][0]["value"], cancelled["status"]) == (old["appointment_id"], "cancelled")
    [live] = fake.live("Agenda2")
    assert (live["identifier"][0]["value"], live["slot"]) == (new["appointment_id"], [{"reference": "Slot/slot-b"}])
    assert (_slot(sessions, first).status, _slot(sessions, second).status) == ("free", "booked")
    with sessions() as s:
        rows = {a.appointment_id: a.status for a in s.scalars(select(Appointment))}
    assert rows == {old["appointment_id"]: "cancelled", new["appointment_id"]: "booked"}
    assert [(e["slot_id"], e["status"]) for e in _bookings(sessions)] == [
        (first, "booked"), (first, "cancelled"), (second, "booked")]


def test_rebook_from_an_editor_to_a_phone_slot_cancels_at_the_editor(client, auth, fake, sessions, editor_slot,
                                                                     slot_decision):
    first, second = editor_slot("Agenda", "slot-a"), editor_slot("Tel", "slot-t")
    decision = slot_decision()
    assert _book(client, auth, first, decision).status_code == 201

    response = _book(client, auth, second, decision, rebook=True, confirmed_by_phone=True)

    assert response.status_code == 201, response.text
    assert response.json()["booked_via"] == "phone"
    assert fake.live("Agenda") == [] and fake.editor("Tel").writes == []
    assert (_slot(sessions, first).status, _slot(sessions, second).booked_via) == ("free", "phone")


def test_rebook_undoes_the_new_appointment_when_the_old_editor_cannot_cancel(client, auth, fake, sessions,
                                                                             editor_slot, slot_decision):
    first, second = editor_slot("Agenda", "slot-a"), editor_slot("Agenda2", "slot-b")
    decision = slot_decision()
    assert _book(client, auth, first, decision).status_code == 201
    fake.editor("Agenda").appointment_status = 500

    response = _book(client, auth, second, decision, rebook=True)

    assert response.status_code == 502
    assert "« Agenda »" in response.json()["message"] and "rien n'est changé" in response.json()["message"]
    assert fake.live("Agenda2") == []  # created, then cancelled again: no appointment we do not record
    assert len(fake.editor("Agenda").appointments) == 1
    assert (_slot(sessions, first).status, _slot(sessions, second).status) == ("booked", "free")
    assert _orientation_slot(sessions, decision[1]) == first


def test_phone_editor_needs_the_confirmation_and_records_it(client, auth, fake, sessions, editor_slot,
                                                           slot_decision):
    slot_id, decision = editor_slot("Tel", "slot-t"), slot_decision()

    refused = _book(client, auth, slot_id, decision)

    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "phone_confirmation_required"
    assert PHONE in body["message"] and DOCTOR in body["message"]
    assert body["current"]["phone"] == PHONE
    assert _slot(sessions, slot_id).status == "free" and _bookings(sessions) == []

    accepted = _book(client, auth, slot_id, decision, confirmed_by_phone=True)

    assert accepted.status_code == 201, accepted.text
    assert (accepted.json()["booked_via"], accepted.json()["editor"]) == ("phone", None)
    assert _slot(sessions, slot_id).booked_via == "phone"
    [entry] = _bookings(sessions)
    assert (entry["booked_via"], entry["note"]) == ("phone", "RDV confirmé par téléphone")
    assert fake.editor("Tel").writes == []


def test_a_booking_editor_slot_cannot_be_confirmed_by_phone(client, auth, fake, sessions, editor_slot,
                                                            slot_decision):
    slot_id = editor_slot("Agenda", "slot-a")
    response = _book(client, auth, slot_id, slot_decision(), confirmed_by_phone=True)
    assert response.status_code == 409
    assert response.json()["error"] == "phone_confirmation_not_allowed"
    assert fake.editor("Agenda").writes == [] and _slot(sessions, slot_id).status == "free"


def test_a_hold_past_its_time_counts_as_free(client, auth, fake, sessions, editor_slot, slot_decision):
    slot_id = editor_slot("Agenda", "slot-a")
    with sessions() as s:  # a server that died while the editor was asked
        slot = s.get(Slot, slot_id)
        slot.status, slot.held_until = "held", datetime.now(timezone.utc) - timedelta(seconds=1)
        s.commit()
    assert _book(client, auth, slot_id, slot_decision()).status_code == 201
    assert len(fake.live("Agenda")) == 1


def test_a_slot_held_now_is_taken_for_another_desk(client, auth, fake, sessions, editor_slot, slot_decision):
    slot_id = editor_slot("Agenda", "slot-a")
    with sessions() as s:
        slot = s.get(Slot, slot_id)
        slot.status, slot.held_until = "held", datetime.now(timezone.utc) + timedelta(seconds=30)
        s.commit()
    response = _book(client, auth, slot_id, slot_decision())
    assert response.status_code == 409 and response.json()["error"] == "slot_taken"
    assert fake.editor("Agenda").writes == []
