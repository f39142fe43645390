"""An in-memory index of effecteurs, sites and free slots: ranked search in milliseconds.

Loaded from the database (which stays the source of truth) by :meth:`SlotIndex.load`:

* sites sorted by (latitude row of :data:`ROW_DEG` degrees, longitude), so the
  sites of a search box are one ``searchsorted`` range per row; each site keeps
  its unit vector, and "within the radius" is a chord test (only +, -, * on
  floats: the index and the reference scan agree to the last bit);
* free slots sorted by (site, start) in numpy arrays, so the slots of the
  matching sites in the window are again ``searchsorted`` ranges;
* effecteur attributes (kind, specialty, SAS, en sus, phone) as small arrays.

:meth:`SlotIndex.search` ranks as described in :mod:`app.services.search.model`.
A booked slot leaves the index with :meth:`SlotIndex.mark_booked`.  Memory is
about 60 bytes per slot and 100 bytes per site (plus the effecteur details).  The numeric
pieces (exact times, chords, vectorised ranges and top rows) live in
:mod:`app.services.search.index_arrays`.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot
from app.services.search.geo import bounding_box
from app.services.search.index_arrays import (
    NO_TIME,
    SHIFT,
    chord2_limit,
    chord2_to_km,
    concat_ranges,
    effecteur_details,
    from_us,
    site_details,
    times_us,
    to_us,
    top_rows,
    unit_vector,
)
from app.services.search.model import (
    GROUP_CALL, GROUP_OTHER, GROUP_SAS, GROUP_TRAITANT, MODES, CallCandidate, RankedSlot, SearchAnswer,
    SearchQuery, StalePolicy,
)

ROW_DEG = 0.05
class SlotIndex:
    """Read-mostly index; build it with :meth:`load`, query it with :meth:`search`."""

    def __init__(self, effecteurs: list[tuple], sites: list[tuple], slots: list[tuple],
                 stale: StalePolicy | None = None) -> None:
        """Rows as the database gives them (see :meth:`load` for the columns)."""
        self.stale = stale or StalePolicy()
        effecteurs = sorted(effecteurs)  # effecteur index order = id order (phone-row tie-break)
        self._eff_rows = effecteurs
        eff_pos = {row[0]: i for i, row in enumerate(effecteurs)}
        self.kinds = sorted({row[1] for row in effecteurs} | {"MG"})
        self.specialties = sorted({row[5] or "" for row in effecteurs})
        self._e_kind = np.array([self.kinds.index(r[1]) for r in effecteurs], dtype=np.int16)
        spec_code = {s: i for i, s in enumerate(self.specialties)}
        self._e_spec = np.array([spec_code[r[5] or ""] for r in effecteurs], dtype=np.int16)
        self._e_sas = np.array([bool(r[7]) for r in effecteurs], dtype=bool)
        self._e_extra = np.array([bool(r[8]) for r in effecteurs], dtype=bool)
        self._e_phone = np.array([bool(r[6]) for r in effecteurs], dtype=bool)
        self._rpps = {r[3]: i for i, r in enumerate(effecteurs) if r[3]}

        sites = [s for s in sites if s[1] in eff_pos]
        rows = [math.floor((s[2] + 90.0) / ROW_DEG) for s in sites]
        order = sorted(range(len(sites)), key=lambda i: (rows[i], sites[i][3], sites[i][0]))
        self._site_rows = [sites[i] for i in order]
        self._s_key = np.array([rows[i] * 1000.0 + sites[i][3] + 180.0 for i in order], dtype=np.float64)
        self._s_eff = np.array([eff_pos[sites[i][1]] for i in order], dtype=np.int32)
        self._s_xyz = np.array([unit_vector(sites[i][2], sites[i][3]) for i in order],
                               dtype=np.float64).reshape(-1, 3)
        site_pos = {s[0]: i for i, s in enumerate(self._site_rows)}
        self._s_idrank = np.empty(len(sites), dtype=np.int32)
        self._s_idrank[sorted(range(len(sites)), key=lambda i: self._site_rows[i][0])] = np.arange(len(sites))

        slots = [s for s in slots if s[1] in site_pos]
        starts = times_us([s[2] for s in slots])
        self._base_ms = int(starts.min() // 1000) if len(slots) else 0
        site_of = np.array([site_pos[s[1]] for s in slots], dtype=np.int64)
        key = site_of * SHIFT + np.clip(starts // 1000 - self._base_ms, 0, SHIFT - 1)
        ids = np.array([s[0] for s in slots], dtype=np.int64)
        perm = np.lexsort((ids, starts, site_of))
        self._sl_key, self._sl_start, self._sl_id = key[perm], starts[perm], ids[perm]
        self._sl_site = site_of[perm].astype(np.int32)
        self._sl_end = times_us([s[3] for s in slots])[perm]
        self._sl_mode = np.array([MODES.index(s[4]) if s[4] in MODES else 9 for s in slots], dtype=np.int8)[perm]
        self._labels: dict[str, int] = {}
        self._sl_type = self._codes([s[5] for s in slots])[perm]
        self._sl_source = self._codes([s[6] for s in slots])[perm]
        fetched = [s[7] for s in slots]
        known = [i for i, f in enumerate(fetched) if f is not None]
        fetched_us = np.full(len(slots), NO_TIME, dtype=np.int64)
        fetched_us[known] = times_us([fetched[i] for i in known])
        self._sl_fetched = fetched_us[perm]
        self._sl_free = np.ones(len(slots), dtype=bool)
        self._id_order = np.argsort(self._sl_id, kind="stable")
        self._ids_sorted = self._sl_id[self._id_order]
        self._label_list = sorted(self._labels, key=self._labels.get)
        self.max_slot_id = int(ids.max()) if len(ids) else 0

    def _codes(self, values: list[str]) -> np.ndarray:
        return np.array([self._labels.setdefault(v, len(self._labels)) for v in values], dtype=np.int16)

    @classmethod
    def load(cls, session: Session, stale: StalePolicy | None = None) -> SlotIndex:
        """Read effecteurs, sites and every free slot (Core queries, no ORM objects)."""
        conn = session.connection()
        effecteurs = conn.execute(select(
            Effecteur.id, Effecteur.kind, Effecteur.name, Effecteur.rpps_id, Effecteur.organization_id,
            Effecteur.specialty_code, Effecteur.phone, Effecteur.sas_participant, Effecteur.accepts_extra,
        )).all()
        sites = conn.execute(select(
            ConsultationSite.id, ConsultationSite.effecteur_id, ConsultationSite.lat, ConsultationSite.lon,
            ConsultationSite.address, ConsultationSite.city_name,
        )).all()
        t = Slot.__table__
        query = select(t.c.id, t.c.site_id, t.c.start, t.c.end, t.c.mode, t.c.slot_type, t.c.source,
                       t.c.fetched_at).where(t.c.status == "free")
        if conn.dialect.name == "sqlite":  # raw strings: numpy parses them 20 times faster
            slots = conn.exec_driver_sql(str(query.compile(compile_kwargs={"literal_binds": True}))).all()
        else:
            slots = conn.execute(query).all()
        return cls([tuple(r) for r in effecteurs], [tuple(r) for r in sites], [tuple(r) for r in slots], stale)

    def __len__(self) -> int:
        return int(self._sl_free.sum())

    def memory_bytes(self) -> int:
        """Bytes held by the numpy arrays (the Python row lists come on top)."""
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))

    def mark_booked(self, slot_id: int) -> bool:
        """Take a booked slot out of the results; False if the index did not hold it."""
        i = int(np.searchsorted(self._ids_sorted, slot_id))
        if i >= len(self._ids_sorted) or self._ids_sorted[i] != slot_id:
            return False
        self._sl_free[self._id_order[i]] = False
        return True

    def mark_free(self, slot_id: int) -> bool:
        """Put a slot freed by a cancelled booking back in the results; False if the index did not hold it."""
        i = int(np.searchsorted(self._ids_sorted, slot_id))
        if i >= len(self._ids_sorted) or self._ids_sorted[i] != slot_id:
            return False
        self._sl_free[self._id_order[i]] = True
        return True

    # --- search ------------------------------------------------------------------------------
    def _sites_in_radius(self, q: SearchQuery) -> tuple[np.ndarray, np.ndarray]:
        box = bounding_box(q.lat, q.lon, q.radius_km)
        r0, r1 = (math.floor((v + 90.0) / ROW_DEG) for v in (box.min_lat, box.max_lat))
        rows = np.arange(r0, r1 + 1, dtype=np.float64) * 1000.0
        lo = np.searchsorted(self._s_key, rows + box.min_lon + 180.0, "left")
        hi = np.searchsorted(self._s_key, rows + box.max_lon + 180.0, "right")
        cand = concat_ranges(lo, hi)
        xq, yq, zq = unit_vector(q.lat, q.lon)
        xyz = self._s_xyz[cand]
        dx, dy, dz = xyz[:, 0] - xq, xyz[:, 1] - yq, xyz[:, 2] - zq
        chord2 = dx * dx + dy * dy + dz * dz
        keep = chord2 <= chord2_limit(q.radius_km)
        cand, chord2 = cand[keep], chord2[keep]
        ok = self._effecteur_mask(q)[self._s_eff[cand]]
        return cand[ok], chord2[ok]

    def _effecteur_mask(self, q: SearchQuery) -> np.ndarray:
        mask = np.array([q.accepts_kind(k) for k in self.kinds], dtype=bool)[self._e_kind]
        if q.specialties:
            mask &= np.isin(self._e_spec, [i for i, s in enumerate(self.specialties) if s in q.specialties])
        if q.sas_only:
            mask &= self._e_sas
        if q.extra_only:
            mask &= self._e_extra
        return mask

    def effecteurs_near(self, q: SearchQuery) -> list[str]:
        """Ids of the effecteurs with a site inside ``q``'s radius that pass its effecteur filters."""
        sites, _ = self._sites_in_radius(q)
        return [self._eff_rows[int(e)][0] for e in np.unique(self._s_eff[sites])]

    def search(self, q: SearchQuery) -> SearchAnswer:
        """Ranked slots and phone rows for ``q`` (see :mod:`app.services.search.model`)."""
        sites, site_chord2 = self._sites_in_radius(q)
        lo_us, hi_us = to_us(q.window_start), to_us(q.window_end)
        lo_ms = min(max(lo_us // 1000 - self._base_ms, 0), SHIFT - 1)
        hi_ms = min(max(hi_us // 1000 - self._base_ms, -1), SHIFT - 1)
        base = sites.astype(np.int64) * SHIFT
        lo = np.searchsorted(self._sl_key, base + lo_ms, "left")
        hi = np.searchsorted(self._sl_key, base + hi_ms, "right") if hi_ms >= 0 else lo
        idx = concat_ranges(lo, hi)
        chord2 = np.repeat(site_chord2, hi - lo)
        start = self._sl_start[idx]
        keep = self._sl_free[idx] & (start >= lo_us) & (start <= hi_us)
        if q.modes:
            keep &= np.isin(self._sl_mode[idx], [MODES.index(m) for m in q.modes if m in MODES])
        ranges = q.start_ranges()
        if ranges:
            in_any = np.zeros(len(idx), dtype=bool)
            for a, b in ranges:
                in_any |= (start >= to_us(a)) & (start < to_us(b))
            keep &= in_any
        idx, chord2, start = idx[keep], chord2[keep], start[keep]
        effs = self._s_eff[self._sl_site[idx]]
        traitant = self._rpps.get(q.practitioner_rpps or "", -1)
        group = np.where(effs == traitant, GROUP_TRAITANT, np.where(self._e_sas[effs], GROUP_SAS, GROUP_OTHER))
        top = top_rows(q.limit, group, chord2, start, self._sl_id[idx])
        answer = SearchAnswer(slots=[], calls=[], total=len(idx),
                              effecteurs_in_radius=len(np.unique(self._s_eff[sites])))
        for i in top:
            j = int(idx[i])
            eff = int(effs[i])
            answer.slots.append(self._ranked(j, float(chord2[i]), int(group[i]), eff, q.now))
            self._describe(answer, eff, int(self._sl_site[j]))
        self._calls(answer, q, sites, site_chord2, np.unique(effs), traitant)
        return answer

    def _calls(self, answer: SearchAnswer, q: SearchQuery, sites: np.ndarray, chord2: np.ndarray,
               with_slots: np.ndarray, traitant: int) -> None:
        effs = self._s_eff[sites]
        first = np.lexsort((self._s_idrank[sites], chord2, effs))  # per effecteur: nearest site first
        effs_sorted, sites_sorted, chord_sorted = effs[first], sites[first], chord2[first]
        _, first_of = np.unique(effs_sorted, return_index=True)
        effs_u, sites_u, chord_u = effs_sorted[first_of], sites_sorted[first_of], chord_sorted[first_of]
        ok = ~np.isin(effs_u, with_slots) & self._e_phone[effs_u] & (self._e_extra[effs_u] | (effs_u == traitant))
        effs_u, sites_u, chord_u = effs_u[ok], sites_u[ok], chord_u[ok]
        group = np.where(effs_u == traitant, GROUP_TRAITANT, GROUP_CALL)
        for i in np.lexsort((effs_u, chord_u, group))[: q.call_limit]:
            eff = int(effs_u[i])
            answer.calls.append(CallCandidate(self._eff_rows[eff][0], chord2_to_km(float(chord_u[i])),
                                              int(group[i]), self._site_rows[int(sites_u[i])][0]))
            self._describe(answer, eff, int(sites_u[i]))

    def _ranked(self, j: int, chord2: float, group: int, eff: int, now: datetime) -> RankedSlot:
        fetched = int(self._sl_fetched[j])
        fetched_at = None if fetched == NO_TIME else from_us(fetched)
        source = self._label_list[self._sl_source[j]]
        return RankedSlot(
            slot_id=int(self._sl_id[j]), start=from_us(self._sl_start[j]), end=from_us(self._sl_end[j]),
            mode=MODES[self._sl_mode[j]] if self._sl_mode[j] < len(MODES) else "?",
            slot_type=self._label_list[self._sl_type[j]], source=source, fetched_at=fetched_at,
            stale=self.stale.is_stale(source, fetched_at, now), distance_km=chord2_to_km(chord2),
            group=group, effecteur=self._eff_rows[eff][0], site=self._site_rows[int(self._sl_site[j])][0],
        )

    def _describe(self, answer: SearchAnswer, eff: int, site: int) -> None:
        e, s = self._eff_rows[eff], self._site_rows[site]
        if e[0] not in answer.effecteurs:
            answer.effecteurs[e[0]] = effecteur_details(e)
        if s[0] not in answer.sites:
            answer.sites[s[0]] = site_details(s)

