"""``POST /api/v1/sync/batch`` and orientation versions: per-item answers, replays, conflicts, merges."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import JournalEntry
from tests.helpers.databases import BACKENDS

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
BATCH = "/api/v1/sync/batch"


def _batch(client, auth, items, role="MRL"):
    return client.post(BATCH, json={"items": items}, headers=auth(role))


def _orientation_put(client, auth, body, role="MRL"):
    return client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth(role))


def test_batch_applies_items_in_order_with_one_result_each(client, auth, case_body, orientation_body, sessions):
    case = case_body()
    o1, o2 = orientation_body(case["uuid"]), orientation_body(case["uuid"])
    bad = {**orientation_body(case["uuid"]), "decision_type": "NIMPORTE"}
    items = [{"id": 1, "entity": "case", "body": case}, {"id": 2, "entity": "orientation", "body": o1},
             {"id": 3, "entity": "orientation", "body": bad}, {"id": 4, "entity": "orientation", "body": o2}]
    response = _batch(client, auth, items)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [(1, 201), (2, 201), (3, 422), (4, 201)]
    assert results[2]["fields"][0]["field"] == "decision_type"
    # The same batch again (a replay after a lost answer) changes nothing.
    again = _batch(client, auth, items).json()["results"]
    assert [(r["id"], r["status"]) for r in again] == [(1, 200), (2, 200), (3, 422), (4, 200)]
    with sessions() as s:
        assert list(s.scalars(select(JournalEntry.uuid).order_by(JournalEntry.seq))) == [
            case["uuid"], o1["uuid"], o2["uuid"]]


def test_batch_checks_each_items_role(client, auth, case_body, orientation_body):
    case = case_body()
    items = [{"id": 1, "entity": "case", "body": case},
             {"id": 2, "entity": "orientation", "body": orientation_body(case["uuid"])}]
    results = _batch(client, auth, items, role="ARM").json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [(1, 201), (2, 403)]
    assert _batch(client, auth, items, role="SUPERVISEUR").status_code == 403
    assert client.post(BATCH, json={"items": []}, headers=auth("MRL")).status_code == 422


def test_next_version_is_a_new_journal_entry_and_old_replays_are_harmless(client, auth, case_body, orientation_body,
                                                                          sessions):
    case = case_body()
    client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM"))
    v1 = orientation_body(case["uuid"])
    assert _orientation_put(client, auth, v1).status_code == 201
    v2 = {**v1, "decision_key": "URGENCES", "decision_type": "ORIENT", "version": 2}
    updated = _orientation_put(client, auth, v2)
    assert updated.status_code == 200 and updated.json()["decision_key"] == "URGENCES"
    stale_replay = _orientation_put(client, auth, v1)  # v1 delivered late: already known, nothing changes
    assert stale_replay.status_code == 200 and stale_replay.json()["version"] == 2
    with sessions() as s:
        payloads = list(s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "orientation")
                                  .order_by(JournalEntry.seq)))
    assert [(p["version"], p["decision_key"]) for p in payloads] == [(1, "CONSEIL"), (2, "URGENCES")]


def test_stale_edit_is_409_with_the_current_version(client, auth, case_body, orientation_body):
    case = case_body()
    client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM"))
    v1 = orientation_body(case["uuid"])
    _orientation_put(client, auth, v1)
    desk_a = {**v1, "decision_key": "URGENCES", "decision_type": "ORIENT", "version": 2}
    desk_b = {**v1, "decision_key": "VISITE_DOMICILE", "decision_type": "INTER", "version": 2}
    assert _orientation_put(client, auth, desk_a).status_code == 200
    conflict = _orientation_put(client, auth, desk_b, role="MRU")
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["error"] == "version_conflict" and body["current"]["decision_key"] == "URGENCES"
    assert body["current"]["version"] == 2 and "decision_key" in body["changed"]


def test_stale_free_text_edits_merge(client, auth, case_body, orientation_body):
    case = case_body()
    client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM"))
    v1 = orientation_body(case["uuid"], freetext="Paracétamol")
    _orientation_put(client, auth, v1)
    assert _orientation_put(client, auth, {**v1, "freetext": "Paracétamol. Rappel à 18 h", "version": 2}).status_code == 200
    merged = _orientation_put(client, auth, {**v1, "freetext": "Allergie pénicilline", "version": 2}, role="MRU")
    assert merged.status_code == 200
    assert merged.json()["freetext"] == "Paracétamol. Rappel à 18 h\nAllergie pénicilline"
    assert merged.json()["version"] == 3
