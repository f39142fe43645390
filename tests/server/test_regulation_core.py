"""Issue 12's findings, each through the side door it was found on: the rule holds whatever the path.

Every test here failed on the code before the regulation core (the findings of issue 12):
an ARM closing a doctor's case by a Hub message or a case PUT, an OSNP writing a medical
decision through any ``slot_id``, a booking with invented references, a second booking of a
case, note authors taken from the client, the ADMIN reading patient data in the journal, and
reads of patient data that wrote no audit row.  The expectations are written out here (status
codes, French reasons, who is recorded), not computed by the code under test.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.models import Slot
from app.models.journal import AuditEvent
from app.services.interop.hub import envelope, rs_eda, rs_eda_import
from tests.interop.conftest import base_case

PEER, US = "fr.health.samu440", "fr.health.samu670"
NAME = "Jeanne"  # the test patient's first name (tests/server/conftest.py case_body)


def _case(client, auth, case_body, role="ARM", **fields) -> dict:
    body = case_body(**fields)
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth(role))
    assert response.status_code == 201, response.json()
    return response.json()


def _decide(client, auth, orientation_body, case_uuid, key="CONSULTATION_48H", role="MRL") -> dict:
    body = orientation_body(case_uuid, decision_key=key, decision_type="ORIENT" if key != "CONSEIL" else "CONSEIL")
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth(role))
    assert response.status_code == 201, response.json()
    return response.json()


def _book(client, auth, slot_id, orientation_uuid, case_uuid, role="OSNP", **extra):
    return client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth(role),
                       json={"orientation_id": orientation_uuid, "case_id": case_uuid, **extra})


# --- who may decide and close -------------------------------------------------------------------

def test_the_hub_route_takes_only_the_hub_connector(client, auth):
    payload = rs_eda.case_to_rs_eda(base_case("fr.health.samu440.DRFR15440241000000001"))
    payload["caseId"] = "fr.health.samu440.DRFR15440241000000001"
    sent = envelope.build_envelope(PEER, US, "createCaseHealth", payload)
    for role in ("ARM", "MRU", "MRL", "ADMIN", "OSNP", "SUPERVISEUR"):
        assert client.post("/api/v1/hub/messages", json=sent, headers=auth(role)).status_code == 403, role
    assert client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB")).status_code == 200


def test_hub_content_is_the_sending_samus_never_a_local_users(client, auth):
    case_id = "fr.health.samu440.DRFR15440241000000002"
    payload = rs_eda.case_to_rs_eda(base_case(case_id))
    sent = envelope.build_envelope(PEER, US, "createCaseHealth", payload)
    assert client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB")).status_code == 200
    entries = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
    mine = [e for e in entries if e["uuid"] == rs_eda_import.case_uuid_for(case_id)]
    assert [(e["author"], e["author_role"]) for e in mine] == [(f"hub:{PEER}", "HUB")]


def test_an_arm_cannot_open_a_case_already_closed_by_a_doctor(client, auth, case_body):
    body = case_body(status="CLOTURE", attribution="DRM.MRL.MG", decided_at="2024-01-18T10:40:00+01:00")
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == 403
    assert "médecin régulateur" in response.json()["message"]
    decided = case_body(decided_at="2024-01-18T10:40:00+01:00")
    assert client.put(f"/api/v1/cases/{decided['uuid']}", json=decided, headers=auth("ARM")).status_code == 403
    # The ARM closes what it may close: a case handled without a doctor (DR.*).
    own = case_body(status="CLOTURE", attribution="DR.DREG.DRARM")
    assert client.put(f"/api/v1/cases/{own['uuid']}", json=own, headers=auth("ARM")).status_code == 201
    # The doctor may open it closed.
    doctor = case_body(status="CLOTURE", attribution="DRM.MRL.MG", decided_at="2024-01-18T10:40:00+01:00")
    assert client.put(f"/api/v1/cases/{doctor['uuid']}", json=doctor, headers=auth("MRL")).status_code == 201


@pytest.mark.parametrize("slot_id", [None, 0, 1, 2**31 - 1])
def test_an_osnp_never_writes_a_medical_decision(client, auth, case_body, orientation_body, slot_id):
    case = _case(client, auth, case_body)
    body = orientation_body(case["uuid"], decision_key="CONSULTATION_48H", decision_type="ORIENT", slot_id=slot_id)
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("OSNP"))
    assert response.status_code == (422 if slot_id == 0 else 403)  # slot 0 cannot even exist


def test_an_osnp_cannot_overwrite_the_doctors_decision(client, auth, case_body, orientation_body):
    case = _case(client, auth, case_body)
    decision = _decide(client, auth, orientation_body, case["uuid"])
    corrected = {**decision, "version": 2, "decision_key": "SMUR", "decision_type": "INTER"}
    response = client.put(f"/api/v1/orientations/{decision['uuid']}", json=corrected, headers=auth("OSNP"))
    assert response.status_code == 403
    stored = client.get(f"/api/v1/orientations/{decision['uuid']}", headers=auth("MRL")).json()
    assert (stored["decision_key"], stored["version"]) == ("CONSULTATION_48H", 1)


def test_no_document_sets_a_slot_on_a_decision(client, auth, case_body, orientation_body, add_slot):
    case = _case(client, auth, case_body)
    slot = add_slot()
    body = orientation_body(case["uuid"], decision_key="CONSULTATION_48H", decision_type="ORIENT", slot_id=slot)
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("MRL"))
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "slot_id"


# --- booking --------------------------------------------------------------------------------

def test_a_booking_needs_the_cases_slot_decision(client, auth, case_body, orientation_body, add_slot):
    case = _case(client, auth, case_body)
    slot = add_slot()
    invented = _book(client, auth, slot, str(uuid.uuid4()), str(uuid.uuid4()))
    assert invented.status_code == 422 and invented.json()["fields"][0]["field"] == "orientation_id"
    advice = _decide(client, auth, orientation_body, case["uuid"], key="CONSEIL")
    assert _book(client, auth, slot, advice["uuid"], case["uuid"]).status_code == 422
    other = _case(client, auth, case_body)
    decision = _decide(client, auth, orientation_body, case["uuid"])
    assert _book(client, auth, slot, decision["uuid"], other["uuid"]).status_code == 422  # not that case's
    assert _book(client, auth, 999_999, decision["uuid"], case["uuid"]).status_code == 404
    booked = _book(client, auth, slot, decision["uuid"], case["uuid"])
    assert booked.status_code == 201
    assert booked.json()["orientation"]["slot_id"] == slot and booked.json()["orientation"]["version"] == 2
    assert _book(client, auth, slot, decision["uuid"], case["uuid"]).status_code == 200  # a replay


def test_a_case_has_one_booking_and_rebooking_cancels_the_first(client, auth, case_body, orientation_body,
                                                                  add_slot, sessions):
    case = _case(client, auth, case_body)
    decision = _decide(client, auth, orientation_body, case["uuid"])
    first, second = add_slot(), add_slot(site="site-2")
    assert _book(client, auth, first, decision["uuid"], case["uuid"]).status_code == 201
    again = _book(client, auth, second, decision["uuid"], case["uuid"])
    assert again.status_code == 409 and again.json()["error"] == "already_booked"
    rebooked = _book(client, auth, second, decision["uuid"], case["uuid"], rebook=True)
    assert rebooked.status_code == 201 and rebooked.json()["orientation"]["slot_id"] == second
    with sessions() as s:
        assert {sl.id: sl.status for sl in s.scalars(select(Slot))} == {first: "free", second: "booked"}
    bookings = [e["payload"] for e in client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
                if e["kind"] == "booking"]
    assert [(b["slot_id"], b["status"]) for b in bookings] == [(first, "booked"), (first, "cancelled"),
                                                               (second, "booked")]


def test_cancel_frees_the_slot_and_is_role_checked(client, auth, case_body, orientation_body, add_slot, sessions):
    case = _case(client, auth, case_body)
    decision = _decide(client, auth, orientation_body, case["uuid"])
    slot = add_slot()
    assert _book(client, auth, slot, decision["uuid"], case["uuid"]).status_code == 201
    assert client.delete(f"/api/v1/slots/bookings/{case['uuid']}", headers=auth("ARM")).status_code == 403
    cancelled = client.delete(f"/api/v1/slots/bookings/{case['uuid']}", headers=auth("OSNP"))
    assert cancelled.status_code == 200 and cancelled.json()["orientation"]["slot_id"] is None
    with sessions() as s:
        assert s.get(Slot, slot).status == "free"
    assert client.delete(f"/api/v1/slots/bookings/{case['uuid']}", headers=auth("OSNP")).status_code == 404
    # The freed slot can be booked again, for another case.
    other = _case(client, auth, case_body)
    other_decision = _decide(client, auth, orientation_body, other["uuid"])
    assert _book(client, auth, slot, other_decision["uuid"], other["uuid"]).status_code == 201


# --- authors, readers, audit ------------------------------------------------------------------------

def test_note_authors_come_from_the_token(client, auth, case_body):
    body = case_body()
    body["notes"][0].update(author="mru", author_role="MRU")
    stored = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).json()
    assert (stored["notes"][0]["author"], stored["notes"][0]["author_role"]) == ("arm", "ARM")
    # The same document sent again by the same desk is a replay.
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 200


def test_the_admin_reads_no_patient_data_in_the_journal(client, auth, case_body):
    case = _case(client, auth, case_body)
    admin = client.get("/api/v1/journal", headers=auth("ADMIN"))
    assert admin.status_code == 200
    assert NAME not in admin.text and "+33612345678" not in admin.text
    assert [e["uuid"] for e in admin.json()["entries"]] == [case["uuid"]]  # numbered, withheld
    assert client.get(f"/api/v1/cases/{case['uuid']}", headers=auth("ADMIN")).status_code == 403
    supervisor = client.get("/api/v1/journal", headers=auth("SUPERVISEUR"))
    assert NAME in supervisor.text


def test_every_read_of_patient_data_is_audited(client, auth, case_body, orientation_body, sessions):
    case = _case(client, auth, case_body)
    decision = _decide(client, auth, orientation_body, case["uuid"])
    client.get(f"/api/v1/cases/{case['uuid']}", headers=auth("OSNP"))
    client.get(f"/api/v1/cases/{case['uuid']}/events", headers=auth("MRL"))
    client.get(f"/api/v1/orientations/{decision['uuid']}", headers=auth("SUPERVISEUR"))
    client.get("/api/v1/journal", headers=auth("ARM"))
    with sessions() as s:
        reads = {(a.username, a.action) for a in s.scalars(select(AuditEvent).where(AuditEvent.outcome == "read"))}
    assert {("osnp", "cases.get"), ("mrl", "cases.events.get"), ("superviseur", "orientations.get"),
            ("arm", "journal.list")} <= reads


# --- Hub decisions keep their codes --------------------------------------------------------------

def test_a_hub_decision_matching_none_of_ours_keeps_its_codes_and_official_label(client, auth):
    from app.services.regulation import decisions
    from tests.interop.conftest import load, samples

    [path] = [p for p in samples("RS-EDA") if p.stem == "RS-EDA-SMUR_DouleurThoracique_PierreLegrand.01"]
    payload = load(path)["createCaseHealth"]
    assert payload["decision"][0]["resourceType"] == "SMUR"  # a SMUR of the neighbour, no orientation
    sent = envelope.build_envelope(PEER, US, "createCaseHealth", payload)
    assert client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB")).status_code == 200
    entries = client.get("/api/v1/journal", headers=auth("MRU")).json()["entries"]
    [decision] = [e["payload"] for e in entries if e["kind"] == "orientation"]
    assert (decision["decision_key"], decision["decision_type"], decision["resource_type"]) == ("HUB", "INTER", "SMUR")
    label = decisions.label_of(decision["decision_key"], decision["decision_type"], decision["resource_type"],
                               decision["orientation_type"])
    # The official labels (deepest level) of HubSante.typeDecision INTER and HubSante.typeRessource SMUR.
    assert label == "Intervention — Smur"
    assert "Visite" not in label
