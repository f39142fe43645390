"""20 consoles × 500 orientations synced at once against one server: 10,000 rows, none twice, no gap.

The consoles' caches are plain SQLite or encrypted (SQLCipher, as on the desks; 20 × 50 in CI).
"""

from __future__ import annotations

import asyncio

import pytest

from app.services.sync.api_client import ApiClient
from app.services.sync.worker import SyncService
from tests.helpers.databases import BACKENDS
from tests.sync.conftest import (
    PASSWORD, SOAK, make_case, make_orientation, open_store, scaled, server_facts,
)

CLIENTS = 20
PER_CLIENT = scaled(500, 2000)
CASES_PER_CLIENT = 5
#: (server database, console caches): both backends on plain caches; encrypted caches on SQLite (every
#: backend in the soak), the server being what is under test here.
VARIANTS = [(b, "plain") for b in BACKENDS] + [(b, "encrypted") for b in (BACKENDS if SOAK else ["sqlite"])]


async def _console(n: int, url: str, tmp_path, written: list[str], per_client: int, key: bytes | None) -> None:
    store, engine = open_store(tmp_path / f"cache-{n}.db", durable=False, key=key)
    client = ApiClient(url, timeout=60.0)
    await client.login(f"mrl{n}", PASSWORD)
    for _ in range(CASES_PER_CLIENT):
        case = make_case()
        store.save_case(case, author=f"mrl{n}")
        for i in range(per_client // CASES_PER_CLIENT):
            doc = make_orientation(case.uuid, i)
            store.save_orientation(doc, author=f"mrl{n}", author_role="MRL")
            written.append(doc.uuid)
        await asyncio.sleep(0)  # let the other consoles start meanwhile
    async with client:
        sync = SyncService(store, client, batch_size=50)
        for _ in range(100):
            # Push only: here the server's concurrency is under test; every console pulling the
            # 10,000 entries back is the journal pull's business (tests/services/test_sync.py).
            report = await sync.push_once()
            if report.ok and store.outbox_count() == 0:
                break
    assert store.outbox_count() == 0 and store.rejected_items() == []
    engine.dispose()


@pytest.mark.asyncio
@pytest.mark.parametrize(("server_db", "cache_key"), VARIANTS, indirect=True)
async def test_twenty_consoles_in_parallel(server, server_db, tmp_path, cache_key):
    # PostgreSQL: the full 20 × 500 in the soak, 20 × 100 in CI; encrypted caches: 20 × 50 in CI.
    if cache_key is not None:
        per_client = scaled(50, PER_CLIENT)
    else:
        per_client = PER_CLIENT if server_db.startswith("sqlite") else scaled(100, PER_CLIENT)
    written: list[str] = []
    await asyncio.gather(*(_console(n, server.url, tmp_path, written, per_client, cache_key)
                           for n in range(1, CLIENTS + 1)))
    facts = server_facts(server_db)
    assert len(written) == CLIENTS * per_client
    assert facts["orientations"] == set(written)
    assert set(facts["per_uuid"].values()) == {1}
    assert facts["seqs"] == list(range(1, CLIENTS * (per_client + CASES_PER_CLIENT) + 1))
    assert facts["chain"].ok
