"""The console's HTTP client against a real embedded server (and a mock transport for 5xx)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import httpx
import pytest
import pytest_asyncio

from app.models import ConsultationSite, Effecteur, Slot, User
from app.models.db import open_database, sqlite_url
from app.server.run import EmbeddedServer
from app.services.sync.api_client import (
    ApiClient, Conflict, Forbidden, NotFound, Offline, ServerError, SlotTaken, Unauthorized, ValidationFailed,
)
from app.services.security.auth import hash_password
from app.services.records.documents import CaseDoc, OrientationDoc

USERS = {"mrl": ("MRL", "mrl-demo"), "arm": ("ARM", "arm-demo")}
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return hash_password(password)


def seed_server(url: str) -> None:
    """Users, one effecteur with one site and two free slots near Strasbourg."""
    engine, sessions = open_database(url)
    with sessions() as session, session.begin():
        for name, (role, password) in USERS.items():
            session.add(User(username=name, display_name=f"Dr {name.upper()}", role=role,
                             password_hash=_hash(password)))
        session.add(Effecteur(id="E1", kind="MG", name="Dr Martin", phone="+33388000000", sas_participant=True))
        session.add(ConsultationSite(id="S1", effecteur_id="E1", name="Cabinet", address="1 rue du Dôme",
                                     city_name="Strasbourg", city_insee_code="67482", lat=48.582, lon=7.751))
        for slot_id, hours in ((1, 1), (2, 2)):
            session.add(Slot(id=slot_id, site_id="S1", effecteur_id="E1", start=NOW + timedelta(hours=hours),
                             end=NOW + timedelta(hours=hours, minutes=20)))
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = sqlite_url(tmp_path_factory.mktemp("api") / "server.db")
    seed_server(url)
    with EmbeddedServer(url) as srv:
        yield srv


@pytest_asyncio.fixture
async def client(server):
    async with ApiClient(server.url, timeout=5.0) as c:
        await c.login("mrl", "mrl-demo")
        yield c


def case_json(**overrides) -> dict:
    values = dict(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
                  owner="fr.health.samu670", creation=NOW, priority="P2", caller_phone="+33612345678")
    values.update(overrides)
    return CaseDoc(**values).model_dump(mode="json")


def orientation_json(case_uuid: str, **overrides) -> dict:
    values = dict(uuid=str(uuid.uuid4()), case_uuid=case_uuid, creation=NOW, decision_key="CONSEIL",
                  decision_type="CONSEIL")
    values.update(overrides)
    return OrientationDoc(**values).model_dump(mode="json")


@pytest.mark.asyncio
async def test_login_keeps_the_token_and_never_logs_it(server, caplog):
    caplog.set_level(logging.DEBUG)
    async with ApiClient(server.url) as c:
        session = await c.login("mrl", "mrl-demo")
        assert (session.username, session.role, session.display_name) == ("mrl", "MRL", "Dr MRL")
        assert session.expires_at > NOW and c.token == session.token
        assert session.token not in repr(session)
        assert (await c.get_journal(0, 10))["next_after"] >= 0
    assert session.token not in caplog.text and "mrl-demo" not in caplog.text


@pytest.mark.asyncio
async def test_bad_password_and_missing_token_are_401(server):
    async with ApiClient(server.url) as c:
        with pytest.raises(Unauthorized) as err:
            await c.login("mrl", "wrong")
        assert err.value.status == 401 and err.value.code == "invalid_credentials"
        assert err.value.message == "Identifiant ou mot de passe incorrect"
        with pytest.raises(Unauthorized):
            await c.get_journal(0, 10)


@pytest.mark.asyncio
async def test_put_case_is_idempotent_and_conflicts_on_changed_content(client):
    body = case_json()
    assert await client.put_case(body) == 201
    assert await client.put_case(body) == 200
    assert (await client.get(f"/api/v1/cases/{body['uuid']}"))["case_id"] == body["case_id"]
    with pytest.raises(Conflict) as err:
        await client.put_case({**body, "priority": "P0"})
    assert err.value.status == 409 and err.value.message


@pytest.mark.asyncio
async def test_orientation_of_an_unknown_case_names_the_field(client):
    with pytest.raises(ValidationFailed) as err:
        await client.put_orientation(orientation_json(str(uuid.uuid4())))
    assert err.value.status == 422
    assert [f["field"] for f in err.value.fields] == ["case_uuid"]


@pytest.mark.asyncio
async def test_wrong_role_is_forbidden(server):
    async with ApiClient(server.url) as c:
        await c.login("arm", "arm-demo")
        body = case_json()
        assert await c.put_case(body) == 201
        with pytest.raises(Forbidden) as err:
            await c.put_orientation(orientation_json(body["uuid"]))
        assert err.value.status == 403


@pytest.mark.asyncio
async def test_search_and_book(client):
    found = await client.search_slots(48.58, 7.75, 10, start=NOW, end=NOW + timedelta(hours=72))
    assert found["total"] == len(found["results"]) >= 1
    first = found["results"][0]
    assert first["effecteur"]["name"] == "Dr Martin"
    case, other = case_json(), case_json()
    await client.put_case(case)
    await client.put_case(other)
    decisions = []
    for c in (case, other):
        decision = {"uuid": str(uuid.uuid4()), "case_uuid": c["uuid"], "creation": c["creation"],
                    "decision_key": "CONSULTATION_48H", "decision_type": "ORIENT"}
        assert await client.put_orientation(decision) == 201
        decisions.append(decision["uuid"])
    booked = await client.book_slot(first["slot_id"], decisions[0], case["uuid"])
    assert booked["created"] is True and booked["orientation"]["slot_id"] == first["slot_id"]
    assert (await client.book_slot(first["slot_id"], decisions[0], case["uuid"]))["created"] is False
    with pytest.raises(SlotTaken) as err:
        await client.book_slot(first["slot_id"], decisions[1], other["uuid"])
    assert err.value.code == "slot_taken"
    with pytest.raises(NotFound):
        await client.book_slot(999999, decisions[1], other["uuid"])
    cancelled = await client.cancel_booking(case["uuid"])
    assert cancelled["slot_id"] == first["slot_id"] and cancelled["orientation"]["slot_id"] is None


@pytest.mark.asyncio
async def test_journal_pages(client):
    for _ in range(3):
        await client.put_case(case_json())
    first = await client.get_journal(0, 2)
    assert [e["seq"] for e in first["entries"]] == [1, 2] and first["next_after"] == 2
    rest = await client.get_journal(first["next_after"], 1000)
    assert rest["entries"][0]["seq"] == 3
    assert (await client.get_journal(rest["next_after"], 10))["entries"] == []


@pytest.mark.asyncio
async def test_unreachable_server_is_offline(server):
    assert await ApiClient(server.url).health() is True
    with EmbeddedServer(sqlite_url(server.db_url.removeprefix("sqlite:///"))) as other:
        dead_url = other.url
    async with ApiClient(dead_url, timeout=1.0) as c:
        assert await c.health() is False
        with pytest.raises(Offline) as err:
            await c.login("mrl", "mrl-demo")
        assert err.value.status is None and "injoignable" in err.value.message
        c.base_url = server.url  # the server came back elsewhere
        assert (await c.login("mrl", "mrl-demo")).role == "MRL"


@pytest.mark.asyncio
async def test_server_errors_map_to_server_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/journal"):
            return httpx.Response(502, text="<html>Bad gateway</html>")
        return httpx.Response(503, json={"error": "busy", "message": "Base de données occupée"})

    async with ApiClient("http://sas.test", token="t", transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(ServerError) as err:
            await c.put("/api/v1/cases/x", {})
        assert err.value.status == 503 and err.value.code == "busy"
        with pytest.raises(ServerError) as err:
            await c.get_journal(0, 10)
        assert err.value.status == 502 and err.value.message.startswith("Erreur du serveur")
