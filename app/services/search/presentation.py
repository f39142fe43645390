"""Turning search results into what the map and the lists show (no Qt).

One place formats slot times in French and groups results per effecteur, so
the map markers and the slot table are built from the same list and agree.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from app.codes import room_time
from app.models import EFFECTEUR_KINDS, SLOT_MODES
from app.services.intake.form import format_phone

#: Kinds the models do not list yet (structures of the national search filters).
#: Ranking group of the API (``group``) → French label.
GROUP_LABELS = {"medecin_traitant": "Médecin traitant", "sas": "SAS", "autres": "Autres",
                "a_appeler": "À appeler"}
STALE_MARK = " ⚠ ancien"


def parse_time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def format_slot_time(value: str | datetime, zone: tzinfo | None = None) -> str:
    """``lun. 24/11 14:30`` in room time (the SAMU's zone, :mod:`app.codes.room_time`), whatever the computer's."""
    return room_time.slot_time(value, zone)


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


def effecteur_markers(results: list[dict], now: datetime | None = None, slots_shown: int = 3,
                      to_call: list[dict] = ()) -> list[dict]:
    """One map marker per effecteur, in the order of the result list (best first).

    Effecteurs of ``to_call`` (no matching slot, reached by phone) follow as
    grey markers, so the map shows exactly the rows of the slot table.  A slot
    whose data is stale is marked « ⚠ ancien » in the popup and sets ``stale``.
    """
    now = now or datetime.now(timezone.utc)
    markers: dict[str, dict] = {}
    starts: dict[str, list[tuple[datetime, bool]]] = {}
    for r in results:
        eff = r["effecteur"]
        starts.setdefault(eff["id"], []).append((parse_time(r["start"]), bool(r.get("stale"))))
        if eff["id"] not in markers:
            markers[eff["id"]] = _marker(eff, r.get("group"))
    for eff_id, marker in markers.items():
        times = sorted(starts[eff_id])
        marker["next_slots"] = [format_slot_time(t) + (STALE_MARK if stale else "") for t, stale in
                                times[:slots_shown]]
        marker["stale"] = any(stale for _, stale in times[:slots_shown])
        marker["freshness"] = freshness_class(times[0][0] if times else None, now)
    for call in to_call:
        eff = call["effecteur"]
        if eff["id"] not in markers:
            markers[eff["id"]] = {**_marker(eff, call.get("group")), "next_slots": [], "stale": False,
                                  "freshness": "none"}
    return list(markers.values())


def _marker(eff: dict, group: str | None) -> dict:
    return {
        "id": eff["id"], "lat": eff["lat"], "lon": eff["lon"], "name": eff["name"], "kind": eff["kind"],
        "kind_label": kind_label(eff["kind"]), "phone": format_phone(eff.get("phone")) or None,
        "group": group or "", "group_label": GROUP_LABELS.get(group or "", ""),
    }


def kind_label(kind: str) -> str:
    """« Médecin généraliste », « CPTS »… for an effecteur kind code."""
    return EFFECTEUR_KINDS.get(kind, kind)


def mode_label(mode: str) -> str:
    return SLOT_MODES.get(mode, mode)


def stale_tooltip(result: dict) -> str:
    """Why a slot is marked « ⚠ ancien »: its source and when it was fetched."""
    fetched = result.get("fetched_at")
    when = format_slot_time(fetched) if fetched else "jamais"
    return (f"Donnée ancienne (source {result.get('source') or '?'}, récupérée : {when}) : "
            "le créneau peut ne plus être libre, vérifiez avant de réserver.")


def table_rows(results: list[dict], to_call: list[dict] = ()) -> list[dict]:
    """Rows of the slot table: médecin traitant first (slots, then phone), other slots, then phone rows.

    Phone rows are the ``to_call`` dicts with ``slot_id`` None, so the table
    and the map (:func:`effecteur_markers`) list the same effecteurs.
    """
    calls = [{**c, "slot_id": None, "start": None, "mode": None} for c in to_call]
    first = [r for r in results if r.get("group") == "medecin_traitant"]
    first += [c for c in calls if c.get("group") == "medecin_traitant"]
    rest = [r for r in results if r.get("group") != "medecin_traitant"]
    return first + rest + [c for c in calls if c.get("group") != "medecin_traitant"]


def effecteur_groups(results: list[dict], to_call: list[dict] = ()) -> list[dict]:
    """The slot list's top level: one entry per effecteur, in the order of :func:`table_rows`.

    Each entry is ``{"effecteur", "group", "distance_km", "slots"}`` where
    ``slots`` are that effecteur's result dicts, soonest first (empty for an
    effecteur to phone, whose entry then carries its ``to_call`` row as ``call``).
    """
    groups: dict[str, dict] = {}
    for row in table_rows(list(results), list(to_call)):
        eff = row.get("effecteur") or {}
        key = str(eff.get("id"))
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = {"effecteur": eff, "group": row.get("group"),
                                   "distance_km": row.get("distance_km"), "slots": [], "call": None}
        if row.get("slot_id") is None:
            entry["call"] = entry["call"] or row
        else:
            entry["slots"].append(row)
    for entry in groups.values():
        entry["slots"].sort(key=lambda r: parse_time(r["start"]))
    return list(groups.values())


def slot_summary(starts: list[str | datetime], shown: int = 3) -> str:
    """``lun. 24/11 14:30, 15:00, mar. 25/11 09:00 +4``: the first slots of an effecteur, then how many more.

    A slot on the same day as the one before it shows its time only.  Built on
    :func:`format_slot_time`, so it follows its time zone.
    """
    parts: list[str] = []
    previous_day = None
    for value in starts[:shown]:
        text = format_slot_time(value)
        day, _, clock = text.rpartition(" ")
        parts.append(clock if day == previous_day else text)
        previous_day = day
    more = len(starts) - shown
    return ", ".join(parts) + (f" +{more}" if more > 0 else "")
