"""The numeric pieces of the slot index (:class:`app.services.search.slot_index.SlotIndex`).

Exact microsecond times (:func:`to_us`, :func:`from_us`, :func:`times_us` for the database's
values), chords on the unit sphere (:func:`unit_vector`, :func:`chord2_limit`, :func:`chord2_to_km`:
only +, -, * on floats, so the index and the reference scan agree to the last bit), the
vectorised :func:`concat_ranges` and :func:`top_rows` (the best rows in (group, distance, start,
id) order), and the answer's view of an effecteur or a site row.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np

from app.services.search.geo import EARTH_RADIUS_KM

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
SHIFT = 1 << 40  # per-site span of the slot key, in milliseconds (about 34 years)
#: The int64 stored for a missing time (a slot never fetched).
NO_TIME = np.iinfo(np.int64).min


def to_us(value: datetime) -> int:
    """Exact microseconds since the epoch of an aware datetime."""
    return (value - EPOCH) // _US


def from_us(value: int) -> datetime:
    """The aware datetime of microseconds since the epoch."""
    return EPOCH + timedelta(microseconds=int(value))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point on the unit sphere (computed with :mod:`math`, as the reference does)."""
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def chord2_limit(radius_km: float) -> float:
    """Squared chord of the unit sphere for a great-circle distance of ``radius_km``."""
    angle = min(radius_km / EARTH_RADIUS_KM, math.pi)
    return (2.0 * math.sin(angle / 2.0)) ** 2


def chord2_to_km(chord2: float) -> float:
    """The great-circle distance of a squared chord of the unit sphere, in km."""
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(chord2) / 2.0))


def times_us(values: list) -> np.ndarray:
    """Microseconds of DB datetimes: SQLite strings (naive UTC) or aware datetimes."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    if isinstance(values[0], str):
        return np.array(values, dtype="datetime64[us]").astype(np.int64)
    return np.array([to_us(v if v.tzinfo else v.replace(tzinfo=timezone.utc)) for v in values], dtype=np.int64)


def effecteur_details(e: tuple) -> dict:
    """The answer's view of an effecteur row (id, kind, name, rpps, org, specialty, phone, sas, extra)."""
    return {"id": e[0], "kind": e[1], "name": e[2], "rpps_id": e[3], "specialty_code": e[5], "phone": e[6],
            "sas_participant": bool(e[7]), "accepts_extra": bool(e[8])}


def site_details(s: tuple) -> dict:
    """The answer's view of a site row (id, effecteur, lat, lon, address, city)."""
    return {"id": s[0], "lat": s[2], "lon": s[3], "address": s[4], "city_name": s[5]}


def concat_ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(lo[i], hi[i])`` without a Python loop."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    return starts + np.arange(total, dtype=np.int64)


def top_rows(limit: int, group: np.ndarray, chord2: np.ndarray, start: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of the ``limit`` best rows in (group, distance, start, id) order."""
    if len(group) == 0 or limit <= 0:
        return np.zeros(0, dtype=np.int64)
    cand = np.arange(len(group))
    if len(group) > limit:  # keep every row that can be in the top (ties included), then sort those
        coarse = group * 8.0 + chord2  # chord2 <= 4: monotone in (group, chord2)
        cand = np.flatnonzero(coarse <= np.partition(coarse, limit - 1)[limit - 1])
    order = np.lexsort((ids[cand], start[cand], chord2[cand], group[cand]))
    return cand[order][:limit]
