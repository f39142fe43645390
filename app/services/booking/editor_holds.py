"""The database steps of a booking at an agenda editor: hold, confirm, release, cancel (short transactions).

:mod:`app.services.booking.editor_booking` runs these in their own write
transactions around its FHIR calls, so no transaction (nor SQLite's write lock)
stays open while an editor is asked:

* :func:`start` — every check of :func:`app.services.booking.slots.prepare`, the
  slot's channel (:func:`app.services.booking.rules.channel`), then either the
  whole booking at once (a slot booked here or by phone, when no editor has to be
  told) or a *hold*: one conditional ``UPDATE`` free → ``held`` with ``held_until``
  (the hold's token), returned as a :class:`Plan`;
* :func:`confirm` — once the editor answered 201: the held slot becomes booked
  (``booked_via``), journalled as every booking, and the :class:`~app.models.Appointment`
  rows say what the editors hold (the new one ``booked``, the replaced one ``cancelled``);
* :func:`release` — the hold ends without a booking: the slot is free again, or
  deleted when the editor said it is taken there;
* :func:`cancel_target` / :func:`finish_cancel` — a cancellation, around the editor's PUT.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from app.models import Appointment, Slot, User
from app.services.agendas.registry import Registry
from app.services.booking import rules, slots
from app.services.interop.fhir import codes
from app.services.interop.fhir.appointment import AppointmentRequest
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import Refused, conflict
from app.services.security import audit, permissions

#: The identifier system of the appointments the room creates at editors (the SAS technical OID).
APPOINTMENT_SYSTEM = codes.OID_SAS
BOOKING_CHANGED = "booking_changed"
BOOKING_CHANGED_MESSAGE = "Le rendez-vous de ce dossier a changé entre-temps : la liste est rafraîchie, recommencez."
#: ``Appointment.attach_method`` of the rows a booking of the room writes itself.
ATTACH_BOOKING = "booking"
_NATIONAL_ID = re.compile(r"^\d[\d/]{5,40}$")


@dataclass(frozen=True)
class EditorAppointment:
    """An appointment at an editor: what the room needs to create it or update it there."""

    editor: str
    appointment_id: str
    start: datetime
    end: datetime
    practitioner_id: str | None
    regulator_id: str
    regulator_is_national: bool
    slot_external_id: str | None = None

    def request(self, status: str = "booked", created: datetime | None = None) -> AppointmentRequest:
        return AppointmentRequest(
            identifier_system=APPOINTMENT_SYSTEM, identifier_value=self.appointment_id, start=self.start,
            end=self.end, status=status, practitioner_id=self.practitioner_id, regulator_id=self.regulator_id,
            regulator_is_national=self.regulator_is_national, created=created, slot_id=self.slot_external_id)


@dataclass(frozen=True)
class Plan:
    """A held slot: what to ask the editors before :func:`confirm` or :func:`release`."""

    slot_id: int
    orientation_uuid: str
    case_uuid: str
    until: datetime
    effecteur_name: str
    booked_via: str | None
    #: To create at the slot's editor (None: the slot is booked by phone or here).
    new: EditorAppointment | None
    previous_slot_id: int | None
    #: The case's current booking, held by an editor: to cancel there (re-booking).
    previous: EditorAppointment | None


@dataclass(frozen=True)
class CancelTarget:
    """The booking a cancellation ends, and its appointment at an editor (None: ours alone)."""

    slot_id: int
    appointment: EditorAppointment | None


def regulator_identity(session: Session, actor: Actor) -> tuple[str, bool]:
    """(id, national) of the ``appointmentOperator``: the user's IDNPS, else an INTRN under the SAS OID."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    user = user or session.scalar(select(User).where(User.username == actor.username))
    known = (user.regulator_id or "").strip() if user else ""
    if known:
        return known, bool(_NATIONAL_ID.match(known))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sas:regulator:{actor.username}")), False


def _practitioner(slot: Slot) -> str | None:
    rpps = slot.effecteur.rpps_id
    return codes.practitioner_id(rpps)[0] if rpps else None


def editor_appointment(session: Session, slot: Slot) -> EditorAppointment | None:
    """The appointment an editor holds for the booked ``slot``, if it was booked there."""
    if slot.booked_via != rules.VIA_EDITOR or not slot.booked_orientation_uuid:
        return None
    row = session.scalar(select(Appointment).where(
        Appointment.orientation_uuid == slot.booked_orientation_uuid, Appointment.editor.is_not(None),
        Appointment.status == "booked").order_by(Appointment.booked_at.desc()).limit(1))
    if row is None or row.editor is None:
        return None
    return EditorAppointment(row.editor, row.appointment_id, row.start, row.end or slot.end, row.practitioner_id,
                             row.regulator_id, bool(_NATIONAL_ID.match(row.regulator_id)), slot.external_id)


def _limit(registry: Registry, editor: str | None) -> float:
    config = registry.by_name(editor)
    return config.time_limit_s if config else codes.EDITOR_TIME_LIMIT_S


def start(session: Session, actor: Actor, registry: Registry, slot_id: int, orientation_uuid: str, case_uuid: str,
          *, rebook: bool, confirmed_by_phone: bool, now: datetime, margin_s: float) -> ChangeRecord | Plan:
    """Check the booking; book it at once when no editor is to be asked, else hold the slot (a :class:`Plan`)."""
    prepared = slots.prepare(session, actor, slot_id, orientation_uuid, case_uuid, rebook=rebook, now=now)
    if isinstance(prepared, ChangeRecord):
        return prepared
    _row, slot, previous = prepared
    editor = registry.by_name(slot.source)
    effecteur, phone = slot.effecteur.name, slot.effecteur.phone
    refusal = rules.channel_refusal(editor, confirmed_by_phone, effecteur=effecteur, phone=phone)
    if refusal is not None:
        audit.log(actor.author, actor.role, permissions.SLOTS_BOOK, slot_id, refusal.code)
        raise Refused(409, refusal.code, refusal.message, current={
            "slot_id": slot_id, "effecteur_id": slot.effecteur_id, "effecteur_name": effecteur, "phone": phone,
            "editor": editor.name if editor else None})
    kind = rules.channel(editor)
    booked_via = {rules.EDITOR: rules.VIA_EDITOR, rules.PHONE: rules.VIA_PHONE}.get(kind)
    old = editor_appointment(session, previous) if previous is not None else None
    if kind != rules.EDITOR and old is None:
        return slots.take(session, actor, slot_id, orientation_uuid, case_uuid, previous=previous,
                          booked_via=booked_via, condition=slots.free_condition(now))
    seconds = margin_s + (editor.time_limit_s if editor and kind == rules.EDITOR else 0)
    seconds += _limit(registry, old.editor) if old else 0
    until = now + timedelta(seconds=seconds)
    held = session.execute(update(Slot).where(Slot.id == slot_id, slots.free_condition(now))
                           .values(status="held", held_until=until).execution_options(synchronize_session=False))
    if held.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        raise conflict(slots.SLOT_TAKEN_MESSAGE, error=slots.SLOT_TAKEN)
    new = None
    if kind == rules.EDITOR and editor is not None:
        regulator, national = regulator_identity(session, actor)
        new = EditorAppointment(editor.name, str(uuid.uuid4()), slot.start, slot.end, _practitioner(slot), regulator,
                                national, slot.external_id)
    return Plan(slot_id, orientation_uuid, case_uuid, until, effecteur, booked_via, new,
                previous.id if previous is not None else None, old)


def _held(plan: Plan):
    return and_(Slot.status == "held", Slot.held_until == plan.until)


def _appointment_row(session: Session, actor: Actor, plan: Plan, location: str | None, now: datetime) -> Appointment:
    assert plan.new is not None
    slot = session.get(Slot, plan.slot_id)
    organization = slot.effecteur.organization_id if slot is not None else None
    row = Appointment(
        appointment_id=plan.new.appointment_id, case_uuid=plan.case_uuid, orientation_uuid=plan.orientation_uuid,
        practitioner_id=plan.new.practitioner_id, organization_id=organization,
        effecteur_name=plan.effecteur_name[:200], regulator_id=plan.new.regulator_id[:64], booked_at=now,
        start=plan.new.start, end=plan.new.end, status="booked", message={}, received_at=now, updated_at=now,
        attached_by=actor.author[:64], attached_at=now, attach_method=ATTACH_BOOKING, editor=plan.new.editor[:40],
        editor_location=(location or None) and location[:300])
    session.add(row)
    return row


def _set_status(session: Session, appointment_id: str, status: str, now: datetime) -> None:
    session.execute(update(Appointment).where(Appointment.appointment_id == appointment_id)
                    .values(status=status, updated_at=now).execution_options(synchronize_session=False))


def confirm(session: Session, actor: Actor, plan: Plan, location: str | None, now: datetime) -> ChangeRecord:
    """The editors agreed: book the held slot (refused when the hold or the case's booking changed meanwhile)."""
    current = slots.active_booking(session, plan.case_uuid)
    if (current.id if current is not None else None) != plan.previous_slot_id:
        raise conflict(BOOKING_CHANGED_MESSAGE, error=BOOKING_CHANGED)
    record = slots.take(session, actor, plan.slot_id, plan.orientation_uuid, plan.case_uuid, previous=current,
                        booked_via=plan.booked_via, condition=_held(plan))
    if plan.previous is not None:
        _set_status(session, plan.previous.appointment_id, "cancelled", now)
    if plan.new is not None:
        _appointment_row(session, actor, plan, location, now)
        record.summary.update(editor=plan.new.editor, appointment_id=plan.new.appointment_id)
    session.flush()
    return record


def release(session: Session, plan: Plan, *, taken: bool) -> None:
    """End the hold without booking: the slot is free again, or gone when ``taken`` at its editor."""
    where = (Slot.id == plan.slot_id, _held(plan))
    if taken:
        session.execute(delete(Slot).where(*where).execution_options(synchronize_session=False))
    else:
        session.execute(update(Slot).where(*where).values(status="free", held_until=None)
                        .execution_options(synchronize_session=False))


def record_orphan(session: Session, actor: Actor, plan: Plan, location: str | None, now: datetime) -> None:
    """An appointment created at an editor that could not be undone: recorded, on the call-back worklist."""
    row = _appointment_row(session, actor, plan, location, now)
    row.follow_up_since = now


def cancel_target(session: Session, actor: Actor, case_uuid: str) -> CancelTarget:
    """The case's booking to cancel (404 when none, 403 for a role that may not)."""
    refusal = rules.role_refusal(actor.role)
    if refusal is not None:
        raise Refused(403, "forbidden", refusal.message)
    slot = slots.active_booking(session, case_uuid)
    if slot is None:
        raise Refused(404, "not_found", "Ce dossier n'a pas de rendez-vous à annuler")
    return CancelTarget(slot.id, editor_appointment(session, slot))


def finish_cancel(session: Session, actor: Actor, case_uuid: str, target: CancelTarget,
                  now: datetime) -> ChangeRecord:
    """Cancel the booking in our records, once its editor (if any) has cancelled it."""
    current = slots.active_booking(session, case_uuid)
    if current is None or current.id != target.slot_id:
        raise conflict(BOOKING_CHANGED_MESSAGE, error=BOOKING_CHANGED)
    record = slots.cancel_booking(session, actor, case_uuid)
    if target.appointment is not None:
        _set_status(session, target.appointment.appointment_id, "cancelled", now)
        record.summary.update(editor=target.appointment.editor, appointment_id=target.appointment.appointment_id)
    return record
