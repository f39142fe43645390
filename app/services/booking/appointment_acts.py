"""What regulators do with SAS appointments: read the worklists, attach one to a case, mark a call back.

Commands of the regulation core (see :mod:`app.services.regulation.commands`):
the worklists carry patient contact data, so each read writes an audit row; each
write is journalled (kind ``appointment``) and audited.  OSNP, MRL and MRU act; the
chef de salle reads (:mod:`app.services.security.permissions`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Appointment, Case
from app.services.booking import appointments
from app.services.booking.appointment_views import AppointmentList, AppointmentOut, appointment_out
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import conflict, forbidden, invalid, not_found
from app.services.security import audit, permissions


def _allowed(actor: Actor, route: str) -> None:
    if not permissions.is_allowed(route, actor.role):
        raise forbidden()


def _get(session: Session, uuid: str) -> Appointment:
    appt = session.get(Appointment, uuid)
    if appt is None:
        raise not_found("Rendez-vous inconnu")
    return appt


def worklist(session: Session, actor: Actor, which: str) -> AppointmentList:
    """The ``unattached`` or ``followup`` worklist, its read audited."""
    _allowed(actor, permissions.APPOINTMENTS_LIST)
    if which == "unattached":
        rows = [appointment_out(session, a, True) for a in appointments.unattached(session)]
    else:
        rows = [appointment_out(session, a, False) for a in appointments.follow_up(session)]
    audit.record(session, actor.author, actor.role, permissions.APPOINTMENTS_LIST, f"worklist:{which}",
                 f"{len(rows)} read")
    return AppointmentList(worklist=which, appointments=rows)


def attach_appointment(session: Session, actor: Actor, uuid: str, case_uuid: str) -> ChangeRecord:
    """Attach an appointment to a case by hand (200; replay 200; another case already → 409)."""
    _allowed(actor, permissions.APPOINTMENTS_ATTACH)
    appt = _get(session, uuid)
    if session.get(Case, case_uuid) is None:
        raise invalid("case_uuid", "dossier inconnu")
    try:
        done = appointments.attach(session, appt, case_uuid, author=actor.author[:64], author_role=actor.role[:16])
    except ValueError as exc:
        raise conflict(str(exc), "already_attached") from None
    out: AppointmentOut = appointment_out(session, appt, False)
    audit.log(actor.author, actor.role, permissions.APPOINTMENTS_ATTACH, uuid,
              f"attached to {case_uuid}" if done else "replay")
    return ChangeRecord("appointment.attached", case_uuid, uuid, 200, actor.author, out)


def follow_up_appointment(session: Session, actor: Actor, uuid: str) -> ChangeRecord:
    """The patient of a cancelled or missed appointment was called back (200; replay 200; else 409)."""
    _allowed(actor, permissions.APPOINTMENTS_FOLLOWED_UP)
    appt = _get(session, uuid)
    try:
        done = appointments.mark_followed_up(session, appt, author=actor.author[:64], author_role=actor.role[:16])
    except ValueError as exc:
        raise conflict(str(exc), "not_on_worklist") from None
    out = appointment_out(session, appt, False)
    audit.log(actor.author, actor.role, permissions.APPOINTMENTS_FOLLOWED_UP, uuid, "followed up" if done else "replay")
    return ChangeRecord("appointment.followed_up", appt.case_uuid, uuid, 200, actor.author, out)
