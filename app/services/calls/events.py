"""The call commands: record a desk's report about a call, link a call to a case.

:func:`record_event` is the only way a call changes (``POST /api/v1/calls/events``, the
console's outbox, the CLI): it checks the role (:mod:`.rules`), recognises a replay (the same
report from the same desk: 200, nothing written), applies the report, links the call to the
case the report names, gives the case its clocks (:mod:`.clocks`), journals the whole call
(kind ``call``) and logs the act to the audit trail (never the number).  :func:`link_case`
does the same for ``POST /api/v1/calls/{call_id}/case``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Call, CallReport, new_uuid
from app.services.calls import clocks, rules, views
from app.services.calls.documents import CallEventDoc
from app.services.records import journal
from app.services.records.clock import utcnow
from app.services.regulation import storage
from app.services.regulation.actor import Actor
from app.services.regulation.errors import forbidden, not_found
from app.services.security import audit, permissions


@dataclass(frozen=True)
class CallChange:
    """What a call command did: ``status`` 201 (a new report) or 200 (a replay, a link), the call as answered."""

    status: int
    call: dict
    case_uuid: str | None = None


def _find(session: Session, call_id: str) -> Call | None:
    return session.scalar(select(Call).where(Call.call_id == call_id))


def record_event(session: Session, actor: Actor, doc: CallEventDoc) -> CallChange:
    """Record one desk's report about a call (see the module docstring and :mod:`.rules`)."""
    reason = rules.event_refusal(actor, doc.event)
    if reason is None and doc.case_id and actor.role not in rules.LINK_ROLES:
        reason = rules.LINK_REFUSED
    if reason is not None:
        audit.log(actor.author, actor.role, permissions.CALLS_EVENTS_POST, "-", "forbidden")
        raise forbidden(reason)
    call = _find(session, doc.call_id)
    if call is None:
        call = Call(uuid=new_uuid(), call_id=doc.call_id, direction="in", number=doc.number,
                    hidden=doc.hidden or (doc.number is None and doc.event != "dialled"), typed=doc.typed,
                    transfers=[])
        session.add(call)
        session.flush()
    key = rules.report_key(doc.event, actor.author, doc.at)
    if session.scalar(select(CallReport.id).where(CallReport.call_uuid == call.uuid, CallReport.key == key)):
        audit.log(actor.author, actor.role, permissions.CALLS_EVENTS_POST, call.uuid, f"{doc.event} replay")
        return CallChange(200, views.call_dict(call, utcnow()), call.case_uuid)
    rules.apply(call, doc.event, doc.at, actor.author, doc.target)
    if doc.number and not call.number:
        call.number, call.hidden = doc.number, False
    if doc.typed:
        call.typed = True
    if doc.case_id and doc.case_id != call.case_uuid:
        call.case_uuid, call.gave_clocks = doc.case_id, False
    session.add(CallReport(call_uuid=call.uuid, event=doc.event, key=key[:160], at=doc.at,
                           author=actor.author[:64], author_role=actor.role[:16], target=doc.target,
                           typed=doc.typed))
    session.flush()
    case_clocks = clocks.refresh(session, call)
    session.flush()
    storage.append(session, actor, uuid=call.uuid, kind=journal.KIND_CALL,
                   payload=views.journal_payload(call, event=doc.event, by=actor.author, case_clocks=case_clocks))
    audit.log(actor.author, actor.role, permissions.CALLS_EVENTS_POST, call.uuid, doc.event)
    return CallChange(201, views.call_dict(call, utcnow()), call.case_uuid)


def link_case(session: Session, actor: Actor, call_id: str, case_uuid: str) -> CallChange:
    """Link the call ``call_id`` to the case ``case_uuid`` (known now or arriving later); 404 for an unknown call."""
    if actor.role not in rules.LINK_ROLES:
        audit.log(actor.author, actor.role, permissions.CALLS_CASE_LINK, "-", "forbidden")
        raise forbidden(rules.LINK_REFUSED)
    call = _find(session, call_id)
    if call is None:
        audit.log(actor.author, actor.role, permissions.CALLS_CASE_LINK, "-", "not found")
        raise not_found("Appel inconnu de la salle")
    if call.case_uuid == case_uuid:
        case_clocks = clocks.refresh(session, call)  # the case may have arrived since the first link
        if case_clocks is None:
            audit.log(actor.author, actor.role, permissions.CALLS_CASE_LINK, call.uuid, "replay")
            return CallChange(200, views.call_dict(call, utcnow()), case_uuid)
    else:
        call.case_uuid, call.gave_clocks = case_uuid, False
        session.flush()
        case_clocks = clocks.refresh(session, call)
    session.flush()
    storage.append(session, actor, uuid=call.uuid, kind=journal.KIND_CALL,
                   payload=views.journal_payload(call, event="linked", by=actor.author, case_clocks=case_clocks))
    audit.record(session, actor.author, actor.role, permissions.CALLS_CASE_LINK, case_uuid, "linked")
    return CallChange(200, views.call_dict(call, utcnow()), case_uuid)
