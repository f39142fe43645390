"""Issue 3 on the real server app: medical decisions only by doctors (403), case events, surge, 422s."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import JournalEntry


def _uuid() -> str:
    return str(uuid.uuid4())


def _put_case(client, auth, body, role="ARM"):
    return client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth(role))


def _event(client, auth, case_uuid, role="ARM", **fields):
    body = {"uuid": fields.pop("uuid", _uuid()), "case_uuid": case_uuid,
            "created_at": "2024-01-18T10:20:00+01:00", **fields}
    return client.put(f"/api/v1/cases/{case_uuid}/events/{body['uuid']}", json=body, headers=auth(role)), body


def _fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["fields"]}


@pytest.fixture
def case(client, auth, case_body) -> dict:
    body = case_body(attribution="DRM.MRL.MG")
    assert _put_case(client, auth, body).status_code == 201
    return body


@pytest.mark.parametrize("role", ["ARM", "OSNP"])
def test_medical_decision_with_arm_or_osnp_token_is_403(client, auth, case, orientation_body, role):
    body = orientation_body(case["uuid"])
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth(role))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize("role", ["MRL", "MRU"])
def test_doctors_record_medical_decisions(client, auth, case, orientation_body, role):
    body = orientation_body(case["uuid"])
    assert client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth(role)).status_code == 201


def test_osnp_books_the_mrl_decision_but_never_writes_one(client, auth, case, orientation_body, add_slot):
    body = orientation_body(case["uuid"], decision_key="CONSULTATION_48H", decision_type="ORIENT",
                            resource_type="LIBERAL.MG", orientation_type="CABINET")
    assert client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("OSNP")).status_code == 403
    assert client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("MRL")).status_code == 201
    slot = add_slot()
    booked = client.post(f"/api/v1/slots/{slot}/booking", headers=auth("OSNP"),
                         json={"orientation_id": body["uuid"], "case_id": case["uuid"]})
    assert booked.status_code == 201 and booked.json()["orientation"]["slot_id"] == slot


@pytest.mark.parametrize("overrides, field, message", [
    ({"caller_phone": "0612"}, "caller_phone", "numéro attendu au format international (+33…)"),
    ({"lat": 52.52, "lon": 13.40}, "lon", "lieu hors de France"),
    ({"health_motive_code": "fièvre"}, "health_motive_code", None),
    ({"attribution": "DRM.NOPE"}, "attribution", "attribution inconnue : DRM.NOPE"),
    ({"caller_communication": "BAVARD"}, "caller_communication", None),
])
def test_bad_case_fields_are_422_naming_the_field(client, auth, case_body, overrides, field, message):
    response = _put_case(client, auth, case_body(**overrides))
    assert response.status_code == 422
    fields = _fields(response)
    assert field in fields
    if message:
        assert message in fields[field]


def test_patient_birth_date_in_future_and_age_over_120_are_422(client, auth, case_body):
    future = (date.today() + timedelta(days=3)).isoformat()
    body = case_body()
    body["patients"][0]["birth_date"] = future
    body["patients"].append({"uuid": _uuid(), "patient_id": "fr.health.samu670.patient.99", "rank": 2,
                             "age": "P130Y"})
    fields = _fields(_put_case(client, auth, body))
    assert "date de naissance dans le futur" in fields["patients.0.birth_date"]
    assert "âge supérieur à 120 ans" in fields["patients.1.age"]


def test_missing_required_field_is_422_naming_it(client, auth, case_body):
    body = case_body()
    del body["case_id"]
    assert "case_id" in _fields(_put_case(client, auth, body))


def test_new_optional_fields_round_trip(client, auth, case_body):
    body = case_body(caller_language="en", caller_communication="LANGUE", access_floor="3",
                     access_code="A1234", access_intercom="Martin", access_building="B",
                     risk_threat_codes=["R05"], suggested_perimeter="SNP", suggested_attribution="DRM.MRL.MG",
                     location_kind_code="L01.01.01", whats_happen_code="C02.08.02",
                     answered_at="2024-01-18T10:14:40+01:00")
    stored = _put_case(client, auth, body).json()
    assert (stored["access_code"], stored["risk_threat_codes"], stored["caller_language"]) == ("A1234", ["R05"], "en")
    assert _put_case(client, auth, body).status_code == 200  # replay


def test_case_events_apply_replay_conflict_and_journal(client, auth, case, sessions):
    created, body = _event(client, auth, case["uuid"], type="handover", to_role="MRL", accompanied=False)
    assert created.status_code == 201
    replay = client.put(f"/api/v1/cases/{case['uuid']}/events/{body['uuid']}", json=body, headers=auth("ARM"))
    assert replay.status_code == 200
    other = client.put(f"/api/v1/cases/{case['uuid']}/events/{body['uuid']}",
                       json={**body, "to_role": "MRU"}, headers=auth("ARM"))
    assert other.status_code == 409
    assert _event(client, auth, case["uuid"], type="note", freetext="Le fils rappelle")[0].status_code == 201
    assert _event(client, auth, case["uuid"], role="MRL", type="decision")[0].status_code == 201
    stored = client.get(f"/api/v1/cases/{case['uuid']}", headers=auth("ARM")).json()
    assert stored["handed_over_at"] == "2024-01-18T09:20:00Z" and stored["decided_at"] == "2024-01-18T09:20:00Z"
    assert [n["freetext"] for n in stored["notes"]][-1] == "Le fils rappelle"
    # The original PUT replayed after the changes is still a replay, not a conflict.
    assert _put_case(client, auth, case).status_code == 200
    events = client.get(f"/api/v1/cases/{case['uuid']}/events", headers=auth("SUPERVISEUR")).json()["events"]
    assert [e["type"] for e in events] == ["handover", "note", "decision"]
    with sessions() as s:
        kinds = s.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)).all()
    assert kinds == ["case", "case_event", "case_event", "case_event"]


def test_arm_closes_only_dr_and_d_attributions(client, auth, case):
    refused, _ = _event(client, auth, case["uuid"], type="status", status="CLOTURE")
    assert refused.status_code == 403
    assert "DR.* et D.*" in refused.json()["message"]
    ok, _ = _event(client, auth, case["uuid"], type="status", status="CLOTURE", attribution="D.D-MALV.ERR")
    assert ok.status_code == 201
    stored = client.get(f"/api/v1/cases/{case['uuid']}", headers=auth("ARM")).json()
    assert (stored["status"], stored["attribution"]) == ("CLOTURE", "D.D-MALV.ERR")


def test_only_doctors_record_a_decision_event(client, auth, case):
    assert _event(client, auth, case["uuid"], role="ARM", type="decision")[0].status_code == 403
    assert _event(client, auth, case["uuid"], role="OSNP", type="decision")[0].status_code == 403


def test_event_missing_its_field_or_unknown_case_is_422(client, auth, case):
    response, _ = _event(client, auth, case["uuid"], type="routing_override", perimeter="AMU")
    assert response.status_code == 422 and "freetext" in _fields(response)
    response, _ = _event(client, auth, _uuid(), type="note", freetext="x")
    assert response.status_code == 422 and "case_uuid" in _fields(response)


def test_surge_switch_is_journalled_with_who_and_why(client, auth, sessions):
    u = _uuid()
    body = {"uuid": u, "created_at": "2024-01-18T10:20:00+01:00", "active": True, "reason": "Épidémie de grippe"}
    assert client.put(f"/api/v1/surge/{u}", json=body, headers=auth("MRU")).status_code == 201
    assert client.put(f"/api/v1/surge/{u}", json=body, headers=auth("MRU")).status_code == 200
    with sessions() as s:
        entry = s.scalars(select(JournalEntry).where(JournalEntry.kind == "surge")).one()
    assert (entry.author, entry.payload["reason"]) == ("mru", "Épidémie de grippe")
