"""Supervisor indicators (issue 7): one computation shared by the wall, the API and the reports.

:func:`compute` turns the rows of a period ``[start, end)`` (see
:mod:`app.services.supervision.stats_rows`) into a :class:`Stats`, judged at ``now``:

* **live queue** — cases waiting by stream (AMU, SNP, NR = not routed yet) and
  priority, the oldest wait, the running P0 timers (P0 is accompanied, never
  parked: counted apart, as in :mod:`app.services.regulation.queue`), open cases in hand
  per operator (whoever last acted on the case, else whoever opened it);
* **answer** — share of calls answered within 60 s (QS60, SUdF target
  99 %) and within 30 s (QS30, configurable, no official threshold), both
  measured from presentation to answer.  Calls of the room's telephone (issue 15,
  :class:`~app.services.supervision.stats_rows.CallRow`) count from their own clocks,
  abandoned ones (ended before any answer) counted as not answered in time; cases
  without a call keep the clocks typed at the desk (``reception`` → ``answered_at``,
  answered cases only) and are counted as typed (``typed_cases``).  Calls ringing now:
  their number and the longest wait;
* **time to a doctor** — median and 90th percentile (nearest rank) of
  ``handed_over_at − reception`` per priority;
* **SNP outcome** — share of decided SNP cases whose decision booked a slot;
  no-show and cancellation rates (0 with a note while no appointment
  follow-up data exists);
* **empty searches** — share of the slot searches recorded in the period
  (``search`` case events) that found nothing, over the period and over the
  last hour before ``now`` (None with a note when no search was recorded);
* **per hour** — calls presented, answered, and answered within 60 s / 30 s, by the
  room's hours (:mod:`app.codes.room_time`: a SAMU 974 counts La Réunion hours
  whatever the server's clock).

:func:`query_stats` is the one function that reads a database session.  The result
types (:class:`Stats`, :class:`Share`…) live in :mod:`app.services.supervision.stats_types`.
Plain Python, no Qt.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from app.codes import priorities, room_time
from app.services.supervision import call_stats
from app.services.supervision.stats_rows import ActivityRow, CaseRow, OrientationRow, Rows, SearchRow, load_rows
from app.services.supervision.stats_types import Durations, HourBucket, OperatorLoad, P0Timer, Share, Stats

#: The result types (:mod:`.stats_types`) and the row type are importable from here too.
__all__ = [
    "ANSWER_30_S", "ANSWER_60_S", "DAY_SHIFT_START", "LAST_HOUR", "MAX_PERIOD", "NIGHT_SHIFT_START",
    "NOTE_NO_APPOINTMENTS", "NOTE_NO_SEARCH_LOG", "PRIORITIES", "STREAMS", "CaseRow", "Durations", "HourBucket",
    "OperatorLoad", "P0Timer", "Share", "Stats", "answer_delay", "compute", "current_shift", "durations",
    "empty_searches", "filter_cases", "follow_up_rates", "hour_buckets", "in_hand", "nearest_rank", "query_stats",
    "snp_booked_share", "within",
]

STREAMS = ("AMU", "SNP", "NR")
PRIORITIES = priorities.CODES
#: QS60 and QS30 thresholds, in seconds.
ANSWER_60_S = 60.0
ANSWER_30_S = 30.0
#: Longest period the indicators are computed over (hour buckets stay few).
MAX_PERIOD = timedelta(days=31)
#: The room's shifts, room time: day 08:00–20:00, night 20:00–08:00.
DAY_SHIFT_START, NIGHT_SHIFT_START = time(8), time(20)

NOTE_NO_APPOINTMENTS = "Aucune donnée de suivi des rendez-vous (RS-SAS-RDV) pour l'instant : taux à 0."
NOTE_NO_SEARCH_LOG = "Aucune recherche de créneaux enregistrée sur la période : indicateur omis."
#: The window of the "last hour" empty-search indicator.
LAST_HOUR = timedelta(hours=1)


# --- pure helpers ------------------------------------------------------------------------------
def nearest_rank(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by nearest rank (``q=0.9`` of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def durations(values: list[float]) -> Durations:
    return Durations(len(values), statistics.median(values) if values else None, nearest_rank(values, 0.9))


def answer_delay(case: CaseRow) -> float | None:
    """Seconds from presentation to answer, None when not answered."""
    if case.answered_at is None:
        return None
    return max(0.0, (case.answered_at - case.presented).total_seconds())


def filter_cases(cases: Iterable[CaseRow], *, stream: str | None = None, priority: str | None = None) -> list[CaseRow]:
    """Cases of one stream and/or one priority (None: all)."""
    return [c for c in cases if (stream is None or c.stream == stream) and (priority is None or c.priority == priority)]


def current_shift(now: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The shift ``now`` falls in, 08:00–20:00 or 20:00–08:00 on the room's clock, as UTC times.

    A night across a DST change lasts 11 or 13 hours: the shift ends at 08:00 on the room's clock.
    """
    local = room_time.to_room(now, zone)
    day, at = local.date(), datetime.combine
    if local.time() < DAY_SHIFT_START:
        start, end = at(day - timedelta(days=1), NIGHT_SHIFT_START), at(day, DAY_SHIFT_START)
    elif local.time() < NIGHT_SHIFT_START:
        start, end = at(day, DAY_SHIFT_START), at(day, NIGHT_SHIFT_START)
    else:
        start, end = at(day, NIGHT_SHIFT_START), at(day + timedelta(days=1), DAY_SHIFT_START)
    return room_time.at_room_time(start, zone), room_time.at_room_time(end, zone)


def hour_buckets(cases: Iterable[CaseRow], start: datetime, end: datetime,
                 zone: tzinfo | None = None) -> list[HourBucket]:
    """Calls and answers per room hour, from the hour holding ``start`` to the one before ``end``.

    Bucket starts are UTC instants one hour apart (a fall-back night has its 02h twice, a
    spring-forward night none); :func:`app.codes.room_time.hour_label` names them.
    """
    first = room_time.hour_floor(start, zone)
    n = max(1, math.ceil((end - first).total_seconds() / 3600))
    counts = [[0, 0, 0, 0] for _ in range(n)]
    for c in cases:
        if not start <= c.presented < end:
            continue
        i = int((c.presented - first).total_seconds() // 3600)
        delay = answer_delay(c)
        counts[i][0] += 1
        if delay is not None:
            counts[i][1] += 1
            counts[i][2] += delay <= ANSWER_60_S
            counts[i][3] += delay <= ANSWER_30_S
    return [HourBucket(first + timedelta(hours=i), *row) for i, row in enumerate(counts)]


def in_hand(open_cases: list[CaseRow], activity: Iterable[ActivityRow]) -> list[OperatorLoad]:
    """Open cases per operator: the last one to act on each case, else the one who opened it."""
    last: dict[str, ActivityRow] = {}
    roles: dict[str, str] = {}
    for a in activity:
        if a.case_uuid not in last or a.at >= last[a.case_uuid].at:
            last[a.case_uuid] = a
        if a.role:
            roles[a.author] = a.role
    load: Counter[str] = Counter()
    for c in open_cases:
        a = last.get(c.uuid)
        load[a.author if a else (c.created_by or "?")] += 1
    return [OperatorLoad(op, roles.get(op, ""), n) for op, n in sorted(load.items(), key=lambda kv: (-kv[1], kv[0]))]


# --- the computation ---------------------------------------------------------------------------
def compute(rows: Rows, start: datetime, end: datetime, now: datetime, *, stream: str | None = None,
            priority: str | None = None, zone: tzinfo | None = None) -> Stats:
    """Every indicator of ``[start, end)`` judged at ``now``, over the cases of ``stream``/``priority``;
    hours are the room's (``zone``, the room's by default)."""
    cases = filter_cases(rows.cases, stream=stream, priority=priority)
    in_period = [c for c in cases if start <= c.presented < end]
    kept = {c.uuid for c in in_period}
    open_cases = [c for c in cases if c.is_open_at(now)]
    accompanied = [c for c in open_cases if c.accompanied or c.priority == "P0"]
    parked = [c for c in open_cases if not (c.accompanied or c.priority == "P0")]

    waiting = {s: {p: 0 for p in PRIORITIES} for s in STREAMS}
    for c in parked:
        waiting[c.stream][c.priority if c.priority in PRIORITIES else "NR"] += 1
    oldest = max(((now - c.presented).total_seconds() for c in parked), default=None)
    timers = sorted((P0Timer(c.uuid, c.case_id, max(0.0, (now - c.presented).total_seconds())) for c in accompanied),
                    key=lambda t: -t.running_s)

    phone = call_stats.figures(rows.calls, start, end, now,
                               None if stream is None and priority is None else {c.uuid for c in cases})
    calls, call_delays = phone.calls, phone.delays
    typed = [c for c in in_period if c.clock_source != "phone"]
    delays = [d for c in typed if (d := answer_delay(c)) is not None]
    timed = typed + [CaseRow(k.call_id, "", k.presented, answered_at=k.answered_at) for k in calls]
    to_doctor: dict[str, list[float]] = {p: [] for p in PRIORITIES}
    for c in in_period:
        if c.handed_over_at is not None:
            to_doctor.setdefault(c.priority, []).append(max(0.0, (c.handed_over_at - c.presented).total_seconds()))

    no_show, cancelled, followed = follow_up_rates(o for o in rows.orientations if o.case_uuid in kept)
    searches = rows.searches if stream is None and priority is None else \
        [s for s in rows.searches if s.case_uuid in {c.uuid for c in cases}]
    empty, empty_last_hour = empty_searches(searches, start, end), empty_searches(searches, now - LAST_HOUR, now)
    notes = {} if empty else {"empty_searches": NOTE_NO_SEARCH_LOG}
    if not followed:
        notes.update(no_show=NOTE_NO_APPOINTMENTS, cancellation=NOTE_NO_APPOINTMENTS)
    return Stats(
        start=start, end=end, now=now, calls=len(typed) + len(calls),
        waiting=waiting, waiting_total=len(parked), oldest_wait_s=oldest, p0_timers=timers,
        in_hand=in_hand(open_cases, rows.activity),
        answered_60=within(delays, call_delays, ANSWER_60_S),
        answered_30=within(delays, call_delays, ANSWER_30_S),
        time_to_doctor={p: durations(v) for p, v in to_doctor.items()},
        snp_booked=snp_booked_share(in_period, rows.orientations),
        no_show_rate=no_show, cancellation_rate=cancelled, empty_searches=empty,
        hours=hour_buckets(timed, start, end, zone),
        notes=notes, empty_searches_last_hour=empty_last_hour,
        calls_waiting=phone.waiting, longest_call_wait_s=phone.longest_wait_s,
        abandoned_calls=Share(phone.abandoned, len(call_delays)) if calls else None,
        phone_calls=len(calls), typed_cases=len(typed),
    )


def within(typed: list[float], calls: list[float | None], threshold: float) -> Share:
    """Answered within ``threshold``: typed answer delays, then the phone's (an abandoned call counts, never within)."""
    quick = sum(d <= threshold for d in typed) + sum(d is not None and d <= threshold for d in calls)
    return Share(quick, len(typed) + len(calls))


def empty_searches(searches: Iterable[SearchRow], start: datetime, end: datetime) -> Share | None:
    """Of the slot searches made in ``[start, end)``, how many found nothing (None when there were none)."""
    counts = [s.results for s in searches if start <= s.at < end]
    return Share(sum(n == 0 for n in counts), len(counts)) if counts else None


def follow_up_rates(orientations: Iterable[OrientationRow]) -> tuple[float, float, bool]:
    """(no-show rate, cancellation rate, whether any booked appointment has a follow-up status)."""
    statuses = [o.appointment_status for o in orientations if o.booked and o.appointment_status]
    if not statuses:
        return 0.0, 0.0, False
    return statuses.count("noshow") / len(statuses), statuses.count("cancelled") / len(statuses), True


def snp_booked_share(cases: Iterable[CaseRow], orientations: Iterable[OrientationRow]) -> Share:
    """Of the SNP cases with a decision, how many had a slot booked."""
    decided: dict[str, bool] = {}
    for o in orientations:
        decided[o.case_uuid] = decided.get(o.case_uuid, False) or o.booked
    snp = [c.uuid for c in cases if c.stream == "SNP" and c.uuid in decided]
    return Share(sum(decided[u] for u in snp), len(snp))


def query_stats(session: Session, start: datetime, end: datetime, now: datetime, *, stream: str | None = None,
                priority: str | None = None, zone: tzinfo | None = None) -> Stats:
    """Load the period's rows from ``session`` and :func:`compute` them."""
    return compute(load_rows(session, start, end, now), start, end, now, stream=stream, priority=priority, zone=zone)
