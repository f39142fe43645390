"""Case events and the surge switch: what regulation changes on a case after it was opened.

* ``PUT /api/v1/cases/{case_uuid}/events/{uuid}`` — one append-only change to a
  case (status, attribution, routing override, hand-over, priority, note,
  decision time), idempotent by the event's UUID like every write: unknown
  → applied to the case row, kept, journalled (kind ``case_event``), **201**;
  same content again → **200**; other content → **409**.  A field the event's
  type needs but lacks → **422** naming it; a change the role may not make
  (an ARM or OSNP closing a DRM case, a decision by a non-doctor) → **403**
  with the reason (rules in :mod:`app.services.regulation.case_events`).
* ``GET /api/v1/cases/{case_uuid}/events`` — the case's events in order.
* ``PUT /api/v1/surge/{uuid}`` — the surge switch turned on or off with its
  reason (journal kind ``surge``): the MRU/MRL split is suspended while on.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel
from sqlalchemy import select

from app.models import Case, CaseEvent, SurgeSwitch
from app.server import records
from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut, invalid, not_found
from app.server.routes.records import PUT_RESPONSES, UuidPath, check_path_uuid
from app.services.regulation import case_events
from app.services.records import journal
from app.services.security import permissions
from app.services.records.documents import CaseEventDoc, SurgeDoc

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
    for field in doc.missing_fields():
        raise invalid(field, f"obligatoire pour un événement « {doc.type} »")
    with state.write() as session:
        existing = session.get(CaseEvent, uuid)
        if existing is not None:
            stored = records.replayed(case_events.event_to_doc(existing), doc,
                                      "Cet événement existe déjà avec un contenu différent",
                                      audit_as=(principal, permissions.CASE_EVENTS_PUT))
            response.status_code = status.HTTP_200_OK
            return stored
        case = session.get(Case, case_uuid)
        if case is None:
            raise invalid("case_uuid", "dossier inconnu du serveur")
        reason = case_events.refusal(principal.role, case, doc)
        if reason is not None:
            audit(principal, permissions.CASE_EVENTS_PUT, uuid, f"forbidden {doc.type}")
            raise ApiError(403, "forbidden", reason)
        event = case_events.apply(case, doc, author=principal.username, author_role=principal.role)
        records.flush_new(session, event)
        stored = case_events.event_to_doc(session.get(CaseEvent, uuid))
        journal.append(session, uuid=uuid, kind=journal.KIND_CASE_EVENT, author=principal.username,
                       author_role=principal.role, payload=stored.model_dump(mode="json", exclude_none=True))
    audit(principal, permissions.CASE_EVENTS_PUT, uuid, f"applied {doc.type}")
    return stored


@router.get("/cases/{case_uuid}/events", response_model=CaseEventList, tags=["dossiers"],
            summary="Lire les événements d'un dossier",
            responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def list_case_events(
    case_uuid: UuidPath,
    principal: Principal = Depends(require(permissions.CASE_EVENTS_GET)),
    state: ServerState = Depends(get_state),
) -> CaseEventList:
    with state.read() as session:
        if session.get(Case, case_uuid) is None:
            raise not_found("Dossier inconnu")
        rows = session.scalars(select(CaseEvent).where(CaseEvent.case_uuid == case_uuid)
                               .order_by(CaseEvent.created_at)).all()
        return CaseEventList(events=[case_events.event_to_doc(e) for e in rows])


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
        existing = session.get(SurgeSwitch, uuid)
        if existing is not None:
            stored = records.replayed(SurgeDoc(uuid=existing.uuid, created_at=existing.created_at,
                                               active=existing.active, reason=existing.reason), doc,
                                      "Cette bascule existe déjà avec un contenu différent")
            response.status_code = status.HTTP_200_OK
            return stored
        records.flush_new(session, SurgeSwitch(uuid=uuid, active=doc.active, reason=doc.reason,
                                               created_at=doc.created_at, author=principal.username,
                                               author_role=principal.role))
        journal.append(session, uuid=uuid, kind=journal.KIND_SURGE, author=principal.username,
                       author_role=principal.role, payload=doc.model_dump(mode="json"))
    audit(principal, permissions.SURGE_PUT, uuid, "on" if doc.active else "off")
    return doc
