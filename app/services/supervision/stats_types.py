"""The supervisor indicators' result types: :class:`Stats` and the pieces it is made of.

:class:`Share` (a count out of a total, its ratio), :class:`Durations` (median and 90th
percentile), :class:`P0Timer`, :class:`OperatorLoad`, :class:`HourBucket`, and :class:`Stats`
with its JSON-ready :meth:`Stats.to_dict`.  Computed by :func:`app.services.supervision.stats.compute`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime


@dataclass(frozen=True)
class Share:
    """``numerator`` out of ``denominator``; ``ratio`` is None when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Durations:
    """Median and 90th percentile of some delays, in seconds (None when there are none)."""

    count: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class P0Timer:
    uuid: str
    case_id: str
    running_s: float


@dataclass(frozen=True)
class OperatorLoad:
    operator: str
    role: str
    cases: int


@dataclass(frozen=True)
class HourBucket:
    start: datetime
    calls: int = 0
    answered: int = 0
    answered_60: int = 0
    answered_30: int = 0


@dataclass(frozen=True)
class Stats:
    """Every indicator of one period, as the wall, ``GET /api/v1/stats`` and the reports show them."""

    start: datetime
    end: datetime
    now: datetime
    calls: int
    waiting: dict[str, dict[str, int]]
    waiting_total: int
    oldest_wait_s: float | None
    p0_timers: list[P0Timer]
    in_hand: list[OperatorLoad]
    answered_60: Share
    answered_30: Share
    time_to_doctor: dict[str, Durations]
    snp_booked: Share
    #: No-show and cancellation rates of booked appointments (0 with a note while there is no follow-up data).
    no_show_rate: float
    cancellation_rate: float
    empty_searches: Share | None
    hours: list[HourBucket]
    #: Indicator name → why it is 0 or omitted (French).
    notes: dict[str, str] = field(default_factory=dict)
    #: Empty searches over the hour before ``now`` (None when no search was recorded in it).
    empty_searches_last_hour: Share | None = None
    #: The room's telephone (issue 15): calls ringing at ``now`` nobody answered yet, the longest of their waits.
    calls_waiting: int = 0
    longest_call_wait_s: float | None = None
    #: Presented calls of the period that ended before anyone answered (None when no call came by phone).
    abandoned_calls: Share | None = None
    #: How the period's calls were timed: by the phone, or typed at the desk (cases without a call).
    phone_calls: int = 0
    typed_cases: int = 0

    def to_dict(self) -> dict:
        """JSON-ready form: ISO 8601 times, shares with their ``ratio``."""
        return _jsonable(self)


def _jsonable(value):
    if isinstance(value, Share):
        return {"numerator": value.numerator, "denominator": value.denominator, "ratio": value.ratio}
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
