"""Booking at the agenda editors: the one path every booking and cancellation of a slot goes through.

:func:`book` and :func:`cancel` are the core's async commands (the route awaits them;
any other caller should too).  Where a slot is booked follows its editor
(:func:`app.services.booking.rules.channel`):

* **editor** (registered, ``booking = true``): tx1 checks everything and *holds*
  the slot (``held_until`` = now + the editor's time limit + a margin; a hold whose
  time passed counts as free again); then ``POST [base]/Appointment``
  (FrAppointmentSAS: our UUID under the SAS OID, the effecteur, the regulator as
  ``appointmentOperator``, the editor's ``Slot``) within the editor's time limit;
  only on 201 does tx2 book the slot (``booked_via = "editor"``), journal it, give the
  orientation its next version and write the :class:`~app.models.Appointment` row
  (``appointment_id`` = that UUID, so later updates from the editor or the Hub land
  on it).  A 409 or 422 (or an OperationOutcome saying the slot is taken) deletes
  the slot (taken there) and refuses ``slot_taken_at_editor``; a timeout, a 5xx or
  an unreachable editor frees it and refuses ``editor_unavailable`` (502); after a
  timeout the appointment is also cancelled there in the background, in case the
  editor carries the ``POST`` out late (:meth:`EditorCalls.forget_late`).
* **phone** (registered, ``booking = false``): booked only with
  ``confirmed_by_phone``, marked ``booked_via = "phone"``; otherwise refused
  ``phone_confirmation_required`` with the effecteur's number.
* **local** (demo, manual imports): booked in our records as ever.

No transaction is open during an HTTP call.  Re-booking creates the new
appointment first, then cancels the old one at its editor, then records both; a
failed step undoes what the editors were told (cancel the new one, restore the
old one) and refuses, so an editor never keeps an appointment our database does
not record.  If an undo itself fails, the new appointment is recorded anyway, on
the « rappeler le patient » worklist (:func:`editor_holds.record_orphan`).

**Cancelling** a booking made at an editor first sets its Appointment
``cancelled`` there (conditional PUT); if that editor is unreachable, the
cancellation is refused (``editor_unavailable``) and the booking stays as it is on
both sides: retry, or phone the doctor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from app.models import utcnow
from app.services.agendas.registry import Registry
from app.services.booking import editor_holds
from app.services.booking.editor_calls import EditorError, EditorCalls
from app.services.booking.editor_holds import Plan
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import Refused

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Seconds a hold outlives the editors' time limits (the transactions around the calls).
HOLD_MARGIN_S = 5.0


class Sessions(Protocol):
    """Where the core gets its transactions (the server's :class:`~app.server.deps.ServerState`)."""

    def write(self) -> AbstractContextManager[Session]: ...

    def read(self) -> AbstractContextManager[Session]: ...


class SlotIndex(Protocol):
    """The search index to keep in step (:class:`app.services.search.service.SearchService`)."""

    def mark_booked(self, slot_id: int) -> None: ...

    def mark_free(self, slot_id: int) -> None: ...


@dataclass
class Bookings:
    """What a booking needs: the database, the editors' registry, their FHIR calls, the search index."""

    db: Sessions
    registry: Registry
    calls: EditorCalls
    index: SlotIndex | None = None
    margin_s: float = HOLD_MARGIN_S

    async def write(self, step: Callable[[Session], T]) -> T:
        """``step`` in its own write transaction, off the event loop."""
        def run() -> T:
            with self.db.write() as session:
                return step(session)
        return await asyncio.to_thread(run)

    async def read(self, step: Callable[[Session], T]) -> T:
        """``step`` over a read session (nothing committed), off the event loop."""
        def run() -> T:
            with self.db.read() as session:
                return step(session)
        return await asyncio.to_thread(run)

    def booked(self, slot_id: int | None) -> None:
        if self.index is not None and slot_id:
            self.index.mark_booked(slot_id)

    def freed(self, slot_id: int | None) -> None:
        if self.index is not None and slot_id:
            self.index.mark_free(slot_id)


def _unavailable(exc: EditorError, what: str) -> Refused:
    return Refused(502, "editor_unavailable", f"L'agenda de l'éditeur « {exc.editor} » ne répond pas ({exc.reason}) : "
                                              f"{what}", current={"editor": exc.editor})


def _taken(plan: Plan, editor: str) -> Refused:
    return Refused(409, "slot_taken_at_editor",
                   f"Ce créneau vient d'être pris dans l'agenda de {plan.effecteur_name} : la liste est rafraîchie, "
                   f"choisissez-en un autre.", current={"slot_id": plan.slot_id, "editor": editor})


async def _undo(deps: Bookings, actor: Actor, plan: Plan, location: str | None, *, created: bool,
                cancelled_previous: bool) -> None:
    """Tell the editors to forget what this failed booking told them; record what cannot be undone."""
    if created and plan.new is not None:
        try:
            await deps.calls.cancel(plan.new)
        except EditorError as exc:
            log.warning("booking: appointment left at editor %s (%s); recorded for call-back", exc.editor, exc.reason)
            now = utcnow()
            try:
                await deps.write(lambda s: editor_holds.record_orphan(s, actor, plan, location, now))
            except Exception as failure:  # the refusal being answered matters more than this record
                log.error("booking: could not record the appointment left at editor %s (%s)", exc.editor,
                          type(failure).__name__)
    if cancelled_previous and plan.previous is not None:
        try:
            await deps.calls.restore(plan.previous)
        except EditorError as exc:
            log.warning("booking: could not restore the previous appointment at editor %s (%s)", exc.editor,
                        exc.reason)


async def book(deps: Bookings, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
               rebook: bool = False, confirmed_by_phone: bool = False) -> ChangeRecord:
    """Book ``slot_id`` for the decision ``orientation_uuid`` of ``case_uuid``; raises ``Refused``.

    Shielded: a caller that goes away (a server stopping) does not cut the booking between
    the editor's answer and our record of it.
    """
    return await asyncio.shield(_book(deps, actor, slot_id, orientation_uuid, case_uuid, rebook=rebook,
                                      confirmed_by_phone=confirmed_by_phone))


async def _book(deps: Bookings, actor: Actor, slot_id: int, orientation_uuid: str, case_uuid: str, *,
                rebook: bool, confirmed_by_phone: bool) -> ChangeRecord:
    now = utcnow()
    started = await deps.write(lambda s: editor_holds.start(
        s, actor, deps.registry, slot_id, orientation_uuid, case_uuid, rebook=rebook,
        confirmed_by_phone=confirmed_by_phone, now=now, margin_s=deps.margin_s))
    if isinstance(started, ChangeRecord):
        if started.created:
            deps.booked(slot_id)
            deps.freed(started.summary.get("cancelled_slot_id"))
        return started
    plan = started
    deps.booked(plan.slot_id)  # out of the search while held
    location: str | None = None
    created = cancelled_previous = False
    try:
        if plan.new is not None:
            location = await deps.calls.create(plan.new, now)
            created = True
        if plan.previous is not None:
            await deps.calls.cancel(plan.previous)
            cancelled_previous = True
    except EditorError as exc:
        await _undo(deps, actor, plan, location, created=created, cancelled_previous=False)
        if exc.unanswered and not created and plan.new is not None:
            deps.calls.forget_late(plan.new)  # the editor may still book it: cancelled there in the background
        taken = exc.taken and not created
        await deps.write(lambda s: editor_holds.release(s, plan, taken=taken))
        if not taken:
            deps.freed(plan.slot_id)
        if taken:
            raise _taken(plan, exc.editor) from None
        what = ("l'ancien rendez-vous n'est pas annulé, rien n'est changé." if created or plan.new is None
                else "rien n'est réservé, le créneau reste libre. Réessayez ou choisissez-en un autre.")
        raise _unavailable(exc, what) from None
    try:
        record = await deps.write(lambda s: editor_holds.confirm(s, actor, plan, location, utcnow()))
    except BaseException:
        await _undo(deps, actor, plan, location, created=created, cancelled_previous=cancelled_previous)
        await deps.write(lambda s: editor_holds.release(s, plan, taken=False))
        deps.freed(plan.slot_id)
        raise
    deps.freed(plan.previous_slot_id)
    return record


async def cancel(deps: Bookings, actor: Actor, case_uuid: str) -> ChangeRecord:
    """Cancel the case's booking, at its editor first when it was booked there; raises ``Refused``."""
    return await asyncio.shield(_cancel(deps, actor, case_uuid))


async def _cancel(deps: Bookings, actor: Actor, case_uuid: str) -> ChangeRecord:
    target = await deps.read(lambda s: editor_holds.cancel_target(s, actor, case_uuid))
    if target.appointment is not None:
        try:
            await deps.calls.cancel(target.appointment)
        except EditorError as exc:
            raise _unavailable(exc, "le rendez-vous n'est pas annulé. Réessayez dans un instant, ou appelez le "
                                    "médecin pour l'annuler.") from None
    try:
        record = await deps.write(lambda s: editor_holds.finish_cancel(s, actor, case_uuid, target, utcnow()))
    except BaseException:
        if target.appointment is not None:
            try:
                await deps.calls.restore(target.appointment)
            except EditorError as exc:
                log.warning("cancel: could not restore the appointment at editor %s (%s)", exc.editor, exc.reason)
        raise
    deps.freed(target.slot_id)
    return record
