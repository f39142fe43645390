"""``GET /api/v1/events`` over real HTTP (uvicorn on a real socket), on SQLite and PostgreSQL.

What a desk relies on: another user's change arrives within a second; ``Last-Event-ID`` resumes
with exactly the entries missed; each event is the journal entry as ``GET /api/v1/journal`` gives
it to that role (no patient data for ADMIN); a stream is audited per batch; no token → 401; a
revoked token or a stopping server ends the stream with a reason; a change committed by a second
server process on the same PostgreSQL database reaches a stream on the first.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app.models.journal import AuditEvent
from app.server.run import EmbeddedServer
from tests.e2e.conftest import ServerProcess, free_port
from tests.helpers.databases import BACKENDS

both = pytest.mark.parametrize("db_url", BACKENDS, indirect=True)


class Events:
    """A test's own reader of one event stream (blocks split on blank lines; shares no code with the console)."""

    def __init__(self, response: httpx.Response):
        self.response = response
        self.received: list[tuple[float, dict]] = []
        self.comments: list[str] = []
        self.ended: str | None = None
        self._changed = asyncio.Event()

    async def read(self) -> None:
        text = ""
        async with aclosing(self.response.aiter_text()) as chunks:
            async for chunk in chunks:
                text += chunk
                while "\n\n" in text:
                    block, text = text.split("\n\n", 1)
                    self._block(block)

    def _block(self, block: str) -> None:
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                self.comments.append(line)
            elif ": " in line:
                name, value = line.split(": ", 1)
                fields[name] = value
        if fields.get("event") == "journal":
            entry = json.loads(fields["data"])
            assert fields["id"] == str(entry["seq"])
            self.received.append((time.perf_counter(), entry))
        elif fields.get("event") == "end":
            self.ended = json.loads(fields["data"])["reason"]
        self._changed.set()

    async def until(self, predicate, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            self._changed.clear()
            remaining = deadline - time.perf_counter()
            assert remaining > 0, f"not within {timeout} s: {[e['seq'] for _t, e in self.received]}, {self.ended}"
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    def entries(self) -> list[dict]:
        return [e for _t, e in self.received]


@asynccontextmanager
async def stream(base_url: str, token: str | None, last_event_id: int | None = None,
                 query: str = "") -> AsyncIterator[Events]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=30) as http:
        async with http.stream("GET", "/api/v1/events" + query, headers=headers) as response:
            assert response.status_code == 200, (await response.aread())
            assert response.headers["content-type"].startswith("text/event-stream")
            events = Events(response)
            reader = asyncio.create_task(events.read())
            try:
                yield events
            finally:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)


def put_case(base_url: str, token: str, body: dict) -> float:
    """PUT a case; the time its answer came (the write is committed)."""
    response = httpx.put(f"{base_url}/api/v1/cases/{body['uuid']}", json=body, trust_env=False,
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 201, response.text
    return time.perf_counter()


def journal_as(base_url: str, token: str, after: int = 0) -> list[dict]:
    response = httpx.get(f"{base_url}/api/v1/journal", params={"after": after}, trust_env=False,
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return response.json()["entries"]


@pytest.fixture
def server(db_url, users):
    with EmbeddedServer(db_url) as srv:
        yield srv


@both
@pytest.mark.asyncio
async def test_another_users_change_reaches_the_stream_within_a_second(server, token_for, case_body):
    doctor, arm = token_for("MRL"), token_for("ARM")
    async with stream(server.url, doctor) as events:
        await asyncio.sleep(0.3)  # the stream is open and idle
        body = case_body()
        committed = await asyncio.to_thread(put_case, server.url, arm, body)
        await events.until(lambda: events.received, timeout=5)
        arrived, entry = events.received[0]
    assert entry["uuid"] == body["uuid"] and entry["payload"]["caller_name"] == "Jeanne Test"
    assert arrived - committed < 1.0
    assert journal_as(server.url, doctor) == [entry]  # exactly what the journal gives that role


@both
@pytest.mark.asyncio
async def test_last_event_id_resumes_with_exactly_the_missed_entries(server, token_for, case_body, sessions):
    arm, doctor = token_for("ARM"), token_for("MRU")
    for _ in range(4):
        put_case(server.url, arm, case_body())
    async with stream(server.url, doctor, last_event_id=1, query="?max_seconds=0") as events:
        await events.until(lambda: events.ended, timeout=5)
    assert [e["seq"] for e in events.entries()] == [2, 3, 4]
    assert events.entries() == journal_as(server.url, doctor, after=1)
    assert events.ended == "max_seconds"
    with sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.username == "mru")).all()
    assert [(r.action, r.object_uuid) for r in rows if r.action == "journal.list"][0] == ("journal.list", "2-4")

    async with stream(server.url, doctor, last_event_id=4) as events:  # caught up: only what comes next
        await asyncio.sleep(0.3)
        body = case_body()
        put_case(server.url, arm, body)
        await events.until(lambda: events.received, timeout=5)
    assert [(e["seq"], e["uuid"]) for e in events.entries()] == [(5, body["uuid"])]


@pytest.mark.asyncio
async def test_admin_gets_the_entries_without_patient_data(server, token_for, case_body, sessions):
    put_case(server.url, token_for("ARM"), case_body(caller_name="Paul Secret"))
    admin = token_for("ADMIN")
    async with stream(server.url, admin, last_event_id=0, query="?max_seconds=0") as events:
        await events.until(lambda: events.ended, timeout=5)
    (entry,) = events.entries()
    assert "Paul Secret" not in json.dumps(entry) and "withheld" in entry["payload"]
    assert events.entries() == journal_as(server.url, admin)
    with sessions() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.username == "admin",
                                                  AuditEvent.action == "journal.list")).all() == []


@pytest.mark.asyncio
async def test_refusals_are_structured(server, token_for):
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as http:
        missing = await http.get("/api/v1/events")
        assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"
        hub = await http.get("/api/v1/events", headers={"Authorization": f"Bearer {token_for('HUB')}"})
        assert hub.status_code == 403
        bad = await http.get("/api/v1/events", headers={"Authorization": f"Bearer {token_for('MRL')}",
                                                        "Last-Event-ID": "douze"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "Last-Event-ID"


@pytest.mark.asyncio
async def test_a_revoked_token_ends_the_stream(server, token_for):
    token = token_for("OSNP")
    async with stream(server.url, token) as events:
        await asyncio.sleep(0.2)
        logout = httpx.post(f"{server.url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"},
                            trust_env=False)
        assert logout.status_code in (200, 204)
        await events.until(lambda: events.ended, timeout=10)
    assert events.ended == "token"


@both
@pytest.mark.asyncio
async def test_an_expired_token_ends_the_stream(server, token_for):
    async with stream(server.url, token_for("MRL", expires_in=timedelta(seconds=2))) as events:
        await events.until(lambda: events.ended, timeout=12)
    assert events.ended == "token"


@pytest.mark.asyncio
async def test_a_stopping_server_ends_its_streams_at_once(db_url, users, token_for):
    srv = EmbeddedServer(db_url).start()
    async with stream(srv.url, token_for("MRL")) as events:
        await asyncio.sleep(0.2)
        t0 = time.perf_counter()
        await asyncio.to_thread(srv.stop)
        stopped = time.perf_counter() - t0
        await events.until(lambda: events.ended, timeout=5)
    assert events.ended == "shutdown" and stopped < 3.0


@pytest.mark.asyncio
async def test_a_sas_server_process_told_to_stop_ends_its_streams_and_exits(db_url, users, token_for, tmp_path):
    proc = ServerProcess(db_url, free_port(), tmp_path / "server.log")
    proc.start()
    try:
        async with stream(proc.url, token_for("MRL")) as events:
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            await asyncio.to_thread(proc.stop)  # SIGTERM, as a service manager does
            stopped = time.perf_counter() - t0
            await events.until(lambda: events.ended, timeout=5)
    finally:
        proc.stop()
    assert events.ended == "shutdown" and stopped < 5.0


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.asyncio
async def test_a_change_on_a_second_server_process_reaches_a_stream_on_the_first(db_url, users, token_for,
                                                                                 case_body, tmp_path):
    first = ServerProcess(db_url, free_port(), tmp_path / "first.log")
    second = ServerProcess(db_url, free_port(), tmp_path / "second.log")
    first.start()
    try:
        second.start()
        async with stream(first.url, token_for("MRL")) as events:
            await asyncio.sleep(0.3)
            body = case_body()
            committed = await asyncio.to_thread(put_case, second.url, token_for("ARM"), body)
            await events.until(lambda: events.received, timeout=5)
            arrived, entry = events.received[0]
        assert entry["uuid"] == body["uuid"]
        assert arrived - committed < 1.0
    finally:
        second.stop()
        first.stop()


@pytest.mark.asyncio
async def test_streams_woken_by_one_commit_each_get_their_roles_view_and_audit_row(server, token_for, case_body,
                                                                                  sessions):
    tokens = {role: token_for(role) for role in ("MRL", "SUPERVISEUR", "ADMIN", "OSNP")}
    async with (stream(server.url, tokens["MRL"]) as mrl, stream(server.url, tokens["SUPERVISEUR"]) as chef,
                stream(server.url, tokens["ADMIN"]) as admin, stream(server.url, tokens["OSNP"]) as osnp):
        await asyncio.sleep(0.3)
        put_case(server.url, token_for("ARM"), case_body(caller_name="Lucie Témoin"))
        for events in (mrl, chef, admin, osnp):
            await events.until(lambda events=events: events.received, timeout=5)
    for events in (mrl, chef, osnp):
        assert events.entries()[0]["payload"]["caller_name"] == "Lucie Témoin"
    assert "Lucie" not in json.dumps(admin.entries()) and admin.entries()[0]["seq"] == mrl.entries()[0]["seq"]
    with sessions() as s:
        rows = s.execute(select(AuditEvent.username, AuditEvent.object_uuid)
                         .where(AuditEvent.action == "journal.list")).all()
    assert sorted(rows) == [("mrl", "1-1"), ("osnp", "1-1"), ("superviseur", "1-1")]
