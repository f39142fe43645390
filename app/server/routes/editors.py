"""``GET /api/v1/editors``: the agenda editors of the registry and their health (ADMIN only).

One entry per editor of ``sas server --editors FILE`` (registry order): its FHIR base, what
it serves, whether it takes bookings, its time limit, and from the shared
:class:`~app.models.agenda.EditorStatus` row its last success and last error (French,
without URL or identifiers), the median of its last 50 answer times, how many free slots
of it we hold, when a full refresh of it last succeeded, and ``healthy`` (its last answer
was a success, within three refresh periods).  Times are in room time with their offset
(:func:`app.codes.room_time.stamp`).  No editor configured: an empty list.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.codes import room_time
from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES
from app.services.agendas import health
from app.services.records.clock import utcnow
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", tags=["agendas"], responses=ERROR_RESPONSES)


class EditorOut(BaseModel):
    name: str
    base_url: str = Field(description="Base FHIR de l'éditeur")
    serves: list[str] = Field(description="ps, cpts, sos")
    booking: bool = Field(description="Prend les réservations (POST Appointment)")
    time_limit_s: float
    last_success_at: str | None = Field(description="Dernière réponse complète (heure de la salle, ISO 8601)")
    last_error_at: str | None
    last_error: str | None = Field(description="Dernière erreur, en français")
    median_latency_ms: int | None = Field(description="Médiane des 50 derniers temps de réponse")
    slots: int = Field(description="Créneaux libres de cet éditeur dans la base")
    refreshed_at: str | None = Field(description="Dernier rafraîchissement complet réussi")
    healthy: bool


class EditorsOut(BaseModel):
    editors: list[EditorOut]
    refresh_s: float = Field(description="Période du rafraîchissement complet (s)")
    max_age_s: float = Field(description="Âge au-delà duquel une recherche rafraîchit ses effecteurs (s)")


def _stamp(value: datetime | None) -> str | None:
    return room_time.stamp(value) if value is not None else None


@router.get("/editors", response_model=EditorsOut, summary="Éditeurs d'agendas et leur état")
def editors(principal: Principal = Depends(require(permissions.EDITORS_LIST)),
            state: ServerState = Depends(get_state)) -> EditorsOut:
    """Each editor of the registry with its health."""
    with state.read() as session:
        items = health.view(session, state.editors, utcnow())
    audit(principal, permissions.EDITORS_LIST, "-", f"{len(items)} editor(s)")
    out = []
    for item in items:
        for key in ("last_success_at", "last_error_at", "refreshed_at"):
            item[key] = _stamp(item[key])
        out.append(EditorOut(**item))
    return EditorsOut(editors=out, refresh_s=state.editors.refresh_s, max_age_s=state.editors.max_age_s)
