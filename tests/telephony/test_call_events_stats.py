"""QS60 and QS30 from the room's telephone (issue 15): 100 scripted calls with known waits, on the wall's API.

The desks report each call through ``POST /api/v1/calls/events`` (presented, then answered, or
ended unanswered: abandoned); three cases opened without a call keep their typed clocks.  The
expected shares are computed here from the scripted waits, independently of the server's code;
``GET /api/v1/stats`` must give them, and so must the console's wall, computed from its cache
filled by the journal the sync pulls.  Run on SQLite and on PostgreSQL.
"""

# ruff: noqa: F811  (fixtures imported from tests/server/conftest.py)
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.services.supervision import stats
from app.services.supervision.desk_reads import SupervisionReads
from app.services.sync import local_journal
from tests.helpers.databases import BACKENDS
from tests.server.conftest import (  # noqa: F401  (fixtures)
    app, auth, case_body, client, db_url, password_hash, sessions, token_for, users,
)

T0 = datetime(2024, 1, 18, 8, 30, tzinfo=timezone.utc)
START, END = T0 - timedelta(hours=1), T0 + timedelta(hours=4)
#: Seconds each caller waits, cycled over the 100 calls; every 10th call is abandoned after its wait.
WAITS = [3, 8, 15, 22, 29, 30, 31, 44, 58, 60, 61, 75, 95, 130]
#: Cases opened without a call: typed answer delays.
TYPED_DELAYS = [10, 40, 70]


def script() -> list[tuple[str, datetime, float, bool]]:
    """(call id, presented at, wait in seconds, abandoned) for the 100 calls."""
    return [(f"call-{i:03d}@pbx", T0 + timedelta(seconds=90 * i), float(WAITS[i % len(WAITS)]), i % 10 == 9)
            for i in range(100)]


def expected(threshold: float) -> tuple[int, int]:
    answered_in_time = sum(1 for _c, _t, wait, gone in script() if not gone and wait <= threshold)
    typed_in_time = sum(1 for d in TYPED_DELAYS if d <= threshold)
    return answered_in_time + typed_in_time, len(script()) + len(TYPED_DELAYS)


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_qs60_and_qs30_of_100_scripted_calls_on_the_wall_api(client, auth, case_body, tmp_path):
    desks = [auth("ARM"), auth("OSNP"), auth("MRL")]
    for i, (call_id, presented, wait, gone) in enumerate(script()):
        desk = desks[i % len(desks)]
        report = {"call_id": call_id, "event": "presented", "at": presented.isoformat(), "number": "0612345678"}
        assert client.post("/api/v1/calls/events", headers=desk, json=report).status_code == 201
        last = {**report, "event": "ended" if gone else "answered",
                "at": (presented + timedelta(seconds=wait)).isoformat()}
        assert client.post("/api/v1/calls/events", headers=desk, json=last).status_code == 201
    for k, delay in enumerate(TYPED_DELAYS):
        reception = T0 + timedelta(hours=3, minutes=k)
        body = case_body(creation=reception.isoformat(), reception=reception.isoformat(),
                         answered_at=(reception + timedelta(seconds=delay)).isoformat())
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=desks[0]).status_code == 201
    # One call rings now (presented, nobody answered): counted as waiting, not in QS60.
    ringing_since = END - timedelta(seconds=200)
    client.post("/api/v1/calls/events", headers=desks[0],
                json={"call_id": "ringing@pbx", "event": "presented", "at": ringing_since.isoformat(), "number": None,
                      "hidden": True})

    answer = client.get("/api/v1/stats", params={"start": START.isoformat(), "end": END.isoformat()},
                        headers=auth("SUPERVISEUR"))
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    for name, threshold in (("answered_60", 60), ("answered_30", 30)):
        numerator, denominator = expected(threshold)
        assert (data[name]["numerator"], data[name]["denominator"]) == (numerator, denominator), name
        assert data[name]["ratio"] == pytest.approx(numerator / denominator)
    assert data["abandoned_calls"] == {"numerator": 10, "denominator": 100, "ratio": 0.1}
    assert data["calls_waiting"] == 1
    assert data["longest_call_wait_s"] == pytest.approx(200.0)
    assert (data["phone_calls"], data["typed_cases"]) == (101, 3)
    assert data["calls"] == 104
    assert sum(h["calls"] for h in data["hours"]) == 104

    # The console's wall computes the same from its cache, filled by the journal the sync pulls.
    _engine, cache = open_database(sqlite_url(tmp_path / "cache.db"))
    after = 0
    while True:
        page = client.get("/api/v1/journal", params={"after": after, "limit": 1000},
                          headers=auth("SUPERVISEUR")).json()
        if not page["entries"]:
            break
        with cache() as session, session.begin():
            local_journal.store_entries(session, page["entries"], page["next_after"])
        after = page["next_after"]
    rows = SupervisionReads(cache).stats_rows(START, END, END)
    wall = stats.compute(rows, START, END, END)
    assert (wall.answered_60.numerator, wall.answered_60.denominator) == expected(60)
    assert (wall.answered_30.numerator, wall.answered_30.denominator) == expected(30)
    assert wall.calls_waiting == 1 and wall.abandoned_calls == stats.Share(10, 100)
    _engine.dispose()
