"""Status back from the agenda editors: a room booking's fate reaches its case, once, whichever way it comes.

The room booked a slot at the editor « Maiia » the way the booking at the editor records it
(an ``appointments`` row keyed by the UUID the room sent as identifier under the SAS OID,
``editor``, the case and its booked orientation, status ``booked``).  Then the editor pushes
``fulfilled`` / ``noshow`` / ``cancelled`` over FHIR, and the national platform relays the same
appointment as RS-SAS-RDV through the Hub.  Oracles: the server's journal, the worklists and the
supervisor's statistics over HTTP, and the case's timeline.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_mod
from datetime import datetime, timedelta, timezone

import pytest

from app.models import Appointment
from app.server.app import create_app
from app.services.agendas.registry import EditorConfig, Registry
from app.services.interop.fhir import codes
from app.services.supervision.timeline import case_timeline
from tests.hub_appointments.conftest import appointment, error_code, hub_time, sample
from tests.server.editor_fixtures import appointment_resource

TOKENS = {"Maiia": "jeton-maiia-0123456789", "Doctolib": "jeton-doctolib-9876543210"}
REGISTRY = Registry(editors=tuple(
    EditorConfig(name=name, base_url=f"http://127.0.0.1:9/{name}/", serves=frozenset({"ps"}), booking=True,
                 push_token_sha256=hashlib.sha256(token.encode()).hexdigest()) for name, token in TOKENS.items()))
PRACTITIONER = "810100050075"
START = datetime(2024, 1, 18, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(db_url):
    app = create_app(db_url, editors=REGISTRY)
    yield app
    app.state.sas.engine.dispose()


@pytest.fixture
def room_booking(client, auth, add_slot, slot_decision, sessions):
    """``room_booking()`` → (case uuid, orientation uuid, appointment id): a slot booked at Maiia by the room."""

    def make() -> tuple[str, str, str]:
        slot_id = add_slot(start=START)
        case_uuid, orientation_uuid = slot_decision()
        booked = client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth("OSNP"),
                             json={"orientation_id": orientation_uuid, "case_id": case_uuid})
        assert booked.status_code == 201, booked.json()
        appointment_id = str(uuid_mod.uuid4())
        with sessions() as s:
            s.add(Appointment(appointment_id=appointment_id, editor="Maiia", case_uuid=case_uuid,
                              orientation_uuid=orientation_uuid, status="booked", practitioner_id=PRACTITIONER,
                              effecteur_name="Dr site-1", regulator_id="", booked_at=datetime.now(timezone.utc),
                              start=START, end=START + timedelta(minutes=20)))
            s.commit()
        return case_uuid, orientation_uuid, appointment_id

    return make


def push(client, appointment_id: str, status: str, editor: str = "Maiia", **fields):
    """The editor's conditional update of the room's appointment (identifier = the room's UUID)."""
    resource = appointment_resource(identifier=(codes.OID_SAS, appointment_id), status=status,
                                    start=START.isoformat(), end=(START + timedelta(minutes=20)).isoformat(), **fields)
    return client.put("/fhir/Appointment", params={"identifier": f"{codes.OID_SAS}|{appointment_id}"},
                      content=json.dumps(resource),
                      headers={"Authorization": f"Bearer {TOKENS[editor]}", "Content-Type": "application/fhir+json"})


def journal(client, auth) -> list[dict]:
    body = client.get("/api/v1/journal", params={"after": 0, "limit": 500}, headers=auth("SUPERVISEUR")).json()
    return [e for e in body["entries"] if e["kind"] == "appointment"]


def worklist(client, auth, which: str) -> list[dict]:
    return client.get("/api/v1/appointments", params={"worklist": which}, headers=auth("OSNP")).json()["appointments"]


def stats(client, auth) -> dict:
    return client.get("/api/v1/stats", headers=auth("SUPERVISEUR"),
                      params={"start": "2024-01-18T00:00:00+01:00", "end": "2024-01-19T00:00:00+01:00"}).json()


@pytest.mark.parametrize("status, label, called_back", [
    ("fulfilled", "honoré", False), ("noshow", "patient non présenté", True), ("cancelled", "annulé", True)])
def test_the_editors_status_reaches_the_case_and_the_follow_up_list(client, auth, sessions, room_booking,
                                                                     status, label, called_back):
    case_uuid, orientation_uuid, appointment_id = room_booking()
    response = push(client, appointment_id, status)
    assert response.status_code == 200, response.json()
    [entry] = journal(client, auth)
    assert entry["payload"]["status"] == status and entry["payload"]["case_uuid"] == case_uuid
    assert entry["author"] == "editeur:Maiia" and entry["payload"]["editor"] == "Maiia"
    follow_up = worklist(client, auth, "followup")
    assert [(a["appointment_id"], a["case"]["uuid"]) for a in follow_up] == \
        ([(appointment_id, case_uuid)] if called_back else [])
    assert worklist(client, auth, "unattached") == []
    with sessions() as s:
        assert [i.text for i in case_timeline(s, case_uuid) if i.text.startswith("Suivi du RDV")] == \
            [f"Suivi du RDV : {label}"]
        [row] = s.query(Appointment).all()
        assert row.orientation_uuid == orientation_uuid
    figures = stats(client, auth)
    assert figures["no_show_rate"] == (1.0 if status == "noshow" else 0.0)
    assert figures["cancellation_rate"] == (1.0 if status == "cancelled" else 0.0)


def test_the_same_appointment_from_the_editor_and_the_hub_is_counted_once(client, auth, room_booking, post):
    case_uuid, _o, appointment_id = room_booking()
    other_case, _o2, other_id = room_booking()
    assert push(client, other_id, "fulfilled").status_code == 200  # a second booking, honoured
    assert push(client, appointment_id, "noshow").status_code == 200
    times = {"start": hub_time(START), "end": hub_time(START + timedelta(minutes=20))}
    creation = appointment("PS.01", appointmentId=appointment_id, **times)  # the platform's RS-SAS-RDV, booked
    assert post(creation).status_code == 200  # late: acknowledged, and it does not undo the no-show
    relayed = {**sample("PS.01-MAJ"), "appointmentId": appointment_id, "status": "noshow", **times}
    relayed["practitioner"]["rppsId"] = PRACTITIONER
    assert post(relayed).status_code == 200  # then its update: the same no-show
    assert post(relayed).status_code == 200  # redelivered by the broker
    assert error_code(post(creation)) == 701  # a second creation from the Hub is still refused
    assert push(client, appointment_id, "noshow").status_code == 200  # and the editor's replay
    entries = [e for e in journal(client, auth) if e["payload"]["appointment_id"] == appointment_id]
    assert [(e["payload"]["action"], e["payload"]["status"]) for e in entries] == [("updated", "noshow")]
    assert [a["appointment_id"] for a in worklist(client, auth, "followup")] == [appointment_id]
    figures = stats(client, auth)
    assert figures["no_show_rate"] == 0.5  # one of the two bookings, counted once
    assert {a["case"]["uuid"] for a in worklist(client, auth, "followup")} == {case_uuid} != {other_case}


def test_the_hub_first_then_the_editor_changes_nothing_twice(client, auth, room_booking, post):
    _case, _o, appointment_id = room_booking()
    relayed = {**sample("PS.01-MAJ"), "appointmentId": appointment_id,  # cancelled, the same doctor and time
               "start": hub_time(START), "end": hub_time(START + timedelta(minutes=20))}
    relayed["practitioner"]["rppsId"] = PRACTITIONER
    assert post(relayed).status_code == 200
    entries = journal(client, auth)
    assert [e["payload"]["status"] for e in entries] == ["cancelled"]
    assert push(client, appointment_id, "cancelled").status_code == 200
    assert push(client, appointment_id, "booked").status_code == 422  # cancelled stays cancelled
    assert journal(client, auth) == entries
    assert len(worklist(client, auth, "followup")) == 1


def test_a_replayed_update_changes_nothing(client, auth, room_booking, sessions):
    _case, _o, appointment_id = room_booking()
    assert push(client, appointment_id, "cancelled").status_code == 200
    with sessions() as s:
        since = s.query(Appointment).one().follow_up_since
    entries = journal(client, auth)
    for _ in range(2):
        assert push(client, appointment_id, "cancelled").status_code == 200
    assert journal(client, auth) == entries
    with sessions() as s:
        assert s.query(Appointment).one().follow_up_since == since


def test_another_editor_may_not_update_the_rooms_booking(client, auth, room_booking):
    _case, _o, appointment_id = room_booking()
    refused = push(client, appointment_id, "cancelled", editor="Doctolib")
    assert refused.status_code == 422
    assert refused.json()["issue"][0]["diagnostics"].startswith("Appointment.identifier")
    assert journal(client, auth) == [] and worklist(client, auth, "followup") == []


def test_an_appointment_unknown_to_the_room_is_matched_like_an_rs_sas_rdv(client, auth, new_case, search_event):
    resource = appointment_resource()  # booked 2022-09-04 10:00 +01:00 with Dr 810100050075
    case_uuid = new_case()
    search_event(case_uuid, datetime(2022, 9, 4, 9, 40, tzinfo=timezone(timedelta(hours=1))), [PRACTITIONER])
    created = client.post("/fhir/Appointment", content=json.dumps(resource),
                          headers={"Authorization": f"Bearer {TOKENS['Maiia']}"})
    assert created.status_code == 201
    assert [a["action"] for a in (e["payload"] for e in journal(client, auth))] == ["received", "attached"]
    ident = resource["identifier"][0]
    cancelled = client.put("/fhir/Appointment", params={"identifier": f"{ident['system']}|{ident['value']}"},
                           content=json.dumps({**resource, "status": "cancelled"}),
                           headers={"Authorization": f"Bearer {TOKENS['Maiia']}"})
    assert cancelled.status_code == 200
    [called] = worklist(client, auth, "followup")
    assert called["case"]["uuid"] == case_uuid and called["status"] == "cancelled"
