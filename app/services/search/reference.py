"""The brute-force reference of the ranked search: a plain scan of every row.

Used by the tests and by the national benchmark to check that
:class:`app.services.search.slot_index.SlotIndex` returns exactly the same lists.  It
reads the rows once (:class:`ReferenceData`), then each query measures every
site (one numpy expression over all of them, no spatial index) and walks the
free slots of those inside the radius in Python, with the rules written as
plainly as possible.  Tens of milliseconds per query nationally.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot
from app.services.search.model import (
    GROUP_CALL, GROUP_OTHER, GROUP_SAS, GROUP_TRAITANT, CallCandidate, RankedSlot, SearchAnswer, SearchQuery,
    StalePolicy,
)
from app.services.search.slot_index import chord2_limit, chord2_to_km, effecteur_details, site_details, unit_vector


@dataclass
class ReferenceData:
    """Every effecteur, site and free slot, as Python objects."""

    effecteurs: dict[str, tuple]
    sites: list[tuple]
    slots_by_site: dict[str, list[tuple]]
    #: Unit vectors of the sites (x, y, z columns), computed once with :mod:`math`.
    xyz: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))

    def __post_init__(self) -> None:
        if len(self.xyz) != len(self.sites):
            self.xyz = np.array([unit_vector(s[2], s[3]) for s in self.sites], dtype=np.float64).reshape(-1, 3)

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


def reference_search(data: ReferenceData, q: SearchQuery, stale: StalePolicy | None = None) -> SearchAnswer:
    """The answer :meth:`SlotIndex.search` must give, computed by scanning everything."""
    stale = stale or StalePolicy()
    xq, yq, zq = unit_vector(q.lat, q.lon)
    limit = chord2_limit(q.radius_km)
    traitant_rpps = q.practitioner_rpps or None
    # Every site's squared chord to the patient (numpy does the same float operations as Python would).
    dx, dy, dz = data.xyz[:, 0] - xq, data.xyz[:, 1] - yq, data.xyz[:, 2] - zq
    all_chord2 = dx * dx + dy * dy + dz * dz
    in_radius: list[tuple[float, tuple, tuple]] = []  # (chord², site, effecteur)
    for i in np.flatnonzero(all_chord2 <= limit):
        site = data.sites[i]
        eff = data.effecteurs.get(site[1])
        if eff is None or not q.accepts_effecteur(eff[1], eff[5], bool(eff[7]), bool(eff[8])):
            continue
        in_radius.append((float(all_chord2[i]), site, eff))

    ranges = q.start_ranges()
    found: list[tuple] = []
    with_slots: set[str] = set()
    for chord2, site, eff in in_radius:
        for slot in data.slots_by_site.get(site[0], ()):
            start = slot[2]
            if not q.window_start <= start <= q.window_end:
                continue
            if q.modes and slot[4] not in q.modes:
                continue
            if ranges and not any(a <= start < b for a, b in ranges):
                continue
            if traitant_rpps is not None and eff[3] == traitant_rpps:
                group = GROUP_TRAITANT
            else:
                group = GROUP_SAS if eff[7] else GROUP_OTHER
            found.append((group, chord2, start, slot[0], slot, site, eff))
            with_slots.add(eff[0])
    found.sort(key=lambda f: f[:4])

    answer = SearchAnswer(slots=[], calls=[], total=len(found),
                          effecteurs_in_radius=len({eff[0] for _, _, eff in in_radius}))
    for group, chord2, start, slot_id, slot, site, eff in found[: q.limit]:
        answer.slots.append(RankedSlot(
            slot_id=slot_id, start=start, end=slot[3], mode=slot[4], slot_type=slot[5], source=slot[6],
            fetched_at=slot[7], stale=stale.is_stale(slot[6], slot[7], q.now), distance_km=chord2_to_km(chord2),
            group=group, effecteur=eff[0], site=site[0],
        ))
        answer.effecteurs.setdefault(eff[0], effecteur_details(eff))
        answer.sites.setdefault(site[0], site_details(site))

    nearest: dict[str, tuple[float, tuple, tuple]] = {}
    for chord2, site, eff in in_radius:
        if eff[0] not in nearest or (chord2, site[0]) < (nearest[eff[0]][0], nearest[eff[0]][1][0]):
            nearest[eff[0]] = (chord2, site, eff)
    calls = []
    for eff_id, (chord2, site, eff) in nearest.items():
        traitant = traitant_rpps is not None and eff[3] == traitant_rpps
        if eff_id in with_slots or not eff[6] or not (eff[8] or traitant):
            continue
        calls.append((GROUP_TRAITANT if traitant else GROUP_CALL, chord2, eff_id, site, eff))
    calls.sort(key=lambda c: c[:3])
    for group, chord2, eff_id, site, eff in calls[: q.call_limit]:
        answer.calls.append(CallCandidate(eff_id, chord2_to_km(chord2), group, site[0]))
        answer.effecteurs.setdefault(eff_id, effecteur_details(eff))
        answer.sites.setdefault(site[0], site_details(site))
    return answer
