"""Two desks live: two sync services, two caches, one real ``sas server`` process (issue 13, item 5).

The rounds' polling interval is set to a minute, so whatever arrives within a second came by
the live stream (``GET /api/v1/events``) and the push woken by the local write.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from app.services.sync.api_client import ApiClient
from app.services.sync.live_events import SseParser
from app.services.sync.worker import SyncService
from tests.e2e.conftest import ServerProcess, free_port
from tests.sync.conftest import PASSWORD, make_case, make_orientation, open_store

POLL_S = 60.0


@pytest.fixture
def server_process(server_db, tmp_path):
    proc = ServerProcess(server_db, free_port(), tmp_path / "server.log")
    proc.start()
    yield proc
    proc.stop()


class Desk:
    """A console without its window: a cache, a client logged in, a running sync service."""

    def __init__(self, name: str, url: str, tmp_path):
        self.name = name
        self.store, self.engine = open_store(tmp_path / f"{name}.db", durable=False)
        self.client = ApiClient(url, timeout=30.0)
        self.statuses: list[bool | None] = []
        self.journal_calls: list[list[dict]] = []
        self.sync: SyncService | None = None
        self.task: asyncio.Task | None = None

    async def start(self) -> Desk:
        await self.client.login(self.name, PASSWORD)
        self.sync = SyncService(self.store, self.client, interval=POLL_S, live_interval=POLL_S,
                                backoff_base=0.05, backoff_max=0.5)
        self.sync.add_listener(lambda status: self.statuses.append(status.online))
        self.sync.add_journal_listener(self.journal_calls.append)
        self.task = asyncio.create_task(self.sync.run())
        await until(lambda: self.sync.live.up and self.sync.status.online, 10)
        return self

    async def stop(self) -> None:
        self.sync.stop()
        await asyncio.wait_for(self.task, 5)
        await self.client.aclose()
        self.engine.dispose()


async def until(predicate, timeout: float) -> float:
    """Wait until ``predicate()``; the time it became true (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        assert time.perf_counter() < deadline, f"not within {timeout} s"
        await asyncio.sleep(0.005)
    return time.perf_counter()


@pytest.mark.asyncio
async def test_a_case_opened_on_desk_a_is_in_desk_b_cache_within_a_second(server_process, tmp_path):
    a = await Desk("mrl1", server_process.url, tmp_path).start()
    b = await Desk("mrl2", server_process.url, tmp_path).start()
    try:
        for n in range(5):
            case = make_case()
            t0 = time.perf_counter()
            a.store.save_case(case, author="mrl1")  # what the intake does; nobody calls wake()
            arrived = await until(lambda uuid=case.uuid: b.store.get_case(uuid) is not None, 5)
            assert arrived - t0 < 1.0, f"case {n} took {arrived - t0:.2f} s"
        orientation = make_orientation(case.uuid)
        a.store.save_orientation(orientation, author="mrl1", author_role="MRL")
        await until(lambda: b.store.orientations_for_case(case.uuid), 1.0)
        seen = [e["uuid"] for batch in b.journal_calls for e in batch]
        assert seen[-6:] == [*seen[-6:-1], orientation.uuid] and len(seen) == len(set(seen)) == 6
        await until(lambda: a.store.journal_cursor() == 6, 2)  # desk A's own writes come back to its journal too
        assert b.store.journal_cursor() == 6
        assert b.statuses == [True] and a.statuses[:1] == [True] and False not in a.statuses
    finally:
        await a.stop()
        await b.stop()


@pytest.mark.asyncio
async def test_the_stream_resumes_after_a_server_restart_with_what_was_missed(server_process, tmp_path):
    a = await Desk("mrl3", server_process.url, tmp_path).start()
    b = await Desk("mrl4", server_process.url, tmp_path).start()
    try:
        first = make_case()
        a.store.save_case(first, author="mrl3")
        await until(lambda: b.store.get_case(first.uuid) is not None, 2)
        server_process.stop()
        await until(lambda: not b.sync.live.up, 5)
        missed = make_case()
        a.store.save_case(missed, author="mrl3")  # queued on desk A while the server is away
        server_process.start()
        await until(lambda: b.store.get_case(missed.uuid) is not None, 15)
        await until(lambda: b.sync.live.up, 10)
        after = make_case()
        t0 = time.perf_counter()
        a.store.save_case(after, author="mrl3")
        assert await until(lambda: b.store.get_case(after.uuid) is not None, 5) - t0 < 1.5
        seqs = [e["seq"] for batch in b.journal_calls for e in batch]
        assert seqs == [1, 2, 3] and b.store.journal_cursor() == 3
    finally:
        await a.stop()
        await b.stop()


@pytest.mark.asyncio
async def test_a_replaced_stream_reconnects_without_the_status_flapping(server_process, tmp_path):
    desk = await Desk("mrl5", server_process.url, tmp_path).start()
    other = ApiClient(server_process.url, token=desk.client.token)
    try:
        # Two more streams on the desk's token: the server keeps two per token and ends the oldest (the desk's).
        async with other.event_stream(0), other.event_stream(0):
            await until(lambda: desk.sync.live.last_end == "replaced", 5)
        await until(lambda: desk.sync.live.up, 5)
        case = make_case()
        writer = await Desk("mrl6", server_process.url, tmp_path).start()
        writer.store.save_case(case, author="mrl6")
        await until(lambda: desk.store.get_case(case.uuid) is not None, 2)
        await writer.stop()
        assert desk.statuses == [True]
    finally:
        await other.aclose()
        await desk.stop()


def test_take_live_entries_never_skips_an_entry(tmp_path):
    store, engine = open_store(tmp_path / "desk.db", durable=False)
    sync = SyncService(store, ApiClient("http://127.0.0.1:9"), live=False)
    entry = {"uuid": "u", "kind": "surge", "author": "x", "author_role": "MRL",
             "created_at": "2025-11-24T14:30:00+00:00", "payload": {}, "prev_hash": "", "entry_hash": ""}
    sync.take_live_entries([{**entry, "seq": 2, "uuid": "u2"}])  # entry 1 not seen: a gap
    assert store.journal_cursor() == 0 and sync._wake.is_set()
    sync.take_live_entries([{**entry, "seq": 1, "uuid": "u1"}, {**entry, "seq": 2, "uuid": "u2"}])
    sync.take_live_entries([{**entry, "seq": 2, "uuid": "u2"}, {**entry, "seq": 3, "uuid": "u3"}])
    assert store.journal_cursor() == 3
    assert [r["uuid"] for r in store.journal() if not r["pending"]] == ["u3", "u2", "u1"]
    engine.dispose()


def test_the_parser_reads_events_split_anywhere():
    text = (": ping\r\nid: 7\r\nevent: journal\r\ndata: {\"seq\":\r\ndata:  7}\r\n\r\n"
            "event: end\ndata: {\"reason\": \"shutdown\"}\n\n")
    for size in (1, 2, 3, 7, len(text)):
        parser = SseParser()
        events = [e for i in range(0, len(text), size) for e in parser.feed(text[i:i + size])]
        assert [(e.event, e.id, e.data) for e in events] == [
            ("journal", "7", "{\"seq\":\n 7}"), ("end", None, "{\"reason\": \"shutdown\"}")]
        assert parser.last_id == "7"
