"""A call as the API answers it and as its journal entry records it (plain dicts, JSON-ready).

``call_dict`` is the contract of TEL.md: ``{call_id, number, hidden, presented_at, answered_at,
answered_by, ended_at, abandoned, case_id, transfers, wait_s, typed}`` plus ``direction``,
``target`` and ``holder``.  ``wait_s`` is the time from presentation to the answer, or to the
end of an unanswered call, or to ``now`` while it still waits (None without a presentation).
"""

from __future__ import annotations

from datetime import datetime

from app.models import Call


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def wait_s(call: Call, now: datetime | None = None) -> float | None:
    """Seconds the caller waited (see the module docstring)."""
    if call.presented_at is None:
        return None
    until = call.answered_at or call.ended_at or now
    return None if until is None else max(0.0, (until - call.presented_at).total_seconds())


def state(call: Call) -> str:
    """``waiting`` (rings, nobody answered), ``active`` (answered, not ended) or ``ended``."""
    if call.ended_at is not None:
        return "ended"
    return "active" if call.answered_at is not None else "waiting"


def call_dict(call: Call, now: datetime | None = None) -> dict:
    """The call as the API answers it (times ISO 8601 in UTC)."""
    return {
        "call_id": call.call_id, "direction": call.direction, "number": call.number, "hidden": bool(call.hidden),
        "presented_at": _iso(call.presented_at), "answered_at": _iso(call.answered_at),
        "answered_by": call.answered_by, "holder": call.holder, "ended_at": _iso(call.ended_at),
        "abandoned": bool(call.abandoned), "case_id": call.case_uuid, "target": call.target,
        "transfers": list(call.transfers or []), "wait_s": wait_s(call, now), "typed": bool(call.typed),
        "state": state(call),
    }


def journal_payload(call: Call, *, event: str, by: str, case_clocks: dict | None = None) -> dict:
    """What the ``call`` journal entry holds: the whole call, what happened, the case it names."""
    payload = {**call_dict(call), "event": event, "by": by, "case_uuid": call.case_uuid}
    payload.pop("wait_s")
    payload["wait_s"] = wait_s(call)
    if case_clocks:
        payload["case_clocks"] = case_clocks
    return payload
