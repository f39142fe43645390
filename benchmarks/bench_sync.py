"""Durable orientation writes through the API, and draining an offline outbox.

* ``api_put_orientation_<db>_ms`` — one ``PUT /api/v1/orientations/{uuid}`` after
  another from one client against the embedded server (one uvicorn worker),
  each committed durably before the answer (SQLite ``synchronous=FULL`` in WAL
  mode: one fsync per commit; PostgreSQL default ``fsync``/``synchronous_commit``).
  Milliseconds per write; the goal 2 ms is 500 writes/s.
* ``api_batch_orientation_<db>_ms`` — the same writes sent as the sync sends
  them, ``POST /api/v1/sync/batch`` of 100 items (one commit per batch).
* ``sync_drain_10000_s`` — 10,000 orientations saved in a console's cache while
  the server was away, then the time for the sync service to empty the outbox
  once the server is back (SQLite server).

PostgreSQL rows need the server of ``.ci/services.sh`` (skipped otherwise).
Everything is written in temporary directories / databases, removed afterwards.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.server.run import EmbeddedServer  # noqa: E402
from app.services.sync.api_client import ApiClient  # noqa: E402
from app.services.sync.worker import SyncService  # noqa: E402
from tests.helpers.databases import database_url, postgres_unavailable  # noqa: E402
from tests.sync.conftest import PASSWORD, add_users, make_case, make_orientation, open_store  # noqa: E402

WRITES = 2000
BATCH = 100
DRAIN = 10_000


def _writes(url: str) -> tuple[float, float]:
    """(ms per single PUT, ms per orientation in batches) against a fresh server database."""
    add_users(url, ["mrl"])
    with EmbeddedServer(url) as server, httpx.Client(base_url=server.url, trust_env=False, timeout=30) as http:
        token = http.post("/api/v1/auth/login", json={"username": "mrl", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        case = make_case()
        assert http.put(f"/api/v1/cases/{case.uuid}", json=case.model_dump(mode="json"),
                        headers=headers).status_code == 201
        docs = [make_orientation(case.uuid, n).model_dump(mode="json") for n in range(WRITES)]
        t0 = time.perf_counter()
        for doc in docs[: WRITES // 2]:
            assert http.put(f"/api/v1/orientations/{doc['uuid']}", json=doc, headers=headers).status_code == 201
        single = (time.perf_counter() - t0) * 1000 / (WRITES // 2)
        rest = docs[WRITES // 2:]
        t0 = time.perf_counter()
        for i in range(0, len(rest), BATCH):
            items = [{"id": i + k, "entity": "orientation", "body": d} for k, d in enumerate(rest[i:i + BATCH])]
            results = http.post("/api/v1/sync/batch", json={"items": items}, headers=headers).json()["results"]
            assert {r["status"] for r in results} == {201}
        batched = (time.perf_counter() - t0) * 1000 / len(rest)
    return single, batched


def _drain(tmp: Path) -> float:
    url = f"sqlite:///{tmp / 'drain-server.db'}"
    add_users(url, ["mrl"])
    store, engine = open_store(tmp / "drain-cache.db")
    case = make_case()
    store.save_case(case, author="mrl")
    for n in range(DRAIN):  # written while offline (durable local writes)
        store.save_orientation(make_orientation(case.uuid, n), author="mrl", author_role="MRL")

    async def drain(server_url: str) -> float:
        async with ApiClient(server_url, timeout=60) as client:
            await client.login("mrl", PASSWORD)
            sync = SyncService(store, client)
            t0 = time.perf_counter()
            while store.outbox_count():
                await sync.push_once()
            return time.perf_counter() - t0

    with EmbeddedServer(url) as server:
        seconds = asyncio.run(drain(server.url))
    engine.dispose()
    return seconds


def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="sas-bench-sync-") as tmp:
        backends = ["sqlite"] + ([] if postgres_unavailable() else ["postgresql"])
        for backend in backends:
            with database_url(backend, Path(tmp)) as url:
                single, batched = _writes(url)
            results[f"api_put_orientation_{backend}_ms"] = {"value": round(single, 3), "unit": "ms", "goal": 2.0}
            results[f"api_batch_orientation_{backend}_ms"] = {"value": round(batched, 3), "unit": "ms", "goal": 2.0}
        results["sync_drain_10000_s"] = {"value": round(_drain(Path(tmp)), 2), "unit": "s", "goal": 30.0}
    return results
