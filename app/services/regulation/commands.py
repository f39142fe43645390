"""The regulation core's commands: one function per act of the room, the only way to change its records.

Each command takes the caller's write session (one transaction, committed by the
caller), the :class:`~app.services.regulation.actor.Actor` the server authenticated,
and the document of the act; it checks the actor's role, the case's state and the
data (:mod:`app.services.regulation.rules`), writes, journals, and returns a
:class:`~app.services.regulation.change.ChangeRecord`, or raises
:class:`~app.services.regulation.errors.Refused`.  HTTP routes, the sync batch, the
Hub inbox (HTTP and AMQP), the CLI and the console all call these.

=================================  ==============================================
act of the room                    command
=================================  ==============================================
open a case                        :func:`open_case`
route, override, hand over,        :func:`apply_event` (event types ``attribution``,
take in charge, note, priority,    ``routing_override``, ``handover``, ``note``,
stop the decision clock, close     ``priority``, ``decision``, ``status``, ``search``)
record a decision                  :func:`record_orientation`
switch the surge mode              :func:`switch_surge`
book a slot / cancel a booking     :func:`book_slot` / :func:`cancel_booking` (our records only);
at an agenda editor, by phone      :func:`book_at_editor` / :func:`cancel_at_editor` (async: every
                                   slot, whatever its source; :mod:`app.services.booking.editor_booking`)
attach an appointment, call back   :func:`attach_appointment` / :func:`follow_up_appointment`
load an editor's free slots        :func:`import_agenda_slots` (``sas fhir import``)
import a Hub Santé message         :func:`import_hub_message`
read a case, its events, journal   :func:`read_case`, :func:`case_events`, :func:`journal_page`
=================================  ==============================================
"""

from __future__ import annotations

from app.services.booking.agenda_import import import_agenda_slots
from app.services.booking.appointment_acts import attach_appointment, follow_up_appointment
from app.services.booking.editor_booking import Bookings
from app.services.booking.editor_booking import book as book_at_editor
from app.services.booking.editor_booking import cancel as cancel_at_editor
from app.services.booking.editor_calls import EditorCalls
from app.services.booking.slots import book_slot, cancel_booking
from app.services.regulation.case_acts import apply_event, switch_surge
from app.services.regulation.cases import open_case, record_orientation
from app.services.regulation.hub_import import import_hub_message
from app.services.regulation.reads import case_events, journal_page, read_case, read_orientation

__all__ = [
    "open_case", "apply_event", "record_orientation", "switch_surge", "book_slot", "cancel_booking",
    "attach_appointment", "follow_up_appointment", "import_hub_message", "read_case", "read_orientation",
    "case_events", "journal_page", "import_agenda_slots", "book_at_editor", "cancel_at_editor", "Bookings",
    "EditorCalls",
]
