"""A console's cache copy of the room's calls, from their ``call`` journal entries.

Each ``call`` entry holds the whole call (:func:`app.services.calls.views.journal_payload`);
entries arrive in ``seq`` order, so the latest wins.  :func:`mirror_call` writes the cache's
:class:`~app.models.Call` row (the supervisor's wall and shift review read it there, as on the
server) and, when the entry says the call gave its case the clocks (``case_clocks``), moves the
cached case's ``reception``, ``answered_at`` and ``clock_source`` too: the console then shows
the phone's times, not the ones typed.  The server's per-desk reports are not mirrored.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Call, Case, JournalEntry

log = logging.getLogger(__name__)
_TIMES = ("presented_at", "answered_at", "ended_at")


def _time(value) -> datetime | None:
    if not value:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    if at.tzinfo is None:
        raise ValueError("naive time")
    return at


def mirror_call(session: Session, entry: JournalEntry) -> None:
    """Write the call of ``entry`` into the cache (see the module docstring); a payload not understood is skipped."""
    p = entry.payload or {}
    if not p.get("call_id"):
        return
    try:
        times = {name: _time(p.get(name)) for name in _TIMES}
        clocks = p.get("case_clocks") or {}
        reception, answered = _time(clocks.get("reception")), _time(clocks.get("answered_at"))
    except (TypeError, ValueError):
        log.warning("journal entry %s: call times not understood", entry.seq)
        return
    call = session.scalar(select(Call).where(Call.call_id == str(p["call_id"])[:255]))
    if call is None:
        call = Call(uuid=entry.uuid, call_id=str(p["call_id"])[:255])
        session.add(call)
    call.direction = "out" if p.get("direction") == "out" else "in"
    call.number = (str(p["number"])[:64] if p.get("number") else None)
    call.hidden, call.abandoned, call.typed = bool(p.get("hidden")), bool(p.get("abandoned")), bool(p.get("typed"))
    call.presented_at, call.answered_at, call.ended_at = times["presented_at"], times["answered_at"], times["ended_at"]
    call.answered_by, call.holder = p.get("answered_by"), p.get("holder")
    call.case_uuid = p.get("case_uuid") or p.get("case_id")
    call.target = p.get("target")
    call.transfers = [t for t in p.get("transfers") or [] if isinstance(t, dict)]
    if clocks and reception is not None and call.case_uuid:
        call.gave_clocks = True
        case = session.get(Case, call.case_uuid)
        if case is not None:
            case.reception = reception
            case.answered_at = answered or case.answered_at
            case.clock_source = "phone"
