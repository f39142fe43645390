"""The room's waiting queue and the clocks of each case, computed from cases (with their events applied).

A case waits for a doctor from the moment it is presented until a decision is
taken (``decided_at``) or it is closed.  The queue is sorted by priority (P0
first, NR last) then by waiting time (longest first), the same for every role.

P0 is never *parked*: its hand-over to the MRU is accompanied (the ARM stays on
the line), so a P0 entry is marked ``accompanied`` and shown apart with a
running timer, but never counted as waiting.

The clocks (domain.md A.2, design note): presented (``reception``) → answered
(``answered_at``) → handed to a doctor (``handed_over_at``) → decided
(``decided_at``).  Who has the case in hand (``holder``, the prise en charge) rides
along.  Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.codes import case_codes
from app.codes import priorities
from app.services.regulation.rules import CLOSED_STATUSES
from app.services.records.documents import CaseDoc

#: Queue order: the official list's order, P0 first, NR last.
PRIORITY_RANK = {code: rank for rank, code in enumerate(priorities.CODES)}
#: Statuses after which a case no longer waits (closed, or its regulation achieved).
ENDED_STATUSES = (*CLOSED_STATUSES, "ACHEVE")
#: Priorities that count as urgent waiting (they may suspend the MRU / MRL split).
URGENT_PRIORITIES = priorities.URGENT
#: The case fields the queue reads (a store may hand :func:`build` rows of just these).
ROW_FIELDS = ("uuid", "case_id", "priority", "perimeter", "attribution", "health_motive_label", "health_motive_code",
              "city_name", "reception", "creation", "handed_over_at", "accompanied", "status", "decided_at",
              "holder", "holder_name", "held_since")


@dataclass(frozen=True)
class QueueEntry:
    """One open case as the queue shows it."""

    uuid: str
    case_id: str
    priority: str
    perimeter: str | None
    attribution: str | None
    motive: str
    place: str
    presented: datetime
    handed_over: datetime | None
    accompanied: bool
    #: Seconds since the call was presented.
    waiting_s: float
    #: Who has the case in hand (username, display name, since when); None when nobody does.
    holder: str | None = None
    holder_name: str | None = None
    held_since: datetime | None = None

    @property
    def short_id(self) -> str:
        return case_codes.short_number(self.case_id)


def is_open(case: CaseDoc) -> bool:
    """Still waiting for a decision: not closed and not decided."""
    return case.status not in ENDED_STATUSES and case.decided_at is None


def presented_at(case: CaseDoc) -> datetime:
    return case.reception or case.creation


def build(cases: Iterable[CaseDoc], now: datetime) -> list[QueueEntry]:
    """Open cases, P0 first, then by priority and longest wait."""
    entries = [
        QueueEntry(
            uuid=c.uuid, case_id=c.case_id, priority=c.priority, perimeter=c.perimeter, attribution=c.attribution,
            motive=c.health_motive_label or c.health_motive_code or "", place=c.city_name or "",
            presented=presented_at(c), handed_over=c.handed_over_at,
            accompanied=c.accompanied or c.priority == "P0",
            waiting_s=max(0.0, (now - presented_at(c)).total_seconds()),
            holder=getattr(c, "holder", None), holder_name=getattr(c, "holder_name", None),
            held_since=getattr(c, "held_since", None),
        )
        for c in cases if is_open(c)
    ]
    entries.sort(key=lambda e: (PRIORITY_RANK.get(e.priority, 9), -e.waiting_s, e.case_id))
    return entries


def worklist(rows: Iterable, now: datetime) -> list[QueueEntry]:
    """The OSNP's worklist (decided cases waiting for a booking) as queue entries, in the order given."""
    return [
        QueueEntry(
            uuid=c.uuid, case_id=c.case_id, priority=c.priority, perimeter=c.perimeter, attribution=c.attribution,
            motive=c.health_motive_label or c.health_motive_code or "", place=c.city_name or "",
            presented=presented_at(c), handed_over=c.handed_over_at, accompanied=False,
            waiting_s=max(0.0, (now - presented_at(c)).total_seconds()),
            holder=c.holder, holder_name=c.holder_name, held_since=c.held_since,
        )
        for c in rows
    ]


def waiting(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    """The entries parked in the queue (P0 and accompanied hand-overs excluded)."""
    return [e for e in entries if not e.accompanied]


def urgent_waiting(entries: Iterable[QueueEntry]) -> int:
    """P0/P1 cases open at once: from :data:`app.services.regulation.routing.URGENT_WAITING_LIMIT` the split is
    suspended."""
    return sum(1 for e in entries if e.priority in URGENT_PRIORITIES)


@dataclass(frozen=True)
class Clocks:
    """Delays of one case, in seconds from presentation (None: not reached yet)."""

    answer_s: float | None
    handover_s: float | None
    decision_s: float | None


def clocks(case: CaseDoc) -> Clocks:
    start = presented_at(case)

    def since(t: datetime | None) -> float | None:
        return None if t is None else max(0.0, (t - start).total_seconds())

    return Clocks(since(case.answered_at), since(case.handed_over_at), since(case.decided_at))


def format_duration(seconds: float | None) -> str:
    """``75`` → ``"1:15"``, ``3725`` → ``"1:02:05"``, None → ``"—"``."""
    if seconds is None:
        return "—"
    s = int(seconds)
    h, m, s = s // 3600, (s % 3600) // 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
