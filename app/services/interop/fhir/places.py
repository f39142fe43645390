"""Coordinates for an editor's Location: its own ``position``, else its commune's centroid.

The guide requires line, city and postal code on a Location but not coordinates; the
commune is found by postal code (and name, when a postal code covers several communes),
then by name alone.  No street-level geocoding here: a site placed by its commune says so
(``precision="commune"``).
"""

from __future__ import annotations

from app.services.reference.communes import CommuneIndex, default_index, normalize
from app.services.search.geo import is_valid_coordinate


def _commune(index: CommuneIndex, city: str, postal_code: str | None):
    wanted = normalize(city) if city else ""
    if postal_code:
        found = [c for c in index.search(postal_code.strip(), limit=20)
                 if postal_code.strip() in c.postal_codes and c.has_coordinates]
        named = [c for c in found if normalize(c.name) == wanted]
        if named or found:
            return (named or found)[0]
    if wanted:
        for c in index.search(city, limit=5):
            if normalize(c.name) == wanted and c.has_coordinates:
                return c
    return None


def locate(city: str, postal_code: str | None, position: dict | None,
           index: CommuneIndex | None = None) -> tuple[str | None, float | None, float | None, str | None]:
    """(INSEE code, lat, lon, precision) of a place; coordinates None when nothing fits."""
    index = index or default_index()
    commune = _commune(index, city, postal_code)
    insee = commune.insee if commune else None
    if isinstance(position, dict):
        lat, lon = position.get("latitude"), position.get("longitude")
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and is_valid_coordinate(lat, lon):
            return insee, float(lat), float(lon), "position"
    if commune is not None:
        return insee, commune.lat, commune.lon, "commune"
    return None, None, None, None
