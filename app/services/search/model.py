"""What a ranked slot search asks and answers (shared by the index and the reference).

A :class:`SearchQuery` carries the patient's point and radius, the time window
(``start``/``end`` plus optional "disponible sous" slices), the filters of the
national platform (mode, profession, specialty, structure, SAS participants,
"en sus des disponibilités") and the médecin traitant's RPPS.  The answer is a
:class:`SearchAnswer`: ranked slots, then effecteurs to phone, each with its
ranking group (domain.md B.9):

0. the patient's médecin traitant, 1. SAS participants with slots,
2. other effecteurs with slots, 3. effecteurs without slots who can be phoned.

Inside a group: nearest first, then soonest slot, then slot id (effecteur id
for phone rows).  Staleness is judged by :class:`StalePolicy`.  The outcome of
a call to an effecteur "en sus" becomes a note such as « Appel à Dr X (en sus) :
accepté » (:func:`note_text`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

GROUP_TRAITANT, GROUP_SAS, GROUP_OTHER, GROUP_CALL = range(4)
GROUP_KEYS = ("medecin_traitant", "sas", "autres", "a_appeler")
GROUP_LABELS = ("Médecin traitant", "SAS", "Autres", "À appeler")

#: "Disponible sous" slices of the national platform, in hours after now.
WINDOWS: dict[str, tuple[int, int]] = {
    "0-4": (0, 4), "4-8": (4, 8), "8-12": (8, 12), "12-24": (12, 24), "24-48": (24, 48), "48-72": (48, 72),
}
MODES = ("AMB", "HH", "VR")
#: Structure kind of each effecteur kind (CPTS and MMG are stored as kinds of their own).
STRUCTURE_OF_KIND = {"MG": "individuel", "INF": "individuel", "PHARM": "pharmacie", "SOS": "sos",
                     "MSP": "msp", "CDS": "cds", "CPTS": "cpts", "MMG": "mmg"}
STRUCTURES = ("individuel", "cpts", "msp", "cds", "sos", "mmg", "pharmacie")
PROFESSION_OF_KIND = {"INF": "infirmier", "PHARM": "pharmacien"}  # every other kind: médecin
PROFESSIONS = ("medecin", "infirmier", "pharmacien")


def profession_of(kind: str) -> str:
    return PROFESSION_OF_KIND.get(kind, "medecin")


@dataclass(frozen=True)
class StalePolicy:
    """How old a slot's ``fetched_at`` may be before it is shown as stale.

    Sources: ``demo`` (never stale: generated data), ``manual`` (entered by
    hand), anything else is an agenda editor.  A slot with no ``fetched_at``
    from an editor is stale.
    """

    editor: timedelta = timedelta(minutes=15)
    manual: timedelta | None = timedelta(hours=24)
    demo: timedelta | None = None

    def max_age(self, source: str) -> timedelta | None:
        return {"demo": self.demo, "manual": self.manual}.get(source, self.editor)

    def is_stale(self, source: str, fetched_at: datetime | None, now: datetime) -> bool:
        limit = self.max_age(source)
        if limit is None:
            return False
        return fetched_at is None or now - fetched_at > limit


@dataclass(frozen=True)
class SearchQuery:
    """One search.  Times are timezone-aware; ``windows`` are keys of :data:`WINDOWS`."""

    lat: float
    lon: float
    radius_km: float
    now: datetime
    start: datetime | None = None
    end: datetime | None = None
    windows: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    professions: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    sas_only: bool = False
    extra_only: bool = False
    practitioner_rpps: str | None = None
    limit: int = 50
    call_limit: int = 50

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90 <= self.lat <= 90):
            raise ValueError(f"lat: must be a latitude between -90 and 90, got {self.lat!r}")
        if not (math.isfinite(self.lon) and -180 <= self.lon <= 180):
            raise ValueError(f"lon: must be a longitude between -180 and 180, got {self.lon!r}")
        if not (math.isfinite(self.radius_km) and self.radius_km > 0):
            raise ValueError(f"radius_km: must be a positive number of kilometres, got {self.radius_km!r}")
        for name in ("now", "start", "end"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name}: a timezone-aware datetime is required")
        unknown = [w for w in self.windows if w not in WINDOWS]
        if unknown:
            raise ValueError(f"window: unknown slice {unknown[0]!r} (expected one of {', '.join(WINDOWS)})")

    @property
    def window_start(self) -> datetime:
        return self.start or self.now

    @property
    def window_end(self) -> datetime:
        return self.end or self.window_start + timedelta(hours=72)

    def start_ranges(self) -> list[tuple[datetime, datetime]]:
        """Half-open [a, b) ranges a slot's start must fall in (the inclusive end is handled apart)."""
        if not self.windows:
            return []
        return [(self.now + timedelta(hours=a), self.now + timedelta(hours=b)) for a, b in
                sorted(WINDOWS[w] for w in set(self.windows))]

    def accepts_kind(self, kind: str) -> bool:
        """Whether an effecteur kind passes the kind, structure and profession filters."""
        return ((not self.kinds or kind in self.kinds)
                and (not self.structures or STRUCTURE_OF_KIND.get(kind, "individuel") in self.structures)
                and (not self.professions or profession_of(kind) in self.professions))

    def accepts_effecteur(self, kind: str, specialty: str | None, sas: bool, extra: bool) -> bool:
        """Whether an effecteur passes every effecteur filter (not the slot ones)."""
        return (self.accepts_kind(kind) and (not self.specialties or specialty in self.specialties)
                and (sas or not self.sas_only) and (extra or not self.extra_only))


@dataclass(frozen=True)
class RankedSlot:
    """A free slot in the answer; ``effecteur`` indexes :attr:`SearchAnswer.effecteurs`."""

    slot_id: int
    start: datetime
    end: datetime
    mode: str
    slot_type: str
    source: str
    fetched_at: datetime | None
    stale: bool
    distance_km: float
    group: int
    effecteur: str
    site: str


@dataclass(frozen=True)
class CallCandidate:
    """An effecteur with no matching slot who can be phoned (accepts patients en sus), at its nearest site."""

    effecteur: str
    distance_km: float
    group: int
    site: str


@dataclass
class SearchAnswer:
    """Ranked slots, effecteurs to call, and why nothing was found."""

    slots: list[RankedSlot]
    calls: list[CallCandidate]
    total: int
    effecteurs_in_radius: int
    #: Effecteur details by id: id, kind, name, rpps_id, specialty_code, phone,
    #: sas_participant, accepts_extra.
    effecteurs: dict[str, dict] = field(default_factory=dict)
    #: Site details by id: id, lat, lon, address, city_name.
    sites: dict[str, dict] = field(default_factory=dict)

    @property
    def empty_reason(self) -> str | None:
        """``None`` when slots were found; else ``no_effecteur`` or ``no_free_slot``."""
        if self.slots:
            return None
        return "no_effecteur" if self.effecteurs_in_radius == 0 else "no_free_slot"

    def keys(self) -> tuple[list[int], list[str]]:
        """Slot ids and phone-row effecteur ids in order: what the equality tests compare."""
        return [s.slot_id for s in self.slots], [c.effecteur for c in self.calls]


@dataclass(frozen=True)
class SearchFilters:
    """The filters a desk chooses in its filter bar (all empty: everything)."""

    windows: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    sas_only: bool = False
    extra_only: bool = False

    def query_params(self, practitioner_rpps: str | None = None) -> dict[str, object]:
        """Extra query parameters of ``GET /api/v1/slots/search`` (besides point, radius, window, kind)."""
        params: dict[str, object] = {}
        for name, values in (("window", self.windows), ("mode", self.modes), ("structure", self.structures)):
            if values:
                params[name] = list(values)
        if self.sas_only:
            params["sas_only"] = "true"
        if self.extra_only:
            params["en_sus"] = "true"
        if practitioner_rpps:
            params["practitioner"] = practitioner_rpps
        return params


# --- calls to effecteurs "en sus" (surnuméraire, domain.md A.2 step 6) -------------------------

ACCEPTED, REFUSED, NO_ANSWER = "accepte", "refuse", "sans_reponse"
#: Outcome key → French label, in the order of the dialog's keys 1, 2, 3.
OUTCOMES = {ACCEPTED: "accepté", REFUSED: "refusé", NO_ANSWER: "pas de réponse"}


def note_text(effecteur_name: str, outcome: str) -> str:
    """« Appel à Dr X (en sus) : accepté »; raises ValueError for an unknown outcome."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome: unknown call outcome {outcome!r} (expected one of {', '.join(OUTCOMES)})")
    return f"Appel à {effecteur_name} (en sus) : {OUTCOMES[outcome]}"
