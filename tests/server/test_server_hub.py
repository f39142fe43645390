"""``POST /api/v1/hub/messages`` and ``GET /api/v1/cases/{uuid}/hub/rs-eda`` (issue 6)."""

from __future__ import annotations

import pytest

from app.services.interop.hub import envelope, rs_eda, rs_eda_import, schemas
from tests.interop.conftest import base_case, load, samples

PEER, US = "fr.health.samu440", "fr.health.samu670"


def _wrap(root_key: str, payload: dict) -> dict:
    return envelope.build_envelope(PEER, US, root_key, payload)


def _error_code(response) -> int:
    assert schemas.validate_envelope(response.json()) == []
    return envelope.read_envelope(response.json()).payload["errorCode"]["statusCode"]


def _journal(client, auth) -> list:
    return client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]


@pytest.mark.parametrize("path", samples("RS-EDA"), ids=lambda p: p.stem)
def test_rs_eda_sample_creates_the_case_once(client, auth, path):
    payload = load(path)["createCaseHealth"]
    sent = _wrap("createCaseHealth", payload)
    response = client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB"))
    assert response.status_code == 200, response.json()
    answer = envelope.read_envelope(response.json())
    assert answer.kind == "Ack" and answer.payload["distributionID"] == sent["distributionID"]
    assert answer.sender_id == US and answer.recipient == PEER
    uuid = rs_eda_import.case_uuid_for(payload["caseId"])
    assert client.get(f"/api/v1/cases/{uuid}", headers=auth("MRU")).json()["case_id"] == payload["caseId"]
    assert [e["kind"] for e in _journal(client, auth)].count("case") == 1
    again = client.post("/api/v1/hub/messages", json=_wrap("createCaseHealth", payload), headers=auth("HUB"))
    assert again.status_code == 400 and _error_code(again) == 701
    exported = client.get(f"/api/v1/cases/{uuid}/hub/rs-eda", headers=auth("SUPERVISEUR"))
    assert exported.status_code == 200 and schemas.validate_envelope(exported.json()) == []


@pytest.mark.parametrize("path", samples("RS-EDA-MAJ"), ids=lambda p: p.stem)
def test_rs_eda_maj_sample_updates_a_known_case(client, auth, path):
    payload = load(path)["createCaseHealthUpdate"]
    unknown = client.post("/api/v1/hub/messages", json=_wrap("createCaseHealthUpdate", payload), headers=auth("HUB"))
    assert unknown.status_code == 400 and _error_code(unknown) == 702
    base = rs_eda.case_to_rs_eda(base_case(payload["caseId"]))
    assert client.post("/api/v1/hub/messages", json=_wrap("createCaseHealth", base),
                       headers=auth("HUB")).status_code == 200
    update = _wrap("createCaseHealthUpdate", payload)
    response = client.post("/api/v1/hub/messages", json=update, headers=auth("HUB"))
    assert response.status_code == 200, response.json()
    uuid = rs_eda_import.case_uuid_for(payload["caseId"])
    case = client.get(f"/api/v1/cases/{uuid}", headers=auth("MRU")).json()
    priority = ((payload.get("qualification") or {}).get("details") or {}).get("priority")
    if priority:
        assert case["priority"] == priority
    assert len(case["patients"]) == len(payload.get("patient", []))
    entries = len(_journal(client, auth))
    assert client.post("/api/v1/hub/messages", json=update, headers=auth("HUB")).status_code == 200
    assert len(_journal(client, auth)) == entries  # a replayed update changes nothing twice


def test_invalid_envelope_is_refused_and_nothing_is_stored(client, auth):
    payload = rs_eda.case_to_rs_eda(base_case("fr.health.samu670.DRFR15670240180099"))
    sent = _wrap("createCaseHealth", payload)
    sent["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["createCaseHealth"]["creation"] = "hier"
    response = client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB"))
    assert response.status_code == 400 and _error_code(response) == 300
    error = envelope.read_envelope(response.json()).payload
    assert "createCaseHealth/creation" in error["errorCause"] and error["referencedDistributionID"] == sent["distributionID"]
    assert _journal(client, auth) == []
    uuid = rs_eda_import.case_uuid_for(payload["caseId"])
    assert client.get(f"/api/v1/cases/{uuid}", headers=auth("MRU")).status_code == 404


def test_not_json_and_wrong_sender_are_refused(client, auth):
    response = client.post("/api/v1/hub/messages", content=b"{not json", headers=auth("HUB"))
    assert response.status_code == 400 and _error_code(response) == 102
    sent = _wrap("createCaseHealth", rs_eda.case_to_rs_eda(base_case("fr.health.samu670.DRFR15670240180098")))
    sent["distributionID"] = "fr.health.samu999_abc"
    response = client.post("/api/v1/hub/messages", json=sent, headers=auth("HUB"))
    assert response.status_code == 400 and _error_code(response) == 200
    assert _journal(client, auth) == []


def test_export_of_a_case_put_by_a_desk_round_trips(client, auth, case_body, orientation_body):
    body = case_body()
    client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    orientation = orientation_body(body["uuid"])
    assert client.put(f"/api/v1/orientations/{orientation['uuid']}", json=orientation,
                      headers=auth("MRL")).status_code == 201
    first = client.get(f"/api/v1/cases/{body['uuid']}/hub/rs-eda", headers=auth("MRL")).json()
    payload = envelope.read_envelope(first).payload
    assert payload["decision"][0]["decisionType"] == "CONSEIL"
    imported = rs_eda_import.rs_eda_to_case(payload)
    again = rs_eda.case_to_rs_eda(imported.case, imported.orientations)
    assert again == payload
    assert client.get("/api/v1/cases/unknown/hub/rs-eda", headers=auth("MRL")).status_code == 404
