"""``GET /api/v1/stats?start=&end=``: the supervisor indicators of a period (issue 7).

The same computation as the console's supervisor wall and the reports
(:func:`app.services.supervision.stats.query_stats`), over the server's database: live
queue by stream and priority, oldest wait, P0 timers, cases in hand per
operator, QS60 / QS30, time to a doctor by priority, SNP booked share,
no-show and cancellation rates, and per-hour buckets for charts; from the room's telephone
(issue 15) the calls ringing now, the longest wait, the abandoned calls, and how many calls
were timed by the phone or typed.

Reserved to the chef de salle (``SUPERVISEUR``) and ``ADMIN``.  ``start`` and
``end`` are ISO 8601 times **with an offset**; a missing offset, ``end`` not
after ``start``, or a period longer than 31 days answers 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.codes import priorities
from app.services.records.clock import utcnow
from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, invalid
from app.services.security import permissions
from app.services.supervision import stats

router = APIRouter(prefix="/api/v1", tags=["supervision"], responses=ERROR_RESPONSES)

class ShareOut(BaseModel):
    numerator: int
    denominator: int
    ratio: float | None = Field(description="numerator / denominator ; null quand rien n'est compté")


class DurationsOut(BaseModel):
    count: int
    median_s: float | None
    p90_s: float | None = Field(description="90e centile (rang le plus proche), en secondes")


class P0TimerOut(BaseModel):
    uuid: str
    case_id: str
    running_s: float


class OperatorLoadOut(BaseModel):
    operator: str
    role: str
    cases: int


class HourBucketOut(BaseModel):
    start: datetime
    calls: int
    answered: int
    answered_60: int
    answered_30: int


class StatsOut(BaseModel):
    """The indicators of ``[start, end)``; the live queue is judged at ``now``."""

    start: datetime
    end: datetime
    now: datetime
    calls: int = Field(description="Appels présentés dans la période")
    waiting: dict[str, dict[str, int]] = Field(description="En attente par filière (AMU, SNP, NR) puis priorité")
    waiting_total: int
    oldest_wait_s: float | None
    p0_timers: list[P0TimerOut]
    in_hand: list[OperatorLoadOut]
    answered_60: ShareOut
    answered_30: ShareOut
    time_to_doctor: dict[str, DurationsOut]
    snp_booked: ShareOut
    no_show_rate: float
    cancellation_rate: float
    empty_searches: ShareOut | None = Field(description="Recherches de créneaux sans résultat sur la période")
    empty_searches_last_hour: ShareOut | None = Field(default=None,
                                                      description="Recherches sans résultat sur la dernière heure")
    hours: list[HourBucketOut]
    notes: dict[str, str] = Field(description="Indicateur → pourquoi il vaut 0 ou est omis")
    # The room's telephone (issue 15): optional, so older consoles read the answer as before.
    calls_waiting: int = Field(default=0, description="Appels qui sonnent maintenant, non décrochés")
    longest_call_wait_s: float | None = Field(default=None, description="Plus longue attente en cours, en secondes")
    abandoned_calls: ShareOut | None = Field(default=None, description="Appels présentés terminés sans décroché "
                                                                       "(null sans appel du téléphone)")
    phone_calls: int = Field(default=0, description="Appels de la période chronométrés par le téléphone")
    typed_cases: int = Field(default=0, description="Dossiers de la période aux heures saisies à la main")


#: Times outside these years are refused (they are typing slips, and far dates overflow).
YEARS = (2000, 2100)


def _checked(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise invalid(name, "l'heure doit porter un fuseau horaire (ex. 2024-01-18T08:00:00+01:00)")
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise invalid(name, f"date hors des années {YEARS[0]}–{YEARS[1]}")
    return value


StreamCode = Literal[stats.STREAMS]  # type: ignore[valid-type]
PriorityCode = Literal[priorities.CODES]  # type: ignore[valid-type]


@router.get("/stats", response_model=StatsOut, summary="Indicateurs de la salle sur une période",
            response_description="Les indicateurs de la période (mêmes calculs que le mur du superviseur)")
def get_stats(
    start: datetime = Query(description="Début de la période (inclus), avec fuseau horaire"),
    end: datetime = Query(description="Fin de la période (exclue), avec fuseau horaire"),
    stream: StreamCode | None = Query(default=None, description="Filière (NR : non orientée)"),
    priority: PriorityCode | None = Query(default=None, description="Priorité"),
    principal: Principal = Depends(require(permissions.STATS_GET)),
    state: ServerState = Depends(get_state),
) -> StatsOut:
    """Every indicator of ``[start, end)``; the live queue is judged now (or at ``end`` if it is past)."""
    start, end = _checked("start", start), _checked("end", end)
    if end <= start:
        raise invalid("end", "la fin de période doit suivre son début")
    if end - start > stats.MAX_PERIOD:
        raise invalid("end", f"période limitée à {stats.MAX_PERIOD.days} jours")
    now = min(utcnow(), end)
    with state.read() as session:
        result = stats.query_stats(session, start, end, now, stream=stream, priority=priority)
    return StatsOut.model_validate(result.to_dict())
