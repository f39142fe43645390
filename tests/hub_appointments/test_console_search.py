"""The console records each slot search as a ``search`` case event, syncs it, and an appointment finds the case.

Real parts: the server app (in process, over ``httpx.ASGITransport``), the desk's
SQLite cache, the sync service; the slot search runs on a real slot of the server.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx

from app.models.db import open_database, sqlite_url
from app.services.intake import form as intake
from app.services.sync.api_client import ApiClient
from app.services.desk.workflow import Desk, UserInfo
from app.services.interop.hub import envelope
from app.services.sync.local_store import LocalStore
from app.services.sync.worker import SyncService
from app.settings import Settings
from tests.hub_appointments.conftest import appointment
from tests.server.conftest import PASSWORD, add_slot  # noqa: F401 (fixture)


def test_a_console_search_attaches_the_appointment_booked_after_it(app, users, add_slot, post, client, auth,
                                                                    tmp_path):
    add_slot(site="cab-1")
    engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
    store = LocalStore(factory)

    async def scenario() -> dict:
        api = ApiClient("http://server", transport=httpx.ASGITransport(app=app))
        await api.login("osnp", PASSWORD)
        desk = Desk(store=store, client=api, settings=Settings(), user=UserInfo("osnp", "OSNP", "Agent OSNP"))
        desk.open_case(intake.IntakeForm(caller_phone="06 12 34 56 78", caller_name="Mme Martin",
                                         address="1 place Kléber", commune_insee="67482",
                                         commune_name="Strasbourg", motive_code="M03.14", priority="P2"))
        outcome = await desk.search()
        [event] = [e for e in desk.regulation.cases.events(desk.current_case.uuid) if e.type == "search"]
        report = await SyncService(store, api).push_once()
        await api.aclose()
        return {"case": desk.current_case.uuid, "outcome": outcome, "event": event, "report": report}

    try:
        got = asyncio.run(scenario())
    finally:
        engine.dispose()
    assert got["outcome"].total >= 1
    search = got["event"].search
    assert "eff-cab-1" in search.effecteur_ids and search.result_count == got["outcome"].total
    assert search.criteria["radius_km"] == got["outcome"].radius_km
    # The test effecteur's id is not a national id: give the platform's message the id the search showed.
    booked = appointment("PS.01", created=envelope.hub_time(datetime.now(timezone.utc) + timedelta(minutes=3)))
    booked["practitioner"]["rppsId"] = "810009999999"
    booked["organization"] = {"organizationId": "eff-cab-1", "name": "Cabinet cab-1"}
    assert post(booked).status_code == 200
    followup = {**booked, "method": "UpdateAppointment", "status": "cancelled"}
    assert post(followup).status_code == 200
    items = client.get("/api/v1/appointments", params={"worklist": "followup"}, headers=auth("OSNP")).json()
    assert [i["case"]["uuid"] for i in items["appointments"]] == [got["case"]]
    assert items["appointments"][0]["case"]["phone"] == "+33612345678"
