"""Free slots around a point: the search behind ``GET /api/v1/slots/search``.

Three steps, each cheap on SQLite and PostgreSQL alike:

1. the consultation sites inside the radius's bounding box (an indexed lat/lon
   range), then the exact haversine distance of each, in Python;
2. the (id, site) of the free slots of those sites in the time window, ordered
   by start then id: their number is ``total``, and a stable sort on the site
   distance gives the final order (nearest first, then soonest, then slot id);
3. the details (slot, effecteur, site) of the first ``limit`` slots only.

The ranking of the national platform (médecin traitant, SAS participants first)
is the caller's business: this module returns distance order.
"""

from __future__ import annotations

from collections.abc import Sequence

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import Session

from app.models import ConsultationSite, Effecteur, Slot, utcnow
from app.services.geo import bounding_box, haversine_km

#: Default search window, as on the national platform (today, tomorrow, the day after).
DEFAULT_WINDOW = timedelta(hours=72)
#: Above this many sites in the circle, filter slots by a join on the box instead of an id list.
_MAX_IN_LIST = 2000


@dataclass(frozen=True)
class EffecteurInfo:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    phone: str | None
    address: str
    city_name: str
    sas_participant: bool
    accepts_extra: bool


@dataclass(frozen=True)
class SlotHit:
    slot_id: int
    start: datetime
    end: datetime
    mode: str
    slot_type: str
    source: str
    fetched_at: datetime | None
    distance_km: float
    effecteur: EffecteurInfo


@dataclass(frozen=True)
class SearchResult:
    hits: list[SlotHit]
    #: Number of matching free slots before the limit.
    total: int


def search_slots(
    session: Session,
    *,
    lat: float,
    lon: float,
    radius_km: float,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 50,
    now: datetime | None = None,
    kinds: Sequence[str] | None = None,
) -> SearchResult:
    """Free slots starting in [start, end] at sites within ``radius_km`` of (lat, lon).

    ``start`` defaults to ``now`` (itself defaulting to the current time) and
    ``end`` to ``start`` + 72 h.  Times must be timezone-aware.  Hits come nearest
    first, then soonest, then by slot id.  ``kinds`` keeps only effecteurs of
    those kinds (``MG``, ``SOS``...); ``None`` keeps all.

    Raises:
        ValueError: a coordinate, radius, limit or time is invalid (the message
            names the parameter).
    """
    _check_point(lat, lon)
    if not math.isfinite(radius_km) or radius_km <= 0:
        raise ValueError(f"radius_km: must be a positive number of kilometres, got {radius_km!r}")
    if limit < 0:
        raise ValueError(f"limit: must be zero or more, got {limit!r}")
    now = _aware("now", now) if now is not None else utcnow()
    start = _aware("start", start) if start is not None else now
    end = _aware("end", end) if end is not None else start + DEFAULT_WINDOW
    if end < start:
        return SearchResult(hits=[], total=0)

    if session.autoflush:  # as session.execute would: pending objects must be visible
        session.flush()
    conn = session.connection()  # Core execution: no ORM row overhead on thousands of rows
    box = bounding_box(lat, lon, radius_km)
    in_box = (
        ConsultationSite.lat.between(box.min_lat, box.max_lat),
        ConsultationSite.lon.between(box.min_lon, box.max_lon),
    )
    distances: dict[str, float] = {}
    sites = select(ConsultationSite.id, ConsultationSite.lat, ConsultationSite.lon).where(*in_box)
    if kinds is not None:
        sites = sites.join(Effecteur, Effecteur.id == ConsultationSite.effecteur_id).where(
            Effecteur.kind.in_(list(kinds)))
    for site_id, site_lat, site_lon in conn.execute(sites):
        d = haversine_km(lat, lon, site_lat, site_lon)
        if d <= radius_km:
            distances[site_id] = d
    if not distances:
        return SearchResult(hits=[], total=0)
    query = select(Slot.id, Slot.site_id).where(Slot.status == "free", Slot.start >= start, Slot.start <= end)
    if len(distances) <= _MAX_IN_LIST:
        query = query.where(Slot.site_id.in_(list(distances)))
    else:  # a very dense area: join on the box rather than bind thousands of ids
        query = query.join(ConsultationSite, ConsultationSite.id == Slot.site_id).where(*in_box)
    rows = conn.execute(query.order_by(Slot.start, Slot.id)).all()
    matching = [(slot_id, site_id) for slot_id, site_id in rows if site_id in distances]
    matching.sort(key=lambda r: distances[r[1]])  # stable: keeps (start, id) order at equal distance
    return SearchResult(hits=_load_hits(conn, matching[:limit], distances), total=len(matching))


_DETAILS = (
    select(
        Slot.id, Slot.start, Slot.end, Slot.mode, Slot.slot_type, Slot.source, Slot.fetched_at,
        Effecteur.id, Effecteur.name, Effecteur.kind, Effecteur.phone,
        Effecteur.sas_participant, Effecteur.accepts_extra,
        ConsultationSite.lat, ConsultationSite.lon, ConsultationSite.address, ConsultationSite.city_name,
    )
    .join(Effecteur, Effecteur.id == Slot.effecteur_id)
    .join(ConsultationSite, ConsultationSite.id == Slot.site_id)
)


def _load_hits(conn: Connection, top: list[tuple[int, str]], distances: dict[str, float]) -> list[SlotHit]:
    """Full hits for the given (slot id, site id) pairs, in the same order."""
    by_id: dict[int, Row] = {}
    for i in range(0, len(top), _MAX_IN_LIST):
        by_id.update((row[0], row) for row in conn.execute(_DETAILS.where(
            Slot.id.in_([slot_id for slot_id, _ in top[i : i + _MAX_IN_LIST]])
        )))
    hits: list[SlotHit] = []
    for slot_id, site_id in top:
        (_, s_start, s_end, mode, slot_type, source, fetched_at, eff_id, name, kind, phone,
         participant, extra, site_lat, site_lon, address, city) = by_id[slot_id]
        info = EffecteurInfo(
            id=eff_id, name=name, kind=kind, lat=site_lat, lon=site_lon, phone=phone,
            address=address, city_name=city, sas_participant=bool(participant), accepts_extra=bool(extra),
        )
        hits.append(SlotHit(
            slot_id=slot_id, start=s_start, end=s_end, mode=mode, slot_type=slot_type, source=source,
            fetched_at=fetched_at, distance_km=distances[site_id], effecteur=info,
        ))
    return hits


def _check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"lat: must be a latitude between -90 and 90, got {lat!r}")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"lon: must be a longitude between -180 and 180, got {lon!r}")


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name}: a timezone-aware datetime is required, got {value.isoformat()}")
    return value
