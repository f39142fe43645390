"""Small geographic helpers: great-circle distance, search boxes, offsets.

Everything works on WGS84 latitude/longitude in decimal degrees and distances
in kilometres, on a spherical Earth (mean radius), which is far more precise
than the slot search needs (well under 0.5 % error).  No Qt, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088
#: Kilometres per degree of latitude on that sphere.
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0
#: Margin added around a bounding box so float rounding never drops a point on the circle.
_BOX_EPSILON_DEG = 1e-7


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    """A latitude/longitude rectangle (degrees); ``min_lon > max_lon`` never happens.

    When the circle crosses the antimeridian or reaches a pole, the box spans
    every longitude (-180..180): conservative, and simple to express in SQL.
    """

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest lat/lon box holding every point within ``radius_km`` of (lat, lon).

    Uses the exact longitude half-width ``asin(sin(r) / cos(lat))`` (J. P. Matuschek,
    "Finding points within a distance of a latitude/longitude"), so the box is tight
    yet never misses a point that :func:`haversine_km` puts inside the circle.
    """
    if radius_km < 0 or not math.isfinite(radius_km):
        raise ValueError(f"radius_km must be a finite positive number, got {radius_km!r}")
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular) + _BOX_EPSILON_DEG
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0 or angular >= math.pi / 2:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(math.asin(ratio)) + _BOX_EPSILON_DEG
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def offset_km(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    """The point ``north_km`` north and ``east_km`` east of (lat, lon).

    A local flat approximation, fine for the few kilometres it is used for
    (jittering demo sites around a commune centre).
    """
    new_lat = lat + north_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    new_lon = lon + east_km / (KM_PER_DEGREE * cos_lat)
    new_lon = (new_lon + 180.0) % 360.0 - 180.0
    return max(-90.0, min(90.0, new_lat)), new_lon


def is_valid_coordinate(lat: float | None, lon: float | None) -> bool:
    """True for a finite WGS84 point (and not None)."""
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


def format_distance_fr(km: float) -> str:
    """A distance as a French user reads it: ``"850 m"``, ``"3,2 km"``, ``"27 km"``."""
    if km < 1.0:
        metres = int(round(km * 1000.0 / 10.0) * 10)
        return f"{metres} m" if metres < 1000 else "1 km"
    if km < 10.0:
        return f"{km:.1f} km".replace(".", ",")
    return f"{round(km)} km"
