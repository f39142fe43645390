"""The slot index on the 67 demo territory, its window bounds and tie-breaks, and query validation.

Carried over from the tests of the former SQL search: every hit matches its
database row, limit and kind filters, a booked slot leaves the answer, window
bounds are inclusive, equal distances order by start then id, and a bad
parameter is named in the error.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.models import Slot
from app.models.db import open_database, sqlite_url
from app.demo.territory import build_demo_territory, placement_communes
from app.services.search.geo import offset_km
from app.services.search.model import SearchQuery, StalePolicy
from app.services.search.service import SearchService
from app.services.search.slot_index import SlotIndex
from tests.helpers.search_reference import ReferenceData, answer_differences, haversine_km, reference_search

NOW = datetime(2026, 6, 16, 7, 0, tzinfo=timezone.utc)  # a Tuesday morning
STRASBOURG = (48.56907, 7.76208)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> sessionmaker[Session]:
    """The 67 demo territory, built once for the module; tests that write roll back."""
    engine, factory = open_database(sqlite_url(tmp_path_factory.mktemp("slot-index-67") / "demo.db"))
    with factory() as session, session.begin():
        build_demo_territory(session, "67", now=NOW)
    yield factory
    engine.dispose()


@pytest.fixture(scope="module")
def demo_index(demo_db) -> SlotIndex:
    with demo_db() as session:
        return SlotIndex.load(session)


def _strasbourg(**kwargs) -> SearchQuery:
    return SearchQuery(**{"lat": STRASBOURG[0], "lon": STRASBOURG[1], "now": NOW, **kwargs})


def test_demo_territory_equals_the_reference_with_explicit_windows(demo_db, demo_index):
    rng = random.Random(67)
    communes = placement_communes("67")
    with demo_db() as session:
        reference = ReferenceData.load(session)
    for _ in range(40):
        commune = rng.choice(communes)
        lat, lon = offset_km(commune.lat, commune.lon, rng.uniform(-2, 2), rng.uniform(-2, 2))
        start = NOW + timedelta(minutes=rng.randrange(0, 48 * 60))
        query = SearchQuery(lat=lat, lon=lon, radius_km=rng.choice((1.0, 3.0, 5.0, 10.0, 20.0, 40.0)), now=NOW,
                            start=start, end=start + timedelta(hours=rng.choice((2, 12, 72))), limit=10_000)
        got, expected = demo_index.search(query), reference_search(reference, query)
        assert got.keys() == expected.keys() and answer_differences(got, expected) == [], query
        assert got.total == len(got.slots)
        assert all(query.start <= s.start <= query.end for s in got.slots)


def test_hits_are_within_radius_ranked_and_match_their_rows(demo_db, demo_index):
    answer = demo_index.search(_strasbourg(radius_km=8.0, limit=200))
    assert answer.total > 200 and len(answer.slots) == 200
    keys = [(s.group, s.distance_km, s.start, s.slot_id) for s in answer.slots]
    assert keys == sorted(keys)
    with demo_db() as session:
        for hit in answer.slots:
            site = answer.sites[hit.site]
            assert hit.distance_km <= 8.0
            assert hit.distance_km == pytest.approx(float(haversine_km(*STRASBOURG, site["lat"], site["lon"])))
            assert NOW <= hit.start <= NOW + timedelta(hours=72)
            assert hit.start.tzinfo is not None and hit.fetched_at.tzinfo is not None
            slot = session.get(Slot, hit.slot_id)
            assert slot.status == "free"
            assert (hit.start, hit.end, hit.mode, hit.slot_type, hit.source, hit.fetched_at) == (
                slot.start, slot.end, slot.mode, slot.slot_type, slot.source, slot.fetched_at)
            e, s = slot.effecteur, slot.site
            assert (hit.effecteur, hit.site) == (e.id, s.id)
            assert answer.effecteurs[e.id] == {
                "id": e.id, "kind": e.kind, "name": e.name, "rpps_id": e.rpps_id, "specialty_code": e.specialty_code,
                "phone": e.phone, "sas_participant": e.sas_participant, "accepts_extra": e.accepts_extra}
            assert site == {"id": s.id, "lat": s.lat, "lon": s.lon, "address": s.address, "city_name": s.city_name}


def test_limit_keeps_the_total(demo_index):
    everything = demo_index.search(_strasbourg(radius_km=5, limit=5000))
    first_five = demo_index.search(_strasbourg(radius_km=5, limit=5))
    none = demo_index.search(_strasbourg(radius_km=5, limit=0))
    assert first_five.slots == everything.slots[:5]
    assert first_five.total == none.total == everything.total == len(everything.slots)
    assert none.slots == []


def test_kinds_keep_only_those_effecteurs(demo_index):
    every = demo_index.search(_strasbourg(radius_km=10, limit=5000))
    doctors = demo_index.search(_strasbourg(radius_km=10, limit=5000, kinds=("MG", "SOS")))
    kind = {s.slot_id: every.effecteurs[s.effecteur]["kind"] for s in every.slots}
    assert set(kind.values()) > {"MG", "SOS"}
    assert doctors.slots and {doctors.effecteurs[s.effecteur]["kind"] for s in doctors.slots} <= {"MG", "SOS"}
    assert [s.slot_id for s in doctors.slots] == [s.slot_id for s in every.slots if kind[s.slot_id] in ("MG", "SOS")]
    assert doctors.total == len(doctors.slots)


def test_a_slot_booked_in_the_database_is_not_returned(demo_db):
    """Booked by another process: the service's check against the database takes it out."""
    service = SearchService(StalePolicy())
    query = _strasbourg(radius_km=10)
    with demo_db() as session:
        before = service.search(session, query)
        taken = before.slots[0].slot_id
        session.execute(update(Slot).where(Slot.id == taken).values(status="booked"))
        after = service.search(session, query)
        session.rollback()
    assert taken not in [s.slot_id for s in after.slots]
    assert after.total == before.total - 1
    assert [s.slot_id for s in after.slots] == [s.slot_id for s in before.slots[1:]] + [after.slots[-1].slot_id]


# --- a hand-built index: one effecteur per site, in a field far from everything -------------------

LAT, LON = 48.20, 7.10


def _index(sites: dict[str, tuple[float, float]], slots: list[tuple[str, datetime]]) -> SlotIndex:
    """Sites by id (lat, lon), each with an effecteur of its own; slots as (site id, start), ids from 1."""
    effecteurs = [(f"e-{key}", "MG", f"Dr {key}", None, None, None, "+33388000000", False, False) for key in sites]
    site_rows = [(key, f"e-{key}", lat, lon, "1 rue du Test", "Testville") for key, (lat, lon) in sites.items()]
    slot_rows = [(i, key, start, start + timedelta(minutes=20), "AMB", "PUBLIC", "demo", None)
                 for i, (key, start) in enumerate(slots, start=1)]
    return SlotIndex(effecteurs, site_rows, slot_rows)


def test_default_and_explicit_windows():
    """Default window now → now + 72 h; bounds are inclusive; a start alone means start + 72 h."""
    starts = {"past": NOW - timedelta(minutes=1), "now": NOW, "end": NOW + timedelta(hours=72),
              "after": NOW + timedelta(hours=72, seconds=1)}
    index = _index({"edge": (LAT, LON)}, [("edge", start) for start in starts.values()])
    ids = dict(zip(starts, range(1, len(starts) + 1)))

    def found(**kwargs) -> list[int]:
        return index.search(SearchQuery(lat=LAT, lon=LON, radius_km=0.5, now=NOW, **kwargs)).keys()[0]

    assert found() == [ids["now"], ids["end"]]
    assert found(start=NOW + timedelta(hours=1)) == [ids["end"], ids["after"]]
    backwards = index.search(SearchQuery(lat=LAT, lon=LON, radius_km=0.5, now=NOW, start=NOW,
                                         end=NOW - timedelta(hours=1)))
    assert (backwards.slots, backwards.total) == ([], 0)
    paris = timezone(timedelta(hours=2))  # other time zones are the same instants
    assert found(start=NOW.astimezone(paris), end=NOW.astimezone(paris)) == [ids["now"]]


def test_equal_distances_order_by_start_then_id():
    index = _index({"twin-a": (LAT, LON), "twin-b": (LAT, LON), "twin-far": (LAT + 0.01, LON)}, [
        ("twin-a", NOW + timedelta(hours=3)),  # 1: late_a
        ("twin-b", NOW + timedelta(hours=1)),  # 2: early_b
        ("twin-a", NOW + timedelta(hours=2)),  # 3: same_time_a
        ("twin-b", NOW + timedelta(hours=2)),  # 4: same_time_b
        ("twin-far", NOW + timedelta(minutes=5)),  # 5: soon_far
    ])
    answer = index.search(SearchQuery(lat=LAT, lon=LON, radius_km=2, now=NOW))
    assert answer.keys()[0] == [2, 3, 4, 1, 5]


def test_nothing_around(demo_index):
    at_sea = demo_index.search(SearchQuery(lat=43.3, lon=5.4, radius_km=30, now=NOW))
    assert (at_sea.slots, at_sea.total, at_sea.empty_reason) == ([], 0, "no_effecteur")
    empty = SlotIndex([], [], []).search(SearchQuery(lat=48.5, lon=7.7, radius_km=50, now=NOW))
    assert (empty.slots, empty.calls, empty.total, empty.empty_reason) == ([], [], 0, "no_effecteur")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lat": 91.0}, "lat"), ({"lon": float("nan")}, "lon"), ({"radius_km": 0}, "radius_km"),
    ({"radius_km": -3}, "radius_km"), ({"radius_km": float("inf")}, "radius_km"),
    ({"start": datetime(2026, 6, 16, 9, 0)}, "start"), ({"end": datetime(2026, 6, 16, 9, 0)}, "end"),
    ({"now": datetime(2026, 6, 16, 9, 0)}, "now"), ({"windows": ("5-6",)}, "window"),
])
def test_bad_parameters_are_named(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        SearchQuery(**{"lat": STRASBOURG[0], "lon": STRASBOURG[1], "radius_km": 10.0, "now": NOW, **kwargs})
