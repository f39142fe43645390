"""The agenda editors' FHIR endpoint (INT_R03): who may call it, what it answers, in which shape.

The oracle is the SAS FHIR guide's contract (domain.md B.4) and the guide's own example
resources (``Appointment-1`` booked, the cancelled and SOS pending examples written from
their FSH): 201 + Location on create, 200 on a conditional update, 400 / 422
``OperationOutcome`` naming the element, 401 for anything but a registry editor's token.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid as uuid_mod

import pytest

from app.models import Role
from app.models.journal import AuditEvent
from app.server.app import create_app
from app.services.agendas.registry import EditorConfig, Registry
from app.services.interop.fhir import codes
from tests.helpers.databases import BACKENDS
from tests.server.editor_fixtures import appointment_resource

TOKENS = {"Maiia": "jeton-maiia-0123456789", "Doctolib": "jeton-doctolib-9876543210"}
REGISTRY = Registry(editors=tuple(
    EditorConfig(name=name, base_url=f"http://127.0.0.1:9/{name}/", serves=frozenset({"ps"}), booking=True,
                 push_token_sha256=hashlib.sha256(token.encode()).hexdigest()) for name, token in TOKENS.items())
    + (EditorConfig(name="Sans jeton", base_url="http://127.0.0.1:9/x/", serves=frozenset({"ps"})),))
FHIR = "application/fhir+json"


@pytest.fixture
def app(db_url):
    app = create_app(db_url, editors=REGISTRY)
    yield app
    app.state.sas.engine.dispose()


def editor(name: str = "Maiia") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}", "Content-Type": FHIR}


def _put(client, resource: dict, name: str = "Maiia", token: str | None = None):
    ident = resource["identifier"][0]
    return client.put("/fhir/Appointment", params={"identifier": token or f"{ident['system']}|{ident['value']}"},
                      content=json.dumps(resource), headers=editor(name))


def _diagnostics(response) -> str:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and response.headers["content-type"].startswith(FHIR)
    return body["issue"][0]["diagnostics"]


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_post_creates_then_conditional_puts_update_the_status(client, auth, db_url):
    resource = appointment_resource()
    created = client.post("/fhir/Appointment", content=json.dumps(resource), headers=editor())
    assert created.status_code == 201, created.json()
    assert created.headers["content-type"].startswith(FHIR)
    location = created.headers["Location"]
    assert location == f"/fhir/Appointment/{created.json()['id']}"
    assert created.json()["identifier"][0]["value"] == resource["identifier"][0]["value"]
    for status in ("fulfilled", "noshow"):  # the doctor first marks it seen, then corrects to missed
        updated = _put(client, {**resource, "status": status})
        assert updated.status_code == 200, updated.json()
        assert updated.headers["Location"] == location and updated.json()["status"] == status
    read = client.get(location, headers=editor())
    assert read.status_code == 200 and read.json()["status"] == "noshow"
    assert read.json()["participant"][0]["actor"]["identifier"]["value"] == "810100050075"
    [stored] = client.get("/api/v1/appointments", params={"worklist": "unattached"}, headers=auth("OSNP")).json()[
        "appointments"]
    assert stored["status"] == "noshow" and stored["practitioner_id"] == "810100050075"
    assert stored["regulator_id"] == "3456780581/11242343"


def test_a_put_for_an_unknown_appointment_creates_it_and_a_replay_changes_nothing(client, auth):
    resource = appointment_resource(status="cancelled")
    first = _put(client, resource)
    assert first.status_code == 201 and first.headers["Location"].startswith("/fhir/Appointment/")
    journal = client.get("/api/v1/journal", params={"after": 0}, headers=auth("SUPERVISEUR")).json()["entries"]
    for again in (_put(client, resource), client.post("/fhir/Appointment", content=json.dumps(resource),
                                                        headers=editor())):
        assert again.status_code == 200 and again.headers["Location"] == first.headers["Location"]
    assert client.get("/api/v1/journal", params={"after": 0}, headers=auth("SUPERVISEUR")).json()["entries"] == journal
    assert [e["payload"]["action"] for e in journal if e["kind"] == "appointment"] == ["received"]
    assert journal[-1]["author"] == "editeur:Maiia" and journal[-1]["author_role"] == "EDITEUR"


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer "}, {"Authorization": "Bearer pas-le-bon"}, {"Authorization": "Basic bWFpaWE="},
    {"Authorization": f"Bearer {hashlib.sha256(TOKENS['Maiia'].encode()).hexdigest()}"},  # the hash is no token
])
def test_without_a_registry_token_everything_is_401(client, headers):
    body = json.dumps(appointment_resource())
    for response in (client.post("/fhir/Appointment", content=body, headers=headers),
                     client.put("/fhir/Appointment?identifier=x", content=body, headers=headers),
                     client.get(f"/fhir/Appointment/{uuid_mod.uuid4()}", headers=headers)):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "Authorization" in _diagnostics(response)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_user_of_the_room_may_call_it(client, auth, role):
    response = client.post("/fhir/Appointment", content=json.dumps(appointment_resource()),
                           headers={**auth(role), "Content-Type": FHIR})
    assert response.status_code == 401, role
    assert client.get("/api/v1/appointments", params={"worklist": "unattached"},
                      headers=auth("OSNP")).json()["appointments"] == []


def test_the_token_is_never_logged_and_the_sender_is_audited(client, sessions, caplog):
    caplog.set_level("DEBUG")
    assert client.post("/fhir/Appointment", content=json.dumps(appointment_resource()), headers=editor()).status_code \
        == 201
    assert client.post("/fhir/Appointment", content="{}", headers={"Authorization": "Bearer mauvais"}).status_code \
        == 401
    assert TOKENS["Maiia"] not in caplog.text and "mauvais" not in caplog.text
    with sessions() as s:
        rows = s.query(AuditEvent).filter(AuditEvent.action == "fhir.appointments.post").all()
    assert [(r.username, r.role, r.outcome) for r in rows] == [("editeur:Maiia", "EDITEUR", "created")]


def _drop(resource: dict, key: str) -> dict:
    resource = copy.deepcopy(resource)
    del resource[key]
    return resource


@pytest.mark.parametrize("body, status, element", [
    ("{pas du json", 400, "Appointment : JSON invalide"),
    ("[]", 400, "Appointment : ressource FHIR Appointment"),
    (json.dumps({**appointment_resource(), "resourceType": "Patient"}), 400, "Appointment.resourceType"),
    (json.dumps(_drop(appointment_resource(), "identifier")), 400, "Appointment.identifier : identifiant"),
    (json.dumps({**appointment_resource(), "identifier": [{"system": codes.OID_SAS}]}), 400,
     "Appointment.identifier[0].value"),
    (json.dumps(_drop(appointment_resource(), "status")), 400, "Appointment.status : élément obligatoire"),
    (json.dumps(_drop(appointment_resource(), "start")), 400, "Appointment.start : élément obligatoire"),
    (json.dumps(_drop(appointment_resource(), "end")), 400, "Appointment.end : élément obligatoire"),
    (json.dumps({**appointment_resource(), "start": "2025-06-17T14:00:00"}), 400, "Appointment.start : fuseau"),
    (json.dumps({**appointment_resource(), "end": "demain"}), 400, "Appointment.end : date et heure"),
    ("[" * 200 + "]" * 200, 400, "Appointment : JSON trop imbriqué"),
    (json.dumps({**appointment_resource(), "status": "arrived"}), 422, "Appointment.status : « arrived »"),
    (json.dumps({**appointment_resource(), "end": "2022-09-04T13:00:00+01:00"}), 422,
     "Appointment.end : la fin doit être après le début"),
])
def test_bad_bodies_are_refused_naming_the_element(client, auth, body, status, element):
    response = client.post("/fhir/Appointment", content=body, headers=editor())
    assert response.status_code == status, response.text
    assert _diagnostics(response).startswith(element)
    assert response.json()["issue"][0]["code"] == ("invalid" if status == 400 else "business-rule")
    assert client.get("/api/v1/appointments", params={"worklist": "unattached"},
                      headers=auth("OSNP")).json()["appointments"] == []


def test_conditional_update_needs_a_matching_identifier(client):
    resource = appointment_resource()
    no_param = client.put("/fhir/Appointment", content=json.dumps(resource), headers=editor())
    assert no_param.status_code == 400 and _diagnostics(no_param).startswith("identifier :")
    other = _put(client, resource, token=f"{codes.OID_SAS}|{uuid_mod.uuid4()}")
    assert other.status_code == 400 and _diagnostics(other).startswith("Appointment.identifier")
    assert _put(client, resource, token=resource["identifier"][0]["value"]).status_code == 201  # value alone


def test_not_json_is_415_and_a_big_body_413(client):
    response = client.post("/fhir/Appointment", content="status=booked",
                           headers={**editor(), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and _diagnostics(response).startswith("Content-Type")
    big = client.post("/fhir/Appointment", content=b"{" + b" " * 1_100_000 + b"}", headers=editor())
    assert big.status_code == 413


def test_an_editor_may_not_touch_another_editors_appointment(client):
    resource = appointment_resource()
    assert client.post("/fhir/Appointment", content=json.dumps(resource), headers=editor("Maiia")).status_code == 201
    hijack = _put(client, {**resource, "status": "cancelled"}, name="Doctolib")
    assert hijack.status_code == 422 and _diagnostics(hijack).startswith("Appointment.identifier")
    location = client.post("/fhir/Appointment", content=json.dumps(resource), headers=editor()).headers["Location"]
    assert client.get(location, headers=editor("Doctolib")).status_code == 404
    assert client.get(location, headers=editor("Maiia")).json()["status"] == "booked"


def test_a_forbidden_transition_is_422_naming_status(client):
    resource = appointment_resource(status="cancelled")
    assert _put(client, resource).status_code == 201
    back = _put(client, {**resource, "status": "fulfilled"})
    assert back.status_code == 422
    assert _diagnostics(back) == "Appointment.status : un rendez-vous « cancelled » ne peut pas devenir « fulfilled »"


def test_an_older_update_does_not_overwrite_a_newer_one(client):
    resource = appointment_resource()
    meta = resource["meta"]
    newer = {**resource, "status": "cancelled", "meta": {**meta, "lastUpdated": "2022-09-04T12:00:00+01:00"}}
    older = {**resource, "status": "booked", "meta": {**meta, "lastUpdated": "2022-09-04T11:00:00+01:00"}}
    assert _put(client, newer).status_code == 201
    late = _put(client, older)
    assert late.status_code == 200 and late.json()["status"] == "cancelled"


def test_sos_pending_without_a_doctor_then_booked_with_one(client, auth):
    sos = appointment_resource("sos")
    assert sos["participant"] == [{"type": sos["participant"][0]["type"], "status": "needs-action"}]
    assert client.post("/fhir/Appointment", content=json.dumps(sos), headers=editor()).status_code == 201
    known = {**sos, "status": "booked",
             "participant": [{"actor": {"identifier": {"system": codes.OID_IDNPS, "value": "810100050075"}},
                              "status": "accepted"}]}
    assert _put(client, known).status_code == 200
    [stored] = client.get("/api/v1/appointments", params={"worklist": "unattached"},
                          headers=auth("OSNP")).json()["appointments"]
    assert stored["status"] == "booked" and stored["practitioner_id"] == "810100050075"
