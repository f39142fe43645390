"""A deterministic demo territory: effecteurs, consultation sites and free slots.

For any département with geolocated communes ("67", "2A", "971"...), builds
general practitioners, SOS Médecins sites, MSP, centres de santé, on-duty
pharmacies and nurses, placed in real communes in proportion to their
population, with free slots over the next 72 hours.  The same département,
``now`` (floored to the quarter hour) and seed always give the same rows.
Names, streets and numbers are invented; ids only have the national shapes
(RPPS, FINESS, SIRET with their Luhn keys; effecteur ids prefixed 8/1/3 as in FHIR).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from itertools import accumulate
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.codes import places
from app.models import ConsultationSite, Effecteur, Slot, utcnow
from app.models.db import open_database
from app.services.reference.communes import Commune, default_index, departement_insee_codes
from app.demo.names import (  # noqa: F401 (DEMO_ACCOUNTS, create_demo_users: public here)
    DEMO_ACCOUNTS, create_demo_users,
    MEN, NUMBERS, PHARMACIES, STREETS, SURNAMES, WOMEN, jitter, local_timezone, of_place, phone_number, unique_name,
    with_luhn,
)

log = logging.getLogger(__name__)

DEMO_SOURCE = "demo"

class _Profile(NamedTuple):
    """How one kind of effecteur is generated."""

    per_100k: float  # effecteurs per 100,000 inhabitants (SOS: sites, in the biggest communes)
    participant: float  # share of SAS participants
    extra: float  # share accepting patients "en sus des disponibilités"
    per_day: tuple[int, int]  # free slots offered per open day (min, max)
    modes: tuple[tuple[str, ...], tuple[int, ...]]  # consultation modes and their weights
    hours: tuple  # opening periods (minutes after local midnight): weekdays, Saturday, Sunday
    no_agenda: float = 0.0  # share publishing no slot at all (reached by phone only)


_AM, _PM, _ALL_DAY, _NURSE = (480, 720), (840, 1140), ((480, 1440),), ((420, 660), (960, 1140))
_ON_DUTY = (((1140, 1320),), ((840, 1200),), ((540, 1200),))  # evenings, Saturday afternoon, Sunday
_OFFICE, _VISIT = (("AMB", "VR"), (85, 15)), (("HH",), (1,))
_PROFILES = {
    "MG": _Profile(22.0, 0.5, 0.3, (1, 5), (("AMB", "VR", "HH"), (70, 15, 15)), ((_AM, _PM), (_AM,), ()), 0.15),
    "SOS": _Profile(0.25, 1.0, 1.0, (12, 24), (("AMB", "HH"), (55, 45)), (_ALL_DAY,) * 3),
    "MSP": _Profile(1.5, 0.8, 0.3, (4, 10), _OFFICE, ((_AM, (780, 1140)), (_AM,), ())),
    "CDS": _Profile(1.0, 0.7, 0.2, (3, 8), _OFFICE, (((510, 750), (810, 1110)), (_AM,), ())),
    "PHARM": _Profile(4.0, 0.0, 0.0, (3, 6), (("AMB",), (1,)), _ON_DUTY),
    "INF": _Profile(8.0, 0.3, 0.2, (2, 5), _VISIT, (_NURSE, _NURSE, ((480, 660),))),
    "CPTS": _Profile(0.4, 0.9, 0.5, (4, 10), _OFFICE, (((480, 1200),), ((480, 720),), ())),
    "MMG": _Profile(0.3, 1.0, 0.6, (6, 12), (("AMB",), (1,)), (((1200, 1440),), ((720, 1440),), ((480, 1440),))),
}
_DURATIONS = {"AMB": (15, 20, 20, 30), "VR": (15, 15, 20), "HH": (30,)}
_SLOT_TYPES = (("SNP", "PRO", "PUBLIC"), (70, 15, 15))
_PHARM_ON_DUTY = 0.35  # share of pharmacies de garde on a given day


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build did (or found already there)."""

    departement: str
    effecteurs_by_kind: dict[str, int] = field(default_factory=dict)
    slots: int = 0
    users_created: int = 0
    #: True when the territory was already in the database and nothing was built.
    skipped: bool = False

    @property
    def effecteurs(self) -> int:
        return sum(self.effecteurs_by_kind.values())

    def describe(self) -> str:
        """A French one-liner for logs and the status bar."""
        what = f"{self.effecteurs} effecteurs, {self.slots} créneaux libres"
        if self.skipped:
            return f"Territoire de démonstration {self.departement} déjà présent ({what})."
        return f"Territoire de démonstration {self.departement} créé : {what}."

    __str__ = describe


def build_demo_territory(
    session: Session, departement: str = "67", now: datetime | None = None, seed: int = 0, density: float = 1.0,
    richness: float = 1.0,
) -> DemoSummary:
    """Insert the demo territory of ``departement`` with bulk inserts; the caller commits.

    ``density`` multiplies the number of effecteurs per inhabitant and
    ``richness`` the number of slots each offers (the national dataset uses
    about 4 and 1.17).

    Raises:
        ValueError: unknown département, or one without geolocated communes.
    """
    dep = normalize_departement(departement)
    now_r = floor_quarter_hour(now or utcnow())
    rng = random.Random(f"demo-territory:{dep}:{seed}")
    effecteurs, sites = _effecteurs(rng, dep, placement_communes(dep), density)
    slots = _slots(dep, [(e["id"], e["kind"], s["id"]) for e, s in zip(effecteurs, sites)], now_r, seed,
                   richness)
    session.execute(insert(Effecteur), effecteurs)
    session.execute(insert(ConsultationSite), sites)
    if slots:
        session.execute(insert(Slot), slots)
    counts: dict[str, int] = {}
    for e in effecteurs:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    return DemoSummary(departement=dep, effecteurs_by_kind=counts, slots=len(slots))


def build_demo_database(
    db_url: str,
    departement: str = "67",
    now: datetime | None = None,
    hash_password: Callable[[str], str] | None = None,
    seed: int = 0,
) -> DemoSummary:
    """Open (and migrate) ``db_url``; add the demo users and, unless already there, the territory."""
    if hash_password is None:
        from app.services.security.auth import hash_password
    dep = normalize_departement(departement)
    engine, factory = open_database(db_url)
    try:
        with factory() as session, session.begin():
            users = create_demo_users(session, hash_password)
            found = existing_territory(session, dep, now)
            built = found if found is not None else build_demo_territory(session, dep, now, seed)
    finally:
        engine.dispose()
    summary = DemoSummary(dep, built.effecteurs_by_kind, built.slots, len(users), built.skipped)
    log.info("%s", summary.describe())
    return summary


def existing_territory(session: Session, departement: str, now: datetime | None = None) -> DemoSummary | None:
    """What the database already holds in this département (free slots from ``now``), or None."""
    dep = normalize_departement(departement)
    codes = departement_insee_codes(dep)
    in_dep = select(ConsultationSite.effecteur_id).where(ConsultationSite.city_insee_code.in_(codes))
    counts = dict(session.execute(
        select(Effecteur.kind, func.count()).where(Effecteur.id.in_(in_dep)).group_by(Effecteur.kind)
    ).all())
    if not counts:
        return None
    slots = session.scalar(select(func.count()).select_from(Slot).where(
        Slot.effecteur_id.in_(in_dep), Slot.status == "free",
        Slot.start >= floor_quarter_hour(now or utcnow())))
    return DemoSummary(dep, counts, slots or 0, skipped=True)


def refresh_demo_slots(session: Session, departement: str = "67", now: datetime | None = None,
                       seed: int = 0) -> int:
    """Replace the free demo slots of the département by a new 72 h window from ``now``.

    Booked slots stay.  For an existing demo database whose slots have expired
    (the window is relative to the first build); returns the number of new slots.
    """
    dep = normalize_departement(departement)
    codes = departement_insee_codes(dep)
    sites = session.execute(
        select(Effecteur.id, Effecteur.kind, ConsultationSite.id)
        .join(ConsultationSite, ConsultationSite.effecteur_id == Effecteur.id)
        .where(ConsultationSite.city_insee_code.in_(codes), Effecteur.kind.in_(list(_PROFILES)))
        .order_by(ConsultationSite.id)
    ).all()
    site_ids = [site_id for _, _, site_id in sites]
    for i in range(0, len(site_ids), 500):
        session.execute(delete(Slot).where(Slot.source == DEMO_SOURCE, Slot.status == "free",
                                           Slot.site_id.in_(site_ids[i : i + 500])))
    slots = _slots(dep, list(sites), floor_quarter_hour(now or utcnow()), seed)
    if slots:
        session.execute(insert(Slot), slots)
    return len(slots)


def floor_quarter_hour(now: datetime) -> datetime:
    """``now`` in UTC, floored to the quarter hour: the demo's reference time."""
    if now.tzinfo is None:
        raise ValueError("now: a timezone-aware datetime is required")
    now = now.astimezone(timezone.utc)
    return now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)


def normalize_departement(code: str) -> str:
    """ "67" → "67", "2a" → "2A", "1" → "01"; raises ValueError (in French) when unknown."""
    dep = places.normalize_departement(code)
    if dep is None or not departement_insee_codes(dep):
        raise ValueError(f"Département inconnu : « {code} »")
    return dep


def placement_communes(dep: str) -> list[Commune]:
    """Geolocated communes of the département; Paris, Lyon, Marseille by arrondissement."""
    communes = default_index().in_departement(dep)
    parents = {c.parent_insee for c in communes if c.parent_insee}
    placed = [c for c in communes if c.has_coordinates and c.insee not in parents]
    if not placed:
        raise ValueError(f"Aucune commune géolocalisée dans le département {dep} : démonstration impossible")
    return placed


def _effecteurs(rng: random.Random, dep: str, communes: list[Commune],
                density: float = 1.0) -> tuple[list[dict], list[dict]]:
    """Effecteur and site rows (one site each), in a fixed order."""
    population = sum(c.population for c in communes)
    cum_weights = list(accumulate(max(c.population, 1) for c in communes))
    biggest = sorted(communes, key=lambda c: (-c.population, c.insee))[:5]
    dep3 = {"2A": "200", "2B": "202"}.get(dep, dep.zfill(3))  # keeps RPPS unique across départements
    serials = iter(rng.sample(range(100_000), 20_000))
    used_names: set[str] = set()
    effecteurs: list[dict] = []
    sites: list[dict] = []
    for kind, profile in _PROFILES.items():
        for n in range(max(1, round(population / 100_000 * profile.per_100k * density))):
            if kind == "SOS":
                commune = rng.choices(biggest, weights=[c.population + 1 for c in biggest])[0]
            else:
                commune = rng.choices(communes, cum_weights=cum_weights)[0]
            serial, woman = next(serials), rng.random() < 0.55
            first, last = rng.choice(WOMEN if woman else MEN), rng.choice(SURNAMES)
            rpps = org = None
            if kind in ("MG", "INF"):
                rpps = with_luhn(f"10{dep3}{serial:05d}")
                eid = "8" + rpps
                nurse = "infirmière" if woman else "infirmier"
                name = f"Dr {first} {last}" if kind == "MG" else f"{first} {last}, {nurse}"
            elif kind == "SOS":
                org = with_luhn(with_luhn(f"7{dep3}{n:04d}") + f"{n + 1:04d}")  # SIRET = SIREN + NIC
                eid, name = "3" + org, unique_name(f"SOS Médecins {commune.name}", used_names)
            else:
                org = with_luhn(f"{dep}{serial:0{8 - len(dep)}d}")  # FINESS
                eid = "1" + org
                label = {"MSP": "Maison de santé", "CDS": "Centre de santé", "CPTS": "CPTS",
                         "MMG": "Maison médicale de garde"}.get(kind)
                name = unique_name(f"{label} {of_place(commune.name)}" if label else rng.choice(PHARMACIES),
                               used_names, commune.name)
            lat, lon = jitter(rng, commune)
            effecteurs.append({
                "id": eid, "kind": kind, "name": name, "rpps_id": rpps, "organization_id": org,
                "specialty_code": "SM54" if kind not in ("PHARM", "INF") else None,
                "phone": phone_number(rng, dep, mobile=kind == "INF"),
                "sas_participant": rng.random() < profile.participant,
                "accepts_extra": rng.random() < profile.extra,
            })
            sites.append({
                "id": f"{eid}-1", "effecteur_id": eid, "name": name,
                "address": f"{rng.choice(NUMBERS)} {rng.choice(STREETS)}",
                "city_name": commune.name, "city_insee_code": commune.insee,
                "postal_code": rng.choice(commune.postal_codes) if commune.postal_codes else None,
                "lat": round(lat, 6), "lon": round(lon, 6),
            })
    return effecteurs, sites


def _slots(dep: str, sites: list[tuple[str, str, str]], now_r: datetime, seed: int,
           richness: float = 1.0) -> list[dict]:
    """Free slot rows of each (effecteur id, kind, site id), starting in [now_r, now_r + 72 h)."""
    tz, end = local_timezone(dep), now_r + timedelta(hours=72)
    first_day = now_r.astimezone(tz).date()
    days = [first_day + timedelta(days=i) for i in range(4)]
    rows: list[dict] = []
    for eid, kind, site_id in sites:
        rng = random.Random(f"demo-slots:{seed}:{eid}:{now_r.isoformat()}")
        profile = _PROFILES[kind]
        if rng.random() < profile.no_agenda:
            continue
        for day in days:
            periods = profile.hours[(0, 0, 0, 0, 0, 1, 2)[day.weekday()]]
            if not periods or (kind == "PHARM" and rng.random() >= _PHARM_ON_DUTY):
                continue
            grid = [m for a, b in periods for m in range(a, b - 14, 15)]
            picks = sorted(rng.sample(grid, min(len(grid), round(rng.randint(*profile.per_day) * richness))))
            midnight, busy_until = datetime.combine(day, time.min), -1
            for minute in picks:
                mode = rng.choices(*profile.modes)[0]
                duration, slot_type = rng.choice(_DURATIONS[mode]), rng.choices(*_SLOT_TYPES)[0]
                start = (midnight + timedelta(minutes=minute)).replace(tzinfo=tz).astimezone(timezone.utc)
                if minute < busy_until or not now_r <= start < end:
                    continue
                busy_until = minute + duration
                rows.append({
                    "site_id": site_id, "effecteur_id": eid, "start": start,
                    "end": start + timedelta(minutes=duration), "mode": mode,
                    "slot_type": "PUBLIC" if kind == "PHARM" else slot_type, "status": "free",
                    "source": DEMO_SOURCE, "fetched_at": now_r,
                })
    return rows
