"""Turning search results into what the map and the lists show (no Qt).

One place formats slot times in French and groups results per effecteur, so
the map markers and the slot table are built from the same list and agree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from app.models import EFFECTEUR_KINDS, SLOT_MODES
from app.services.intake import format_phone

PARIS = ZoneInfo("Europe/Paris")
_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def parse_time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def format_slot_time(value: str | datetime) -> str:
    """``lun. 24/11 14:30`` in the room's local time (Europe/Paris)."""
    t = parse_time(value).astimezone(PARIS)
    return f"{_DAYS[t.weekday()]} {t:%d/%m %H:%M}"


def freshness_class(soonest: datetime | None, now: datetime) -> str:
    """Colour class of an effecteur by its soonest free slot: <4 h, <24 h, <72 h, none."""
    if soonest is None:
        return "none"
    hours = (soonest - now).total_seconds() / 3600
    if hours < 4:
        return "lt4h"
    if hours < 24:
        return "lt24h"
    if hours < 72:
        return "lt72h"
    return "none"


def effecteur_markers(results: list[dict], now: datetime | None = None, slots_shown: int = 3) -> list[dict]:
    """One map marker per effecteur, in the order of the result list (best first)."""
    now = now or datetime.now(timezone.utc)
    markers: dict[str, dict] = {}
    starts: dict[str, list[datetime]] = {}
    for r in results:
        eff = r["effecteur"]
        start = parse_time(r["start"])
        starts.setdefault(eff["id"], []).append(start)
        if eff["id"] in markers:
            continue
        markers[eff["id"]] = {
            "id": eff["id"],
            "lat": eff["lat"],
            "lon": eff["lon"],
            "name": eff["name"],
            "kind": eff["kind"],
            "kind_label": EFFECTEUR_KINDS.get(eff["kind"], eff["kind"]),
            "phone": format_phone(eff.get("phone")) or None,
        }
    for eff_id, marker in markers.items():
        times = sorted(starts[eff_id])
        marker["next_slots"] = [format_slot_time(t) for t in times[:slots_shown]]
        marker["freshness"] = freshness_class(times[0] if times else None, now)
    return list(markers.values())


def mode_label(mode: str) -> str:
    return SLOT_MODES.get(mode, mode)
