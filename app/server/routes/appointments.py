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

from typing import Literal

from fastapi import APIRouter, Depends, Query

from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ErrorOut
from app.server.routes.records import UuidPath
from app.services.booking import appointment_acts
from app.services.booking.appointment_views import AppointmentList, AppointmentOut, AttachIn
from app.services.regulation import commands
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.get("/appointments", response_model=AppointmentList, tags=["rendez-vous SAS"],
            summary="Rendez-vous SAS non rattachés, ou à rappeler")
def list_appointments(
    worklist: Literal["unattached", "followup"] = Query(description="unattached ou followup"),
    principal: Principal = Depends(require(permissions.APPOINTMENTS_LIST)),
    state: ServerState = Depends(get_state),
) -> AppointmentList:
    with state.write(journal_lock=False) as session:
        return appointment_acts.worklist(session, principal, worklist)


_WRITE_RESPONSES = {404: {"model": ErrorOut, "description": "Rendez-vous inconnu"},
                    409: {"model": ErrorOut, "description": "Action impossible dans l'état du rendez-vous"}}


@router.post("/appointments/{uuid}/attach", response_model=AppointmentOut, tags=["rendez-vous SAS"],
             summary="Rattacher un rendez-vous SAS à un dossier", responses=_WRITE_RESPONSES)
def attach_appointment(
    uuid: UuidPath,
    body: AttachIn,
    principal: Principal = Depends(require(permissions.APPOINTMENTS_ATTACH)),
    state: ServerState = Depends(get_state),
) -> AppointmentOut:
    with state.write() as session:
        return commands.attach_appointment(session, principal, uuid, body.case_uuid).document


@router.post("/appointments/{uuid}/followed-up", response_model=AppointmentOut, tags=["rendez-vous SAS"],
             summary="Patient rappelé : retirer le rendez-vous de la liste à rappeler", responses=_WRITE_RESPONSES)
def mark_followed_up(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.APPOINTMENTS_FOLLOWED_UP)),
    state: ServerState = Depends(get_state),
) -> AppointmentOut:
    with state.write() as session:
        return commands.follow_up_appointment(session, principal, uuid).document
