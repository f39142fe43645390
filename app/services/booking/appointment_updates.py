"""Appointment status back from the agenda editors (INT_R03): a FHIR Appointment stored like an RS-SAS-RDV.

An editor of the registry (:mod:`app.services.agendas.registry`) creates or updates an
appointment on the room's FHIR endpoint (:mod:`app.server.routes.fhir_inbox`).  The
resource, read by :mod:`app.services.interop.fhir.appointment_in`, becomes the same
:class:`~app.services.interop.hub.rs_sas_rdv.AppointmentMessage` the Hub path builds and
goes through the same :func:`app.services.booking.appointments.receive`, so:

* an appointment the room booked at that editor (row keyed by the UUID the room sent as
  identifier under ``urn:oid:1.2.250.1.213.3.6``) is updated in place: ``fulfilled``,
  ``noshow``, ``cancelled`` reach its orientation's case (journal, timeline, statistics)
  and the follow-up worklist; any of the resource's identifier values may name it;
* an appointment unknown to the room is recorded like an RS-SAS-RDV: matched to its
  case, or left on the "unattached" worklist;
* one row per appointment: the same one arriving from the editor and from the Hub, or the
  same update twice, is one row and one journal entry per real change;
* an editor may not touch an appointment another editor holds (422 on ``identifier``);
  a status change :data:`~app.services.booking.appointments.TRANSITIONS` forbids is
  refused (422 on ``status``); an update older than the stored state (``meta.lastUpdated``)
  is acknowledged and changes nothing.

What the editor sends is written as ``editeur:<name>`` with role ``EDITEUR`` (journal,
audit trail), never as a user of the room.  Plain Python, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Appointment
from app.services.booking import appointments
from app.services.interop.fhir import codes
from app.services.interop.fhir.appointment import AppointmentRequest, build_appointment, instant
from app.services.interop.fhir.appointment_in import AppointmentInvalid, EditorAppointment
from app.services.interop.hub.rs_sas_rdv import UPDATE, AppointmentMessage, Practitioner, Regulator
from app.services.regulation.actor import Actor
from app.services.security import audit, permissions

#: Role written on what an agenda editor sends (not a role of the room: no user has it).
EDITOR_ROLE = "EDITEUR"
EDITOR_AUTHOR_PREFIX = "editeur:"
OTHER_EDITOR = "rendez-vous tenu par un autre éditeur d'agenda"
NOT_FOUND = "Rendez-vous inconnu"


def editor_actor(name: str) -> Actor:
    """Who an editor's request acts as (journal author ``editeur:<name>``, role ``EDITEUR``)."""
    return Actor(username=f"{EDITOR_AUTHOR_PREFIX}{name}"[:64], role=EDITOR_ROLE, display_name=name)


@dataclass(frozen=True)
class EditorUpdate:
    """What :func:`receive_from_editor` did: the row, 201 or 200, and why nothing changed if so."""

    appointment: Appointment
    created: bool
    changed: bool
    ignored: str | None = None

    @property
    def status_code(self) -> int:
        return 201 if self.created else 200


def _known(session: Session, update: EditorAppointment) -> Appointment | None:
    """The stored appointment one of the identifier values names (the room's key first)."""
    rows = list(session.scalars(select(Appointment).where(Appointment.appointment_id.in_(sorted(update.values)))))
    return next((r for r in rows if r.appointment_id == update.key), rows[0] if rows else None)


def to_message(update: EditorAppointment, appointment_id: str, created: datetime) -> AppointmentMessage:
    """The RS-SAS-RDV model of ``update`` (names, structure and category are not in a FHIR Appointment)."""
    practitioner = Practitioner(update.practitioner_id, "", "") if update.practitioner_id else None
    return AppointmentMessage(
        appointment_id=appointment_id, method=UPDATE, created=update.created or created, start=update.start,
        end=update.end, status=update.status, orientation_category=None, practitioner=practitioner,
        organization=None, regulator=Regulator(update.regulator_id or ""), raw=update.resource)


def receive_from_editor(session: Session, editor: str, update: EditorAppointment, *,
                        conditional: str | None = None, now: datetime | None = None) -> EditorUpdate:
    """Store ``update`` sent by ``editor`` (the caller holds the journal's write transaction).

    ``conditional``: the ``identifier`` search token of a conditional update, which must
    name one of the resource's identifiers.  Raises :class:`AppointmentInvalid` (400/422).
    """
    now = now or datetime.now(timezone.utc)
    actor = editor_actor(editor)
    route = permissions.FHIR_APPOINTMENTS_PUT if conditional is not None else permissions.FHIR_APPOINTMENTS_POST
    if conditional is not None and not update.matches(conditional):
        raise AppointmentInvalid(400, "Appointment.identifier",
                                 "aucun identifiant ne correspond au paramètre identifier de la requête")
    appt = _known(session, update)
    if appt is not None and appt.editor not in (None, editor):
        audit.record(session, actor.author, actor.role, route, appt.uuid, "refused: other editor")
        raise AppointmentInvalid(422, "Appointment.identifier", OTHER_EDITOR)
    if appt is not None and not appointments.is_stale(appt, update.last_updated):
        problem = appointments.transition_problem(appt, update.status)
        if problem:
            audit.record(session, actor.author, actor.role, route, appt.uuid, f"refused: {appt.status}>{update.status}")
            raise AppointmentInvalid(422, "Appointment.status", problem)
    message = to_message(update, appt.appointment_id if appt else update.key, appt.booked_at if appt else now)
    received = appointments.receive(session, message, author=actor.author, author_role=actor.role, now=now,
                                    editor=editor, status_at=update.last_updated)
    row = received.appointment
    outcome = received.outcome()
    audit.record(session, actor.author, actor.role, route, row.uuid, outcome)
    return EditorUpdate(row, created=received.created, changed=received.changed, ignored=received.ignored)


def read_for_editor(session: Session, editor: str, uuid: str) -> dict:
    """The appointment ``uuid`` as a FHIR Appointment, for the editor that holds it (else 404), read audited."""
    appt = session.get(Appointment, uuid) if len(uuid) <= 36 else None
    actor = editor_actor(editor)
    if appt is None or appt.editor != editor:
        audit.record(session, actor.author, actor.role, permissions.FHIR_APPOINTMENTS_GET, uuid[:64], "not found")
        raise AppointmentInvalid(404, "Appointment.id", NOT_FOUND)
    audit.record(session, actor.author, actor.role, permissions.FHIR_APPOINTMENTS_GET, appt.uuid, "read")
    return as_resource(appt)


def as_resource(appt: Appointment) -> dict:
    """The stored appointment as a ``FrAppointmentSAS`` (``id`` = the row's uuid, ``meta.lastUpdated``)."""
    has_end = appt.end is not None and appt.end > appt.start
    regulator = appt.regulator_id or ""
    request = AppointmentRequest(
        identifier_system=codes.OID_SAS, identifier_value=appt.appointment_id, start=appt.start,
        end=appt.end if has_end and appt.end is not None else appt.start + timedelta(minutes=1),
        status=appt.status, practitioner_id=appt.practitioner_id if (appt.practitioner_id or "").isdigit() else None,
        regulator_id=regulator or None, regulator_is_national="/" in regulator or regulator.isdigit(),
        created=appt.booked_at)
    resource = build_appointment(request)
    if not has_end:
        del resource["end"]  # the Hub did not say; nothing is invented
    resource["id"] = appt.uuid
    resource["meta"]["lastUpdated"] = instant(appt.updated_at)
    return resource
