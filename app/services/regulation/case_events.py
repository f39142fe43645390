"""Changes to a case after it was opened: append-only case events, their rules and their effect.

A case is created once (``PUT /api/v1/cases/{uuid}``, immutable).  Everything
regulation does to it afterwards — attribution, routing override, hand-over to a
doctor, priority, status, notes, the decision time — is a
:class:`~app.services.records.documents.CaseEventDoc` (``PUT
/api/v1/cases/{uuid}/events/{event_uuid}``, idempotent by the event's UUID).  The
server and each console's cache apply the same :func:`apply` to the case row and
keep the event (and its journal entry), so "who changed what, when and why"
stays known and the queue can be computed from cases and events.

The role rules live in :mod:`app.services.regulation.rules`.  Plain Python, no Qt.
"""

from __future__ import annotations

from app.models import Case, CaseEvent, CaseNote
from app.services.records.documents import CaseEventDoc
from app.services.regulation import rules

#: How precisely a ``location`` event placed the patient (its Hub ``coord.precision``), in French.
LOCATION_LABELS = {"EXACTE": "point exact placé sur la carte", "ADRESSE": "au numéro de l'adresse",
                   "RUE": "dans la rue de l'adresse", "VILLE": "au centre de la commune",
                   "INCONNUE": "précision inconnue"}


def apply(case: Case, doc: CaseEventDoc, *, author: str, author_role: str) -> CaseEvent:
    """Apply ``doc`` to the case row and return the event row to add (the caller adds and flushes)."""
    if doc.attribution is not None and doc.type in ("attribution", "routing_override", "status"):
        case.attribution = doc.attribution
    if doc.perimeter is not None:
        case.perimeter = doc.perimeter
    if doc.type == "status" and doc.status:
        case.status = doc.status
    elif doc.type == "priority" and doc.priority:
        case.priority = doc.priority
    elif doc.type == "take_charge" and _later(doc, case):
        case.holder, case.holder_name, case.held_since = author, doc.holder_name or author, doc.created_at
    elif doc.type == "handover":
        if case.handed_over_at is None:
            case.handed_over_at = doc.created_at
        case.accompanied = bool(doc.accompanied) or case.accompanied
    elif doc.type == "decision" and case.decided_at is None:
        case.decided_at = doc.created_at
    elif doc.type == "location":
        case.lat, case.lon, case.coord_precision = doc.lat, doc.lon, doc.coord_precision
    elif doc.type == "note":
        case.notes.append(CaseNote(uuid=doc.uuid, creation=doc.created_at, author=author,
                                   author_role=author_role, freetext=doc.freetext))
    if (doc.type in rules.RELEASING_EVENTS or (doc.type == "status" and doc.status in rules.CLOSED_STATUSES)) \
            and _later(doc, case):
        case.holder = case.holder_name = case.held_since = None
    case.version = (case.version or 1) + 1
    payload = doc.model_dump(mode="json", exclude_none=True)
    return CaseEvent(uuid=doc.uuid, case_uuid=doc.case_uuid, type=doc.type, created_at=doc.created_at,
                     author=author, author_role=author_role, payload=payload)


def _later(doc: CaseEventDoc, case: Case) -> bool:
    """Does ``doc`` come after the current prise en charge?  Events reach a desk's cache in any order (its own
    at once, the others' at the next pull): the holder follows the events' times, so every desk agrees."""
    held = case.held_since
    if held is None:
        return True
    if held.tzinfo is None:  # SQLite hands back what this session just wrote as written; stored rows are UTC
        held = held.replace(tzinfo=doc.created_at.tzinfo)
    return doc.created_at >= held


def search_record(payload: dict) -> tuple[int | None, dict]:
    """(result count, criteria) of a ``search`` event's stored payload (its :class:`SearchRecordDoc`).

    The one reader of that shape, for the stats, the timeline and the journal; the count is
    None when the event carries none (it then says nothing about empty answers).
    """
    record = (payload or {}).get("search") or {}
    count = record.get("result_count")
    criteria = record.get("criteria")
    return (count if isinstance(count, int) and not isinstance(count, bool) else None,
            criteria if isinstance(criteria, dict) else {})


def event_to_doc(event: CaseEvent) -> CaseEventDoc:
    return CaseEventDoc.model_validate(event.payload)
