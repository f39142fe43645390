"""``GET /api/v1/stats`` gives the same indicators on SQLite and PostgreSQL.

The stats read their rows with the driver's own times on PostgreSQL and only the
search count out of a search event's payload (issue 12, item 9: a cheaper wall), so
each backend is checked against numbers written out here from the scenario.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from tests.helpers.databases import BACKENDS

PERIOD = {"start": "2024-01-18T08:00:00+01:00", "end": "2024-01-18T20:00:00+01:00"}


def _event(client, headers, case_uuid: str, **fields) -> None:
    doc = {"uuid": str(uuid.uuid4()), "case_uuid": case_uuid, **fields}
    answer = client.put(f"/api/v1/cases/{case_uuid}/events/{doc['uuid']}", json=doc, headers=headers)
    assert answer.status_code == 201, answer.json()


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_the_indicators_are_the_same_on_both_databases(client, auth, case_body):
    arm, mrl = auth("ARM"), auth("MRL")
    # Presented 10:14:30 (+01:00); answered after 20 s, 50 s and 90 s; the 2nd handed over after 150 s.
    answers = ["2024-01-18T10:14:50+01:00", "2024-01-18T10:15:20+01:00", "2024-01-18T10:16:00+01:00"]
    uuids = []
    for answered in answers:
        body = case_body(answered_at=answered)
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=arm).status_code == 201
        uuids.append(body["uuid"])
    _event(client, arm, uuids[1], type="handover", to_role="MRL", created_at="2024-01-18T10:17:00+01:00")
    for found, at in ((0, "10:18:00"), (4, "10:19:00"), (0, "10:20:00")):
        _event(client, mrl, uuids[1], type="search", created_at=f"2024-01-18T{at}+01:00",
               search={"criteria": {"radius_km": 10}, "result_count": found, "effecteur_ids": ["e1"] * found})

    data = client.get("/api/v1/stats", params=PERIOD, headers=auth("SUPERVISEUR")).json()
    assert data["calls"] == 3
    assert data["answered_60"] == {"numerator": 2, "denominator": 3, "ratio": 2 / 3}
    assert data["answered_30"] == {"numerator": 1, "denominator": 3, "ratio": 1 / 3}
    assert data["time_to_doctor"]["P2"] == {"count": 1, "median_s": 150.0, "p90_s": 150.0}
    assert data["empty_searches"] == {"numerator": 2, "denominator": 3, "ratio": 2 / 3}
    assert data["waiting_total"] == 3 and data["waiting"]["SNP"]["P2"] == 3
    # The wall is judged at the end of the period (it is past): the oldest waits since 10:14:30.
    assert data["oldest_wait_s"] == pytest.approx((20 * 60 - (10 * 60 + 14.5)) * 60)
    hours = {datetime.fromisoformat(h["start"]): h for h in data["hours"]}
    ten = datetime(2024, 1, 18, 9, tzinfo=timezone.utc)  # 10:00 at +01:00
    assert (hours[ten]["calls"], hours[ten]["answered_60"]) == (3, 2)
    assert sum(h["calls"] for h in data["hours"]) == 3
