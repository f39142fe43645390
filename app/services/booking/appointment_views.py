"""The SAS appointments as the worklists show them: what a regulator needs to recognise and call back.

Built from the stored rows by :func:`appointment_out`; the candidate cases of an
unattached appointment come from :func:`app.services.booking.appointments.candidates`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.models import Appointment, Case
from app.services.booking import appointments


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


def case_brief(case: Case | None) -> CaseBrief | None:
    if case is None:
        return None
    patient = case.patients[0] if case.patients else None
    name = " ".join(p for p in (patient.first_name, patient.last_name) if p) if patient else None
    return CaseBrief(uuid=case.uuid, case_id=case.case_id, creation=case.creation, caller_name=case.caller_name,
                     phone=case.callback_phone or case.caller_phone, patient_name=name or None,
                     city_name=case.city_name, motive=case.health_motive_label)


def appointment_out(session, appt: Appointment, with_candidates: bool) -> AppointmentOut:
    found = appointments.candidates(session, appt) if with_candidates else []
    wanted = {c.case_uuid for c in found} | ({appt.case_uuid} if appt.case_uuid else set())
    cases = appointments.cases_by_uuid(session, wanted)
    return AppointmentOut(
        uuid=appt.uuid, appointment_id=appt.appointment_id, status=appt.status, start=appt.start, end=appt.end,
        booked_at=appt.booked_at, orientation_category=appt.orientation_category,
        effecteur_name=appt.effecteur_name, practitioner_id=appt.practitioner_id,
        organization_id=appt.organization_id, regulator_id=appt.regulator_id,
        case=case_brief(cases.get(appt.case_uuid)), attached_by=appt.attached_by, attach_method=appt.attach_method,
        follow_up_since=appt.follow_up_since, followed_up_by=appt.followed_up_by, followed_up_at=appt.followed_up_at,
        candidates=[CandidateOut(case=case_brief(cases[c.case_uuid]), reason=c.reason, at=c.at, author=c.author)
                    for c in found if c.case_uuid in cases],
    )
