"""Hand a case over to a neighbouring SAMU through the Hub Santé, and note the answers on the case.

* :func:`prepare_send` — the case and its decisions as an RS-EDA (or, once the
  recipient acknowledged the case, an RS-EDA-MAJ), validated, in an envelope sent by
  this server's Hub client id; a note on the case records the send (journalled and
  audited) and the envelope goes to the Hub outbox (:mod:`app.services.regulation.hub_outbox`)
  in the same transaction: the note and the message are committed together.
* :func:`note_answer` — the neighbour's RC-REF or RS-ERROR for one of our sends becomes
  a note on that case, written as the answering SAMU's.  The case is found from the
  sending note, whose UUID derives from the sent distributionID, so it survives a restart.

Note UUIDs derive from distributionIDs: a redelivered answer changes nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Orientation
from app.services.interop.hub import ack, envelope, rs_eda, rs_eda_update
from app.services.records.documents import CaseDoc, CaseEventDoc, OrientationDoc, case_to_doc, orientation_to_doc
from app.services.regulation import case_acts, hub_outbox
from app.services.regulation.actor import Actor
from app.services.regulation.errors import not_found
from app.services.security import audit, permissions

_NOTES = uuid.UUID("6d0f2b8e-4c1a-5e7b-9a3d-2f8c1e0b7a55")


def _note_uuid(key: str) -> str:
    return str(uuid.uuid5(_NOTES, key))


def sent_note_uuid(distribution_id: str) -> str:
    """The UUID of the note recording that ``distribution_id`` was sent."""
    return _note_uuid(f"sent:{distribution_id}")


def case_exists(session: Session, case_uuid: str) -> bool:
    return session.get(Case, case_uuid) is not None


def case_with_orientations(session: Session, case_uuid: str) -> tuple[CaseDoc, list[tuple[OrientationDoc, str]]] | None:
    """A stored case and its orientations with their authors' roles, or None."""
    case = session.get(Case, case_uuid)
    if case is None:
        return None
    rows = session.scalars(select(Orientation).where(Orientation.case_uuid == case_uuid)
                           .order_by(Orientation.creation)).all()
    return case_to_doc(case), [(orientation_to_doc(o), o.author_role) for o in rows]


def export_case(session: Session, actor: Actor, case_uuid: str) -> dict:
    """The case as an RS-EDA envelope (a read of patient data: audited); 404 when unknown."""
    found = case_with_orientations(session, case_uuid)
    audit.record(session, actor.author, actor.role, permissions.HUB_RS_EDA_GET, case_uuid,
                 "exported" if found else "not found")
    if found is None:
        raise not_found("Dossier inconnu")
    return rs_eda.case_envelope(*found)


def _note(session: Session, actor: Actor, case_uuid: str, note_uuid: str, text: str) -> bool:
    if session.get(CaseEvent, note_uuid) is not None:  # a redelivered answer: noted already (at another time)
        return False
    doc = CaseEventDoc(uuid=note_uuid, case_uuid=case_uuid, created_at=datetime.now(timezone.utc), type="note",
                       freetext=text[:10000])
    return case_acts.apply_event(session, actor, doc).created


def prepare_send(session: Session, actor: Actor, case_uuid: str, sender: str, recipient: str) -> tuple[dict, str]:
    """(validated envelope, ``RS-EDA`` or ``RS-EDA-MAJ``), the send noted on the case and queued in the
    outbox (same transaction); 404 when unknown."""
    found = case_with_orientations(session, case_uuid)
    if found is None:
        audit.record(session, actor.author, actor.role, permissions.HUB_SEND, case_uuid, "not found")
        raise not_found("Dossier inconnu")
    case, orientations = found
    if rs_eda_update.integrated_by(case, recipient):
        name, root = "RS-EDA-MAJ", rs_eda_update.ROOT_KEY
        payload = rs_eda_update.case_to_rs_eda_update(case, orientations)
    else:
        name, root, payload = "RS-EDA", rs_eda.ROOT_KEY, rs_eda.case_to_rs_eda(case, orientations)
    sent = ack.checked(envelope.build_envelope(sender, recipient, root, payload))
    _note(session, actor, case_uuid, sent_note_uuid(sent["distributionID"]),
          f"Hub Santé : dossier transmis à {recipient} ({sent['distributionID']})")
    hub_outbox.add(session, sent, sender=sender, case_uuid=case_uuid)
    audit.record(session, actor.author, actor.role, permissions.HUB_SEND, case_uuid, f"queued for {recipient}")
    return sent, name


def note_answer(session: Session, hub: Actor, referenced: str, answer_id: str, answering_samu: str,
                text: str) -> str | None:
    """Note ``text`` on the case whose send ``referenced`` answers; the case's uuid, or None if not ours."""
    sent = session.get(CaseEvent, sent_note_uuid(referenced))
    if sent is None:
        return None
    _note(session, hub.for_hub_sender(answering_samu), sent.case_uuid, _note_uuid(f"answer:{answer_id}"), text)
    return sent.case_uuid
