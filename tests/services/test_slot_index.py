"""The in-memory slot index: same lists as the brute-force scan, ranking, filters, reasons, booking.

The scan is :mod:`tests.helpers.search_reference`, which shares no geometry or ranking code with the index.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from app.models import Slot
from app.models.db import open_database, sqlite_url
from app.demo.territory import placement_communes
from app.demo.national import build_national
from app.services.search.model import MODES, PROFESSIONS, STRUCTURES, WINDOWS, SearchQuery, StalePolicy
from app.services.search.slot_index import SlotIndex
from tests.helpers.search_reference import ReferenceData, answer_differences, reference_search

NOW = datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc)  # a Tuesday morning
SAMPLE = ["92", "48"]  # a dense and a rural département, with national densities


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The national generator on two départements; the index and the reference over it."""
    url = sqlite_url(tmp_path_factory.mktemp("national") / "sample.db")
    build_national(url, now=NOW, departements=SAMPLE, hash_password=lambda _p: "x")
    engine, factory = open_database(url)
    with factory() as session:
        index, reference = SlotIndex.load(session), ReferenceData.load(session)
    yield index, reference, factory
    engine.dispose()


def _random_query(rng: random.Random, reference: ReferenceData, communes) -> SearchQuery:
    commune = rng.choice(communes)
    rpps = [e[3] for e in reference.effecteurs.values() if e[3]]
    pick = lambda values, p: tuple(rng.sample(list(values), rng.randint(1, 2))) if rng.random() < p else ()  # noqa: E731
    return SearchQuery(
        lat=commune.lat + rng.uniform(-0.03, 0.03), lon=commune.lon + rng.uniform(-0.03, 0.03),
        radius_km=rng.choice([2, 5, 10, 25, 50]), now=NOW + timedelta(minutes=rng.randrange(0, 48 * 60)),
        windows=pick(WINDOWS, 0.3), modes=pick(MODES, 0.3), structures=pick(STRUCTURES, 0.15),
        professions=pick(PROFESSIONS, 0.1), specialties=("SM54",) if rng.random() < 0.1 else (),
        sas_only=rng.random() < 0.2, extra_only=rng.random() < 0.2,
        practitioner_rpps=rng.choice(rpps) if rng.random() < 0.5 else None, limit=rng.choice([1, 10, 50, 200]),
    )


def test_index_gives_exactly_the_brute_force_lists(sample):
    index, reference, _ = sample
    rng = random.Random(4)
    communes = [c for dep in SAMPLE for c in placement_communes(dep)]
    for _ in range(300):
        query = _random_query(rng, reference, communes)
        got, expected = index.search(query), reference_search(reference, query)
        assert got.keys() == expected.keys(), query
        assert answer_differences(got, expected) == [], query


def _paris_west_query(**kwargs) -> SearchQuery:
    return SearchQuery(**{"lat": 48.8924, "lon": 2.2153, "radius_km": 5, "now": NOW, "limit": 100_000, **kwargs})


def test_ranking_traitant_then_sas_then_others_then_calls(sample):
    index, reference, _ = sample
    base = index.search(_paris_west_query())
    other = next(s for s in base.slots if not base.effecteurs[s.effecteur]["sas_participant"])
    traitant = base.effecteurs[other.effecteur]
    assert traitant["rpps_id"], "a practitioner with an RPPS"
    answer = index.search(_paris_west_query(practitioner_rpps=traitant["rpps_id"]))
    groups = [s.group for s in answer.slots]
    assert groups == sorted(groups) and groups[0] == 0
    assert {s.effecteur for s in answer.slots if s.group == 0} == {traitant["id"]}
    for group in (1, 2):
        rows = [(s.distance_km, s.start) for s in answer.slots if s.group == group]
        assert rows == sorted(rows), "nearest first, then soonest"
    assert all(answer.effecteurs[s.effecteur]["sas_participant"] for s in answer.slots if s.group == 1)
    assert answer.calls and all(c.group == 3 for c in answer.calls)
    for call in answer.calls:
        details = answer.effecteurs[call.effecteur]
        assert details["phone"] and details["accepts_extra"]
        assert call.effecteur not in {s.effecteur for s in answer.slots}


def test_traitant_without_slot_comes_first_among_calls(sample):
    index, _, _ = sample
    answer = index.search(_paris_west_query())
    callable_doctor = next(c for c in answer.calls if answer.effecteurs[c.effecteur]["rpps_id"])
    rpps = answer.effecteurs[callable_doctor.effecteur]["rpps_id"]
    with_traitant = index.search(_paris_west_query(practitioner_rpps=rpps))
    assert with_traitant.calls[0].effecteur == callable_doctor.effecteur
    assert with_traitant.calls[0].group == 0


def test_filters_keep_only_what_was_asked(sample):
    index, _, _ = sample
    home = index.search(_paris_west_query(modes=("HH",)))
    assert home.slots and {s.mode for s in home.slots} == {"HH"}
    soon = index.search(_paris_west_query(windows=("0-4",)))
    assert soon.slots and all(NOW <= s.start < NOW + timedelta(hours=4) for s in soon.slots)
    sas = index.search(_paris_west_query(sas_only=True, extra_only=True))
    assert sas.slots and all(e["sas_participant"] and e["accepts_extra"] for e in sas.effecteurs.values())
    guard = index.search(_paris_west_query(radius_km=30, structures=("mmg",)))
    assert guard.slots and {guard.effecteurs[s.effecteur]["kind"] for s in guard.slots} == {"MMG"}
    nurses = index.search(_paris_west_query(professions=("infirmier",), modes=("HH",)))
    assert {nurses.effecteurs[s.effecteur]["kind"] for s in nurses.slots} == {"INF"}


def test_empty_answers_say_why(sample):
    index, _, _ = sample
    at_sea = index.search(SearchQuery(lat=46.0, lon=-3.5, radius_km=10, now=NOW))
    assert (at_sea.slots, at_sea.empty_reason) == ([], "no_effecteur")
    last_year = NOW - timedelta(days=365)
    no_slot = index.search(_paris_west_query(now=last_year))
    assert no_slot.slots == [] and no_slot.effecteurs_in_radius > 0
    assert no_slot.empty_reason == "no_free_slot"


def test_a_booked_slot_leaves_the_index(sample):
    index, _, _ = sample
    first = index.search(_paris_west_query(limit=1)).slots[0]
    assert index.mark_booked(first.slot_id)
    assert first.slot_id not in index.search(_paris_west_query()).keys()[0]
    assert not index.mark_booked(10**12)


def test_staleness_follows_source_and_age(sample):
    _, _, factory = sample
    with factory() as session:
        some = session.scalars(select(Slot.id).where(Slot.start >= NOW + timedelta(hours=1)).limit(2)).all()
        session.execute(update(Slot).where(Slot.id == some[0]).values(source="maiia", fetched_at=NOW))
        session.execute(update(Slot).where(Slot.id == some[1]).values(
            source="maiia", fetched_at=NOW - timedelta(minutes=16)))
        index = SlotIndex.load(session, StalePolicy(editor=timedelta(minutes=15)))
        session.rollback()
    answer = index.search(_paris_west_query(radius_km=200, limit=500_000))
    stale = {s.slot_id: s.stale for s in answer.slots}
    assert stale[some[0]] is False and stale[some[1]] is True
    assert not any(stale[s.slot_id] for s in answer.slots if s.source == "demo")
