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
the ``booking`` journal entry records who booked what (and how it was confirmed:
``booked_via`` ``editor`` or ``phone``, see :mod:`app.services.booking.editor_booking`).
:func:`cancel_booking` frees the slot and takes it off the orientation.

**The booker's prise en charge ends with its booking.**  Every booking — the
route's, at an agenda editor, confirmed by phone, a re-booking: all of them go
through :func:`take` — releases the case when the account that booked holds it,
in the same transaction, by the ``release`` case event a desk would send
(:func:`app.services.regulation.case_acts.release_own_hold`), journalled after the
booking, so no desk shows the case « pris en charge » any more (case views, the
OSNP's worklist; a decided case is in no waiting queue).  A case
held by someone else (the doctor who decided, who took it back) keeps its holder.
A replayed booking releases nothing more.  **A cancellation changes no hold**: it
frees the slot and the case goes back to the OSNP's « À réserver » worklist, free
for anyone to take; whoever holds the case then (perhaps the canceller) keeps it.

A slot ``held`` while an agenda editor is asked counts as taken until its
``held_until`` passes; after that it counts as free again (:func:`is_free`,
:func:`free_condition`), so a server that died mid-booking leaves no slot locked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from app.models import Orientation, Slot, utcnow
from app.services.records import journal
from app.services.booking import rules
from app.services.records.documents import orientation_to_doc
from app.services.regulation import case_acts, storage
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import conflict, forbidden, invalid, not_found
from app.services.security import audit, permissions

ALREADY_BOOKED = rules.ALREADY_BOOKED
SLOT_TAKEN = "slot_taken"
SLOT_TAKEN_MESSAGE = "Créneau déjà pris"


def _allowed(actor: Actor) -> None:
    refusal = rules.role_refusal(actor.role)
    if refusal is not None:
        raise forbidden(refusal.message)


def is_free(slot: Slot, now: datetime) -> bool:
    """Free, or held by a booking whose editor call should long have ended."""
    return slot.status == "free" or (slot.status == "held" and slot.held_until is not None
                                      and slot.held_until < now)


def free_condition(now: datetime) -> ColumnElement[bool]:
    """:func:`is_free` as SQL, for the conditional ``UPDATE`` that takes a slot."""
    return or_(Slot.status == "free", and_(Slot.status == "held", Slot.held_until < now))


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


def journal_booking(session: Session, actor: Actor, slot: Slot, orientation_uuid: str, case_uuid: str,
                    status: str) -> None:
    """The ``booking`` journal entry; ``booked_via`` and its French note when an editor or a phone confirmed it."""
    payload = {
        "slot_id": slot.id, "orientation_id": orientation_uuid, "case_id": case_uuid, "status": status,
        "effecteur_id": slot.effecteur_id, "site_id": slot.site_id, "start": slot.start.isoformat(),
        "end": slot.end.isoformat(), "mode": slot.mode}
    if slot.booked_via:
        payload["booked_via"] = slot.booked_via
        payload["note"] = rules.BOOKED_VIA_NOTES.get(slot.booked_via, slot.booked_via)
        if slot.booked_via == rules.VIA_EDITOR:
            payload["editor"] = slot.source
    storage.append(session, actor, uuid=orientation_uuid, kind=journal.KIND_BOOKING, payload=payload)


def set_slot(session: Session, actor: Actor, row: Orientation, slot: Slot | None) -> None:
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


def free(session: Session, actor: Actor, slot: Slot) -> Orientation | None:
    """Cancel ``slot``'s booking in our records (journalled); the orientation's next version holds none."""
    orientation = session.get(Orientation, slot.booked_orientation_uuid) if slot.booked_orientation_uuid else None
    case_uuid = orientation.case_uuid if orientation else ""
    journal_booking(session, actor, slot, slot.booked_orientation_uuid or "", case_uuid, "cancelled")
    slot.status, slot.booked_orientation_uuid, slot.booked_via, slot.held_until = "free", None, None, None
    session.flush()
    if orientation is not None:
        set_slot(session, actor, orientation, None)
    return orientation


def prepare(session: Session, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
            rebook: bool, now: datetime) -> ChangeRecord | tuple[Orientation, Slot, Slot | None]:
    """Every check of a booking: the replay's answer, or (decision, free slot, the case's current booking)."""
    _allowed(actor)
    row = _decision(session, orientation_uuid, case_uuid)
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise not_found("Créneau inconnu")
    if slot.booked_orientation_uuid == orientation_uuid and slot.status == "booked":
        audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "replay")
        return ChangeRecord("booking.made", case_uuid, orientation_uuid, 200, actor.author, orientation_to_doc(row),
                            summary={"slot_id": slot_id, "booked_via": slot.booked_via})
    if not is_free(slot, now):
        audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "taken")
        raise conflict(SLOT_TAKEN_MESSAGE, error=SLOT_TAKEN)
    previous = active_booking(session, case_uuid)
    refusal = rules.rebooking_refusal(f"créneau {previous.id}" if previous is not None else None, rebook)
    if refusal is not None:
        raise conflict(refusal.message, error=refusal.code)
    return row, slot, previous


def take(session: Session, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
         previous: Slot | None, booked_via: str | None, condition: ColumnElement[bool]) -> ChangeRecord:
    """Free ``previous``, then book ``slot_id`` by one conditional ``UPDATE`` (409 unless ``condition`` holds).

    Then the booker's hold of the case ends (see the module docstring).
    """
    if previous is not None:
        free(session, actor, previous)
    taken = session.execute(update(Slot).where(Slot.id == slot_id, condition)
                            .values(status="booked", booked_orientation_uuid=orientation_uuid, held_until=None,
                                    booked_via=booked_via)
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        raise conflict(SLOT_TAKEN_MESSAGE, error=SLOT_TAKEN)
    session.expire_all()
    slot, row = session.get(Slot, slot_id), session.get(Orientation, orientation_uuid)
    journal_booking(session, actor, slot, orientation_uuid, case_uuid, "booked")
    set_slot(session, actor, row, slot)
    audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, f"booked for orientation {orientation_uuid}")
    released = case_acts.release_own_hold(session, actor, case_uuid, orientation_uuid=orientation_uuid)
    summary = {"slot_id": slot_id, "cancelled_slot_id": previous.id if previous else None, "booked_via": booked_via,
               "released_event": released.object_uuid if released is not None else None}
    return ChangeRecord("booking.made", case_uuid, orientation_uuid, 201, actor.author, orientation_to_doc(row),
                        summary=summary)


def book_slot(session: Session, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
              rebook: bool = False, booked_via: str | None = None, now: datetime | None = None) -> ChangeRecord:
    """Book ``slot_id`` for the decision ``orientation_uuid`` of ``case_uuid`` (201; 200 when already so).

    The booking of our records alone: a slot of an agenda editor goes through
    :func:`app.services.booking.editor_booking.book`, which calls this for the slots it
    does not book at the editor (``booked_via="phone"``, or none).
    """
    now = now or utcnow()
    prepared = prepare(session, actor, slot_id, orientation_uuid, case_uuid, rebook=rebook, now=now)
    if isinstance(prepared, ChangeRecord):
        return prepared
    _row, _slot, previous = prepared
    return take(session, actor, slot_id, orientation_uuid, case_uuid, previous=previous, booked_via=booked_via,
                condition=free_condition(now))


def cancel_booking(session: Session, actor: Actor, case_uuid: str) -> ChangeRecord:
    """Cancel the active booking of ``case_uuid``: the slot is free again; 404 when there is none."""
    _allowed(actor)
    slot = active_booking(session, case_uuid)
    if slot is None:
        raise not_found("Ce dossier n'a pas de rendez-vous à annuler")
    slot_id = slot.id
    orientation = free(session, actor, slot)
    audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, "cancelled")
    return ChangeRecord("booking.cancelled", case_uuid, orientation.uuid if orientation else str(slot_id), 200,
                        actor.author, orientation_to_doc(orientation) if orientation else None,
                        summary={"slot_id": slot_id})
