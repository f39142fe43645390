"""Storing what Hub Santé messages carry, through the same paths as the console's own writes.

* An RS-EDA ``createCaseHealth`` creates the case with :func:`app.server.records.store_case`
  (one ``case`` journal entry, like ``PUT /cases/{uuid}``) and its decisions as
  orientations (one ``orientation`` entry each).  A ``caseId`` already known is refused
  with 701 CASE_ALREADY_EXISTS: the Hub's creation is not idempotent, updates are MAJ.
* An RS-EDA-MAJ ``createCaseHealthUpdate`` on a known case becomes case events
  (status, priority, perimeter, notes — kind ``case_event``, applied by
  :func:`app.services.regulation.case_events.apply` as for ``PUT /cases/{uuid}/events``), new
  patients are added to the case, new decisions become orientations.  An unknown
  ``caseId`` is 702 WRONG_MESSAGE_SEQUENCE (the creation has not arrived).

Decisions and notes received were taken by the remote regulator: the console's role
checks on medical decisions do not apply to them; orientations are written with
author ``hub-sante`` and the remote operator's Hub role.  Event UUIDs derive from the
message, so a replayed MAJ changes nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from app.models import Case, CaseEvent, Orientation, Patient
from app.server import records
from app.server.deps import Principal, audit
from app.services.regulation import case_events
from app.services.records import journal
from app.services.security import permissions
from app.services.records.documents import (
    CaseDoc, CaseEventDoc, OrientationDoc, case_to_doc, orientation_from_doc, orientation_to_doc,
)
from app.services.interop.hub import rs_eda_import
from app.services.interop.hub.ack import CASE_ALREADY_EXISTS, WRONG_MESSAGE_SEQUENCE, HubMessageError

_EVENTS = uuid.UUID("0b7f6c2e-2f4d-5c1b-8e8a-3d1f0c9a4e77")


def _store_orientations(session, principal: Principal, pairs: list[tuple[OrientationDoc, str]]) -> int:
    stored = 0
    for doc, hub_role in pairs:
        if session.get(Orientation, doc.uuid) is not None:
            continue
        records.flush_new(session, orientation_from_doc(doc, author=rs_eda_import.HUB_AUTHOR,
                                                        author_role=hub_role[:16]))
        journal.append(session, uuid=doc.uuid, kind=journal.KIND_ORIENTATION, author=principal.username,
                       author_role=principal.role, payload=doc.model_dump(mode="json"))
        stored += 1
    return stored


def create_case(session, payload: dict, principal: Principal) -> CaseDoc:
    """Store the case of an RS-EDA; 701 when its ``caseId`` is already known."""
    if session.scalar(select(Case.uuid).where(Case.case_id == payload["caseId"])) is not None:
        raise HubMessageError(CASE_ALREADY_EXISTS, "Dossier déjà connu : les mises à jour passent par RS-EDA-MAJ")
    imported = rs_eda_import.rs_eda_to_case(payload)
    if session.get(Case, imported.case.uuid) is not None:  # pragma: no cover - same caseId, checked above
        raise HubMessageError(CASE_ALREADY_EXISTS, "Dossier déjà connu")
    _status, stored = records.store_case(session, imported.case, principal)
    _store_orientations(session, principal, imported.orientations)
    audit(principal, permissions.HUB_MESSAGES_POST, stored.uuid, "rs-eda imported")
    return stored


def _event(case_uuid: str, key: str, when: datetime, **fields) -> CaseEventDoc:
    return CaseEventDoc(uuid=str(uuid.uuid5(_EVENTS, f"{case_uuid}:{key}")), case_uuid=case_uuid,
                        created_at=when, **fields)


def update_case(session, payload: dict, principal: Principal, distribution_id: str) -> CaseDoc:
    """Apply an RS-EDA-MAJ to its case; 702 when the case is unknown."""
    case = session.scalar(select(Case).where(Case.case_id == payload["caseId"]))
    if case is None:
        raise HubMessageError(WRONG_MESSAGE_SEQUENCE, "Mise à jour d'un dossier inconnu : création non reçue")
    update = rs_eda_import.rs_eda_update(payload, case_to_doc(case))
    now = datetime.now(timezone.utc)
    events = []
    if "status" in update.fields:
        events.append(_event(case.uuid, f"{distribution_id}:status", now, type="status",
                             status=update.fields["status"]))
    if "priority" in update.fields:
        events.append(_event(case.uuid, f"{distribution_id}:priority", now, type="priority",
                             priority=update.fields["priority"]))
    if "perimeter" in update.fields:
        events.append(_event(case.uuid, f"{distribution_id}:perimeter", now, type="routing_override",
                             perimeter=update.fields["perimeter"], freetext="Mise à jour reçue du Hub Santé"))
    for note in update.notes:
        events.append(CaseEventDoc(uuid=note.uuid, case_uuid=case.uuid, created_at=note.creation, type="note",
                                   freetext=note.freetext))
    for doc in events:
        if session.get(CaseEvent, doc.uuid) is not None:
            continue
        event = case_events.apply(case, doc, author=principal.username, author_role=principal.role)
        records.flush_new(session, event)
        case = session.get(Case, doc.case_uuid)
        journal.append(session, uuid=doc.uuid, kind=journal.KIND_CASE_EVENT, author=principal.username,
                       author_role=principal.role, payload=doc.model_dump(mode="json", exclude_none=True))
    for patient in update.patients:
        if session.get(Patient, patient.uuid) is None:
            session.add(Patient(case_uuid=case.uuid, **patient.model_dump()))
    session.flush()
    _store_orientations(session, principal, update.orientations)
    session.expire_all()
    audit(principal, permissions.HUB_MESSAGES_POST, case.uuid, f"rs-eda-maj applied ({len(events)} events)")
    return case_to_doc(session.get(Case, case.uuid))


def case_with_orientations(session, case_uuid: str) -> tuple[CaseDoc, list[tuple[OrientationDoc, str]]] | None:
    """A stored case and its orientations with their authors' roles, or None."""
    case = session.get(Case, case_uuid)
    if case is None:
        return None
    rows = session.scalars(select(Orientation).where(Orientation.case_uuid == case_uuid)
                           .order_by(Orientation.creation)).all()
    return case_to_doc(case), [(orientation_to_doc(o), o.author_role) for o in rows]
