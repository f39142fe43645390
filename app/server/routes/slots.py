"""Slot search and booking: ``GET /api/v1/slots/search``, ``POST /api/v1/slots/{id}/booking``.

Search goes through the process's in-memory index
(:class:`app.services.search.service.SearchService`, loaded at start by this
router's lifespan) with the filters of the national platform as query
parameters, over a window that defaults to the next 72 hours; the radius
defaults to the patient's département (``insee`` or ``departement``).  Booking is one
conditional ``UPDATE slots SET status='booked' … WHERE id=? AND status='free'``
whose row count decides the answer, so two desks racing for the same slot get
exactly one 201; it runs in the serialised write transaction that also
appends the ``booking`` journal entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response, status
from pydantic import StringConstraints
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from app.models import Slot, utcnow
from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut, conflict, not_found
from app.server.schemas import BookingIn, BookingOut
from app.server.schemas_search import RankedSearchOut, ranked_search_out
from app.services.records import journal
from app.services.security import permissions
from app.services.search import radius as search_radius
from app.services.search.model import PROFESSIONS, STRUCTURES, SearchQuery
from app.services.search.radius import MAX_RADIUS_KM
from app.services.search.service import SearchService

#: Default search window, as on the national SAS platform (domain.md A.2 step 6).
DEFAULT_WINDOW = timedelta(hours=72)
MAX_SLOT_ID = 2**31 - 1

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
    fields = [{"field": name, "message": msg} for name, msg in (("start", start_error), ("end", end_error)) if msg]
    if not fields:
        start_at = start_at or utcnow()
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
    yield


router = APIRouter(prefix="/api/v1/slots", tags=["créneaux"], responses=ERROR_RESPONSES, lifespan=lifespan)

_Kind = Literal["MG", "SOS", "MSP", "CDS", "PHARM", "INF", "CPTS", "MMG"]


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
    mode: Annotated[list[Literal["AMB", "HH", "VR"]] | None,
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
    insee: Annotated[str | None, Query(pattern=r"^[0-9][0-9AB][0-9]{3}$",
                                       description="Commune INSEE du patient (rayon par défaut)")] = None,
    departement: Annotated[str | None, Query(pattern=r"^(\d{2}|2[AB]|97\d)$",
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
    with state.read() as session:
        answer = _service(request).search(session, query)
    return ranked_search_out(answer, radius, rule.widened(radius))


@router.post(
    "/{slot_id}/booking",
    status_code=status.HTTP_201_CREATED,
    response_model=BookingOut,
    summary="Réserver un créneau pour une orientation",
    responses={
        200: {"model": BookingOut, "description": "Rejeu : déjà réservé par cette même orientation"},
        404: {"model": ErrorOut, "description": "Créneau inconnu"},
        409: {"model": ErrorOut, "description": "Créneau déjà pris (slot_taken), ou orientation ayant déjà un créneau"},
    },
)
def book(
    request: Request,
    slot_id: Annotated[int, Path(ge=1, le=MAX_SLOT_ID)],
    body: BookingIn,
    response: Response,
    principal: Principal = Depends(require(permissions.SLOTS_BOOK)),
    state: ServerState = Depends(get_state),
) -> BookingOut:
    """Book the slot for ``orientation_id``: 201, or 200 when that orientation already holds it."""
    orientation_id, case_id = str(body.orientation_id), str(body.case_id)
    booked = BookingOut(slot_id=slot_id, orientation_id=orientation_id)
    with state.write() as session:
        other = aliased(Slot)  # an alias, so the subquery is not correlated to the updated row
        taken_elsewhere = select(other.id).where(other.booked_orientation_uuid == orientation_id).exists()
        result = session.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.status == "free", ~taken_elsewhere)
            .values(status="booked", booked_orientation_uuid=orientation_id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
            slot = session.get(Slot, slot_id)
            if slot is None:
                raise not_found("Créneau inconnu")
            if slot.booked_orientation_uuid == orientation_id:
                response.status_code = status.HTTP_200_OK
                audit(principal, permissions.SLOTS_BOOK, slot_id, "replay")
                return booked
            if slot.status == "free":
                other = session.scalar(select(Slot.id).where(Slot.booked_orientation_uuid == orientation_id))
                raise conflict(f"Cette orientation a déjà réservé le créneau {other}")
            audit(principal, permissions.SLOTS_BOOK, slot_id, "taken")
            raise conflict("Créneau déjà pris", error="slot_taken")
        slot = session.get(Slot, slot_id)
        journal.append(
            session, uuid=orientation_id, kind=journal.KIND_BOOKING,
            author=principal.username, author_role=principal.role,
            payload={
                "slot_id": slot_id, "orientation_id": orientation_id, "case_id": case_id,
                "status": "booked", "effecteur_id": slot.effecteur_id, "site_id": slot.site_id,
                "start": slot.start.isoformat(), "end": slot.end.isoformat(), "mode": slot.mode,
            },
        )
    _service(request).mark_booked(slot_id)
    audit(principal, permissions.SLOTS_BOOK, slot_id, f"booked for orientation {orientation_id}")
    return booked
