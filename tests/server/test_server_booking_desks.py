"""Two consoles book one slot at the same moment for two cases: one wins, the other reads "Créneau déjà pris".

Each desk is the real console side — :class:`Desk` over its own cache and
:class:`ApiClient` — against one real server (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.server.run import EmbeddedServer
from app.services.sync.api_client import ApiClient, SlotTaken
from app.services.desk.workflow import Desk, UserInfo
from app.services.records.documents import CaseDoc
from app.services.sync.local_store import LocalStore
from app.settings import Settings
from tests.helpers.databases import BACKENDS
from tests.server.conftest import CENTER


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_two_desks_race_for_one_slot(db_url, users, password, add_slot, tmp_path):
    start = datetime.now(timezone.utc) + timedelta(hours=2)
    contested = add_slot(start=start)
    add_slot(site="site-2", start=start + timedelta(minutes=30))
    cases = {name: CaseDoc(uuid=str(uuid.uuid4()), case_id=f"fr.health.samu670.DRFR1567024000000{n}",
                           owner="fr.health.samu670", creation=datetime.now(timezone.utc), priority="P2",
                           caller_phone="+33612345678", lat=CENTER[0], lon=CENTER[1], city_name="Strasbourg")
             for n, name in ((42, "mrl"), (43, "mru"))}

    async def desk(name: str, server_url: str) -> tuple[Desk, ApiClient]:
        case = cases[name]
        _engine, factory = open_database(sqlite_url(tmp_path / f"{name}.db"))
        client = ApiClient(server_url)
        session = await client.login(name, password)
        store = LocalStore(factory)
        store.save_case(case, author=name)  # the case as each desk's cache holds it
        d = Desk(store=store, client=client, settings=Settings(),
                 user=UserInfo(session.username, session.role, session.display_name))
        d.current_case = case
        return d, client

    async def scenario(server_url: str) -> None:
        (a, client_a), (b, client_b) = await desk("mrl", server_url), await desk("mru", server_url)
        await client_a.put_case(cases["mrl"].model_dump(mode="json"))
        await client_b.put_case(cases["mru"].model_dump(mode="json"))
        seen_a, seen_b = (await a.search()).results, (await b.search()).results
        pick = next(r for r in seen_a if r["slot_id"] == contested)
        assert any(r["slot_id"] == contested for r in seen_b)
        outcomes = await asyncio.gather(a.book(pick), b.book(pick), return_exceptions=True)
        winners = [o for o in outcomes if not isinstance(o, BaseException)]
        losers = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(winners) == 1 and len(losers) == 1
        assert isinstance(losers[0], SlotTaken) and losers[0].message == "Créneau déjà pris"
        loser = b if isinstance(outcomes[1], BaseException) else a
        refreshed = (await loser.search()).results
        assert contested not in [r["slot_id"] for r in refreshed] and refreshed
        assert winners[0].slot_id == contested
        await client_a.aclose()
        await client_b.aclose()

    with EmbeddedServer(db_url) as server:
        asyncio.run(scenario(server.url))
