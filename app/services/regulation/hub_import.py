"""Import a Hub Santé message: a neighbouring SAMU's case, its update, or an SAS appointment.

Only the Hub connector's technical account (role ``HUB``) imports; what the message
carries is written as the sending SAMU's (:meth:`Actor.for_hub_sender`), never a
local user's, through the same commands as the console's own writes:

* RS-EDA ``createCaseHealth`` → :func:`~app.services.regulation.cases.open_case` and one
  :func:`~app.services.regulation.cases.record_orientation` per decision.  A ``caseId``
  already known is 701 CASE_ALREADY_EXISTS: the Hub's creation is not idempotent.
* RS-EDA-MAJ ``createCaseHealthUpdate`` on a known case → case events (status,
  priority, perimeter, notes), new patients, new decisions.  An unknown ``caseId`` is
  702 WRONG_MESSAGE_SEQUENCE.  Event UUIDs derive from the message, so a replayed
  MAJ changes nothing twice.
* RS-SAS-RDV ``appointment`` → stored and matched to its case
  (:mod:`app.services.booking.appointments`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Orientation, Patient
from app.services.booking import appointments
from app.services.interop.hub import rs_eda_import, rs_sas_rdv
from app.services.interop.hub.ack import CASE_ALREADY_EXISTS, WRONG_MESSAGE_SEQUENCE, HubMessageError
from app.services.interop.hub.envelope import Envelope, parse_hub_time
from app.services.records.documents import CaseEventDoc, OrientationDoc, case_to_doc
from app.services.regulation import case_acts, cases
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import forbidden
from app.services.security import audit, permissions

_EVENTS = uuid.UUID("0b7f6c2e-2f4d-5c1b-8e8a-3d1f0c9a4e77")
HUB_ONLY = "Les messages Hub Santé sont reçus par le seul compte technique du connecteur Hub"


def import_hub_message(session: Session, actor: Actor, received: Envelope) -> ChangeRecord:
    """Store what ``received`` carries (schema-valid, sender checked); :class:`HubMessageError` when refused."""
    if not actor.is_hub:
        audit.log(actor.author, actor.role, permissions.HUB_MESSAGES_POST, received.distribution_id[:64], "forbidden")
        raise forbidden(HUB_ONLY)
    sender = actor.for_hub_sender(received.sender_id)
    if received.root_key == "createCaseHealth":
        return _create_case(session, sender, received.payload)
    if received.root_key == "appointment":
        return _appointment(session, sender, received.payload, _sent_at(received))
    return _update_case(session, sender, received.payload, received.distribution_id)


def _orientations(session: Session, actor: Actor, docs: list[tuple[OrientationDoc, str]]) -> int:
    stored = 0
    for doc, _hub_role in docs:
        if session.get(Orientation, doc.uuid) is None:
            cases.record_orientation(session, actor, doc)
            stored += 1
    return stored


def _create_case(session: Session, actor: Actor, payload: dict) -> ChangeRecord:
    if session.scalar(select(Case.uuid).where(Case.case_id == payload["caseId"])) is not None:
        raise HubMessageError(CASE_ALREADY_EXISTS, "Dossier déjà connu : les mises à jour passent par RS-EDA-MAJ")
    imported = rs_eda_import.rs_eda_to_case(payload)
    change = cases.open_case(session, actor, imported.case)
    _orientations(session, actor, imported.orientations)
    audit.log(actor.author, actor.role, permissions.HUB_MESSAGES_POST, change.object_uuid, "rs-eda imported")
    return change


def _event(case_uuid: str, key: str, when: datetime, **fields) -> CaseEventDoc:
    return CaseEventDoc(uuid=str(uuid.uuid5(_EVENTS, f"{case_uuid}:{key}")), case_uuid=case_uuid,
                        created_at=when, **fields)


def _update_case(session: Session, actor: Actor, payload: dict, distribution_id: str) -> ChangeRecord:
    case = session.scalar(select(Case).where(Case.case_id == payload["caseId"]))
    if case is None:
        raise HubMessageError(WRONG_MESSAGE_SEQUENCE, "Mise à jour d'un dossier inconnu : création non reçue")
    case_uuid = case.uuid
    update = rs_eda_import.rs_eda_update(payload, case_to_doc(case))
    now = datetime.now(timezone.utc)
    events = []
    if "status" in update.fields:
        events.append(_event(case_uuid, f"{distribution_id}:status", now, type="status",
                             status=update.fields["status"]))
    if "priority" in update.fields:
        events.append(_event(case_uuid, f"{distribution_id}:priority", now, type="priority",
                             priority=update.fields["priority"]))
    if "perimeter" in update.fields:
        events.append(_event(case_uuid, f"{distribution_id}:perimeter", now, type="routing_override",
                             perimeter=update.fields["perimeter"], freetext="Mise à jour reçue du Hub Santé"))
    for note in update.notes:
        events.append(CaseEventDoc(uuid=note.uuid, case_uuid=case_uuid, created_at=note.creation, type="note",
                                   freetext=note.freetext))
    applied = 0
    for doc in events:
        if session.get(CaseEvent, doc.uuid) is None:  # already applied by an earlier message: not twice
            applied += case_acts.apply_event(session, actor, doc).created
    for patient in update.patients:
        if session.get(Patient, patient.uuid) is None:
            session.add(Patient(case_uuid=case_uuid, **patient.model_dump()))
    session.flush()
    _orientations(session, actor, update.orientations)
    session.expire_all()
    audit.log(actor.author, actor.role, permissions.HUB_MESSAGES_POST, case_uuid,
              f"rs-eda-maj applied ({applied} events)")
    return ChangeRecord("case.updated", case_uuid, case_uuid, 200, actor.author,
                        case_to_doc(session.get(Case, case_uuid)))


def _sent_at(received: Envelope) -> datetime | None:
    """The envelope's ``dateTimeSent`` (the order of appointment updates), None when unreadable."""
    try:
        return parse_hub_time(received.raw["dateTimeSent"])
    except (KeyError, TypeError, ValueError):
        return None


def _appointment(session: Session, actor: Actor, payload: dict, sent_at: datetime | None = None) -> ChangeRecord:
    message = rs_sas_rdv.read_appointment(payload)
    received = appointments.receive(session, message, author=actor.author[:64], author_role=actor.role[:16],
                                    status_at=sent_at)
    appt = received.appointment
    outcome = received.outcome()
    audit.log(actor.author, actor.role, permissions.HUB_MESSAGES_POST, appt.uuid, f"rs-sas-rdv {outcome}")
    return ChangeRecord("appointment.received", appt.case_uuid, appt.uuid, 201 if received.created else 200,
                        actor.author)
