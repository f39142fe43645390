"""The case's clocks come from the phone: a linked call gives its case ``reception`` and ``answered_at``.

When an incoming call is linked to a case (:func:`app.services.calls.events.link_case`, or a
call event carrying ``case_id``), the call's presentation and answer times become the case's
``reception`` and ``answered_at`` — the clocks QS60 and the time to a doctor are measured
from — and ``cases.clock_source`` says ``phone``.  A case that already has phone clocks from
another call keeps them (a second call attached to a case is not its first).  Later changes
of the giving call (its answer arriving after the link) move the case's clocks with it.

A call may be linked before its case reaches the server (the console's outbox sends the case
later): :func:`on_case_opened` gives the clocks when the case arrives.  Cases never linked keep
the times typed at the desk: ``clock_source`` NULL, which every reader shows as typed by hand.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Call, Case
from app.services.calls import views
from app.services.records import journal
from app.services.regulation import storage
from app.services.regulation.actor import Actor

PHONE = "phone"
TYPED = "typed"


def source(case_clock_source: str | None) -> str:
    """``phone`` or ``typed`` (NULL, from before telephony or without a call, is typed)."""
    return PHONE if case_clock_source == PHONE else TYPED


def give(call: Call, case: Case) -> dict | None:
    """Set ``case``'s clocks from ``call`` when it may give them; the clocks given, or None."""
    if call.direction != "in" or call.typed or call.presented_at is None:
        return None
    if case.clock_source == PHONE and not call.gave_clocks:
        return None
    before = (case.reception, case.answered_at, case.clock_source)
    case.reception = call.presented_at
    if call.answered_at is not None:
        case.answered_at = call.answered_at
    case.clock_source = PHONE
    call.gave_clocks = True
    if before == (case.reception, case.answered_at, case.clock_source):
        return None
    return {"reception": views._iso(case.reception), "answered_at": views._iso(case.answered_at),
            "clock_source": PHONE}


def refresh(session: Session, call: Call) -> dict | None:
    """Give (or move) the clocks of the case ``call`` is linked to; the clocks given, or None."""
    if call.case_uuid is None:
        return None
    case = session.get(Case, call.case_uuid)
    if case is None:
        return None
    if call.gave_clocks is False and case.clock_source == PHONE:
        return None
    return give(call, case)


def case_clock_source(session: Session, case_uuid: str) -> str:
    """``phone`` or ``typed`` for the case ``case_uuid`` of any database of the schema (server or cache)."""
    return source(session.scalar(select(Case.clock_source).where(Case.uuid == case_uuid)))


def on_case_opened(session: Session, actor: Actor, case_uuid: str) -> None:
    """A case has just been opened: the call linked to it beforehand gives it its clocks (journalled)."""
    calls = session.scalars(select(Call).where(Call.case_uuid == case_uuid, Call.direction == "in")
                            .order_by(Call.presented_at)).all()
    for call in calls:
        clocks = refresh(session, call)
        if clocks:
            session.flush()
            storage.append(session, actor, uuid=call.uuid, kind=journal.KIND_CALL,
                           payload=views.journal_payload(call, event="linked", by=actor.author, case_clocks=clocks))
            return
