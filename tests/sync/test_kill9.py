"""kill -9 of a console while it writes and syncs, hundreds of times: nothing shown as saved is lost.

Each cycle forks a console process (:mod:`tests.sync.console_writer`) on the
same cache file, lets it write and sync for a random moment, then SIGKILLs
it.  At the end a sync from a fresh process state must bring every
orientation the killed consoles had reported as saved to the server, exactly
once, and the cache file must be intact.  Run on a plain and on an encrypted
(SQLCipher) cache; the encrypted one with fewer cycles in CI.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

import pytest
from app.services.sync.api_client import ApiClient
from app.services.sync.worker import SyncService
from tests.sync.conftest import PASSWORD, cache_intact, make_case, open_store, scaled, server_facts
from tests.sync.console_writer import PRELOAD, write_until_killed



@pytest.fixture(scope="module")
def forkserver():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


@pytest.mark.asyncio
async def test_kill9_while_writing_loses_nothing_shown_as_saved(forkserver, server, server_db, tmp_path, cache_key):
    cycles = scaled(200, 2000, encrypted=50, key=cache_key)
    cache = tmp_path / "cache.db"
    store, engine = open_store(cache, key=cache_key)
    case = make_case()
    store.save_case(case, author="mrl")
    async with ApiClient(server.url, timeout=5.0) as client:
        token = (await client.login("mrl", PASSWORD)).token

    rng = random.Random(scaled(9, 0) or None)
    shown: list[str] = []
    cycles_with_writes = 0
    for cycle in range(cycles):
        parent, child = forkserver.Pipe(duplex=False)
        proc = forkserver.Process(target=write_until_killed,
                                  args=(str(cache), case.uuid, server.url, token, rng.randrange(10**9), child,
                                        cache_key.hex() if cache_key else None))
        proc.start()
        child.close()
        assert parent.recv() == "ready"
        # Kill at a random moment once the console is writing (its first save reported), so the
        # kills land mid-write whatever the machine's load.
        parent.poll(5.0)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        assert proc.exitcode == -signal.SIGKILL
        before = len(shown)
        while parent.poll():
            try:
                shown.append(parent.recv())
            except EOFError:
                break
        parent.close()
        cycles_with_writes += len(shown) > before

    cache_intact(engine, cache_key)
    async with ApiClient(server.url, token=token, timeout=5.0) as client:
        sync = SyncService(store, client)
        for _ in range(50):
            if (await sync.sync_once()).ok and store.outbox_count() == 0:
                break
    facts = server_facts(server_db)
    assert cycles_with_writes >= cycles // 2, "the kills should land while writing"
    assert set(shown) <= facts["orientations"], "an orientation shown as saved never reached the server"
    assert set(facts["per_uuid"].values()) == {1}
    assert store.outbox_count() == 0 and store.rejected_items() == []
    assert facts["chain"].ok and facts["seqs"] == list(range(1, len(facts["seqs"]) + 1))
    engine.dispose()
