"""The room's telephone calls (issue 15): what the desks' softphones report, links to cases, lookups.

* ``POST /api/v1/calls/events`` — one desk's report about a call (presented, answered, ended,
  abandoned, transferred, handed_over, dialled): **201** with the call; the same report from the
  same desk again → **200**; an answer when another desk already answered → **409**
  ``call_taken`` (``current`` names who has it).  Rules in :mod:`app.services.calls.rules`.
* ``POST /api/v1/calls/{call_id}/case`` — link the call to a case: an incoming call then gives
  the case its reception and answer clocks (``clock_source`` ``phone``).
* ``GET /api/v1/calls?state=waiting|active|recent`` — the room's calls (audited).
* ``GET /api/v1/calls/lookup?number=`` — open cases and cases of the last 30 days with that
  number, and the duplicate warning (audited read of patient data).

Every change is journalled (kind ``call``); refusals are structured errors naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, Field

from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ErrorOut
from app.services.calls import events, lookup
from app.services.calls.documents import CallEventDoc, CallLinkDoc, CallState
from app.services.records.clock import utcnow
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", tags=["téléphonie"], responses=ERROR_RESPONSES)


class TransferOut(BaseModel):
    event: Literal["transferred", "handed_over"]
    at: datetime
    target: str
    by: str


class CallOut(BaseModel):
    """One call of the room, with its clocks."""

    call_id: str
    direction: Literal["in", "out"]
    number: str | None
    hidden: bool
    presented_at: datetime | None
    answered_at: datetime | None
    answered_by: str | None
    holder: str | None = Field(description="Poste qui a l'appel en main (après une reprise : le médecin)")
    ended_at: datetime | None
    abandoned: bool = Field(description="Terminé sans que personne ne décroche")
    case_id: str | None = Field(description="UUID du dossier rattaché")
    target: str | None
    transfers: list[TransferOut]
    wait_s: float | None = Field(description="Attente de l'appelant en secondes (jusqu'au décroché, à la fin, "
                                             "ou maintenant)")
    typed: bool = Field(description="Heures saisies à la main (mode dégradé)")
    state: Literal["waiting", "active", "ended"]


class CallList(BaseModel):
    calls: list[CallOut]


class CaseSummaryOut(BaseModel):
    uuid: str
    case_id: str
    short_number: str
    created_at: datetime
    priority: str
    status: str
    open: bool
    motive: str
    city: str | None
    caller_name: str | None
    summary: str = Field(description="Une ligne en français : numéro, date, motif, commune")


class LookupOut(BaseModel):
    """What the room knows of a number."""

    number: str = Field(description="Le numéro au format E.164")
    open_cases: list[CaseSummaryOut]
    recent_cases: list[CaseSummaryOut] = Field(description="Dossiers non ouverts des 30 derniers jours")
    duplicate_warning: str | None


_TAKEN = {409: {"model": ErrorOut, "description": "Appel déjà décroché par un autre poste (call_taken)"},
          403: {"model": ErrorOut, "description": "Rôle non autorisé pour cet événement (raison donnée)"}}
CallIdPath = Path(min_length=1, max_length=255, description="Identifiant d'appel de la salle (Call-ID SIP)")


@router.post("/calls/events", status_code=status.HTTP_201_CREATED, response_model=CallOut,
             summary="Signaler un événement d'appel (idempotent par appel, événement et poste)",
             responses={200: {"model": CallOut, "description": "Rejeu : déjà reçu de ce poste"}, **_TAKEN})
def post_call_event(
    doc: CallEventDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.CALLS_EVENTS_POST)),
    state: ServerState = Depends(get_state),
) -> CallOut:
    with state.write() as session:
        change = events.record_event(session, principal, doc)
    response.status_code = change.status
    return CallOut.model_validate(change.call)


@router.post("/calls/{call_id:path}/case", response_model=CallOut, summary="Rattacher un appel à un dossier",
             responses={404: {"model": ErrorOut, "description": "Appel inconnu"}})
def link_call(
    doc: CallLinkDoc,
    call_id: str = CallIdPath,
    principal: Principal = Depends(require(permissions.CALLS_CASE_LINK)),
    state: ServerState = Depends(get_state),
) -> CallOut:
    with state.write() as session:
        change = events.link_case(session, principal, call_id, doc.case_id)
    return CallOut.model_validate(change.call)


@router.get("/calls", response_model=CallList, summary="Les appels de la salle")
def list_calls(
    state_: CallState = Query(default="waiting", alias="state",
                              description="waiting : en attente ; active : en cours ; recent : dernière heure"),
    principal: Principal = Depends(require(permissions.CALLS_LIST)),
    state: ServerState = Depends(get_state),
) -> CallList:
    with state.write(journal_lock=False) as session:
        calls = lookup.list_calls(session, principal, state_, utcnow())
    return CallList(calls=[CallOut.model_validate(c) for c in calls])


@router.get("/calls/lookup", response_model=LookupOut, summary="Ce que la salle sait d'un numéro")
def lookup_number(
    number: str = Query(min_length=1, max_length=64, description="Numéro (0612345678 ou +33612345678)"),
    principal: Principal = Depends(require(permissions.CALLS_LOOKUP)),
    state: ServerState = Depends(get_state),
) -> LookupOut:
    with state.write(journal_lock=False) as session:
        found = lookup.lookup(session, principal, number, utcnow())
    return LookupOut.model_validate(found)
