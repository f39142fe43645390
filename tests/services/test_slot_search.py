"""Free slots around a point (app.services.slot_search), checked against a brute-force filter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import ConsultationSite, Effecteur, Slot
from app.models.db import open_database, sqlite_url
from app.services.demo_data import build_demo_territory, placement_communes
from app.services.geo import haversine_km, offset_km
from app.services import slot_search
from app.services.slot_search import EffecteurInfo, SearchResult, SlotHit, search_slots

NOW = datetime(2026, 6, 16, 7, 0, tzinfo=timezone.utc)  # a Tuesday morning
STRASBOURG = (48.56907, 7.76208)


@pytest.fixture(scope="module")
def search_db(tmp_path_factory) -> sessionmaker[Session]:
    """The 67 demo territory, built once for the module; tests that write roll back."""
    engine, factory = open_database(sqlite_url(tmp_path_factory.mktemp("slot-search") / "demo.db"))
    with factory() as session, session.begin():
        build_demo_territory(session, "67", now=NOW)
    yield factory
    engine.dispose()


def _brute_force(session: Session, lat: float, lon: float, radius_km: float, start: datetime, end: datetime):
    """Every free slot in the window within the radius, sorted, computed the slow and obvious way."""
    rows = session.execute(
        select(Slot.id, Slot.start, Slot.status, ConsultationSite.lat, ConsultationSite.lon)
        .join(ConsultationSite, ConsultationSite.id == Slot.site_id)
    ).all()
    found = []
    for slot_id, slot_start, status, site_lat, site_lon in rows:
        distance = haversine_km(lat, lon, site_lat, site_lon)
        if status == "free" and start <= slot_start <= end and distance <= radius_km:
            found.append((distance, slot_start, slot_id))
    found.sort()
    return found


def test_result_equals_a_brute_force_filter(search_db):
    rng = random.Random(67)
    communes = placement_communes("67")
    with search_db() as session:
        for _ in range(40):
            commune = rng.choice(communes)
            lat, lon = offset_km(commune.lat, commune.lon, rng.uniform(-2, 2), rng.uniform(-2, 2))
            radius = rng.choice((1.0, 3.0, 5.0, 10.0, 20.0, 40.0))
            start = NOW + timedelta(minutes=rng.randrange(0, 48 * 60))
            end = start + timedelta(hours=rng.choice((2, 12, 72)))
            result = search_slots(session, lat=lat, lon=lon, radius_km=radius, start=start, end=end,
                                  limit=10_000, now=NOW)
            expected = _brute_force(session, lat, lon, radius, start, end)
            assert result.total == len(expected)
            assert [h.slot_id for h in result.hits] == [slot_id for _, _, slot_id in expected]
            assert [h.distance_km for h in result.hits] == [d for d, _, _ in expected]


def test_dense_areas_take_the_join_path_with_the_same_result(search_db, monkeypatch):
    """Past ``_MAX_IN_LIST`` sites the slots are joined on the box, and details fetched in chunks."""
    with search_db() as session:
        expected = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=12, limit=300, now=NOW)
        monkeypatch.setattr(slot_search, "_MAX_IN_LIST", 7)
        joined = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=12, limit=300, now=NOW)
    assert joined == expected and len(expected.hits) == 300


def test_hits_are_within_radius_sorted_and_complete(search_db):
    with search_db() as session:
        result = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=8.0, limit=200, now=NOW)
        assert isinstance(result, SearchResult) and result.total > 200 and len(result.hits) == 200
        keys = [(h.distance_km, h.start, h.slot_id) for h in result.hits]
        assert keys == sorted(keys)
        for hit in result.hits:
            assert isinstance(hit, SlotHit) and isinstance(hit.effecteur, EffecteurInfo)
            assert hit.distance_km <= 8.0
            exact = haversine_km(*STRASBOURG, hit.effecteur.lat, hit.effecteur.lon)
            assert hit.distance_km == pytest.approx(exact)
            assert NOW <= hit.start <= NOW + timedelta(hours=72)
            assert hit.start.tzinfo is not None and hit.fetched_at.tzinfo is not None
            slot = session.get(Slot, hit.slot_id)
            assert (hit.start, hit.end, hit.mode, hit.slot_type, hit.source, hit.fetched_at) == (
                slot.start, slot.end, slot.mode, slot.slot_type, slot.source, slot.fetched_at)
            e, site = slot.effecteur, slot.site
            assert hit.effecteur == EffecteurInfo(
                id=e.id, name=e.name, kind=e.kind, lat=site.lat, lon=site.lon, phone=e.phone, address=site.address,
                city_name=site.city_name, sas_participant=e.sas_participant, accepts_extra=e.accepts_extra)


def test_limit_keeps_the_total(search_db):
    with search_db() as session:
        everything = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=5, limit=5000, now=NOW)
        first_five = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=5, limit=5, now=NOW)
        none = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=5, limit=0, now=NOW)
    assert first_five.hits == everything.hits[:5]
    assert first_five.total == none.total == everything.total == len(everything.hits)
    assert none.hits == []


def test_a_booked_slot_is_not_returned(search_db):
    with search_db() as session:
        before = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=10, now=NOW)
        taken = before.hits[0].slot_id
        session.execute(update(Slot).where(Slot.id == taken).values(status="booked"))
        after = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=10, now=NOW)
        session.rollback()
    assert taken not in [h.slot_id for h in after.hits]
    assert after.total == before.total - 1
    assert [h.slot_id for h in after.hits] == [h.slot_id for h in before.hits[1:]] + [after.hits[-1].slot_id]


def test_default_and_explicit_windows(search_db):
    """Default window now → now + 72 h; bounds are inclusive; a start alone means start + 72 h."""
    lat, lon = 48.20, 7.10  # a field in the Vosges, far from the demo's sites
    with search_db() as session:
        base = _add_site(session, "edge", lat, lon)
        ids = {name: _add_slot(session, base, start) for name, start in {
            "past": NOW - timedelta(minutes=1),
            "now": NOW,
            "end": NOW + timedelta(hours=72),
            "after": NOW + timedelta(hours=72, seconds=1),
        }.items()}
        default = search_slots(session, lat=lat, lon=lon, radius_km=0.5, now=NOW)
        assert {h.slot_id for h in default.hits} == {ids["now"], ids["end"]}
        late = search_slots(session, lat=lat, lon=lon, radius_km=0.5, start=NOW + timedelta(hours=1), now=NOW)
        assert [h.slot_id for h in late.hits] == [ids["end"], ids["after"]]
        backwards = search_slots(session, lat=lat, lon=lon, radius_km=0.5, start=NOW, end=NOW - timedelta(hours=1))
        assert backwards == SearchResult(hits=[], total=0)
        # Other time zones are the same instants.
        paris = timezone(timedelta(hours=2))
        assert search_slots(session, lat=lat, lon=lon, radius_km=0.5, start=NOW.astimezone(paris),
                            end=NOW.astimezone(paris), now=NOW).hits[0].slot_id == ids["now"]
        session.rollback()


def test_equal_distances_order_by_start_then_id(search_db):
    lat, lon = 48.20, 7.10
    with search_db() as session:
        a, b = _add_site(session, "twin-a", lat, lon), _add_site(session, "twin-b", lat, lon)
        far = _add_site(session, "twin-far", lat + 0.01, lon)
        late_a = _add_slot(session, a, NOW + timedelta(hours=3))
        early_b = _add_slot(session, b, NOW + timedelta(hours=1))
        same_time_a = _add_slot(session, a, NOW + timedelta(hours=2))
        same_time_b = _add_slot(session, b, NOW + timedelta(hours=2))
        soon_far = _add_slot(session, far, NOW + timedelta(minutes=5))
        result = search_slots(session, lat=lat, lon=lon, radius_km=2, now=NOW)
        session.rollback()
    assert [h.slot_id for h in result.hits] == [early_b, same_time_a, same_time_b, late_a, soon_far]


def test_unflushed_changes_are_seen(search_db):
    lat, lon = 48.20, 7.10
    with search_db() as session:
        site = _add_site(session, "pending", lat, lon, flush=False)
        session.add(Slot(site_id=site.id, effecteur_id=site.effecteur_id, start=NOW + timedelta(hours=1),
                         end=NOW + timedelta(hours=1, minutes=20)))
        assert search_slots(session, lat=lat, lon=lon, radius_km=1, now=NOW).total == 1
        session.rollback()


def test_nothing_around(search_db, tmp_path):
    with search_db() as session:
        assert search_slots(session, lat=43.3, lon=5.4, radius_km=30, now=NOW) == SearchResult(hits=[], total=0)
    engine, factory = open_database(sqlite_url(tmp_path / "empty.db"))
    with factory() as session:
        assert search_slots(session, lat=48.5, lon=7.7, radius_km=50).total == 0
    engine.dispose()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lat": 91.0}, "lat"), ({"lon": float("nan")}, "lon"), ({"radius_km": 0}, "radius_km"),
    ({"radius_km": -3}, "radius_km"), ({"limit": -1}, "limit"),
    ({"start": datetime(2026, 6, 16, 9, 0)}, "start"), ({"end": datetime(2026, 6, 16, 9, 0)}, "end"),
    ({"now": datetime(2026, 6, 16, 9, 0)}, "now"),
])
def test_bad_parameters_are_named(search_db, kwargs, field):
    params = {"lat": STRASBOURG[0], "lon": STRASBOURG[1], "radius_km": 10.0, **kwargs}
    with search_db() as session, pytest.raises(ValueError, match=f"^{field}:"):
        search_slots(session, **params)


def test_kinds_keep_only_those_effecteurs(search_db):
    with search_db() as session:
        every = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=10, limit=5000, now=NOW)
        doctors = search_slots(session, lat=STRASBOURG[0], lon=STRASBOURG[1], radius_km=10, limit=5000, now=NOW,
                               kinds=["MG", "SOS"])
    assert {h.effecteur.kind for h in every.hits} > {"MG", "SOS"}
    assert {h.effecteur.kind for h in doctors.hits} <= {"MG", "SOS"} and doctors.hits
    assert [h.slot_id for h in doctors.hits] == [h.slot_id for h in every.hits if h.effecteur.kind in ("MG", "SOS")]


def _add_site(session: Session, key: str, lat: float, lon: float, *, flush: bool = True) -> ConsultationSite:
    effecteur = Effecteur(id=f"test-{key}", kind="MG", name=f"Dr {key}", phone="+33388000000")
    site = ConsultationSite(id=f"test-{key}-1", effecteur_id=effecteur.id, name=effecteur.name,
                            address="1 rue du Test", city_name="Testville", city_insee_code="67001", lat=lat, lon=lon)
    session.add_all([effecteur, site])
    if flush:
        session.flush()
    return site


def _add_slot(session: Session, site: ConsultationSite, start: datetime) -> int:
    slot = Slot(site_id=site.id, effecteur_id=site.effecteur_id, start=start, end=start + timedelta(minutes=20))
    session.add(slot)
    session.flush()
    return slot.id
