"""The rows of the supervisor's shift review, and the filters applied to them in memory.

:class:`ReviewRow` is one case as the review shows it (clocks, with the room telephone's
:class:`CallTimes` when it timed the call, priority, stream, status, last decision, the
operators and their roles, and a *folded* text — :func:`fold`: lower case, accents removed —
of everything a supervisor may search).  :func:`apply_filter` keeps the rows a
:class:`ReviewFilter` admits and :func:`choices` lists what the filter boxes offer: pure
functions over rows already loaded (by :func:`app.services.supervision.shift_review.load_review`),
so live filtering while typing reads no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from app.codes import room_time
from app.services.records import journal_text
from app.services.regulation import decisions
from app.services.regulation.queue import format_duration

#: Case statuses as the review shows them (Hub Santé ``status`` codes → French; one list with the journal's).
STATUS_LABELS = journal_text.STATUS_LABELS
#: ``decision`` filter value for cases without any decision yet.
NO_DECISION = "AUCUNE"

#: Combining diacritical marks, left apart by the NFKD decomposition (é → e + U+0301).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """``"Hélène  ÉTIENNE"`` → ``"helene  etienne"``: case and accents ignored, for searching."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def decision_label(key: str | None) -> str:
    """What a user reads for a decision key (:func:`app.services.regulation.decisions.label_of`)."""
    return decisions.label_of(key)


@dataclass(frozen=True, slots=True)
class CallTimes:
    """The room's telephone call of a case (issue 15): its clocks, as the review shows them."""

    presented: datetime | None
    answered: datetime | None
    ended: datetime | None
    abandoned: bool = False
    #: Transfers and hand-overs, in order: (event, time, target).
    transfers: tuple[tuple[str, datetime, str], ...] = ()

    @property
    def wait_s(self) -> float | None:
        until = self.answered or self.ended
        if self.presented is None or until is None:
            return None
        return max(0.0, (until - self.presented).total_seconds())

    def text(self) -> str:
        """``présenté 10:14:00, décroché 10:14:12 (attente 0:12), transféré 10:16:00 → mru`` (room time)."""
        parts = [f"présenté {room_time.clock_seconds(self.presented)}"] if self.presented else []
        wait = f"attente {format_duration(self.wait_s)}"
        if self.answered is not None:
            parts.append(f"décroché {room_time.clock_seconds(self.answered)} ({wait})")
        elif self.abandoned:
            parts.append(f"abandonné ({wait})")
        for event, at, target in self.transfers:
            verb = "transféré" if event == "transferred" else "repris"
            parts.append(f"{verb} {room_time.clock_seconds(at)} → {target}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One case of the review, with what the table shows and what the filters test."""

    uuid: str
    case_id: str
    presented: datetime
    priority: str
    stream: str
    status: str
    motive: str = ""
    patient: str = ""
    city: str = ""
    #: ``decision_key`` of the latest orientation, None when undecided.
    decision: str | None = None
    booked: bool = False
    answered_s: float | None = None
    #: Everyone who acted on the case (opened it, changed it, decided), first actor first.
    operators: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()
    #: Folded text searched by :func:`apply_filter`.
    haystack: str = ""
    #: The case's call on the room's telephone (None: no call, the clocks were typed), issue 15.
    call: CallTimes | None = None

    @property
    def answer_text(self) -> str:
        """The « Décroché en » cell: the delay, and whether the phone or a person timed it."""
        if self.call is not None and self.call.answered is None and self.call.abandoned:
            return f"abandonné après {format_duration(self.call.wait_s)}"
        if self.answered_s is None:
            return "—"
        how = "téléphone" if self.call is not None else "saisi"
        moved = ", transféré" if self.call is not None and self.call.transfers else ""
        return f"{format_duration(self.answered_s)} ({how}{moved})"


@dataclass(frozen=True)
class ReviewFilter:
    """What the supervisor asked for; None or "" leaves a criterion open."""

    start: datetime
    end: datetime
    role: str | None = None
    operator: str | None = None
    priority: str | None = None
    #: A ``decision_key``, or :data:`NO_DECISION`.
    decision: str | None = None
    status: str | None = None
    #: Words that must all appear (case and accents ignored) in the case's text.
    text: str = ""


def apply_filter(rows: list[ReviewRow], flt: ReviewFilter) -> list[ReviewRow]:
    """The rows ``flt`` admits, in their order (the period was applied when loading)."""
    words = fold(flt.text).split()
    kept = []
    for r in rows:
        if flt.priority and r.priority != flt.priority:
            continue
        if flt.status and r.status != flt.status:
            continue
        if flt.decision and (r.decision or NO_DECISION) != flt.decision:
            continue
        if flt.role and flt.role not in r.roles:
            continue
        if flt.operator and flt.operator not in r.operators:
            continue
        if words and not all(w in r.haystack for w in words):
            continue
        kept.append(r)
    return kept


@dataclass(frozen=True)
class Choices:
    """The values the filter boxes offer for a set of rows."""

    operators: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def choices(rows: list[ReviewRow]) -> Choices:
    return Choices(
        operators=sorted({o for r in rows for o in r.operators}),
        roles=sorted({x for r in rows for x in r.roles}),
        decisions=sorted({r.decision for r in rows if r.decision}),
        statuses=[s for s in STATUS_LABELS if any(r.status == s for r in rows)],
    )
