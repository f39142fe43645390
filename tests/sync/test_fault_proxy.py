"""2,000 orientations pushed through a proxy that faults ≥ 30 % of requests: each on the server exactly once.

On a plain and on an encrypted (SQLCipher) console cache (600 orientations for the latter in CI).

The console's cache, the sync service, the API client and the server are the
real ones; only the network between them lies (see :mod:`tests.sync.fault_proxy`).
"""

from __future__ import annotations

import pytest

from app.services.sync.api_client import ApiClient
from app.services.sync.worker import SyncService
from tests.sync.conftest import (
    PASSWORD, SOAK_BACKENDS, cache_intact, make_case, make_orientation, open_store, scaled, server_facts,
)
from tests.sync.fault_proxy import FaultProxy

CASES = 20


@pytest.mark.asyncio
@pytest.mark.parametrize("server_db", SOAK_BACKENDS, indirect=True)
async def test_every_orientation_exactly_once_through_a_faulty_network(server, server_db, tmp_path, cache_key):
    per_case = scaled(100, 500, encrypted=30, key=cache_key)  # orientations per case
    store, engine = open_store(tmp_path / "cache.db", key=cache_key)
    written = []
    for c in range(CASES):
        case = make_case()
        store.save_case(case, author="mrl")
        for n in range(per_case):
            doc = make_orientation(case.uuid, n)
            store.save_orientation(doc, author="mrl", author_role="MRL")
            written.append(doc.uuid)

    proxy = FaultProxy(rate=0.4, seed=scaled(5, 0) or None)
    async with ApiClient(server.url, timeout=5.0, transport=proxy) as client:
        await client.login("mrl", PASSWORD)
        sync = SyncService(store, client, batch_size=20)
        for _ in range(2000):
            report = await sync.sync_once()
            if store.outbox_count() == 0 and report.ok:
                break
        await proxy.deliver_held()  # the last stale requests arrive after everything else
        proxy.enabled = False
        final = await sync.sync_once()  # pulls whatever the late deliveries changed (nothing)

    facts = server_facts(server_db)
    assert proxy.faulted / proxy.requests >= 0.3, proxy.counts
    assert set(proxy.counts) == {"drop_request", "drop_response", "duplicate", "reorder", "delay", "error_500",
                                 "reset"}
    assert final.ok and store.outbox_count() == 0 and store.rejected_items() == []
    assert facts["orientations"] == set(written)
    assert set(facts["per_uuid"].values()) == {1}, "an orientation journalled twice"
    assert facts["seqs"] == list(range(1, CASES * (per_case + 1) + 1))
    assert facts["chain"].ok
    # The console's copy of the journal is the server's, in the server's order.
    assert [r["seq"] for r in reversed(store.journal(limit=10**6))] == facts["seqs"]
    cache_intact(engine, cache_key)
    engine.dispose()
