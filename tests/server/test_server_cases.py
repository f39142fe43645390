"""Idempotent PUT of cases and orientations, GET, and 422s that name the field."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import select

from app.models import Case, JournalEntry
from tests.helpers.databases import BACKENDS

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)


def _put_case(client, auth, body, role="ARM"):
    return client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth(role))


def _put_orientation(client, auth, body, role="MRL"):
    return client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth(role))


def test_case_created_then_replayed_then_read(client, auth, case_body, sessions):
    body = case_body()
    created = _put_case(client, auth, body)
    assert created.status_code == 201
    stored = created.json()
    assert stored["case_id"] == body["case_id"]
    assert stored["creation"] == "2024-01-18T09:15:00Z"  # stored in UTC
    assert stored["patients"][0]["birth_date"] == "1950-02-03"

    replay = _put_case(client, auth, body, role="OSNP")
    assert replay.status_code == 200
    assert replay.json() == stored
    # The stored form itself (times in UTC) is also an identical replay.
    assert _put_case(client, auth, stored).status_code == 200

    fetched = client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("SUPERVISEUR"))
    assert fetched.status_code == 200
    assert fetched.json() == stored

    with sessions() as s:
        case = s.get(Case, body["uuid"])
        assert case.created_by == "arm"  # the token's user, never the body
        entries = s.scalars(select(JournalEntry)).all()
    assert [(e.seq, e.kind, e.uuid, e.author, e.author_role) for e in entries] == [
        (1, "case", body["uuid"], "arm", "ARM")]
    assert entries[0].payload == stored


def test_case_with_different_content_is_409(client, auth, case_body):
    body = case_body()
    assert _put_case(client, auth, body).status_code == 201
    response = _put_case(client, auth, {**body, "priority": "P1"})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert response.json()["message"]
    assert client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("ARM")).json()["priority"] == "P2"


def test_case_id_reused_by_another_uuid_is_409(client, auth, case_body):
    body = case_body()
    assert _put_case(client, auth, body).status_code == 201
    other = case_body(case_id=body["case_id"])
    response = _put_case(client, auth, other)
    assert response.status_code == 409
    assert body["case_id"] in response.json()["message"]
    assert client.get(f"/api/v1/cases/{other['uuid']}", headers=auth("ARM")).status_code == 404


def test_patient_uuid_reused_by_another_case_is_409_not_500(client, auth, case_body):
    body = case_body()
    assert _put_case(client, auth, body).status_code == 201
    other = case_body(patients=body["patients"])
    assert _put_case(client, auth, other).status_code == 409


def test_unknown_case_is_404(client, auth):
    response = client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=auth("ARM"))
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Dossier inconnu"}


@pytest.mark.parametrize("change, field, message", [
    ({"caller_phone": "03 88 00 00 00"}, "caller_phone", "numéro attendu au format international (+33…)"),
    ({"creation": "2024-01-18T10:15:00"}, "creation", "l'heure doit porter un fuseau horaire"),
    ({"priority": "P9"}, "priority", "valeur attendue parmi : 'P0', 'P1', 'P2', 'P3' ou 'NR'"),
    ({"case_id": "DR FR 15"}, "case_id", "identifiant de dossier invalide (fr.health.samuNNN.DRFR15…)"),
    ({"lat": 123}, "lat", "doit être inférieur ou égal à 90"),
    ({"unexpected": 1}, "unexpected", "champ non prévu"),
])
def test_case_validation_names_the_field(client, auth, case_body, change, field, message):
    body = case_body(**change)
    response = _put_case(client, auth, body)
    assert response.status_code == 422
    error = response.json()
    assert error["error"] == "validation"
    assert error["message"] == "Données invalides"
    assert [f["field"] for f in error["fields"]] == [field]
    if message:
        assert error["fields"][0]["message"] == message


def test_nested_field_path_is_dotted(client, auth, case_body):
    body = case_body()
    body["patients"][0]["birth_date"] = "31/02/1950"
    body["notes"][0]["creation"] = "hier"
    response = _put_case(client, auth, body)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["patients.0.birth_date", "notes.0.creation"]


def test_path_and_body_uuid_must_match(client, auth, case_body):
    body = case_body()
    response = client.put(f"/api/v1/cases/{uuid.uuid4()}", json=body, headers=auth("ARM"))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["uuid"]


def test_writes_are_logged_without_patient_data(client, auth, case_body, caplog):
    caplog.set_level(logging.INFO)
    body = case_body()
    _put_case(client, auth, body)
    assert f"arm (ARM) cases.put {body['uuid']} -> created" in caplog.text
    for secret in ("Jeanne", "+33612345678", "Fièvre", "Kléber"):
        assert secret not in caplog.text


# --- orientations ---------------------------------------------------------------------------

def test_orientation_created_replayed_conflict_and_read(client, auth, case_body, orientation_body, sessions):
    case = case_body()
    assert _put_case(client, auth, case).status_code == 201
    body = orientation_body(case["uuid"])
    created = _put_orientation(client, auth, body)
    assert created.status_code == 201
    stored = created.json()
    assert stored["decision_key"] == "CONSEIL"
    assert _put_orientation(client, auth, body, role="OSNP").status_code == 200
    conflict = _put_orientation(client, auth, {**body, "decision_key": "URGENCES", "decision_type": "ORIENT"})
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "version_conflict"
    assert conflict.json()["current"] == stored
    assert conflict.json()["changed"] == ["decision_key", "decision_type"]
    fetched = client.get(f"/api/v1/orientations/{body['uuid']}", headers=auth("ARM"))
    assert fetched.json() == stored
    with sessions() as s:
        kinds = s.execute(select(JournalEntry.kind, JournalEntry.author_role).order_by(JournalEntry.seq)).all()
    assert [tuple(k) for k in kinds] == [("case", "ARM"), ("orientation", "MRL")]


def test_the_same_decision_numbered_again_is_a_replay_not_a_new_version(client, auth, case_body, orientation_body,
                                                                        sessions):
    """A desk whose cache numbered its own decision again (v2, nothing changed) adds no version to the journal."""
    case = case_body()
    _put_case(client, auth, case)
    body = orientation_body(case["uuid"])
    assert _put_orientation(client, auth, body).status_code == 201
    again = _put_orientation(client, auth, {**body, "version": 2})
    assert again.status_code == 200
    assert again.json()["version"] == 1
    changed = _put_orientation(client, auth, {**body, "version": 2, "freetext": "Rappeler si fièvre"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    with sessions() as s:
        kinds = s.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)).all()
    assert kinds == ["case", "orientation", "orientation"]


def test_orientation_with_unknown_case_is_422_on_case_uuid(client, auth, orientation_body):
    response = _put_orientation(client, auth, orientation_body(str(uuid.uuid4())))
    assert response.status_code == 422
    assert response.json()["fields"] == [{"field": "case_uuid", "message": "dossier inconnu du serveur"}]


def test_orientation_validation(client, auth, case_body, orientation_body):
    case = case_body()
    _put_case(client, auth, case)
    bad = orientation_body(case["uuid"], decision_key="TELEPORTATION", appointment_start="2024-01-18T11:00:00")
    response = _put_orientation(client, auth, bad)
    assert response.status_code == 422
    fields = {f["field"]: f["message"] for f in response.json()["fields"]}
    assert fields == {"decision_key": "décision inconnue : TELEPORTATION",
                      "appointment_start": "l'heure doit porter un fuseau horaire"}


def test_unknown_orientation_is_404(client, auth):
    response = client.get(f"/api/v1/orientations/{uuid.uuid4()}", headers=auth("MRU"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
