"""The shared journal: cursor paging, and gap-free seq under concurrent writes."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from app.server.run import EmbeddedServer
from tests.helpers.databases import BACKENDS

pytestmark = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)

JOURNAL = "/api/v1/journal"


def test_empty_journal(client, auth):
    response = client.get(JOURNAL, headers=auth("SUPERVISEUR"))
    assert response.status_code == 200
    assert response.json() == {"entries": [], "next_after": 0}
    assert client.get(JOURNAL, params={"after": 7}, headers=auth("ADMIN")).json() == {"entries": [], "next_after": 7}


def test_paging_with_after_and_limit(client, auth, case_body):
    uuids = []
    for _ in range(12):
        body = case_body()
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201
        uuids.append(body["uuid"])

    seen, after, pages = [], 0, 0
    while True:
        page = client.get(JOURNAL, params={"after": after, "limit": 5}, headers=auth("SUPERVISEUR")).json()
        pages += 1
        if not page["entries"]:
            assert page["next_after"] == after
            break
        assert len(page["entries"]) <= 5
        assert page["next_after"] == page["entries"][-1]["seq"]
        seen.extend(page["entries"])
        after = page["next_after"]
    assert pages == 4
    assert [e["seq"] for e in seen] == list(range(1, 13))
    assert [e["uuid"] for e in seen] == uuids
    entry = seen[0]
    assert set(entry) == {"seq", "uuid", "kind", "author", "author_role", "created_at", "payload",
                          "prev_hash", "entry_hash"}
    assert (entry["kind"], entry["author"], entry["author_role"]) == ("case", "arm", "ARM")
    assert datetime.fromisoformat(entry["created_at"]).tzinfo is not None
    assert entry["payload"]["uuid"] == uuids[0]

    everything = client.get(JOURNAL, headers=auth("MRU")).json()
    assert len(everything["entries"]) == 12  # default limit 200


@pytest.mark.parametrize("params, field", [
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"after": -1}, "after"), ({"after": "x"}, "after"),
])
def test_journal_validation(client, auth, params, field):
    response = client.get(JOURNAL, params=params, headers=auth("ARM"))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == [field]


def test_seq_contiguous_under_concurrent_writes(db_url, auth, add_slot, case_body, orientation_body):
    """Threads write cases, orientations, bookings and replays at once against a real server."""
    start = datetime.now(timezone.utc) + timedelta(hours=1)
    slots = [add_slot(start=start + timedelta(minutes=20 * i)) for i in range(6)]
    threads_n, rounds = 8, 6
    headers = {role: auth(role) for role in ("ARM", "OSNP", "MRL")}
    statuses: Counter[int] = Counter()
    created: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads_n)

    def worker(n: int, base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as http:
            barrier.wait()
            for r in range(rounds):
                case = case_body()
                orientation = orientation_body(case["uuid"], decision_key="CONSULTATION_48H", decision_type="ORIENT")
                calls = [
                    ("PUT", f"/api/v1/cases/{case['uuid']}", case, "ARM", case["uuid"]),
                    ("PUT", f"/api/v1/cases/{case['uuid']}", case, "ARM", None),  # replay: no entry
                    ("PUT", f"/api/v1/orientations/{orientation['uuid']}", orientation, "MRL", orientation["uuid"]),
                    ("POST", f"/api/v1/slots/{slots[r]}/booking",
                     {"orientation_id": orientation["uuid"], "case_id": case["uuid"]}, "OSNP", orientation["uuid"]),
                ]
                for method, url, body, role, journalled in calls:
                    response = http.request(method, url, json=body, headers=headers[role])
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code == 201:
                            created.append(journalled)
                            if method == "POST":  # a booking also puts the slot on its decision (v2)
                                created.append(journalled)

    with EmbeddedServer(db_url) as server:
        threads = [threading.Thread(target=worker, args=(i, server.url)) for i in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with httpx.Client(base_url=server.url, trust_env=False) as http:
            entries, after = [], 0
            while True:
                page = http.get(JOURNAL, params={"after": after, "limit": 7}, headers=headers["ARM"]).json()
                if not page["entries"]:
                    break
                entries.extend(page["entries"])
                after = page["next_after"]

    assert set(statuses) <= {200, 201, 409}, statuses
    # Each slot is booked exactly once; the others get 409 slot_taken.
    assert statuses[409] == (threads_n - 1) * rounds
    assert statuses[201] == threads_n * rounds * 2 + rounds
    assert [e["seq"] for e in entries] == list(range(1, len(created) + 1))
    assert sorted(e["uuid"] for e in entries) == sorted(created)
    assert Counter(e["kind"] for e in entries) == {"case": threads_n * rounds,
                                                      "orientation": threads_n * rounds + rounds, "booking": rounds}
