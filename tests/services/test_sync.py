"""The sync service against a real embedded server and a real console cache file.

Covers: push order and pull, offline with back-off, server restart on another
port, a response lost after the server committed, a 409 kept as rejected,
expired session, and a round that crashes without killing the loop; each on a plain and on an
encrypted (SQLCipher) console cache.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import httpx
import pytest
import pytest_asyncio

from app.models import User
from app.models.db import open_database, sqlite_url
from app.server.run import EmbeddedServer
from app.services.sync.api_client import ApiClient
from app.services.security.auth import hash_password
from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import AUTH_NEEDED, INTERNAL_ERROR, SyncService, SyncStatus

T0 = datetime(2025, 11, 24, 14, 30, tzinfo=timezone.utc)


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return hash_password(password)


def make_case(**overrides) -> CaseDoc:
    values = dict(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
                  owner="fr.health.samu670", creation=T0, priority="P2", caller_phone="+33612345678")
    values.update(overrides)
    return CaseDoc(**values)


def make_orientation(case: CaseDoc) -> OrientationDoc:
    return OrientationDoc(uuid=str(uuid.uuid4()), case_uuid=case.uuid, creation=T0 + timedelta(minutes=5),
                          decision_key="CONSEIL", decision_type="CONSEIL", freetext="Conseils")


class FakeRng:
    """``uniform`` returns its upper bound and remembers it (deterministic back-off)."""

    def __init__(self) -> None:
        self.bounds: list[float] = []

    def uniform(self, _low: float, high: float) -> float:
        self.bounds.append(high)
        return high


class LoseFirstPut(httpx.AsyncHTTPTransport):
    """Forwards to the real server, then drops the answer of the first PUT (committed, never acknowledged)."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method in ("PUT", "POST") and "/auth/" not in request.url.path and not self.lost:
            self.lost += 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response


async def wait_until(predicate, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


@pytest.fixture
def server_url(tmp_path):
    url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(url)
    with sessions() as session, session.begin():
        session.add(User(username="mrl", display_name="Dr MRL", role="MRL", password_hash=_hash("mrl-demo")))
    engine.dispose()
    return url


@pytest.fixture
def server(server_url):
    with EmbeddedServer(server_url) as srv:
        yield srv


@pytest.fixture(params=["plain", "encrypted"])
def cache_key(request) -> bytes | None:
    """None for a plain console cache; a fresh 256-bit key for the SQLCipher file the desks use."""
    return secrets.token_bytes(32) if request.param == "encrypted" else None


@pytest.fixture
def store(tmp_path, cache_key):
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"), key=cache_key)
    yield LocalStore(factory)
    engine.dispose()


@pytest_asyncio.fixture
async def client(server):
    async with ApiClient(server.url, timeout=2.0) as c:
        await c.login("mrl", "mrl-demo")
        yield c


def save_case_and_orientation(store: LocalStore) -> tuple[CaseDoc, OrientationDoc]:
    case = make_case()
    orientation = make_orientation(case)
    store.save_case(case, author="mrl")
    store.save_orientation(orientation, author="mrl", author_role="MRL")
    return case, orientation


@pytest.mark.asyncio
async def test_push_case_then_orientation_and_pull_the_journal(tmp_path, store, client, cache_key):
    case, orientation = save_case_and_orientation(store)
    statuses: list[SyncStatus] = []
    pulled: list[list[dict]] = []
    sync = SyncService(store, client)
    sync.add_listener(statuses.append)
    sync.add_journal_listener(pulled.append)

    report = await sync.sync_once()
    assert (report.pushed, report.rejected, report.pulled, report.online, report.ok) == (2, 0, 2, True, True)
    assert (await client.get(f"/api/v1/cases/{case.uuid}"))["case_id"] == case.case_id
    assert (await client.get(f"/api/v1/orientations/{orientation.uuid}"))["case_uuid"] == case.uuid
    assert store.outbox_count() == 0
    rows = store.journal()
    assert [(r["seq"], r["uuid"], r["kind"], r["pending"]) for r in rows] == [
        (2, orientation.uuid, "orientation", False), (1, case.uuid, "case", False)]
    assert [e["seq"] for batch in pulled for e in batch] == [1, 2]
    assert statuses[-1] == SyncStatus(online=True, pending=0, rejected=0, last_error=None)
    assert sync.status.last_sync_at is not None

    # A second round and a reopened cache find nothing new.
    assert (await sync.sync_once()).pulled == 0
    engine, factory = open_database(sqlite_url(tmp_path / "cache.db"), key=cache_key)
    reopened = LocalStore(factory)
    assert reopened.journal_cursor() == 2
    assert (await SyncService(reopened, client).sync_once()).pulled == 0
    engine.dispose()


@pytest.mark.asyncio
async def test_offline_loses_nothing_and_run_backs_off(store, server, client):
    case, orientation = save_case_and_orientation(store)
    server.stop()
    rng = FakeRng()
    sync = SyncService(store, client, interval=5.0, backoff_base=0.01, backoff_max=0.04, rng=rng)

    report = await sync.sync_once()
    assert (report.online, report.pushed, report.ok) == (False, 0, False)
    assert "injoignable" in report.error
    assert sync.status.online is False and sync.status.pending == 2
    items = store.pending_outbox()
    assert [(i.entity_uuid, i.attempts) for i in items] == [(case.uuid, 1), (orientation.uuid, 0)]

    task = asyncio.create_task(sync.run())
    await wait_until(lambda: len(rng.bounds) >= 4)
    assert rng.bounds[:4] == [0.01, 0.02, 0.04, 0.04]
    assert sync.failures >= 4 and store.outbox_count() == 2
    sync.stop()
    await asyncio.wait_for(task, 1.0)
    assert task.done() and not task.cancelled()


@pytest.mark.asyncio
async def test_restarted_server_drains_the_queue_once(server_url, store, server, client):
    case, orientation = save_case_and_orientation(store)
    server.stop()
    sync = SyncService(store, client, interval=0.05, backoff_base=0.01, backoff_max=0.05)
    task = asyncio.create_task(sync.run())
    await wait_until(lambda: sync.failures >= 2)
    assert sync.status.online is False and sync.status.pending == 2

    with EmbeddedServer(server_url) as restarted:  # same database, new port; the token is still valid
        client.base_url = restarted.url
        sync.wake()
        await wait_until(lambda: sync.status.online and sync.status.pending == 0 and store.journal_cursor() == 2)
        await asyncio.sleep(0.15)  # a few more rounds change nothing
        sync.stop()
        await asyncio.wait_for(task, 1.0)
        server_journal = (await client.get_journal(0, 100))["entries"]
    assert [e["uuid"] for e in server_journal] == [case.uuid, orientation.uuid]
    assert [(r["seq"], r["uuid"]) for r in store.journal()] == [(2, orientation.uuid), (1, case.uuid)]
    assert sync.failures == 0


@pytest.mark.asyncio
async def test_lost_response_after_commit_is_replayed_without_duplicate(server, store):
    transport = LoseFirstPut()
    async with ApiClient(server.url, timeout=2.0, transport=transport) as client:
        await client.login("mrl", "mrl-demo")
        case = make_case()
        store.save_case(case, author="mrl")
        sync = SyncService(store, client)

        first = await sync.sync_once()
        assert transport.lost == 1 and first.online is False and first.pushed == 0
        assert store.pending_outbox()[0].attempts == 1
        assert (await client.get(f"/api/v1/cases/{case.uuid}"))["uuid"] == case.uuid  # committed anyway

        second = await sync.sync_once()
        assert (second.pushed, second.pulled, second.ok) == (1, 1, True)  # the replay answered 200
        assert store.outbox_count() == 0
        entries = (await client.get_journal(0, 100))["entries"]
    assert [e["uuid"] for e in entries] == [case.uuid]
    assert [r["uuid"] for r in store.journal()] == [case.uuid]


@pytest.mark.asyncio
async def test_changed_content_is_rejected_kept_and_not_retried(store, client):
    case = make_case()
    store.save_case(case, author="mrl")
    sync = SyncService(store, client)
    assert (await sync.sync_once()).pushed == 1
    store.save_case(case.model_copy(update={"priority": "P0"}), author="mrl")  # already sent: new PUT queued
    orientation = make_orientation(case)
    store.save_orientation(orientation, author="mrl", author_role="MRL")

    report = await sync.sync_once()
    assert (report.pushed, report.rejected, report.ok) == (1, 1, True)
    rejected = store.rejected_items()
    assert [(r.entity_uuid, r.attempts) for r in rejected] == [(case.uuid, 1)]
    assert "contenu différent" in rejected[0].last_error
    assert sync.status.rejected == 1 and sync.status.pending == 0
    assert sync.status.last_error.startswith("Refusé par le serveur")
    assert store.journal()[0]["rejected"] is True

    again = await sync.sync_once()
    assert (again.pushed, again.rejected) == (0, 0)
    assert store.rejected_items()[0].attempts == 1
    assert sync.status.last_error is None and sync.status.rejected == 1


@pytest.mark.asyncio
async def test_expired_session_stops_the_round(server, store):
    store.save_case(make_case(), author="mrl")
    async with ApiClient(server.url, token="not-a-valid-token") as client:
        sync = SyncService(store, client)
        report = await sync.sync_once()
    assert (report.auth_required, report.online, report.pushed) == (True, True, 0)
    assert store.pending_outbox()[0].attempts == 0 and store.outbox_count() == 1
    assert sync.status.last_error == AUTH_NEEDED


@pytest.mark.asyncio
async def test_run_survives_a_crashing_round(store, monkeypatch, caplog):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            items = json.loads(request.content)["items"]
            return httpx.Response(200, json={"results": [{"id": i["id"], "status": 201} for i in items]})
        return httpx.Response(200, json={"entries": [], "next_after": 0})

    real = store.pending_outbox
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database is locked, parameters: Jeanne Dupont")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "pending_outbox", flaky)
    store.save_case(make_case(), author="mrl")
    errors: list[str | None] = []
    async with ApiClient("http://sas.test", token="t", transport=httpx.MockTransport(handler)) as client:
        sync = SyncService(store, client, interval=0.02, backoff_base=0.01, backoff_max=0.02)
        sync.add_listener(lambda s: errors.append(s.last_error))
        task = asyncio.create_task(sync.run())
        await wait_until(lambda: store.outbox_count() == 0 and sync.status.online)
        sync.stop()
        await asyncio.wait_for(task, 1.0)
    assert INTERNAL_ERROR in errors and sync.status.last_error is None
    assert "RuntimeError" in caplog.text and "Jeanne" not in caplog.text  # no patient data in logs


@pytest.mark.asyncio
async def test_stop_abandons_a_request_in_flight(store):
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        return httpx.Response(201, json={})

    store.save_case(make_case(), author="mrl")
    async with ApiClient("http://sas.test", token="t", transport=httpx.MockTransport(hang)) as client:
        sync = SyncService(store, client)
        task = asyncio.create_task(sync.run())
        await asyncio.wait_for(started.wait(), 1.0)
        sync.stop()
        await asyncio.wait_for(task, 1.0)
    assert not task.cancelled() and store.outbox_count() == 1


@pytest.mark.asyncio
async def test_stale_edit_is_kept_and_the_servers_version_reloaded(tmp_path, store, client):
    case, orientation = save_case_and_orientation(store)
    assert (await SyncService(store, client).sync_once()).ok
    engine_b, factory_b = open_database(sqlite_url(tmp_path / "desk-b.db"))
    desk_b = LocalStore(factory_b)
    sync_b = SyncService(desk_b, client)
    await sync_b.sync_once()  # desk B pulls the orientation (version 1)
    assert desk_b.orientations_for_case(case.uuid)[0].version == 1

    store.save_orientation(orientation.model_copy(update={"decision_key": "URGENCES", "decision_type": "ORIENT"}),
                           author="mrl", author_role="MRL")
    assert (await SyncService(store, client).sync_once()).pushed == 1  # desk A's version 2 wins
    mine = orientation.model_copy(update={"decision_key": "VISITE_DOMICILE", "decision_type": "INTER"})
    desk_b.save_orientation(mine, author="mrl", author_role="MRL")

    report = await sync_b.sync_once()
    assert report.rejected == 1
    assert report.rejection.startswith("Conflit : orientation modifiée à un autre poste (version 2")
    assert "décision" in report.rejection and "votre saisie est conservée" in report.rejection
    [kept] = desk_b.rejected_items()
    assert kept.body["decision_key"] == "VISITE_DOMICILE"  # the decision is never lost
    reloaded = desk_b.orientations_for_case(case.uuid)[0]
    assert (reloaded.decision_key, reloaded.version) == ("URGENCES", 2)
    row = next(r for r in desk_b.journal() if r["rejected"])
    assert row["error"].startswith("Conflit")
    engine_b.dispose()
