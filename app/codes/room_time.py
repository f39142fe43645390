"""Room time: every time a user reads is in the SAMU's time zone, taken from its département.

A regulation room reads its clocks in its own time zone, whatever the
computer's clock (``TZ``) says: a desk of SAMU 974 reads La Réunion time
(``Indian/Reunion``, UTC+4) even on a server or laptop set to UTC or Paris.
The zone of a département is :func:`app.codes.places.time_zone_of` (Paris for
metropolitan France and Corsica, the overseas zones for 971–976); this module
turns it into zone objects and formats times in it.

Rules kept everywhere:

* times are stored and computed as aware UTC datetimes; a naive datetime read
  from storage is UTC (:func:`aware`);
* only what a person reads is converted, at the last moment, with the helpers
  below (``clock`` 14:30, ``day_clock`` 24/11 14:30, ``slot_time``
  lun. 24/11 14:30, ``stamp`` for files: ISO 8601 with the room's offset);
* day and shift boundaries are the room's midnights and hours
  (:func:`day_bounds`, :func:`at_room_time`), converted back to UTC before any
  arithmetic, so a day across a DST change lasts 23 or 25 hours.

The room is the process's: the console calls :func:`set_room` with its
settings' département when it starts, the server with its ``--departement``
(:mod:`app.server.run`).  Functions take an optional ``zone`` for callers and
tests that name another room.  Plain Python: no dependency on the rest of the
application.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.codes import places

#: Standard offset (hours) of each room zone, used only when the tz database is missing on the machine.
_FALLBACK_HOURS = {"Europe/Paris": 1, "America/Guadeloupe": -4, "America/Martinique": -4, "America/Cayenne": -3,
                   "Indian/Reunion": 4, "America/Miquelon": -3, "Indian/Mayotte": 3}
#: French abbreviated week days, Monday first (``datetime.weekday()`` order).
DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DEFAULT_DEPARTEMENT = "67"

_room = DEFAULT_DEPARTEMENT


@lru_cache(maxsize=32)
def zone_named(name: str) -> tzinfo:
    """The IANA zone ``name``; its standard offset when the tz database is missing."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=_FALLBACK_HOURS.get(name, 1)), name)


def zone_of(departement: str | None) -> tzinfo:
    """The time zone of the room serving ``departement`` (``"974"`` → Indian/Reunion, ``"2A"`` → Europe/Paris)."""
    return zone_named(places.time_zone_of(departement))


def set_room(departement: str) -> str:
    """Make ``departement`` this process's room; returns the previous one.  Raises ValueError if it is none."""
    global _room
    code = places.normalize_departement(departement)
    if code is None:
        raise ValueError(f"département inconnu : {departement!r}")
    previous, _room = _room, code
    return previous


def departement_of_owner(owner: str | None) -> str | None:
    """``fr.health.samu670`` → ``67``, ``fr.health.samu974`` → ``974``, ``fr.health.samu2A0`` → ``2A``, else None.

    A SAMU's Hub Santé id is its département followed by ``0`` (metropolitan, Corsica) or its
    three-digit overseas département.
    """
    code = (owner or "").rsplit(".", 1)[-1]
    code = code[4:] if code.lower().startswith("samu") else ""
    if len(code) == 3 and code[:2] in ("97", "98"):
        return places.normalize_departement(code)
    return places.normalize_departement(code[:2]) if len(code) == 3 and code.endswith("0") else None


def room_departement() -> str:
    return _room


def room_zone() -> tzinfo:
    """The zone of this process's room (Europe/Paris until :func:`set_room` says otherwise)."""
    return zone_of(_room)


def zone_name(zone: tzinfo | None = None) -> str:
    """``Europe/Paris``: the IANA name of ``zone`` (the room's by default)."""
    zone = zone or room_zone()
    return getattr(zone, "key", None) or zone.tzname(None) or "UTC"


# --- conversions ---------------------------------------------------------------------------------
def aware(value: datetime | str) -> datetime:
    """``value`` (a datetime or ISO 8601 text) as an aware datetime; naive means UTC (how times are stored)."""
    t = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return t if t.tzinfo is not None and t.utcoffset() is not None else t.replace(tzinfo=timezone.utc)


def to_room(value: datetime | str, zone: tzinfo | None = None) -> datetime:
    """``value`` on the room's clock (aware, in ``zone`` or the room's zone)."""
    return aware(value).astimezone(zone or room_zone())


def wall_clock(value: datetime | str, zone: tzinfo | None = None) -> datetime:
    """The room's wall-clock reading of ``value``, naive (for date pickers that know no zone)."""
    return to_room(value, zone).replace(tzinfo=None)


def at_room_time(local: datetime, zone: tzinfo | None = None) -> datetime:
    """The UTC instant of the room's wall-clock time ``local`` (naive, or aware: its zone is replaced).

    An hour that does not exist (spring forward) is read with the offset before the change, so
    02:30 becomes 03:30 summer time; an hour that happens twice (fall back) is its first occurrence.
    """
    return local.replace(tzinfo=zone or room_zone(), fold=0).astimezone(timezone.utc)


def day_bounds(day: date, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The room's day ``day`` as ``[midnight, next midnight)`` in UTC (23 or 25 hours on DST days)."""
    start = at_room_time(datetime.combine(day, time()), zone)
    return start, at_room_time(datetime.combine(day + timedelta(days=1), time()), zone)


def room_today(now: datetime | None = None, zone: tzinfo | None = None) -> date:
    """The room's date at ``now`` (the present by default)."""
    return to_room(now or datetime.now(timezone.utc), zone).date()


def hour_floor(value: datetime, zone: tzinfo | None = None) -> datetime:
    """The start of the room's hour holding ``value``, in UTC (a half-hour zone floors on its own hours)."""
    local = to_room(value, zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(timezone.utc)


# --- what people read ----------------------------------------------------------------------------
def clock(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``14:30``."""
    return f"{to_room(value, zone):%H:%M}"


def clock_seconds(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``14:30:05``."""
    return f"{to_room(value, zone):%H:%M:%S}"


def day_clock(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``24/11 14:30``."""
    return f"{to_room(value, zone):%d/%m %H:%M}"


def day_clock_seconds(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``24/11 14:30:05``."""
    return f"{to_room(value, zone):%d/%m %H:%M:%S}"


def date_clock(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``24/11/2025 14:30``."""
    return f"{to_room(value, zone):%d/%m/%Y %H:%M}"


def full(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``24/11/2025 14:30:05``."""
    return f"{to_room(value, zone):%d/%m/%Y %H:%M:%S}"


def slot_time(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``lun. 24/11 14:30``: a slot or an appointment, with its French week day."""
    t = to_room(value, zone)
    return f"{DAYS[t.weekday()]} {t:%d/%m %H:%M}"


def hour_label(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``14h``: an hour of a chart."""
    return f"{to_room(value, zone):%H}h"


def stamp(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``2025-11-24T14:30:05+01:00``: ISO 8601 to the second with the room's offset (files, messages)."""
    return to_room(value, zone).isoformat(timespec="seconds")


def file_stamp(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``20251124-1430``: a room time for a file name."""
    return f"{to_room(value, zone):%Y%m%d-%H%M}"


def offset_text(value: datetime | str, zone: tzinfo | None = None) -> str:
    """``UTC+01:00``: the room's offset at ``value``."""
    offset = to_room(value, zone).utcoffset() or timedelta(0)
    sign, minutes = ("+" if offset >= timedelta(0) else "-"), abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
