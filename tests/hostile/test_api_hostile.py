"""Every hostile string through every text field of every write route: never a 500.

Accepted values read back byte-identical (after the documented strip of surrounding
white space) from the record and from its journal entry; refused ones get a
structured 422 naming each field; the journal's hash chain still verifies at the end.
The bulk runs on an in-process app (TestClient); ``test_real_server_process`` sends a
sample through a real ``sas server`` process.
"""

from __future__ import annotations

import json

import re
from urllib.parse import quote

import pytest
from sqlalchemy import delete

from app.models import LoginThrottle, User
from app.services.records import journal
from app.services.records.documents import CaseDoc, NoteDoc, OrientationDoc, PatientDoc, SurgeDoc
from tests.hostile.catalogue import HUGE, SHORT, has_lone_surrogate, sample
from tests.hostile.conftest import (
    PASSWORD, acceptable, case_body, field_names, new_uuid, note, patient, send, stored_form,
)

#: The maximum length of each text field, in characters once stripped (the API contract, written
#: here rather than read from the wire documents: at the maximum accepted, one over refused).
MAX_LENGTH = {
    "CaseDoc": {"caller_name": 200, "address_complete": 300, "city_name": 120, "access_details": 2000,
                "access_building": 120, "access_floor": 16, "access_code": 32, "access_intercom": 64,
                "health_motive_label": 200, "whats_happen_label": 200, "location_kind_label": 200, "origin": 16},
    "PatientDoc": {"birth_name": 120, "last_name": 120, "first_name": 120, "general_practitioner_name": 200},
    "NoteDoc": {"freetext": 10_000},
    "OrientationDoc": {"effecteur_name": 200, "freetext": 10_000},
    "SurgeDoc": {"reason": 2000},
}
#: Text fields of a case and of a patient.
CASE_TEXT = list(MAX_LENGTH["CaseDoc"])
PATIENT_TEXT = list(MAX_LENGTH["PatientDoc"])


def _max(model, name: str) -> int:
    return MAX_LENGTH[model.__name__][name]


def _fits(text: str, model, name: str) -> bool:
    return len(stored_form(text)) <= _max(model, name)


def _last_seq(client, auth) -> int:
    """The journal's last ``seq``, read from the app's database (paging the API each time is quadratic)."""
    with client.app.state.sas.sessions() as session:
        return journal.last_seq(session)


def _new_entries(client, auth, after: int) -> list[dict]:
    response = client.get(f"/api/v1/journal?after={after}&limit=1000", headers=auth("SUPERVISEUR"))
    assert response.status_code == 200
    return response.json()["entries"]


@pytest.fixture(scope="module")
def a_case(hclient, hauth) -> dict:
    body = case_body()
    assert send(hclient, "PUT", f"/api/v1/cases/{body['uuid']}", body, hauth("ARM")).status_code == 201
    return body


def _hostile_case(text: str) -> tuple[dict, dict[str, str]]:
    """A case carrying ``text`` in every text field it fits in; returns the body and {field path: value}."""
    placed: dict[str, str] = {}
    body = case_body()
    for name in CASE_TEXT:
        if _fits(text, CaseDoc, name):
            body[name] = placed[name] = text
    fields = {n: text for n in PATIENT_TEXT if _fits(text, PatientDoc, n)}
    body["patients"] = [patient(**fields)]
    placed.update({f"patients.0.{n}": text for n in fields})
    if stored_form(text) and _fits(text, NoteDoc, "freetext"):  # an empty note is refused (min 1)
        body["notes"] = [note(text)]
        placed["notes.0.freetext"] = text
    return body, placed


def _value(doc: dict, path: str):
    for part in path.split("."):
        doc = doc[int(part)] if part.isdigit() else doc[part]
    return doc


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_case_text_fields(hclient, hauth, hostile):
    body, placed = _hostile_case(hostile.text)
    after = _last_seq(hclient, hauth)
    response = send(hclient, "PUT", f"/api/v1/cases/{body['uuid']}", body, hauth("ARM"))
    if not acceptable(hostile.text):
        assert response.status_code == 422, response.text
        assert field_names(response) == set(placed)
        assert _new_entries(hclient, hauth, after) == []
        return
    assert response.status_code == 201, response.text
    stored = hclient.get(f"/api/v1/cases/{body['uuid']}", headers=hauth("MRL")).json()
    [entry] = _new_entries(hclient, hauth, after)
    for path in placed:
        assert _value(stored, path) == stored_form(hostile.text), path
        assert _value(entry["payload"], path) == stored_form(hostile.text), path


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_phone_numbers_are_422_never_500(hclient, hauth, hostile):
    body = case_body(caller_phone=hostile.text, callback_phone=hostile.text)
    response = send(hclient, "PUT", f"/api/v1/cases/{body['uuid']}", body, hauth("ARM"))
    if re.fullmatch(r"\+[0-9]{5,18}", stored_form(hostile.text)):
        assert response.status_code == 201
    else:
        assert response.status_code == 422, response.text
        assert field_names(response) == {"caller_phone", "callback_phone"}


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_orientation_freetext_and_effecteur_name(hclient, hauth, a_case, hostile):
    text = hostile.text
    body = {"uuid": new_uuid(), "case_uuid": a_case["uuid"], "creation": "2024-01-18T10:30:00+01:00",
            "decision_key": "CONSEIL", "decision_type": "CONSEIL", "freetext": text}
    placed = ["freetext"]
    if _fits(text, OrientationDoc, "effecteur_name"):
        body["effecteur_name"] = text
        placed.append("effecteur_name")
    after = _last_seq(hclient, hauth)
    response = send(hclient, "PUT", f"/api/v1/orientations/{body['uuid']}", body, hauth("MRL"))
    if not acceptable(text):
        assert response.status_code == 422 and field_names(response) == set(placed)
        return
    assert response.status_code == 201, response.text
    stored = hclient.get(f"/api/v1/orientations/{body['uuid']}", headers=hauth("MRU")).json()
    [entry] = _new_entries(hclient, hauth, after)
    for name in placed:
        assert stored[name] == entry["payload"][name] == stored_form(text)


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_case_event_note(hclient, hauth, a_case, hostile):
    uuid = new_uuid()
    body = {"uuid": uuid, "case_uuid": a_case["uuid"], "created_at": "2024-01-18T10:20:00+01:00", "type": "note",
            "freetext": hostile.text}
    after = _last_seq(hclient, hauth)
    response = send(hclient, "PUT", f"/api/v1/cases/{a_case['uuid']}/events/{uuid}", body, hauth("ARM"))
    if not acceptable(hostile.text) or not stored_form(hostile.text):
        assert response.status_code == 422 and field_names(response) == {"freetext"}, response.text
        return
    assert response.status_code == 201, response.text
    assert response.json()["freetext"] == stored_form(hostile.text)
    [entry] = _new_entries(hclient, hauth, after)
    assert entry["payload"]["freetext"] == stored_form(hostile.text)


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_surge_reason(hclient, hauth, hostile):
    uuid = new_uuid()
    body = {"uuid": uuid, "created_at": "2024-01-18T10:20:00+01:00", "active": True, "reason": hostile.text}
    after = _last_seq(hclient, hauth)
    response = send(hclient, "PUT", f"/api/v1/surge/{uuid}", body, hauth("MRU"))
    if not acceptable(hostile.text) or not stored_form(hostile.text) or not _fits(hostile.text, SurgeDoc, "reason"):
        assert response.status_code == 422 and field_names(response) == {"reason"}, response.text
        return
    assert response.status_code == 201, response.text
    [entry] = _new_entries(hclient, hauth, after)
    assert response.json()["reason"] == entry["payload"]["reason"] == stored_form(hostile.text)


def _search(client, auth, params: dict):
    """GET the search with ``params`` percent-encoded by hand: lone surrogates go as the (invalid) UTF-8
    bytes a hostile client would send."""
    query = "&".join(f"{k}={quote(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in params.items())
    return client.get(f"/api/v1/slots/search?{query}", headers=auth("OSNP"))


@pytest.mark.parametrize("hostile", SHORT, ids=repr)
def test_search_parameters(hclient, hauth, hostile):
    params = {"lat": 48.58, "lon": 7.74, "start": hostile.text, "end": hostile.text, "practitioner": hostile.text,
              "insee": hostile.text, "departement": hostile.text, "specialty": hostile.text, "mode": hostile.text,
              "structure": hostile.text, "kind": hostile.text, "window": hostile.text}
    response = _search(hclient, hauth, params)
    assert response.status_code == 422, response.text
    named = {re.sub(r"\.\d+$", "", name) for name in field_names(response)}  # kind.0: first repeated value
    assert named and named <= set(params)
    alone = _search(hclient, hauth, {"lat": 48.58, "lon": 7.74, "start": hostile.text})
    assert alone.status_code in (200, 422) and (alone.status_code == 200 or field_names(alone) == {"start"})
    as_number = _search(hclient, hauth, {"lat": hostile.text, "lon": 7.74})
    assert as_number.status_code in (200, 422)


@pytest.mark.parametrize("hostile", sample(40), ids=repr)
def test_login_username(hclient, hostile):
    response = send(hclient, "POST", "/api/v1/auth/login", {"username": hostile.text, "password": PASSWORD})
    if not stored_form(hostile.text) or not acceptable(hostile.text) or len(stored_form(hostile.text)) > 64:
        assert response.status_code == 422 and field_names(response) == {"username"}, response.text
    else:
        assert response.status_code == 401 and response.json()["error"] == "invalid_credentials", response.text


@pytest.mark.parametrize("hostile", sample(40), ids=repr)
def test_login_password(hclient, hostile_app, hostile):
    with hostile_app.state.sas.sessions() as s:  # the user retries at leisure: no throttling in the way
        s.execute(delete(LoginThrottle))
        s.commit()
    response = send(hclient, "POST", "/api/v1/auth/login", {"username": "osnp", "password": hostile.text})
    if has_lone_surrogate(hostile.text):  # not text at all; any other password is the user's business
        assert response.status_code == 422 and field_names(response) == {"password"}, response.text
    else:
        assert response.status_code == 401, response.text


def test_sync_batch_of_hostile_cases(hclient, hauth):
    items, expected = [], {}
    for i, hostile in enumerate(SHORT[::3]):
        body, placed = _hostile_case(hostile.text)
        items.append({"id": i, "entity": "case", "body": body})
        expected[i] = (201, None) if acceptable(hostile.text) else (422, set(placed))
    response = send(hclient, "POST", "/api/v1/sync/batch", {"items": items}, hauth("ARM"))
    assert response.status_code == 200, response.text
    for result in response.json()["results"]:
        status, fields = expected[result["id"]]
        assert result["status"] == status, result
        if fields is not None:
            assert {f["field"] for f in result["fields"]} == fields


@pytest.mark.parametrize(("model", "name", "path"), [
    *[(CaseDoc, n, n) for n in CASE_TEXT], *[(PatientDoc, n, f"patients.0.{n}") for n in PATIENT_TEXT],
    (NoteDoc, "freetext", "notes.0.freetext")])
def test_case_fields_at_and_over_their_maximum(hclient, hauth, model, name, path):
    limit = _max(model, name)
    for size, status in ((limit, 201), (limit + 1, 422)):
        text = ("é😀<" * size)[:size]
        body = case_body()
        if model is PatientDoc:
            body["patients"] = [patient(**{name: text})]
        elif model is NoteDoc:
            body["notes"] = [note(text)]
        else:
            body[name] = text
        response = send(hclient, "PUT", f"/api/v1/cases/{body['uuid']}", body, hauth("ARM"))
        assert response.status_code == status, (size, response.text[:300])
        if status == 422:
            assert field_names(response) == {path}
        else:
            assert _value(hclient.get(f"/api/v1/cases/{body['uuid']}", headers=hauth("MRL")).json(), path) == text


@pytest.mark.parametrize("hostile", HUGE, ids=lambda h: f"huge-{len(h.text)}")
def test_huge_strings_are_stored_or_422_naming_the_field(hclient, hauth, a_case, hostile):
    """Stored, or 422 naming the field; a body beyond the server's 1 MB limit is 413 before any parsing."""
    def refused(response, fields: set[str], sent: dict) -> bool:
        if len(json.dumps(sent).encode("utf-8")) > 1_000_000:
            return response.status_code == 413 and response.json()["error"] == "payload_too_large"
        return response.status_code == 422 and field_names(response) == fields

    body = case_body(caller_name=hostile.text)
    response = send(hclient, "PUT", f"/api/v1/cases/{body['uuid']}", body, hauth("ARM"))
    assert refused(response, {"caller_name"}, body)
    uuid = new_uuid()
    event = {"uuid": uuid, "case_uuid": a_case["uuid"], "created_at": "2024-01-18T10:20:00+01:00", "type": "note",
             "freetext": hostile.text}
    response = send(hclient, "PUT", f"/api/v1/cases/{a_case['uuid']}/events/{uuid}", event, hauth("ARM"))
    if len(hostile.text) <= 10_000:
        assert response.status_code == 201 and response.json()["freetext"] == hostile.text
    else:
        assert refused(response, {"freetext"}, event)
    orientation = {"uuid": new_uuid(), "case_uuid": a_case["uuid"], "creation": "2024-01-18T10:30:00+01:00",
                   "decision_key": "CONSEIL", "decision_type": "CONSEIL", "freetext": hostile.text,
                   "effecteur_name": hostile.text}
    response = send(hclient, "PUT", f"/api/v1/orientations/{orientation['uuid']}", orientation, hauth("MRL"))
    expected = {"effecteur_name"} | ({"freetext"} if len(hostile.text) > 10_000 else set())
    assert refused(response, expected, orientation)


# --- Hub Santé messages -----------------------------------------------------------------------

def _rs_eda(case_id: str, text: str) -> dict:
    from app.services.interop.hub import envelope, rs_eda

    doc = CaseDoc.model_validate(case_body(
        case_id=case_id, patients=[patient(last_name="X", first_name="Y")], notes=[note("note")]))
    payload = rs_eda.case_to_rs_eda(doc)
    payload["initialAlert"]["caller"]["detailedName"]["complete"] = text
    payload["location"]["detailedAddress"]["complete"] = text
    payload["patient"][0]["identity"]["nonStrictFeatures"].update(lastName=text, firstName=text)
    payload["medicalNote"][0]["freetext"] = text
    return envelope.build_envelope("fr.health.samu440", "fr.health.samu670", "createCaseHealth", payload)


@pytest.mark.parametrize("hostile", sample(120), ids=repr)
def test_hub_message_is_ack_or_rs_error_never_500(hclient, hauth, hostile):
    from app.services.interop.hub import envelope, rs_eda_import, schemas

    case_id = f"fr.health.samu670.DRFR15670248{next(_hub_numbers):08d}"
    response = send(hclient, "POST", "/api/v1/hub/messages", _rs_eda(case_id, hostile.text), hauth("HUB"))
    assert response.status_code in (200, 400), response.text
    assert schemas.validate_envelope(response.json()) == []
    kind = envelope.read_envelope(response.json()).kind
    assert kind == ("Ack" if response.status_code == 200 else "Error")
    stored = hclient.get(f"/api/v1/cases/{rs_eda_import.case_uuid_for(case_id)}", headers=hauth("MRL"))
    if response.status_code == 400:
        assert stored.status_code == 404  # nothing stored
    elif not acceptable(hostile.text):  # an unusable optional value is dropped (lenient import), the rest kept
        assert stored.json()["caller_name"] is None
    elif _fits(hostile.text, CaseDoc, "caller_name") and stored_form(hostile.text):
        assert stored.json()["caller_name"] == stored_form(hostile.text)


_hub_numbers = iter(range(1, 10_000_000))


# --- a sample through a real server process ------------------------------------------------------

@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    from app.models.db import open_database, sqlite_url
    from app.services.security.auth import hash_password
    from tests.e2e.conftest import ServerProcess, free_port

    path = tmp_path_factory.mktemp("hostile-real")
    url = sqlite_url(path / "server.db")
    engine, sessions = open_database(url)
    with sessions() as s:
        s.add(User(username="arm", display_name="Agent ARM", role="ARM", password_hash=hash_password(PASSWORD)))
        s.commit()
    engine.dispose()
    server = ServerProcess(url, free_port(), path / "server.log")
    server.start()
    yield server
    server.stop()


def test_real_server_process(real_server):
    import httpx

    with httpx.Client(base_url=real_server.url, timeout=30) as http:
        token = http.post("/api/v1/auth/login", json={"username": "arm", "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for hostile in sample(40):
            body, placed = _hostile_case(hostile.text)
            response = send(http, "PUT", f"/api/v1/cases/{body['uuid']}", body, headers)
            if not acceptable(hostile.text):
                assert response.status_code == 422 and field_names(response) == set(placed), hostile
                continue
            assert response.status_code == 201, (hostile, response.text)
            stored = http.get(f"/api/v1/cases/{body['uuid']}", headers=headers).json()
            assert all(_value(stored, p) == stored_form(hostile.text) for p in placed), hostile
        huge = case_body(caller_name="a" * 900_000)  # under the 1 MB body limit: refused on the field
        response = send(http, "PUT", f"/api/v1/cases/{huge['uuid']}", huge, headers)
        assert response.status_code == 422 and field_names(response) == {"caller_name"}
        bigger = case_body(caller_name="a" * 1_000_001)  # beyond it: 413 before any parsing
        response = send(http, "PUT", f"/api/v1/cases/{bigger['uuid']}", bigger, headers)
        assert response.status_code == 413


def test_zz_journal_chain_still_verifies(hostile_app):
    """Runs last: pytest keeps the file's order, and this test is defined last."""
    with hostile_app.state.sas.sessions() as session:
        report = journal.verify(session)
    assert report.ok, report.describe()
    assert report.checked > len(SHORT)
