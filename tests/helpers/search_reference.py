"""The brute-force reference of the ranked search: a plain scan of every row, sharing no code with the index.

Used by the tests (``tests/services/test_slot_index*.py``) and by the national
benchmark to check that :class:`app.services.search.slot_index.SlotIndex`
returns the same lists.  It reads the rows once (:class:`ReferenceData`), then
each query measures every site with its own haversine (one numpy expression
over all of them, no spatial index, no bounding box) and walks the free slots
of those inside the radius in Python, with the rules written here as plainly as
possible: the radius, the "disponible sous" windows, the kind, structure,
profession, specialty, SAS and extra-slot filters, the ranking and the
"to call" list.  Only the query and answer types and the stale policy (a
parameter of the search) come from the application.

The index measures distances as chords of the unit sphere, this reference as
haversine great-circle distances: the two agree to far below a metre, not to
the last bit, so answers are compared with :func:`answer_differences`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot
from app.services.search.model import CallCandidate, RankedSlot, SearchAnswer, SearchQuery, StalePolicy

#: Mean Earth radius (IUGG), km.
EARTH_KM = 6371.0088
#: Two distances closer than this (km, one millimetre) are the same distance.
DISTANCE_TOLERANCE_KM = 1e-6
#: Ranking groups, in order: the patient's own practitioner, SAS participants, the others, those to call.
TRAITANT, SAS, OTHER, TO_CALL = 0, 1, 2, 3
#: "Disponible sous" windows of the national platform: [from, to) hours after now.
WINDOW_HOURS = {"0-4": (0, 4), "4-8": (4, 8), "8-12": (8, 12), "12-24": (12, 24), "24-48": (24, 48),
                "48-72": (48, 72)}
#: Structure of each effecteur kind (anything unlisted is an individual practitioner).
STRUCTURE = {"PHARM": "pharmacie", "SOS": "sos", "MSP": "msp", "CDS": "cds", "CPTS": "cpts", "MMG": "mmg"}
#: Profession of each kind (anything unlisted is a médecin).
PROFESSION = {"INF": "infirmier", "PHARM": "pharmacien"}


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (numbers or numpy arrays)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass
class ReferenceData:
    """Every effecteur, site and free slot, as Python objects."""

    effecteurs: dict[str, tuple]
    sites: list[tuple]
    slots_by_site: dict[str, list[tuple]]
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        self.lat = np.array([s[2] for s in self.sites], dtype=np.float64)
        self.lon = np.array([s[3] for s in self.sites], dtype=np.float64)

    @classmethod
    def load(cls, session: Session) -> ReferenceData:
        effecteurs = {r[0]: tuple(r) for r in session.execute(select(
            Effecteur.id, Effecteur.kind, Effecteur.name, Effecteur.rpps_id, Effecteur.organization_id,
            Effecteur.specialty_code, Effecteur.phone, Effecteur.sas_participant, Effecteur.accepts_extra))}
        sites = [tuple(r) for r in session.execute(select(
            ConsultationSite.id, ConsultationSite.effecteur_id, ConsultationSite.lat, ConsultationSite.lon,
            ConsultationSite.address, ConsultationSite.city_name))]
        slots_by_site: dict[str, list[tuple]] = {}
        for row in session.execute(select(Slot.id, Slot.site_id, Slot.start, Slot.end, Slot.mode, Slot.slot_type,
                                          Slot.source, Slot.fetched_at).where(Slot.status == "free")):
            slots_by_site.setdefault(row[1], []).append(tuple(row))
        return cls(effecteurs, sites, slots_by_site)


def _accepted(q: SearchQuery, eff: tuple) -> bool:
    kind, specialty, sas, extra = eff[1], eff[5], bool(eff[7]), bool(eff[8])
    return ((not q.kinds or kind in q.kinds)
            and (not q.structures or STRUCTURE.get(kind, "individuel") in q.structures)
            and (not q.professions or PROFESSION.get(kind, "medecin") in q.professions)
            and (not q.specialties or specialty in q.specialties)
            and (sas or not q.sas_only) and (extra or not q.extra_only))


def _effecteur(e: tuple) -> dict:
    return {"id": e[0], "kind": e[1], "name": e[2], "rpps_id": e[3], "specialty_code": e[5], "phone": e[6],
            "sas_participant": bool(e[7]), "accepts_extra": bool(e[8])}


def _site(s: tuple) -> dict:
    return {"id": s[0], "lat": s[2], "lon": s[3], "address": s[4], "city_name": s[5]}


def reference_search(data: ReferenceData, q: SearchQuery, stale: StalePolicy | None = None) -> SearchAnswer:
    """The answer :meth:`SlotIndex.search` must give, computed by scanning everything."""
    stale = stale or StalePolicy()
    traitant_rpps = q.practitioner_rpps or None
    distances = haversine_km(q.lat, q.lon, data.lat, data.lon)
    in_radius: list[tuple[float, tuple, tuple]] = []  # (km, site, effecteur)
    for i in np.flatnonzero(distances <= q.radius_km):
        site = data.sites[i]
        eff = data.effecteurs.get(site[1])
        if eff is not None and _accepted(q, eff):
            in_radius.append((float(distances[i]), site, eff))

    windows = [(q.now + timedelta(hours=a), q.now + timedelta(hours=b))
               for a, b in (WINDOW_HOURS[w] for w in set(q.windows))]
    found: list[tuple] = []
    with_slots: set[str] = set()
    for km, site, eff in in_radius:
        for slot in data.slots_by_site.get(site[0], ()):
            start = slot[2]
            if not (q.window_start <= start <= q.window_end):
                continue
            if q.modes and slot[4] not in q.modes:
                continue
            if windows and not any(a <= start < b for a, b in windows):
                continue
            group = TRAITANT if traitant_rpps is not None and eff[3] == traitant_rpps else SAS if eff[7] else OTHER
            found.append((group, km, start, slot[0], slot, site, eff))
            with_slots.add(eff[0])
    found.sort(key=lambda f: f[:4])

    answer = SearchAnswer(slots=[], calls=[], total=len(found),
                          effecteurs_in_radius=len({eff[0] for _, _, eff in in_radius}))
    for group, km, start, slot_id, slot, site, eff in found[: q.limit]:
        answer.slots.append(RankedSlot(
            slot_id=slot_id, start=start, end=slot[3], mode=slot[4], slot_type=slot[5], source=slot[6],
            fetched_at=slot[7], stale=stale.is_stale(slot[6], slot[7], q.now), distance_km=km,
            group=group, effecteur=eff[0], site=site[0],
        ))
        answer.effecteurs.setdefault(eff[0], _effecteur(eff))
        answer.sites.setdefault(site[0], _site(site))

    # Those to call: an effecteur in the radius with no slot shown, a phone, and open to extra
    # patients (or the patient's own practitioner), at its nearest site.
    nearest: dict[str, tuple[float, tuple, tuple]] = {}
    for km, site, eff in in_radius:
        if eff[0] not in nearest or (km, site[0]) < (nearest[eff[0]][0], nearest[eff[0]][1][0]):
            nearest[eff[0]] = (km, site, eff)
    calls = []
    for eff_id, (km, site, eff) in nearest.items():
        traitant = traitant_rpps is not None and eff[3] == traitant_rpps
        if eff_id in with_slots or not eff[6] or not (eff[8] or traitant):
            continue
        calls.append((TRAITANT if traitant else TO_CALL, km, eff_id, site, eff))
    calls.sort(key=lambda c: c[:3])
    for group, km, eff_id, site, eff in calls[: q.call_limit]:
        answer.calls.append(CallCandidate(eff_id, km, group, site[0]))
        answer.effecteurs.setdefault(eff_id, _effecteur(eff))
        answer.sites.setdefault(site[0], _site(site))
    return answer


def _differs(a, b) -> bool:
    """Whether two RankedSlot / CallCandidate differ (distances within :data:`DISTANCE_TOLERANCE_KM` agree)."""
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "distance_km":
            if abs(x - y) > DISTANCE_TOLERANCE_KM:
                return True
        elif x != y:
            return True
    return False


def answer_differences(got: SearchAnswer, want: SearchAnswer) -> list[str]:
    """What differs between the index's answer and the reference's (empty when they agree)."""
    out = []
    for name in ("total", "effecteurs_in_radius"):
        if getattr(got, name) != getattr(want, name):
            out.append(f"{name}: {getattr(got, name)} != {getattr(want, name)}")
    for name in ("slots", "calls"):
        a, b = getattr(got, name), getattr(want, name)
        if len(a) != len(b):
            out.append(f"{name}: {len(a)} != {len(b)}")
        out += [f"{name}[{i}]: {x} != {y}" for i, (x, y) in enumerate(zip(a, b)) if _differs(x, y)][:5]
    if got.effecteurs != want.effecteurs:
        out.append("effecteurs differ")
    if got.sites != want.sites:
        out.append("sites differ")
    return out
