"""The wall's figures from the room's telephone (issue 15): calls presented, answer delays, abandons, ringing now.

:func:`figures` turns the incoming calls of :class:`~app.services.supervision.stats_rows.Rows`
into what :func:`app.services.supervision.stats.compute` needs: the calls presented in
``[start, end)`` (only those of the filtered cases when a stream or priority is chosen: a call
has a stream through its case), each settled call's answer delay (None when it ended
unanswered — an abandoned call is never answered in time, and counts), the calls ringing at
``now`` and the longest of their waits.  Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.services.supervision.stats_rows import CallRow


@dataclass(frozen=True)
class PhoneFigures:
    calls: list[CallRow]
    #: One per settled call: seconds to its answer, None when it ended unanswered.
    delays: list[float | None]
    abandoned: int
    waiting: int
    longest_wait_s: float | None


def call_delay(call: CallRow) -> float | None:
    """Seconds from presentation to answer; None for a call that ended unanswered."""
    if call.answered_at is None:
        return None
    return max(0.0, (call.answered_at - call.presented).total_seconds())


def figures(calls: Iterable[CallRow], start: datetime, end: datetime, now: datetime,
            case_uuids: set[str] | None = None) -> PhoneFigures:
    """See the module docstring; ``case_uuids`` restricts the period's calls to those cases' (None: all)."""
    every = list(calls)
    kept = [k for k in every if start <= k.presented < end
            and (case_uuids is None or (k.case_uuid is not None and k.case_uuid in case_uuids))]
    settled = [k for k in kept if k.settled]
    ringing = [k for k in every if k.waiting_at(now)]
    return PhoneFigures(
        calls=kept, delays=[call_delay(k) for k in settled],
        abandoned=sum(k.answered_at is None for k in settled),
        waiting=len(ringing),
        longest_wait_s=max(((now - k.presented).total_seconds() for k in ringing), default=None),
    )
