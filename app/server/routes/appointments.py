"""The two worklists of SAS platform appointments (RS-SAS-RDV, issue 6) and what regulators do on them.

* ``GET /api/v1/appointments?worklist=unattached`` — appointments no case was found
  for, newest first, each with its candidate cases best first (same effecteur and
  time, :mod:`app.services.booking.appointments`);
* ``GET /api/v1/appointments?worklist=followup`` — cancelled or missed appointments
  whose patient must be called back (« rappeler le patient »), with the case's
  callback number;
* ``POST /api/v1/appointments/{uuid}/attach`` ``{"case_uuid"}`` — attach by hand
  (200; replay 200; another case already → 409; unknown case → 422 naming ``case_uuid``);
* ``POST /api/v1/appointments/{uuid}/followed-up`` — the patient was called back (200;
  replay 200; not on the follow-up list → 409).

Roles (:mod:`app.services.security.permissions`): OSNP, MRL and MRU act; the chef de salle
reads.  The lists carry patient contact data: each read is written to the audit
trail, like a case read; each write is journalled (kind ``appointment``) and audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.models import Appointment, Case
from app.server.deps import Principal, ServerState, audit, get_state, record_access, require
from app.server.errors import ERROR_RESPONSES, ErrorOut, conflict, invalid, not_found
from app.server.routes.records import UuidPath
from app.services.booking import appointments
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class CaseBrief(BaseModel):
    """What a regulator needs to recognise a case and call its patient back."""

    uuid: str
    case_id: str
    creation: datetime
    caller_name: str | None = None
    phone: str | None = Field(default=None, description="Numéro de rappel (sinon celui de l'appelant), E.164")
    patient_name: str | None = None
    city_name: str | None = None
    motive: str | None = None


class CandidateOut(BaseModel):
    case: CaseBrief
    reason: Literal["orientation", "search"] = Field(description="orientation (même créneau ou effecteur) ou "
                                                                 "recherche de créneaux montrant l'effecteur")
    at: datetime
    author: str


class AppointmentOut(BaseModel):
    uuid: str
    appointment_id: str
    status: str
    start: datetime
    end: datetime | None
    booked_at: datetime
    orientation_category: str | None
    effecteur_name: str | None
    practitioner_id: str | None
    organization_id: str | None
    regulator_id: str
    case: CaseBrief | None = None
    attached_by: str | None = None
    attach_method: str | None = None
    follow_up_since: datetime | None = None
    followed_up_by: str | None = None
    followed_up_at: datetime | None = None
    candidates: list[CandidateOut] = Field(default_factory=list)


class AppointmentList(BaseModel):
    worklist: Literal["unattached", "followup"]
    appointments: list[AppointmentOut]


class AttachIn(BaseModel):
    case_uuid: str = Field(min_length=1, max_length=36)


def _brief(case: Case | None) -> CaseBrief | None:
    if case is None:
        return None
    patient = case.patients[0] if case.patients else None
    name = " ".join(p for p in (patient.first_name, patient.last_name) if p) if patient else None
    return CaseBrief(uuid=case.uuid, case_id=case.case_id, creation=case.creation, caller_name=case.caller_name,
                     phone=case.callback_phone or case.caller_phone, patient_name=name or None,
                     city_name=case.city_name, motive=case.health_motive_label)


def _out(session, appt: Appointment, with_candidates: bool) -> AppointmentOut:
    found = appointments.candidates(session, appt) if with_candidates else []
    cases = appointments.cases_by_uuid(session, {c.case_uuid for c in found} | {appt.case_uuid} - {None})  # type: ignore[operator]
    return AppointmentOut(
        uuid=appt.uuid, appointment_id=appt.appointment_id, status=appt.status, start=appt.start, end=appt.end,
        booked_at=appt.booked_at, orientation_category=appt.orientation_category,
        effecteur_name=appt.effecteur_name, practitioner_id=appt.practitioner_id,
        organization_id=appt.organization_id, regulator_id=appt.regulator_id,
        case=_brief(cases.get(appt.case_uuid)), attached_by=appt.attached_by, attach_method=appt.attach_method,
        follow_up_since=appt.follow_up_since, followed_up_by=appt.followed_up_by, followed_up_at=appt.followed_up_at,
        candidates=[CandidateOut(case=_brief(cases[c.case_uuid]), reason=c.reason, at=c.at, author=c.author)
                    for c in found if c.case_uuid in cases],
    )


@router.get("/appointments", response_model=AppointmentList, tags=["rendez-vous SAS"],
            summary="Rendez-vous SAS non rattachés, ou à rappeler")
def list_appointments(
    worklist: Literal["unattached", "followup"] = Query(description="unattached ou followup"),
    principal: Principal = Depends(require(permissions.APPOINTMENTS_LIST)),
    state: ServerState = Depends(get_state),
) -> AppointmentList:
    with state.read() as session:
        if worklist == "unattached":
            rows = [_out(session, a, True) for a in appointments.unattached(session)]
        else:
            rows = [_out(session, a, False) for a in appointments.follow_up(session)]
    record_access(state, principal, permissions.APPOINTMENTS_LIST, f"worklist:{worklist}", f"{len(rows)} read")
    return AppointmentList(worklist=worklist, appointments=rows)


_WRITE_RESPONSES = {404: {"model": ErrorOut, "description": "Rendez-vous inconnu"},
                    409: {"model": ErrorOut, "description": "Action impossible dans l'état du rendez-vous"}}


def _get(session, uuid: str) -> Appointment:
    appt = session.get(Appointment, uuid)
    if appt is None:
        raise not_found("Rendez-vous inconnu")
    return appt


@router.post("/appointments/{uuid}/attach", response_model=AppointmentOut, tags=["rendez-vous SAS"],
             summary="Rattacher un rendez-vous SAS à un dossier", responses=_WRITE_RESPONSES)
def attach_appointment(
    uuid: UuidPath,
    body: AttachIn,
    principal: Principal = Depends(require(permissions.APPOINTMENTS_ATTACH)),
    state: ServerState = Depends(get_state),
) -> AppointmentOut:
    with state.write() as session:
        appt = _get(session, uuid)
        if session.get(Case, body.case_uuid) is None:
            raise invalid("case_uuid", "dossier inconnu")
        try:
            done = appointments.attach(session, appt, body.case_uuid, author=principal.username,
                                       author_role=principal.role)
        except ValueError as exc:
            raise conflict(str(exc), "already_attached") from None
        out = _out(session, appt, False)
    audit(principal, permissions.APPOINTMENTS_ATTACH, uuid, f"attached to {body.case_uuid}" if done else "replay")
    return out


@router.post("/appointments/{uuid}/followed-up", response_model=AppointmentOut, tags=["rendez-vous SAS"],
             summary="Patient rappelé : retirer le rendez-vous de la liste à rappeler", responses=_WRITE_RESPONSES)
def mark_followed_up(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.APPOINTMENTS_FOLLOWED_UP)),
    state: ServerState = Depends(get_state),
) -> AppointmentOut:
    with state.write() as session:
        appt = _get(session, uuid)
        try:
            done = appointments.mark_followed_up(session, appt, author=principal.username, author_role=principal.role)
        except ValueError as exc:
            raise conflict(str(exc), "not_on_worklist") from None
        out = _out(session, appt, False)
    audit(principal, permissions.APPOINTMENTS_FOLLOWED_UP, uuid, "followed up" if done else "replay")
    return out
