"""Book a slot for a case, and cancel a booking: the core's booking commands.

A booking carries out a decision already taken: it needs an orientation of that
case whose decision books a slot (consultation within 48 h, teleconsultation, home
visit, SOS Médecins), taken by a regulating doctor, and a slot that exists and is
free.  The OSNP books the slot the MRL decided; the doctors may book their own.
The rules themselves are :mod:`app.services.booking.rules`, which the console asks too.
The slot is taken by one conditional ``UPDATE … WHERE status='free'`` whose row
count decides, so two desks racing for it get exactly one booking.  A case has at
most one active booking: booking again needs ``rebook`` and cancels the previous
one first.  The orientation then holds the slot (its next version, journalled), and
the ``booking`` journal entry records who booked what.  :func:`cancel_booking` frees
the slot and takes it off the orientation.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Orientation, Slot
from app.services.records import journal
from app.services.booking import rules
from app.services.records.documents import orientation_to_doc
from app.services.regulation import storage
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import conflict, forbidden, invalid, not_found
from app.services.security import audit, permissions

ALREADY_BOOKED = rules.ALREADY_BOOKED
SLOT_TAKEN = "slot_taken"


def _allowed(actor: Actor) -> None:
    refusal = rules.role_refusal(actor.role)
    if refusal is not None:
        raise forbidden(refusal.message)


def active_booking(session: Session, case_uuid: str) -> Slot | None:
    """The slot booked for ``case_uuid``, if any."""
    return session.scalar(select(Slot).join(Orientation, Orientation.uuid == Slot.booked_orientation_uuid)
                          .where(Orientation.case_uuid == case_uuid, Slot.status == "booked"))


def _decision(session: Session, orientation_uuid: str, case_uuid: str) -> Orientation:
    row = session.get(Orientation, orientation_uuid)
    if row is None or row.case_uuid != case_uuid:
        raise invalid("orientation_id", "aucune décision de ce dossier ne porte cet identifiant")
    refusal = rules.decision_refusal(row.decision_key)
    if refusal is not None:
        raise invalid("orientation_id", refusal.message)
    return row


def _journal_booking(session: Session, actor: Actor, slot: Slot, orientation_uuid: str, case_uuid: str,
                     status: str) -> None:
    storage.append(session, actor, uuid=orientation_uuid, kind=journal.KIND_BOOKING, payload={
        "slot_id": slot.id, "orientation_id": orientation_uuid, "case_id": case_uuid, "status": status,
        "effecteur_id": slot.effecteur_id, "site_id": slot.site_id, "start": slot.start.isoformat(),
        "end": slot.end.isoformat(), "mode": slot.mode})


def _set_slot(session: Session, actor: Actor, row: Orientation, slot: Slot | None) -> None:
    """The orientation's next version, holding ``slot`` (or none), journalled."""
    row.slot_id = slot.id if slot else None
    row.appointment_start = slot.start if slot else None
    row.appointment_end = slot.end if slot else None
    row.appointment_mode = slot.mode if slot else None
    if slot is not None:
        row.effecteur_id, row.effecteur_name = slot.effecteur_id, slot.effecteur.name[:200]
    row.version = (row.version or 1) + 1
    session.flush()
    stored = orientation_to_doc(row)
    storage.append(session, actor, uuid=row.uuid, kind=journal.KIND_ORIENTATION, payload=stored.model_dump(mode="json"))


def _free(session: Session, actor: Actor, slot: Slot) -> Orientation | None:
    orientation = session.get(Orientation, slot.booked_orientation_uuid) if slot.booked_orientation_uuid else None
    case_uuid = orientation.case_uuid if orientation else ""
    _journal_booking(session, actor, slot, slot.booked_orientation_uuid or "", case_uuid, "cancelled")
    slot.status, slot.booked_orientation_uuid = "free", None
    session.flush()
    if orientation is not None:
        _set_slot(session, actor, orientation, None)
    return orientation


def book_slot(session: Session, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
              rebook: bool = False) -> ChangeRecord:
    """Book ``slot_id`` for the decision ``orientation_uuid`` of ``case_uuid`` (201; 200 when already so)."""
    _allowed(actor)
    row = _decision(session, orientation_uuid, case_uuid)
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise not_found("Créneau inconnu")
    if slot.booked_orientation_uuid == orientation_uuid:
        audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "replay")
        return ChangeRecord("booking.made", case_uuid, orientation_uuid, 200, actor.author, orientation_to_doc(row))
    if slot.status != "free":
        audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "taken")
        raise conflict("Créneau déjà pris", error=SLOT_TAKEN)
    previous = active_booking(session, case_uuid)
    refusal = rules.rebooking_refusal(f"créneau {previous.id}" if previous is not None else None, rebook)
    if refusal is not None:
        raise conflict(refusal.message, error=refusal.code)
    if previous is not None:
        _free(session, actor, previous)
        session.refresh(row)
    taken = session.execute(update(Slot).where(Slot.id == slot_id, Slot.status == "free")
                            .values(status="booked", booked_orientation_uuid=orientation_uuid)
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        raise conflict("Créneau déjà pris", error=SLOT_TAKEN)
    session.expire_all()
    slot, row = session.get(Slot, slot_id), session.get(Orientation, orientation_uuid)
    _journal_booking(session, actor, slot, orientation_uuid, case_uuid, "booked")
    _set_slot(session, actor, row, slot)
    audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, f"booked for orientation {orientation_uuid}")
    summary = {"slot_id": slot_id, "cancelled_slot_id": previous.id if previous else None}
    return ChangeRecord("booking.made", case_uuid, orientation_uuid, 201, actor.author, orientation_to_doc(row),
                        summary=summary)


def cancel_booking(session: Session, actor: Actor, case_uuid: str) -> ChangeRecord:
    """Cancel the active booking of ``case_uuid``: the slot is free again; 404 when there is none."""
    _allowed(actor)
    slot = active_booking(session, case_uuid)
    if slot is None:
        raise not_found("Ce dossier n'a pas de rendez-vous à annuler")
    slot_id = slot.id
    orientation = _free(session, actor, slot)
    audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "cancelled")
    return ChangeRecord("booking.cancelled", case_uuid, orientation.uuid if orientation else str(slot_id), 200,
                        actor.author, orientation_to_doc(orientation) if orientation else None,
                        summary={"slot_id": slot_id})
