"""Default search radius and enlargement step per département (resources/search).

The national SAS platform gives every département a default radius (5 km in
Paris and its inner ring, up to 50 km in Lozère) and a step by which one key
widens it (domain.md B.9).  Our table, with its provenance in its header, is
``resources/search/radius_by_departement.csv``; this module reads it once and
answers by département code or INSEE commune code.
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from functools import cache

from app import paths
from app.codes import places

TABLE_FILE = ("search", "radius_by_departement.csv")
#: Used for a place whose département is unknown (or outside the table).
FALLBACK_RADIUS_KM = 15.0
FALLBACK_STEP_KM = 5.0
#: The widest radius the server accepts (``radius_km`` query parameter).
MAX_RADIUS_KM = 200.0

_lock = threading.Lock()


@dataclass(frozen=True)
class RadiusRule:
    """The département's default radius and enlargement step, in kilometres."""

    departement: str
    radius_km: float
    step_km: float

    def widened(self, radius_km: float, steps: int = 1) -> float:
        """``radius_km`` widened by ``steps`` enlargement steps, capped at :data:`MAX_RADIUS_KM`."""
        return min(MAX_RADIUS_KM, radius_km + steps * self.step_km)


@cache
def _table() -> dict[str, RadiusRule]:
    path = paths.resource(*TABLE_FILE)
    with _lock, path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["departement"]: RadiusRule(row["departement"], float(row["rayon_km"]),
                                           float(row["pas_elargissement_km"]))
            for row in rows
        }


def rule_for(departement: str | None = None, *, insee: str | None = None) -> RadiusRule:
    """The rule of a département (``"75"``, ``"2A"``, ``"974"``) or of the commune ``insee``.

    An unknown or missing place gives the fallback rule (15 km, step 5 km).
    """
    code = places.normalize_departement(departement) or places.departement_of_insee(insee) or ""
    return _table().get(code) or RadiusRule(code or "?", FALLBACK_RADIUS_KM, FALLBACK_STEP_KM)


def all_rules() -> list[RadiusRule]:
    """Every rule of the table, by département code."""
    return [rule for _, rule in sorted(_table().items())]
