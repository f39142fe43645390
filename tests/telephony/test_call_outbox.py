"""A desk's call facts survive its console (issue 15): a console killed while the room server was down leaves
them in its encrypted cache, and the next session of the same user sends them first, in order, each once.

Real processes: ``sas server`` on a demo database (stopped and restarted on the same port) and, for the
killed console, a child Python process writing through the desk's own queue and cache, ended by SIGKILL.
Oracles: the server's ``GET /api/v1/calls?state=recent`` and the rows of its own database.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from app.services.desk.call_events import CallEventQueue, event_body
from app.services.sync.api_client import ApiClient
from app.services.sync.desk_cache import DeskCache
from tests.e2e.conftest import ServerProcess, free_port
from tests.helpers.demo_db import ROOT, build_demo

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(240)]

#: The killed console: its queue writes the facts to the cache, tries the (down) server, then waits to be killed.
DESK = """
import asyncio, json, sys
from datetime import datetime
from app.services.desk.call_events import CallEventQueue, event_body
from app.services.sync.api_client import ApiClient
from app.services.sync.desk_cache import DeskCache

async def main(args):
    cache = DeskCache.open(args["cache"], bytes.fromhex(args["key"]))
    outbox = cache.call_outbox(args["user"])
    queue = CallEventQueue(ApiClient(args["url"], token=args["token"]), retry_delays=(0.05,), outbox=outbox)
    for event, at, number in args["facts"]:
        queue.post_event(event_body(args["call_id"], event, datetime.fromisoformat(at), number=number))
    while not all(fact.attempts for fact in outbox.pending()[:1]):  # the server was tried, and is down
        await asyncio.sleep(0.05)
    print("stored", outbox.count(), flush=True)
    await asyncio.sleep(3600)

asyncio.run(main(json.loads(sys.argv[1])))
"""


class CountingTransport(httpx.AsyncBaseTransport):
    """The real HTTP transport, noting each call request the desk sends (the edge of the world, not a mock)."""

    def __init__(self) -> None:
        self._real = httpx.AsyncHTTPTransport()
        self.calls: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/calls/" in request.url.path:
            self.calls.append((request.url.path, json.loads(request.content).get("event", "link")))
        return await self._real.handle_async_request(request)

    async def aclose(self) -> None:
        await self._real.aclose()


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The room server on a seeded demo database, and that database's file (read directly as an oracle)."""
    base = tmp_path_factory.mktemp("room")
    db_url = f"sqlite:///{base / 'server.db'}"
    build_demo(db_url)
    server = ServerProcess(db_url, free_port(), base / "server.log")
    server.start()
    yield server, base / "server.db"
    server.stop()


def _token(server: ServerProcess, user: str = "arm") -> str:
    answer = httpx.post(f"{server.url}/api/v1/auth/login", json={"username": user, "password": f"{user}-demo"})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def _recent_call(server: ServerProcess, token: str, call_id: str) -> dict:
    answer = httpx.get(f"{server.url}/api/v1/calls", params={"state": "recent"},
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    found = [call for call in answer.json()["calls"] if call["call_id"] == call_id]
    assert len(found) == 1, f"{len(found)} calls {call_id} on the server"
    return found[0]


def _reports(db: Path, call_id: str) -> list[tuple[str, str]]:
    """The server's own record of what the desks reported about ``call_id``: (event, author), in order."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT e.event, e.author FROM call_events e JOIN calls c ON c.uuid = e.call_uuid "
                            "WHERE c.call_id = ? ORDER BY e.id", (call_id,)).fetchall()


async def _drain(queue: CallEventQueue, timeout: float = 15.0) -> None:
    queue.start()
    async with asyncio.timeout(timeout):
        while queue.pending():
            await asyncio.sleep(0.05)
    await queue.stop(flush_s=0)


async def test_facts_of_a_console_killed_offline_reach_the_server_at_the_next_session_in_order_once(room, tmp_path):
    server, server_db = room
    token = _token(server)
    call_id = f"{uuid.uuid4()}@127.0.0.1"
    presented = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=5)
    answered, ended = presented + timedelta(seconds=12), presented + timedelta(seconds=95)
    facts = [("presented", presented, "0612345678"), ("answered", answered, None), ("ended", ended, None)]
    cache_path, key = tmp_path / "console-cache.db", os.urandom(32)

    server.stop()  # the room server goes down while the call happens
    try:
        desk = subprocess.Popen(
            [sys.executable, "-c", DESK, json.dumps({
                "cache": str(cache_path), "key": key.hex(), "user": "arm", "url": server.url, "token": token,
                "call_id": call_id, "facts": [(e, at.isoformat(), n) for e, at, n in facts]})],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            line = await asyncio.wait_for(asyncio.to_thread(desk.stdout.readline), 60)
            assert line.strip() == "stored 3", desk.stderr.read() if desk.poll() is not None else line
        finally:
            desk.send_signal(signal.SIGKILL)  # the console is killed: no stop, no flush
            desk.wait(10)
    finally:
        server.start()

    assert _reports(server_db, call_id) == []  # nothing reached the server before the kill
    cache = DeskCache.open(cache_path, key)
    try:
        assert cache.call_outbox("osnp").count() == 0  # another user's session does not send arm's calls
        transport = CountingTransport()
        client = ApiClient(server.url, token=token, transport=transport)
        queue = CallEventQueue(client, retry_delays=(0.05,), outbox=cache.call_outbox("arm"))
        assert queue.pending() == 3
        queue.post_event(event_body(call_id, "transferred", ended - timedelta(seconds=5), target="mru"))
        await _drain(queue)
        await client.aclose()
        assert cache.call_outbox("arm").count() == 0
    finally:
        cache.close()

    path = "/api/v1/calls/events"
    assert transport.calls == [(path, "presented"), (path, "answered"), (path, "ended"), (path, "transferred")]
    call = _recent_call(server, token, call_id)
    assert datetime.fromisoformat(call["presented_at"]) == presented
    assert datetime.fromisoformat(call["answered_at"]) == answered
    assert datetime.fromisoformat(call["ended_at"]) == ended
    assert (call["answered_by"], call["abandoned"], call["number"]) == ("arm", False, "0612345678")
    assert _reports(server_db, call_id) == [("presented", "arm"), ("answered", "arm"), ("ended", "arm"),
                                            ("transferred", "arm")]

    again = DeskCache.open(cache_path, key)  # a third session: nothing is left, nothing is sent again
    try:
        transport = CountingTransport()
        client = ApiClient(server.url, token=token, transport=transport)
        queue = CallEventQueue(client, retry_delays=(0.05,), outbox=again.call_outbox("arm"))
        assert queue.pending() == 0
        await _drain(queue)
        await client.aclose()
    finally:
        again.close()
    assert transport.calls == []
    assert len(_reports(server_db, call_id)) == 4


async def test_a_fact_the_server_had_before_the_console_died_is_a_replay_not_a_second_report(room, tmp_path):
    """Killed after the server recorded « presented » but before the cache forgot it: sent again, counted once."""
    server, server_db = room
    token = _token(server)
    call_id = f"{uuid.uuid4()}@127.0.0.1"
    presented = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=2)
    first = event_body(call_id, "presented", presented, number="0698765432")
    answer = httpx.post(f"{server.url}/api/v1/calls/events", json=first, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    cache_path, key = tmp_path / "console-cache.db", os.urandom(32)
    cache = DeskCache.open(cache_path, key)
    try:
        cache.call_outbox("arm").add("event", call_id, first)  # its row, still there when the console died
        client = ApiClient(server.url, token=token)
        queue = CallEventQueue(client, retry_delays=(0.05,), outbox=cache.call_outbox("arm"))
        queue.post_event(event_body(call_id, "ended", presented + timedelta(seconds=40)))
        await _drain(queue)
        await client.aclose()
        assert queue.sent == [("event", call_id, "presented"), ("event", call_id, "ended")]
        assert cache.call_outbox("arm").count() == 0
    finally:
        cache.close()
    assert _reports(server_db, call_id) == [("presented", "arm"), ("ended", "arm")]
    call = _recent_call(server, token, call_id)
    assert datetime.fromisoformat(call["presented_at"]) == presented
    assert call["abandoned"] and call["answered_at"] is None
