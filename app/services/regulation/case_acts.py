"""The acts of regulation on an open case: route, hand over, take in charge, note, priority, close, surge.

After its opening a case changes only through append-only case events
(:class:`~app.services.records.documents.CaseEventDoc`), idempotent by the event's
UUID: unknown → checked against the rules (:mod:`.rules`), applied to the case row
(:func:`app.services.regulation.case_events.apply`), kept and journalled (201);
the same event again → 200; other content under the same UUID → 409.  A field the
event's type needs but lacks → 422 naming it.  The author is the actor.

:func:`release_own_hold` is the release a command makes for its actor when the
actor's part of a case is done (a booking, :mod:`app.services.booking.slots`): the
same ``release`` event a desk sends, journalled, so every desk applies it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, SurgeSwitch, utcnow
from app.services.records import journal
from app.services.records.documents import HOLDER_NAME_LENGTH, CaseEventDoc, SurgeDoc
from app.services.regulation import case_events, rules, storage
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import forbidden, invalid
from app.services.security import audit, permissions

#: The change record kind of each event type (what the room sees happen).
EVENT_KINDS = {"status": "case.status", "attribution": "case.routed", "routing_override": "case.routed",
               "handover": "case.handed_over", "note": "case.note", "decision": "case.decided",
               "priority": "case.priority", "search": "case.searched", "take_charge": "case.taken",
               "release": "case.released", "location": "case.located"}


def apply_event(session: Session, actor: Actor, doc: CaseEventDoc) -> ChangeRecord:
    """Apply one event to its case (see the module docstring)."""
    for field in doc.missing_fields():
        raise invalid(field, f"obligatoire pour un événement « {doc.type} »")
    kind = EVENT_KINDS[doc.type]
    if doc.type == "take_charge":  # the holder's name is the authenticated user's, never the client's
        doc = doc.model_copy(update={"holder_name": (actor.display_name or actor.username)[:HOLDER_NAME_LENGTH]})
    existing = session.get(CaseEvent, doc.uuid)
    if existing is not None:
        stored = storage.replayed(case_events.event_to_doc(existing), doc,
                                  "Cet événement existe déjà avec un contenu différent",
                                  actor=actor, action=permissions.CASE_EVENTS_PUT)
        return ChangeRecord(kind, stored.case_uuid, doc.uuid, 200, actor.author, stored)
    case = session.get(Case, doc.case_uuid)
    if case is None:
        raise invalid("case_uuid", "dossier inconnu du serveur")
    reason = rules.event_refusal(actor, event_type=doc.type, status=doc.status, attribution=doc.attribution,
                                 case_attribution=case.attribution, case_status=case.status)
    if reason is not None:
        audit.log(actor.author, actor.role, permissions.CASE_EVENTS_PUT, doc.uuid, f"forbidden {doc.type}")
        raise forbidden(reason)
    event = case_events.apply(case, doc, author=actor.author[:64], author_role=actor.role[:16])
    storage.flush_new(session, event)
    stored = case_events.event_to_doc(session.get(CaseEvent, doc.uuid))
    storage.append(session, actor, uuid=doc.uuid, kind=journal.KIND_CASE_EVENT,
                   payload=stored.model_dump(mode="json", exclude_none=True))
    audit.log(actor.author, actor.role, permissions.CASE_EVENTS_PUT, doc.uuid, f"applied {doc.type}")
    return ChangeRecord(kind, doc.case_uuid, doc.uuid, 201, actor.author, stored)


def release_own_hold(session: Session, actor: Actor, case_uuid: str, *,
                     orientation_uuid: str | None = None) -> ChangeRecord | None:
    """Release ``case_uuid`` when ``actor`` holds it (a ``release`` event, journalled); None when it does not.

    A hold of someone else is left alone.  The event is dated no earlier than the
    hold's start, whose time came from the holder's desk clock: every desk applies
    an event to the holder only when it is later than the hold
    (:func:`app.services.regulation.case_events.apply`).
    """
    case = session.get(Case, case_uuid)
    if case is None or case.holder is None or case.holder != actor.author[:64]:
        return None
    held = case.held_since
    if held is not None and held.tzinfo is None:  # stored rows are UTC
        held = held.replace(tzinfo=timezone.utc)
    now: datetime = utcnow()
    doc = CaseEventDoc(uuid=str(uuid.uuid4()), case_uuid=case_uuid, type="release",
                       created_at=max(now, held) if held is not None else now, orientation_uuid=orientation_uuid)
    return apply_event(session, actor, doc)


def switch_surge(session: Session, actor: Actor, doc: SurgeDoc) -> ChangeRecord:
    """Turn the room's surge mode on or off with its reason (the latest switch gives the mode)."""
    if actor.role not in rules.SURGE_ROLES:
        raise forbidden("Seuls les médecins régulateurs et le chef de salle basculent le mode afflux")
    existing = session.get(SurgeSwitch, doc.uuid)
    if existing is not None:
        stored = storage.replayed(SurgeDoc(uuid=existing.uuid, created_at=existing.created_at, active=existing.active,
                                           reason=existing.reason), doc,
                                  "Cette bascule existe déjà avec un contenu différent",
                                  actor=actor, action=permissions.SURGE_PUT)
        return ChangeRecord("room.surge", None, doc.uuid, 200, actor.author, stored)
    storage.flush_new(session, SurgeSwitch(uuid=doc.uuid, active=doc.active, reason=doc.reason,
                                           created_at=doc.created_at, author=actor.author[:64],
                                           author_role=actor.role[:16]))
    storage.append(session, actor, uuid=doc.uuid, kind=journal.KIND_SURGE, payload=doc.model_dump(mode="json"))
    audit.log(actor.author, actor.role, permissions.SURGE_PUT, doc.uuid, "on" if doc.active else "off")
    return ChangeRecord("room.surge", None, doc.uuid, 201, actor.author, doc)
