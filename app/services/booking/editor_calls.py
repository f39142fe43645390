"""The FHIR calls a booking makes to agenda editors, each within its editor's time limit.

:class:`EditorCalls` wraps one :class:`~app.services.interop.fhir.client.AgendaClient`
(one per server process, its connections reused) and the editors' registry:

* :meth:`EditorCalls.create` — ``POST [base]/Appointment``; only a 201 counts, its
  ``Location`` header is returned;
* :meth:`EditorCalls.cancel` / :meth:`EditorCalls.restore` — conditional
  ``PUT [base]/Appointment?identifier=…`` with status ``cancelled`` / ``booked``.

Every failure becomes an :class:`EditorError`: ``taken`` when the editor says the
slot is no longer free there (409, 422, or an OperationOutcome that says so),
otherwise the editor is unavailable (timeout, 5xx, unreachable, unexpected answer).
Its ``reason`` is short French with no request data (no patient, no identifier).

A ``POST`` left **unanswered** (past the time limit) may still be carried out by the
editor after we told the desk « rien n'est réservé »: :meth:`EditorCalls.forget_late`
then sets that appointment ``cancelled`` in the background, at once and again once a
late answer would be long past, so the doctor's agenda keeps no appointment our
database does not record.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from app.services.agendas.registry import EditorConfig, Registry
from app.services.booking.editor_holds import EditorAppointment
from app.services.interop.fhir.client import AgendaClient, AppointmentAnswer, FhirRequestError

log = logging.getLogger(__name__)
#: Words of an OperationOutcome (any status) meaning the slot is taken at the editor.
TAKEN_WORDS = ("déjà pris", "deja pris", "déjà réservé", "indisponible", "already booked", "not available",
               "unavailable", "slot taken", "conflict", "busy")
TAKEN_STATUSES = (409, 422)
#: Seconds after the time limit when a late appointment is cancelled a second time.
LATE_MARGIN_S = 2.0


class EditorError(Exception):
    """An editor did not take the request: ``taken`` (the slot is gone there) or unavailable."""

    def __init__(self, editor: str, reason: str, *, taken: bool = False, status_code: int | None = None,
                 unanswered: bool = False) -> None:
        super().__init__(f"{editor}: {reason}")
        self.editor, self.reason, self.taken, self.status_code = editor, reason, taken, status_code
        #: The request may have reached the editor, which may still carry it out (a timeout).
        self.unanswered = unanswered


def _taken(exc: FhirRequestError) -> bool:
    if exc.status_code in TAKEN_STATUSES:
        return True
    text = str(exc).lower()
    return exc.status_code is not None and exc.status_code < 500 and any(w in text for w in TAKEN_WORDS)


class EditorCalls:
    """The booking's FHIR calls to the registered editors."""

    def __init__(self, registry: Registry, client: AgendaClient | None = None) -> None:
        self.registry = registry
        self.client = client or AgendaClient(time_limit=60.0)
        self._late: set[asyncio.Task] = set()

    async def aclose(self) -> None:
        for task in list(self._late):
            task.cancel()
        await self.client.aclose()

    def _config(self, name: str) -> EditorConfig:
        config = self.registry.by_name(name)
        if config is None:
            raise EditorError(name, "éditeur absent de la configuration du serveur")
        return config

    async def _call(self, name: str, send) -> AppointmentAnswer:
        config = self._config(name)
        try:
            return await asyncio.wait_for(send(config.client_editor()), timeout=config.time_limit_s)
        except (asyncio.TimeoutError, TimeoutError):
            raise EditorError(name, f"pas de réponse dans les {config.time_limit_s:g} s", unanswered=True) from None
        except FhirRequestError as exc:
            late = exc.status_code is None and "délai" in str(exc)
            if exc.status_code is None:
                reason = "délai dépassé" if late else "injoignable"
            else:
                reason = f"erreur HTTP {exc.status_code}"
            log.warning("agenda editor %s refused an appointment request: %s", name, reason)
            raise EditorError(name, reason, taken=_taken(exc), status_code=exc.status_code, unanswered=late) from None
        except ValueError as exc:  # the request could not be built (French, names the field)
            raise EditorError(name, f"rendez-vous invalide ({exc})") from None

    async def create(self, appointment: EditorAppointment, now: datetime) -> str | None:
        """Create the appointment at its editor; its ``Location``.  Raises :class:`EditorError`."""
        request = appointment.request("booked", created=now)
        answer = await self._call(appointment.editor,
                                  lambda editor: self.client.create_appointment(editor, request))
        if not answer.created:
            try:  # 200 to a POST: whatever it did, it is not the 201 the guide promises; undo it
                await self.cancel(appointment)
            except EditorError:
                log.warning("agenda editor %s: could not undo an unexpected answer", appointment.editor)
            raise EditorError(appointment.editor, f"réponse inattendue (HTTP {answer.status_code})")
        return answer.location

    async def _update(self, appointment: EditorAppointment, status: str) -> None:
        request = appointment.request(status)
        await self._call(appointment.editor, lambda editor: self.client.update_appointment(editor, request))

    async def cancel(self, appointment: EditorAppointment) -> None:
        """Set the appointment ``cancelled`` at its editor.  Raises :class:`EditorError`."""
        await self._update(appointment, "cancelled")

    def forget_late(self, appointment: EditorAppointment) -> None:
        """An unanswered ``POST`` of ``appointment``: cancel it at its editor, now and after a late answer."""
        task = asyncio.get_running_loop().create_task(self._forget(appointment))
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def _forget(self, appointment: EditorAppointment) -> None:
        limit = self._config(appointment.editor).time_limit_s
        for wait in (0.0, limit + LATE_MARGIN_S):
            await asyncio.sleep(wait)
            try:
                await self.cancel(appointment)
            except EditorError as exc:
                log.info("agenda editor %s: late appointment not cancelled yet (%s)", appointment.editor, exc.reason)

    async def restore(self, appointment: EditorAppointment) -> None:
        """Set it ``booked`` again (undo of a cancellation).  Raises :class:`EditorError`."""
        await self._update(appointment, "booked")
