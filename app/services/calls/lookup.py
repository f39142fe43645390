"""What the room knows of a number before a word is typed, and the calls the desks see.

:func:`lookup` — for the number of a ringing call: the cases still open and the cases of the
last :data:`RECENT` with that number (caller or callback), and the duplicate warning the intake
gives today (:func:`app.services.intake.duplicates.find`).  It reads patient data: reserved to
the case readers, audited (one row per case shown, never the number).

:func:`list_calls` — the room's calls by state: ``waiting`` (presented, nobody answered, not
ended), ``active`` (answered, not ended), ``recent`` (presented in the last hour); audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.codes import case_codes, room_time
from app.models import Call, Case
from app.services.calls import views
from app.services.intake import duplicates, phones
from app.services.records.documents import case_to_doc
from app.services.regulation import queue
from app.services.regulation.actor import Actor
from app.services.regulation.change import CASE_READERS
from app.services.regulation.errors import forbidden, invalid
from app.services.security import audit, permissions

#: How far back a closed case of the same number is still worth showing.
RECENT = timedelta(days=30)
#: Most cases of each list.
LIMIT = 20
#: What ``recent`` lists.
RECENT_CALLS = timedelta(hours=1)
LIST_LIMIT = 200


def case_summary(case: Case) -> dict:
    """One case as the ringing call shows it (number, date, motive, place, state)."""
    doc = case_to_doc(case)
    short = case_codes.short_number(case.case_id)
    motive = case.health_motive_label or "motif non précisé"
    return {
        "uuid": case.uuid, "case_id": case.case_id, "short_number": short,
        "created_at": case.creation.isoformat(), "priority": case.priority, "status": case.status,
        "open": queue.is_open(doc), "motive": motive, "city": case.city_name,
        "caller_name": case.caller_name,
        "summary": f"{short} du {room_time.day_clock(case.creation)} — {motive}"
                   + (f" ({case.city_name})" if case.city_name else ""),
    }


def duplicate_warning(cases: list[Case], number: str, now: datetime) -> str | None:
    """The intake's « Doublon possible » text for the first open or recent (24 h) case of ``number``."""
    found = duplicates.find([case_to_doc(c) for c in cases], phones=[number], address=None, insee=None, now=now)
    if not found:
        return None
    first = found[0].case
    return (f"Doublon possible : dossier {case_codes.short_number(first.case_id)} "
            f"({first.health_motive_label or 'motif non précisé'}, {first.city_name or 'commune non précisée'}) : "
            f"{', '.join(found[0].reasons)}")


def lookup(session: Session, actor: Actor, number: str, now: datetime) -> dict:
    """``{number, open_cases, recent_cases, duplicate_warning}`` for ``number`` (see the module docstring)."""
    if actor.role not in CASE_READERS:
        raise forbidden()
    try:
        e164 = phones.normalize_phone(number)
    except ValueError:
        raise invalid("number", phones.PHONE_INVALID) from None
    rows = session.scalars(select(Case).where(or_(Case.caller_phone == e164, Case.callback_phone == e164))
                           .order_by(Case.creation.desc())).all()
    open_cases = [c for c in rows if queue.is_open(case_to_doc(c))][:LIMIT]
    recent = [c for c in rows if c not in open_cases and now - c.creation <= RECENT][:LIMIT]
    shown = open_cases + recent
    for case in shown:
        audit.record(session, actor.author, actor.role, permissions.CALLS_LOOKUP, case.uuid, "read")
    if not shown:
        audit.record(session, actor.author, actor.role, permissions.CALLS_LOOKUP, "-", "no case")
    return {"number": e164, "open_cases": [case_summary(c) for c in open_cases],
            "recent_cases": [case_summary(c) for c in recent],
            "duplicate_warning": duplicate_warning(shown, e164, now)}


def list_calls(session: Session, actor: Actor, state: str, now: datetime) -> list[dict]:
    """The calls in ``state`` (waiting, active, recent), newest first; the read is audited."""
    if actor.role not in CASE_READERS:
        raise forbidden()
    stmt = select(Call)
    if state == "waiting":
        stmt = stmt.where(Call.direction == "in", Call.answered_at.is_(None), Call.ended_at.is_(None),
                          Call.presented_at.is_not(None))
    elif state == "active":
        stmt = stmt.where(Call.answered_at.is_not(None), Call.ended_at.is_(None))
    else:
        stmt = stmt.where(Call.presented_at >= now - RECENT_CALLS)
    calls = session.scalars(stmt.order_by(Call.presented_at.desc()).limit(LIST_LIMIT)).all()
    audit.record(session, actor.author, actor.role, permissions.CALLS_LIST, state, f"{len(calls)} call(s)")
    return [views.call_dict(c, now) for c in calls]
