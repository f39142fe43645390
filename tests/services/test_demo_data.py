"""The deterministic demo territory and demo accounts (app.demo.territory)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import ConsultationSite, Effecteur, Role, Slot, User
from app.models.db import open_database, sqlite_url
from app.demo import territory as demo_data
from app.services.reference.communes import default_index
from app.services.search.geo import haversine_km

#: A Tuesday 09:05 in Strasbourg (07:05 UTC, summer time).
NOW = datetime(2026, 6, 16, 7, 5, 42, tzinfo=timezone.utc)
NOW_FLOORED = datetime(2026, 6, 16, 7, 0, tzinfo=timezone.utc)


def _open(path: Path) -> sessionmaker[Session]:
    engine, factory = open_database(sqlite_url(path))
    return factory


def _build(path: Path, departement: str = "67", now: datetime = NOW, seed: int = 0):
    factory = _open(path)
    with factory() as session, session.begin():
        t0 = time.perf_counter()
        summary = demo_data.build_demo_territory(session, departement, now=now, seed=seed)
        elapsed = time.perf_counter() - t0
    return factory, summary, elapsed


def _dump(factory: sessionmaker[Session]) -> dict[str, list[tuple]]:
    with factory() as session:
        return {
            model.__tablename__: [tuple(getattr(obj, c.key) for c in model.__table__.columns)
                                  for obj in session.scalars(select(model).order_by(*model.__table__.primary_key))]
            for model in (Effecteur, ConsultationSite, Slot)
        }


@pytest.fixture(scope="module")
def demo67(tmp_path_factory):
    factory, summary, elapsed = _build(tmp_path_factory.mktemp("demo67") / "demo.db")
    return factory, summary, elapsed


def test_volume_and_build_time(demo67):
    factory, summary, elapsed = demo67
    assert elapsed < 5.0
    assert 300 <= summary.effecteurs <= 600
    assert set(summary.effecteurs_by_kind) == {"MG", "SOS", "MSP", "CDS", "PHARM", "INF", "CPTS", "MMG"}
    assert summary.effecteurs_by_kind["MG"] > summary.effecteurs_by_kind["INF"] > summary.effecteurs_by_kind["SOS"]
    assert 3000 <= summary.slots <= 10_000
    with factory() as session:
        assert len(session.scalars(select(Effecteur.id)).all()) == summary.effecteurs
        assert len(session.scalars(select(Slot.id)).all()) == summary.slots
    assert "67" in summary.describe() and "créneaux" in str(summary)


def test_same_inputs_give_identical_rows(demo67, tmp_path):
    factory, _, _ = demo67
    again, _, _ = _build(tmp_path / "again.db", now=NOW + timedelta(minutes=7))  # same quarter hour
    assert _dump(again) == _dump(factory)


def test_seed_and_time_change_the_data(demo67, tmp_path):
    reference = _dump(demo67[0])
    other_seed = _dump(_build(tmp_path / "seed.db", seed=1)[0])
    assert other_seed["effecteurs"] != reference["effecteurs"]
    later = _dump(_build(tmp_path / "later.db", now=NOW + timedelta(hours=5))[0])
    assert later["effecteurs"] == reference["effecteurs"]  # same practitioners...
    assert later["slots"] != reference["slots"]  # ...with another window of slots


def test_every_effecteur_sits_in_a_commune_of_the_departement(demo67):
    factory, _, _ = demo67
    index = default_index()
    with factory() as session:
        sites = session.scalars(select(ConsultationSite)).all()
        assert {s.effecteur_id for s in sites} == set(session.scalars(select(Effecteur.id)))
    for site in sites:
        commune = index.get(site.city_insee_code)
        assert commune is not None and commune.departement == "67"
        assert site.city_name == commune.name
        assert site.postal_code in commune.postal_codes
        assert haversine_km(commune.lat, commune.lon, site.lat, site.lon) <= 2.51
        assert re.fullmatch(r"\d+ .+", site.address)
    # Placement follows population: Strasbourg (a quarter of the département) holds many.
    in_strasbourg = sum(s.city_insee_code == "67482" for s in sites)
    assert 0.12 * len(sites) < in_strasbourg < 0.40 * len(sites)


def test_identifiers_names_and_phones_have_the_national_shapes(demo67):
    factory, _, _ = demo67
    with factory() as session:
        effecteurs = session.scalars(select(Effecteur)).all()
    assert len({e.id for e in effecteurs}) == len(effecteurs)
    for e in effecteurs:
        assert phonenumbers.is_valid_number(phonenumbers.parse(e.phone)), e.phone
        assert re.fullmatch(r"\+33[1-9]\d{8}", e.phone)
        if e.kind in ("MG", "INF"):
            assert re.fullmatch(r"10\d{9}", e.rpps_id) and _luhn_ok(e.rpps_id)
            assert e.id == "8" + e.rpps_id and re.fullmatch(r"81[0-9]{10}", e.id)  # RS-SAS-RDV rppsId
        elif e.kind == "SOS":
            assert re.fullmatch(r"\d{14}", e.organization_id) and _luhn_ok(e.organization_id)  # SIRET
            assert e.id == "3" + e.organization_id and e.name.startswith("SOS Médecins ")
        else:
            assert re.fullmatch(r"67\d{7}", e.organization_id) and _luhn_ok(e.organization_id)  # FINESS
            assert e.id == "1" + e.organization_id
    mg = [e for e in effecteurs if e.kind == "MG"]
    assert all(re.fullmatch(r"Dr [A-ZÉ][a-zà-ÿ]+ [A-ZÉ][a-zà-ÿ]+", e.name) for e in mg)
    assert all(e.specialty_code == "SM54" for e in mg)
    assert 0.3 < sum(e.sas_participant for e in mg) / len(mg) < 0.7
    assert any(e.accepts_extra for e in mg) and not all(e.accepts_extra for e in mg)
    assert all(e.sas_participant and e.accepts_extra for e in effecteurs if e.kind == "SOS")
    assert not any(e.sas_participant for e in effecteurs if e.kind == "PHARM")
    assert all(e.phone.startswith("+336") for e in effecteurs if e.kind == "INF")


def test_slots_are_free_plausible_and_inside_72_hours(demo67):
    factory, _, _ = demo67
    paris = ZoneInfo("Europe/Paris")
    with factory() as session:
        slots = session.scalars(select(Slot)).all()
        kinds = dict(session.execute(select(Effecteur.id, Effecteur.kind)).all())
        site_owner = dict(session.execute(select(ConsultationSite.id, ConsultationSite.effecteur_id)).all())
    assert {s.mode for s in slots} == {"AMB", "HH", "VR"}
    assert {s.slot_type for s in slots} == {"SNP", "PRO", "PUBLIC"}
    by_effecteur: dict[str, list[Slot]] = {}
    for s in slots:
        assert (s.status, s.source, s.fetched_at) == ("free", "demo", NOW_FLOORED)
        assert s.start.tzinfo is not None and s.start.utcoffset() == timedelta(0)
        assert NOW_FLOORED <= s.start < NOW_FLOORED + timedelta(hours=72)
        assert timedelta(minutes=15) <= s.end - s.start <= timedelta(minutes=30)
        assert site_owner[s.site_id] == s.effecteur_id
        local = s.start.astimezone(paris)
        kind = kinds[s.effecteur_id]
        if kind == "MG":
            assert local.weekday() != 6 and 8 <= local.hour < 19
        elif kind == "INF":
            assert s.mode == "HH" and 7 <= local.hour < 19
        elif kind == "MMG":  # maison médicale de garde: evenings, weekends
            assert local.weekday() >= 5 or local.hour >= 20
        elif kind != "SOS":
            assert 8 <= local.hour < 22
        by_effecteur.setdefault(s.effecteur_id, []).append(s)
    for own in by_effecteur.values():  # one practitioner is never in two slots at once
        own.sort(key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in zip(own, own[1:]))


@pytest.mark.parametrize(("departement", "phone_prefix"), [("2A", "+334"), ("971", "+590"), ("75", "+331")])
def test_other_departements(tmp_path, departement, phone_prefix):
    factory, summary, _ = _build(tmp_path / "d.db", departement)
    assert summary.departement == departement and summary.effecteurs > 20 and summary.slots > 100
    with factory() as session:
        codes = set(session.scalars(select(ConsultationSite.city_insee_code)))
        phones = session.scalars(select(Effecteur.phone).where(Effecteur.kind == "MG")).all()
    assert {default_index().get(code).departement for code in codes} == {departement}
    assert all(p.startswith(phone_prefix) and phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones)
    if departement == "75":  # placed by arrondissement, never at the mean centre of Paris
        assert "75056" not in codes and len(codes) == 20


def test_volume_scales_with_population(tmp_path):
    lozere = _build(tmp_path / "48.db", "48")[1]
    bouches_du_rhone = _build(tmp_path / "13.db", "13")[1]
    assert lozere.effecteurs < 60 < 600 < bouches_du_rhone.effecteurs


def test_departement_codes_are_checked(tmp_path):
    factory = _open(tmp_path / "x.db")
    assert demo_data.normalize_departement("2a") == "2A"
    assert demo_data.normalize_departement("1") == "01"
    with factory() as session:
        with pytest.raises(ValueError, match="Département inconnu"):
            demo_data.build_demo_territory(session, "99", now=NOW)
        with pytest.raises(ValueError, match="Aucune commune géolocalisée"):
            demo_data.build_demo_territory(session, "975", now=NOW)  # Saint-Pierre-et-Miquelon
        with pytest.raises(ValueError, match="timezone-aware"):
            demo_data.build_demo_territory(session, "67", now=datetime(2026, 6, 16, 9, 0))


def test_demo_accounts_and_users(tmp_path):
    assert [a[0] for a in demo_data.DEMO_ACCOUNTS] == ["arm", "osnp", "mrl", "mru", "superviseur", "admin", "hub"]
    assert all(password == f"{username}-demo" for username, password, _, _ in demo_data.DEMO_ACCOUNTS)
    assert {role for _, _, role, _ in demo_data.DEMO_ACCOUNTS} == {r.value for r in Role}
    hasher = PasswordHasher()
    factory = _open(tmp_path / "users.db")
    with factory() as session, session.begin():
        assert demo_data.create_demo_users(session, hasher.hash) == [a[0] for a in demo_data.DEMO_ACCOUNTS]
    with factory() as session, session.begin():
        assert demo_data.create_demo_users(session, hasher.hash) == []
        users = {u.username: u for u in session.scalars(select(User))}
    assert len(users) == 7 and users["osnp"].role == "OSNP" and users["admin"].role == "ADMIN"
    assert hasher.verify(users["mrl"].password_hash, "mrl-demo")


def test_build_demo_database_is_idempotent(tmp_path):
    url = sqlite_url(tmp_path / "embedded.db")
    first = demo_data.build_demo_database(url, "67", now=NOW, hash_password=lambda p: "hash:" + p)
    assert not first.skipped and first.users_created == 7 and first.effecteurs > 300
    second = demo_data.build_demo_database(url, "67", now=NOW, hash_password=lambda p: "hash:" + p)
    assert second.skipped and second.users_created == 0
    assert (second.effecteurs_by_kind, second.slots) == (first.effecteurs_by_kind, first.slots)
    assert "déjà présent" in second.describe()
    factory = _open(tmp_path / "embedded.db")
    with factory() as session:
        assert len(session.scalars(select(Effecteur.id)).all()) == first.effecteurs
        assert session.scalar(select(User.password_hash).where(User.username == "arm")) == "hash:arm-demo"
    # Another département is added next to the first one.
    third = demo_data.build_demo_database(url, "68", now=NOW, hash_password=str)
    assert not third.skipped and third.effecteurs > 100


def test_build_demo_database_defaults_to_the_server_password_hasher(tmp_path):
    url = sqlite_url(tmp_path / "default-hash.db")
    demo_data.build_demo_database(url, "48", now=NOW)
    with _open(tmp_path / "default-hash.db")() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "arm"))
    assert PasswordHasher().verify(stored, "arm-demo")


def test_refresh_demo_slots_keeps_booked_slots(tmp_path):
    factory, summary, _ = _build(tmp_path / "refresh.db", "48")
    with factory() as session, session.begin():
        booked_id = session.scalars(select(Slot.id).order_by(Slot.id)).first()
        session.execute(update(Slot).where(Slot.id == booked_id).values(status="booked"))
    later = NOW + timedelta(days=4)
    with factory() as session, session.begin():
        created = demo_data.refresh_demo_slots(session, "48", now=later)
    with factory() as session:
        slots = session.scalars(select(Slot)).all()
    assert created > 50 and len(slots) == created + 1
    assert [s.id for s in slots if s.status == "booked"] == [booked_id]
    assert all(s.start >= later - timedelta(minutes=15) for s in slots if s.status == "free")


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0
