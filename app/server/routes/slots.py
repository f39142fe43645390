"""Slot search and booking: ``GET /api/v1/slots/search``, ``POST /api/v1/slots/{id}/booking``.

Search goes through the process's in-memory index
(:class:`app.services.search.service.SearchService`, loaded at start by this
router's lifespan) with the filters of the national platform as query
parameters, over a window that defaults to the next 72 hours; the radius
defaults to the patient's département (``insee`` or ``departement``).  With agenda editors
configured (``sas server --editors``), a search first refreshes the effecteurs of its radius
whose slots are older than the registry's ``max_age_s`` (:mod:`app.services.agendas.live`),
waits at most the editors' time limit, and names the editors missing (``missing_editors``).
Booking and cancelling are the regulation core's async commands
(:mod:`app.services.booking.editor_booking`): a booking needs the case's slot
decision and a free slot, a case holds one booking at a time, a slot of an agenda
editor that takes bookings is booked in its agenda first (its FHIR calls go
through one :class:`~app.services.booking.editor_calls.EditorCalls` per app,
``app.state.booking_calls``, closed at shutdown), one of an editor that only shows
slots needs ``confirmed_by_phone``; ``DELETE /api/v1/slots/bookings/{case_uuid}``
cancels it (at the editor too).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response, status
from pydantic import StringConstraints

from app.codes import effecteurs, places
from app.services.records.clock import utcnow
from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut
from app.server.schemas import BookingCancelOut, BookingIn, BookingOut
from app.server.agendas import live_agendas
from app.server.schemas_search import Liveness, RankedSearchOut, ranked_search_out
from app.services.records import bounds
from app.services.regulation import commands
from app.services.security import permissions
from app.services.search import radius as search_radius
from app.services.search.model import PROFESSIONS, STRUCTURES, SearchQuery
from app.services.search.radius import MAX_RADIUS_KM
from app.services.search.service import SearchService

#: Default search window, as on the national SAS platform (domain.md A.2 step 6).
DEFAULT_WINDOW = timedelta(hours=72)
MAX_SLOT_ID = bounds.INT_MAX

_INSTANT_DOC = "Instant ISO 8601 avec fuseau, ex. 2024-01-18T10:00:00+01:00"
_INSTANT_MESSAGE = "date et heure attendues au format ISO 8601 avec fuseau (2024-01-18T10:00:00+01:00)"


def _parse_instant(value: str | None) -> tuple[datetime | None, str | None]:
    """(datetime, None) or (None, French error) for a query-string instant.

    A ``+`` left unencoded in a URL arrives as a space (``…T10:00:00 01:00``);
    it is put back rather than refused.
    """
    if value is None:
        return None, None
    text = value.strip().replace(" ", "+")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, _INSTANT_MESSAGE
    if parsed.tzinfo is None:
        return None, "l'heure doit porter un fuseau horaire"
    return parsed, None


def _window(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    start_at, start_error = _parse_instant(start)
    end_at, end_error = _parse_instant(end)
    start_error = start_error or (bounds.instant_problem(start_at) if start_at else None)
    end_error = end_error or (bounds.instant_problem(end_at) if end_at else None)
    fields = [{"field": name, "message": msg} for name, msg in (("start", start_error), ("end", end_error)) if msg]
    if not fields:
        start_at = start_at or utcnow()
        # bounds.LATEST is far from datetime.max: adding the default window cannot overflow.
        end_at = end_at or start_at + DEFAULT_WINDOW
        if end_at <= start_at:
            fields.append({"field": "end", "message": "la fin doit être après le début"})
    if fields:
        raise ApiError(422, "validation", "Données invalides", fields=fields)
    return start_at, end_at


def _service(request: Request) -> SearchService:
    """The app's search service (created on first use when the lifespan did not run)."""
    service = getattr(request.app.state, "slot_search", None)
    if service is None:
        service = request.app.state.slot_search = SearchService()
    return service


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the slot index when the server starts (merged into the app's lifespan)."""
    service = app.state.slot_search = SearchService()
    state: ServerState = app.state.sas
    with state.read() as session:
        service.index(session)
    calls = app.state.booking_calls = commands.EditorCalls(state.editors)
    try:
        yield
    finally:
        await calls.aclose()


def _bookings(request: Request, state: ServerState) -> commands.Bookings:
    """The core's booking dependencies for this app (its FHIR client created on first use without lifespan)."""
    calls = getattr(request.app.state, "booking_calls", None)
    if calls is None:
        calls = request.app.state.booking_calls = commands.EditorCalls(state.editors)
    return commands.Bookings(db=state, registry=state.editors, calls=calls, index=_service(request))


router = APIRouter(prefix="/api/v1/slots", tags=["créneaux"], responses=ERROR_RESPONSES, lifespan=lifespan)

_Kind = Literal[effecteurs.KIND_CODES]  # type: ignore[valid-type]
_Mode = Literal[effecteurs.SLOT_MODE_CODES]  # type: ignore[valid-type]


@router.get("/search", response_model=RankedSearchOut, summary="Rechercher des créneaux libres (classés)")
def search(
    request: Request,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude du patient (WGS 84)")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude du patient (WGS 84)")],
    radius_km: Annotated[float | None, Query(gt=0, le=MAX_RADIUS_KM, description=(
        "Rayon de recherche en km ; défaut : le rayon du département (insee ou departement)"))] = None,
    start: Annotated[str | None, Query(description=_INSTANT_DOC + " ; défaut : maintenant",
                                       json_schema_extra={"format": "date-time"})] = None,
    end: Annotated[str | None, Query(description=_INSTANT_DOC + " ; défaut : début + 72 h",
                                     json_schema_extra={"format": "date-time"})] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    kind: Annotated[list[_Kind] | None,
                    Query(description="Types d'effecteur à garder (répétable) ; défaut : tous")] = None,
    window: Annotated[list[Literal["0-4", "4-8", "8-12", "12-24", "24-48", "48-72"]] | None,
                      Query(description="Disponible sous (heures après maintenant, répétable)")] = None,
    mode: Annotated[list[_Mode] | None,
                    Query(description="Cabinet AMB, visite HH, téléconsultation VR (répétable)")] = None,
    structure: Annotated[list[Literal[STRUCTURES]] | None,  # type: ignore[valid-type]  # Literal of a tuple
                         Query(description="Type de structure")] = None,
    profession: Annotated[list[Literal[PROFESSIONS]] | None,  # type: ignore[valid-type]
                          Query(description="Profession")] = None,
    specialty: Annotated[list[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,8}$")]] | None,
                         Query(description="Spécialité TRE-R38, ex. SM54 (répétable)")] = None,
    sas_only: Annotated[bool, Query(description="Participants au SAS seulement")] = False,
    en_sus: Annotated[bool, Query(description="Effecteurs acceptant des patients en sus seulement")] = False,
    practitioner: Annotated[str | None, Query(pattern=r"^\d{11}$",
                                              description="RPPS du médecin traitant (montré en premier)")] = None,
    insee: Annotated[str | None, Query(pattern=places.INSEE_PATTERN,
                                       description="Commune INSEE du patient (rayon par défaut)")] = None,
    departement: Annotated[str | None, Query(pattern=places.DEPARTEMENT_PATTERN,
                                             description="Département du patient (rayon par défaut)")] = None,
    call_limit: Annotated[int, Query(ge=0, le=500)] = 50,
    principal: Principal = Depends(require(permissions.SLOTS_SEARCH)),
    state: ServerState = Depends(get_state),
) -> RankedSearchOut:
    """Free slots in the radius and window, ranked: médecin traitant, SAS participants, others,
    nearest then soonest in each group; then the effecteurs to phone."""
    start_at, end_at = _window(start, end)
    rule = search_radius.rule_for(departement, insee=insee)
    radius = radius_km if radius_km is not None else rule.radius_km
    query = SearchQuery(
        lat=lat, lon=lon, radius_km=radius, now=utcnow(), start=start_at, end=end_at,
        windows=tuple(window or ()), modes=tuple(mode or ()), kinds=tuple(kind or ()),
        structures=tuple(structure or ()), professions=tuple(profession or ()), specialties=tuple(specialty or ()),
        sas_only=sas_only, extra_only=en_sus, practitioner_rpps=practitioner, limit=limit, call_limit=call_limit,
    )
    service, live, missing = _service(request), live_agendas(request.app), ()
    with state.read() as session:
        if live is not None:  # editors configured: refresh what is old in the radius first (bounded wait)
            refresh = live.refresh_for_search(session, service.index(session).effecteurs_near(query))
            missing = tuple(refresh.missing)
        answer = service.search(session, query)
    return ranked_search_out(answer, radius, rule.widened(radius), Liveness(state.editors, missing, utcnow()))


@router.post(
    "/{slot_id}/booking",
    status_code=status.HTTP_201_CREATED,
    response_model=BookingOut,
    summary="Réserver un créneau pour la décision d'un dossier (chez l'éditeur de l'agenda s'il en prend)",
    responses={
        200: {"model": BookingOut, "description": "Rejeu : déjà réservé pour cette même décision"},
        404: {"model": ErrorOut, "description": "Créneau inconnu"},
        409: {"model": ErrorOut, "description": (
            "Créneau déjà pris (slot_taken), pris entre-temps dans l'agenda de l'éditeur (slot_taken_at_editor : "
            "créneau retiré, rafraîchir la liste), dossier ayant déjà un rendez-vous (already_booked : renvoyer "
            "avec rebook=true), éditeur sans réservation (phone_confirmation_required : appeler l'effecteur, "
            "current.phone, puis renvoyer avec confirmed_by_phone=true), éditeur qui réserve lui-même "
            "(phone_confirmation_not_allowed), rendez-vous changé entre-temps (booking_changed)")},
        422: {"model": ErrorOut, "description": "Décision inconnue de ce dossier, ou qui ne réserve pas de créneau"},
        502: {"model": ErrorOut, "description": "L'agenda de l'éditeur ne répond pas (editor_unavailable) : rien "
                                                "n'est réservé, le créneau reste libre"},
    },
)
async def book(
    request: Request,
    slot_id: Annotated[int, Path(ge=1, le=MAX_SLOT_ID)],
    body: BookingIn,
    response: Response,
    principal: Principal = Depends(require(permissions.SLOTS_BOOK)),
    state: ServerState = Depends(get_state),
) -> BookingOut:
    """Book the slot for the decision ``orientation_id`` of ``case_id``: 201, or 200 when it already holds it."""
    change = await commands.book_at_editor(_bookings(request, state), principal, slot_id, str(body.orientation_id),
                                           str(body.case_id), rebook=body.rebook,
                                           confirmed_by_phone=body.confirmed_by_phone)
    response.status_code = change.status
    return BookingOut(slot_id=slot_id, orientation_id=str(body.orientation_id), orientation=change.document,
                      booked_via=change.summary.get("booked_via"), editor=change.summary.get("editor"),
                      appointment_id=change.summary.get("appointment_id"))


@router.delete(
    "/bookings/{case_uuid}",
    response_model=BookingCancelOut,
    summary="Annuler le rendez-vous d'un dossier (chez l'éditeur aussi ; le créneau redevient libre)",
    responses={404: {"model": ErrorOut, "description": "Ce dossier n'a pas de rendez-vous"},
               409: {"model": ErrorOut, "description": "Rendez-vous changé entre-temps (booking_changed)"},
               502: {"model": ErrorOut, "description": "L'agenda de l'éditeur ne répond pas (editor_unavailable) : "
                                                       "le rendez-vous n'est pas annulé"}},
)
async def cancel(
    request: Request,
    case_uuid: Annotated[str, Path(min_length=1, max_length=36)],
    principal: Principal = Depends(require(permissions.BOOKINGS_CANCEL)),
    state: ServerState = Depends(get_state),
) -> BookingCancelOut:
    """Cancel the case's active booking, journalled; the slot goes back to the search."""
    change = await commands.cancel_at_editor(_bookings(request, state), principal, case_uuid)
    return BookingCancelOut(slot_id=change.summary["slot_id"], case_uuid=case_uuid, orientation=change.document,
                            editor=change.summary.get("editor"), appointment_id=change.summary.get("appointment_id"))
