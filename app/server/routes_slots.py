"""Slot search and booking: ``GET /api/v1/slots/search``, ``POST /api/v1/slots/{id}/booking``.

Search delegates to :func:`app.services.slot_search.search_slots` (nearest
first) over a window that defaults to the next 72 hours.  Booking is one
conditional ``UPDATE slots SET status='booked' … WHERE id=? AND status='free'``
whose row count decides the answer, so two desks racing for the same slot get
exactly one 201; it runs in the serialised write transaction that also
appends the ``booking`` journal entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from app.models import Slot, utcnow
from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, ApiError, ErrorOut, conflict, not_found
from app.server.schemas import BookingIn, BookingOut, EffecteurOut, SearchOut, SlotOut
from app.services import journal, permissions, slot_search

router = APIRouter(prefix="/api/v1/slots", tags=["créneaux"], responses=ERROR_RESPONSES)

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


def _slot_out(hit: slot_search.SlotHit) -> SlotOut:
    e = hit.effecteur
    return SlotOut(
        slot_id=hit.slot_id, start=hit.start, end=hit.end, mode=hit.mode, slot_type=hit.slot_type,
        source=hit.source, fetched_at=hit.fetched_at, distance_km=hit.distance_km,
        effecteur=EffecteurOut(
            id=e.id, name=e.name, kind=e.kind, lat=e.lat, lon=e.lon, phone=e.phone, address=e.address,
            city_name=e.city_name, sas_participant=e.sas_participant, accepts_extra=e.accepts_extra,
        ),
    )


@router.get("/search", response_model=SearchOut, summary="Rechercher des créneaux libres")
def search(
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude du patient (WGS 84)")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude du patient (WGS 84)")],
    radius_km: Annotated[float, Query(gt=0, le=200, description="Rayon de recherche en km")],
    start: Annotated[str | None, Query(description=_INSTANT_DOC + " ; défaut : maintenant",
                                       json_schema_extra={"format": "date-time"})] = None,
    end: Annotated[str | None, Query(description=_INSTANT_DOC + " ; défaut : début + 72 h",
                                     json_schema_extra={"format": "date-time"})] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    kind: Annotated[list[Literal["MG", "SOS", "MSP", "CDS", "PHARM", "INF"]] | None,
                    Query(description="Types d'effecteur à garder (répétable) ; défaut : tous")] = None,
    principal: Principal = Depends(require(permissions.SLOTS_SEARCH)),
    state: ServerState = Depends(get_state),
) -> SearchOut:
    """Free slots within ``radius_km`` of the point, starting in the window, nearest first."""
    start_at, end_at = _window(start, end)
    with state.read() as session:
        result = slot_search.search_slots(
            session, lat=lat, lon=lon, radius_km=radius_km, start=start_at, end=end_at, limit=limit, now=utcnow(),
            kinds=kind,
        )
    return SearchOut(results=[_slot_out(hit) for hit in result.hits], total=result.total)


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
        if result.rowcount != 1:
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
    audit(principal, permissions.SLOTS_BOOK, slot_id, f"booked for orientation {orientation_id}")
    return booked
