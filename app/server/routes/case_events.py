"""Case events and the surge switch: what regulation changes on a case after it was opened.

* ``PUT /api/v1/cases/{case_uuid}/events/{uuid}`` — one append-only change to a
  case (status, attribution, routing override, hand-over, priority, note,
  decision time), idempotent by the event's UUID like every write: unknown
  → applied to the case row, kept, journalled (kind ``case_event``), **201**;
  same content again → **200**; other content → **409**.  A field the event's
  type needs but lacks → **422** naming it; a change the role may not make
  (an ARM or OSNP closing a DRM case, a decision by a non-doctor) → **403**
  with the reason (rules in :mod:`app.services.regulation.rules`).
* ``GET /api/v1/cases/{case_uuid}/events`` — the case's events in order.
* ``PUT /api/v1/surge/{uuid}`` — the surge switch turned on or off with its
  reason (journal kind ``surge``): the MRU/MRL split is suspended while on.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel

from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ErrorOut, invalid, not_found
from app.server.routes.records import PUT_RESPONSES, UuidPath, check_path_uuid
from app.services.records.documents import CaseEventDoc, SurgeDoc
from app.services.regulation import commands
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


class CaseEventList(BaseModel):
    """The events of one case, oldest first."""

    events: list[CaseEventDoc]


_FORBIDDEN = {403: {"model": ErrorOut, "description": "Changement interdit pour ce rôle (raison donnée)"}}


@router.put("/cases/{case_uuid}/events/{uuid}", status_code=status.HTTP_201_CREATED, response_model=CaseEventDoc,
            tags=["dossiers"], summary="Ajouter un événement à un dossier (idempotent)",
            responses={**PUT_RESPONSES, **_FORBIDDEN})
def put_case_event(
    case_uuid: UuidPath,
    uuid: UuidPath,
    doc: CaseEventDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.CASE_EVENTS_PUT)),
    state: ServerState = Depends(get_state),
) -> CaseEventDoc:
    """Apply one change to a case; a replay of the same event answers 200."""
    check_path_uuid(uuid, doc, of="de l'événement")
    if doc.case_uuid != case_uuid:
        raise invalid("case_uuid", "le dossier de l'événement diffère de celui de l'adresse")
    with state.write() as session:
        change = commands.apply_event(session, principal, doc)
    response.status_code = change.status
    return change.document


@router.get("/cases/{case_uuid}/events", response_model=CaseEventList, tags=["dossiers"],
            summary="Lire les événements d'un dossier",
            responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def list_case_events(
    case_uuid: UuidPath,
    principal: Principal = Depends(require(permissions.CASE_EVENTS_GET)),
    state: ServerState = Depends(get_state),
) -> CaseEventList:
    with state.write(journal_lock=False) as session:
        events = commands.case_events(session, principal, case_uuid)
    if events is None:
        raise not_found("Dossier inconnu")
    return CaseEventList(events=events)


@router.put("/surge/{uuid}", status_code=status.HTTP_201_CREATED, response_model=SurgeDoc, tags=["salle"],
            summary="Basculer le mode afflux (idempotent)", responses=PUT_RESPONSES)
def put_surge(
    uuid: UuidPath,
    doc: SurgeDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.SURGE_PUT)),
    state: ServerState = Depends(get_state),
) -> SurgeDoc:
    """Record the switch with who and why; the latest switch gives the room's mode."""
    check_path_uuid(uuid, doc)
    with state.write() as session:
        change = commands.switch_surge(session, principal, doc)
    response.status_code = change.status
    return change.document
