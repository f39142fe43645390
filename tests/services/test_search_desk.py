"""The desk's side of the search: département radius and widening, filters sent, calls recorded."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from app.models.db import open_database, sqlite_url
from app.services.intake import form as intake
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.local_store import LocalStore
from app.services.search.model import ACCEPTED, REFUSED
from app.services.search.model import SearchFilters
from app.settings import Settings

NOW = datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc)


class FakeClient:
    """Records the search parameters; answers with one phone row and an explanation."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    async def search_slots(self, lat, lon, radius_km, **kwargs):
        self.calls.append({"radius_km": radius_km, **kwargs})
        return {"results": [], "total": 0, "message": "Aucun créneau", "to_call": [
            {"effecteur": {"id": "E", "name": "Dr En Sus", "kind": "MG"}, "group": "a_appeler"}]}


@pytest.fixture
def desk(tmp_path):
    engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
    client = FakeClient()
    made = Desk(store=LocalStore(factory), client=client, settings=Settings(), user=UserInfo("osnp", "OSNP", "O"),
                clock=lambda: NOW)
    made.open_case(intake.IntakeForm(caller_phone="06 12 34 56 78", caller_name="Mme Martin",
                                     address="1 rue de Rivoli", commune_insee="75101", commune_name="Paris 1er",
                                     motive_code="M03.14", priority="P2"))
    yield made, client
    engine.dispose()


def test_radius_starts_at_the_departement_default_and_widens_by_its_step(desk):
    desk, client = desk
    outcome = asyncio.run(desk.search())
    assert outcome.radius_km == 5 and outcome.to_call[0]["effecteur"]["id"] == "E"
    assert outcome.empty_reason == "Aucun créneau"
    assert asyncio.run(desk.search(widen=True)).radius_km == 8
    filters = SearchFilters(modes=("HH",), sas_only=True)
    asyncio.run(desk.search(filters=filters))
    assert client.calls[-1]["radius_km"] == 8
    assert client.calls[-1]["extra"] == {"mode": ["HH"], "sas_only": "true"}


def test_call_outcomes_are_recorded_in_the_case(desk):
    desk, _ = desk
    store = desk._store
    before = store.outbox_count()
    effecteur = {"id": "E", "name": "Dr En Sus", "kind": "MG"}
    assert desk.record_call_outcome(effecteur, REFUSED) == "Appel à Dr En Sus (en sus) : refusé"
    assert store.outbox_count() == before + 1  # one note, queued for the server
    assert desk.record_call_outcome(effecteur, ACCEPTED) == "Appel à Dr En Sus (en sus) : accepté"
    orientations = store.orientations_for_case(desk.current_case.uuid)
    assert [(o.effecteur_id, o.slot_id, o.freetext) for o in orientations] == [
        ("E", None, "Appel à Dr En Sus (en sus) : accepté")]
    texts = [str(e) for e in store.journal()]
    assert any("refusé" in t for t in texts) and any("accepté" in t for t in texts)
