"""Issue 13, item 3 on the server: « prise en charge » by its rule, on every path (route and sync batch).

Who may take a case in charge (MRU, MRL, OSNP; never the ARM nor the chef de salle), never a
closed case; the holder's name is the authenticated user's, whatever the client wrote; hand-over,
release and closing free the case.  The expected names and statuses are written out here.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.models import Case, JournalEntry

BATCH = "/api/v1/sync/batch"


def _event(case_uuid: str, type_: str, **fields) -> dict:
    return {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, "created_at": "2024-01-18T10:20:00+01:00",
            "type": type_, **fields}


def _put(client, auth, role, body):
    return client.put(f"/api/v1/cases/{body['case_uuid']}/events/{body['uuid']}", json=body, headers=auth(role))


def _batch(client, auth, role, body):
    response = client.post(BATCH, json={"items": [{"id": 7, "entity": "case_event", "body": body}]},
                           headers=auth(role))
    assert response.status_code == 200, response.json()
    return response.json()["results"][0]


@pytest.fixture
def case(client, auth, case_body) -> dict:
    body = case_body(attribution="DRM.MRL.MG")
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201
    return body


def _holder(sessions, case_uuid):
    with sessions() as s:
        row = s.get(Case, case_uuid)
        return row.holder, row.holder_name


@pytest.mark.parametrize("path", ["route", "batch"])
@pytest.mark.parametrize("role", ["ARM", "SUPERVISEUR"])
def test_only_doctors_and_osnp_take_a_case(client, auth, case, sessions, path, role):
    body = _event(case["uuid"], "take_charge", holder_name="Dr Usurpateur")
    if path == "route":
        response = _put(client, auth, role, body)
        status, message = response.status_code, response.json().get("message", "")
    else:
        if role == "SUPERVISEUR":  # the batch route itself is closed to the chef de salle
            assert client.post(BATCH, json={"items": [{"id": 1, "entity": "case_event", "body": body}]},
                               headers=auth(role)).status_code == 403
            return
        result = _batch(client, auth, role, body)
        status, message = result["status"], result["message"]
    assert status == 403
    if role == "ARM":  # the chef de salle is stopped by the route's permission, the ARM by the core's rule
        assert message == "Seuls les médecins régulateurs et l'OSNP prennent un dossier en charge"
    assert _holder(sessions, case["uuid"]) == (None, None)


@pytest.mark.parametrize("path", ["route", "batch"])
@pytest.mark.parametrize("role", ["MRL", "MRU", "OSNP"])
def test_a_doctor_or_osnp_takes_it_under_the_name_of_the_token(client, auth, case, sessions, path, role):
    body = _event(case["uuid"], "take_charge", holder_name="Dr Usurpateur")
    status = _put(client, auth, role, body).status_code if path == "route" else _batch(client, auth, role, body)[
        "status"]
    assert status == 201
    assert _holder(sessions, case["uuid"]) == (role.lower(), f"Agent {role}")
    with sessions() as s:
        payload = s.scalars(select(JournalEntry.payload).where(JournalEntry.uuid == body["uuid"])).one()
    assert payload["holder_name"] == f"Agent {role}"  # what other desks apply
    # The same event again (a replay, with what the client first sent) is a 200, not a conflict.
    again = _put(client, auth, role, body).status_code if path == "route" else _batch(client, auth, role, body)[
        "status"]
    assert again == 200


@pytest.mark.parametrize("path", ["route", "batch"])
def test_a_closed_case_is_not_taken(client, auth, case, sessions, path):
    assert _put(client, auth, "MRL", _event(case["uuid"], "status", status="CLOTURE")).status_code == 201
    body = _event(case["uuid"], "take_charge")
    if path == "route":
        response = _put(client, auth, "MRU", body)
        status, message = response.status_code, response.json()["message"]
    else:
        result = _batch(client, auth, "MRU", body)
        status, message = result["status"], result["message"]
    assert (status, message) == (403, "Dossier clôturé : il ne se prend plus en charge")


@pytest.mark.parametrize("ending", [{"type": "handover", "to_role": "MRL"}, {"type": "release"},
                                    {"type": "decision"}, {"type": "status", "status": "CLOTURE"}])
def test_hand_over_release_decision_and_close_free_the_case(client, auth, case, sessions, ending):
    assert _put(client, auth, "MRL", _event(case["uuid"], "take_charge")).status_code == 201
    assert _holder(sessions, case["uuid"]) == ("mrl", "Agent MRL")
    kind = ending.pop("type")
    assert _put(client, auth, "MRL", _event(case["uuid"], kind, **ending)).status_code == 201
    assert _holder(sessions, case["uuid"]) == (None, None)


def test_a_take_over_is_journalled_with_both_names(client, auth, case, sessions):
    assert _put(client, auth, "MRL", _event(case["uuid"], "take_charge")).status_code == 201
    over = _event(case["uuid"], "take_charge", freetext="reprise du dossier de Agent MRL")
    assert _put(client, auth, "MRU", over).status_code == 201
    assert _holder(sessions, case["uuid"]) == ("mru", "Agent MRU")
    entries = client.get("/api/v1/journal", headers=auth("SUPERVISEUR")).json()["entries"]
    taken = [(e["author"], e["payload"].get("holder_name"), e["payload"].get("freetext"))
             for e in entries if e["kind"] == "case_event" and e["payload"]["type"] == "take_charge"]
    assert taken == [("mrl", "Agent MRL", None), ("mru", "Agent MRU", "reprise du dossier de Agent MRL")]


def test_release_is_for_the_roles_that_take(client, auth, case):
    response = _put(client, auth, "ARM", _event(case["uuid"], "release"))
    assert response.status_code == 403
