"""The rows the supervisor indicators are computed from, and the queries that load them.

:mod:`app.services.supervision.stats` computes every indicator from three kinds of plain,
immutable rows, so the computation is a pure function that tests feed by hand:

* :class:`CaseRow` — one case with its clocks (presented, answered, handed
  over, decided), its stream (``perimeter``), priority and status;
* :class:`OrientationRow` — one decision on a case, and whether it booked a slot;
* :class:`ActivityRow` — someone acting on a case (a case event), used to say
  who has a case "in hand";
* :class:`SearchRow` — one slot search on a case (a ``search`` case event)
  and how many results it found;
* :class:`CallRow` — one incoming call of the room's telephone with its clocks (issue 15).

:func:`load_rows` reads them from any database of the schema — the server's or
a console's local cache (same tables) — selecting columns only (no ORM
objects), which keeps a 5,000-case shift well under the wall's refresh budget.
Plain Python and SQLAlchemy, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import DateTime, and_, or_, select, type_coerce
from sqlalchemy.orm import Session

from app.models import Appointment, Call, Case, CaseEvent, Orientation
from app.models.base import UTCDateTime
from app.services.regulation.case_events import search_record
from app.services.regulation.queue import ENDED_STATUSES
from app.services.regulation.rules import CLOSED_STATUSES


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What the indicators need of one case (times are timezone-aware)."""

    uuid: str
    case_id: str
    presented: datetime
    priority: str = "NR"
    perimeter: str | None = None
    status: str = "ACTIF"
    answered_at: datetime | None = None
    handed_over_at: datetime | None = None
    decided_at: datetime | None = None
    accompanied: bool = False
    created_by: str = ""
    #: ``phone`` when a call gave the case its clocks (migration 0011); None: typed by hand.
    clock_source: str | None = None

    @property
    def stream(self) -> str:
        """``AMU`` (with its PSY and NEONAT sub-streams), ``SNP``, or ``NR`` when not routed yet."""
        if self.perimeter == "SNP":
            return "SNP"
        return "AMU" if self.perimeter in ("AMU", "PSY", "NEONAT") else "NR"

    def is_open_at(self, now: datetime) -> bool:
        """Presented by ``now``, not decided by then and not closed."""
        if self.presented > now or self.status in CLOSED_STATUSES or self.status == "ACHEVE":
            return False
        return self.decided_at is None or self.decided_at > now


@dataclass(frozen=True, slots=True)
class OrientationRow:
    """One decision on a case; ``booked`` when it carries a slot or an appointment time."""

    case_uuid: str
    created: datetime
    decision_key: str
    booked: bool = False
    #: Appointment status when follow-up data exists (booked, fulfilled, noshow, cancelled).
    appointment_status: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """``author`` (``role``) acted on a case at ``at``."""

    case_uuid: str
    author: str
    role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One slot search recorded on a case (a ``search`` case event) and how many results it found."""

    case_uuid: str
    at: datetime
    results: int


@dataclass(frozen=True, slots=True)
class CallRow:
    """One incoming call of the room's telephone (issue 15), with the clocks its desks reported."""

    call_id: str
    presented: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    abandoned: bool = False
    case_uuid: str | None = None

    @property
    def settled(self) -> bool:
        """Answered, or ended without an answer: its answer delay is known."""
        return self.answered_at is not None or self.ended_at is not None

    def waiting_at(self, now: datetime) -> bool:
        """Ringing at ``now``: presented by then, neither answered nor ended by then."""
        return self.presented <= now and not (self.answered_at is not None and self.answered_at <= now) \
            and not (self.ended_at is not None and self.ended_at <= now)


@dataclass(frozen=True)
class Rows:
    """Everything :func:`app.services.supervision.stats.compute` reads for one period."""

    cases: list[CaseRow]
    orientations: list[OrientationRow]
    activity: list[ActivityRow]
    #: Slot searches recorded in the period (``search`` case events).
    searches: list[SearchRow] = field(default_factory=list)
    #: Incoming calls presented in the period, and older ones still ringing (issue 15).
    calls: list[CallRow] = field(default_factory=list)


#: Most values in one ``IN (...)`` (SQLite's historical limit is 999 bound parameters).
IN_CHUNK = 900

_CASE_COLUMNS = (Case.uuid, Case.case_id, Case.reception, Case.creation, Case.priority, Case.perimeter, Case.status,
                 Case.answered_at, Case.handed_over_at, Case.decided_at, Case.accompanied, Case.created_by,
                 Case.clock_source)


def _in(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def _period_cases(start: datetime, end: datetime):
    """Cases presented in ``[start, end)``, plus older ones still open (they still wait)."""
    presented_in = or_(_in(Case.reception, start, end), and_(Case.reception.is_(None), _in(Case.creation, start, end)))
    still_open = and_(Case.decided_at.is_(None), Case.status.not_in(ENDED_STATUSES),
                      or_(Case.reception < end, and_(Case.reception.is_(None), Case.creation < end)))
    return or_(presented_in, still_open)


def _core(session: Session, stmt) -> list:
    """``stmt``'s rows through the session's connection: plain columns need none of the ORM's row machinery."""
    return session.connection().execute(stmt).all()


def _plain_times(session: Session, *columns):
    """``columns`` with their times read as the driver gives them, and the function that makes them aware.

    On PostgreSQL (``timestamptz``) the driver already returns aware times, so the per-value
    :class:`~app.models.base.UTCDateTime` conversion is skipped (it is most of the cost of
    reading a 5,000-case shift); SQLite stores naive UTC, which :func:`_utc` marks as such.
    """
    aware = session.get_bind().dialect.name == "postgresql"
    plain = [type_coerce(c, DateTime(timezone=True)).label(c.key) if isinstance(c.type, UTCDateTime) else c
             for c in columns]
    return plain, (_same if aware else _utc)


def _same(value):
    return value


def _utc(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def load_cases(session: Session, start: datetime, end: datetime) -> list[CaseRow]:
    """Cases presented in ``[start, end)``, plus older ones still open (they still wait)."""
    columns, t = _plain_times(session, *_CASE_COLUMNS)
    rows = _core(session, select(*columns).where(_period_cases(start, end)))
    return [
        CaseRow(uuid, case_id, t(reception or creation), priority, perimeter, status, t(answered), t(handed_over),
                t(decided), bool(accompanied), created_by or "", clock_source)
        for (uuid, case_id, reception, creation, priority, perimeter, status, answered, handed_over, decided,
             accompanied, created_by, clock_source) in rows
    ]


def _chunked(session: Session, stmt, column, uuids: set[str]) -> list:
    """``stmt`` restricted to ``column IN uuids``, in chunks the databases accept."""
    ordered, rows = sorted(uuids), []
    for i in range(0, len(ordered), IN_CHUNK):
        rows.extend(_core(session, stmt.where(column.in_(ordered[i:i + IN_CHUNK]))))
    return rows


def load_orientations(session: Session, start: datetime, end: datetime) -> list[OrientationRow]:
    """Orientations of the cases :func:`load_cases` reads for the same period (one joined query).

    The appointment status comes from the SAS platform's appointments (RS-SAS-RDV) attached
    to the case: through the orientation they matched, or, attached without one, as a row of
    their own (decision ``RDV_SAS``, booked).
    """
    columns, t = _plain_times(session, Orientation.case_uuid, Orientation.creation, Orientation.decision_key,
                              Orientation.slot_id, Orientation.appointment_start, Appointment.status)
    stmt = (select(*columns)
            .join(Case, Case.uuid == Orientation.case_uuid)
            .outerjoin(Appointment, Appointment.orientation_uuid == Orientation.uuid)
            .where(_period_cases(start, end)))
    rows = [
        OrientationRow(case_uuid, t(created), decision_key,
                       slot_id is not None or appointment_start is not None or status is not None, status)
        for case_uuid, created, decision_key, slot_id, appointment_start, status in _core(session, stmt)
    ]
    columns, t = _plain_times(session, Appointment.case_uuid, Appointment.booked_at, Appointment.status)
    alone = (select(*columns)
             .join(Case, Case.uuid == Appointment.case_uuid)
             .where(Appointment.orientation_uuid.is_(None), _period_cases(start, end)))
    rows.extend(OrientationRow(case_uuid, t(booked_at), "RDV_SAS", True, status)
                for case_uuid, booked_at, status in _core(session, alone))
    return rows


def load_activity(session: Session, open_uuids: set[str]) -> list[ActivityRow]:
    """Case events of the open cases (who last acted on each)."""
    columns, t = _plain_times(session, CaseEvent.case_uuid, CaseEvent.author, CaseEvent.author_role,
                              CaseEvent.created_at)
    return [ActivityRow(case_uuid, author, role, t(at))
            for case_uuid, author, role, at in _chunked(session, select(*columns), CaseEvent.case_uuid, open_uuids)]


def load_searches(session: Session, start: datetime, end: datetime) -> list[SearchRow]:
    """Slot searches (``search`` case events) recorded in ``[start, end)``; ``results`` is their count."""
    # Only the search record's count leaves the database, not the event's whole payload (its effecteur list).
    count = CaseEvent.payload["search"]["result_count"].label("result_count")
    columns, t = _plain_times(session, CaseEvent.case_uuid, CaseEvent.created_at, count)
    stmt = select(*columns).where(CaseEvent.type == "search", _in(CaseEvent.created_at, start, end))
    rows = []
    for case_uuid, at, result_count in _core(session, stmt):
        results, _criteria = search_record({"search": {"result_count": result_count}})
        if results is not None:  # a search whose count was not recorded says nothing about empty answers
            rows.append(SearchRow(case_uuid, t(at), results))
    return rows


def load_calls(session: Session, start: datetime, end: datetime) -> list[CallRow]:
    """Incoming calls with phone clocks presented in ``[start, end)``, plus older ones not answered nor ended.

    Calls whose times were typed by hand (degraded mode) are left out: their cases count as typed.
    """
    columns, t = _plain_times(session, Call.call_id, Call.presented_at, Call.answered_at, Call.ended_at,
                              Call.abandoned, Call.case_uuid)
    ringing = and_(Call.answered_at.is_(None), Call.ended_at.is_(None), Call.presented_at < end)
    stmt = select(*columns).where(Call.direction == "in", Call.typed.is_(False), Call.presented_at.is_not(None),
                                  or_(_in(Call.presented_at, start, end), ringing))
    return [CallRow(call_id, t(presented), t(answered), t(ended), bool(abandoned), case_uuid)
            for call_id, presented, answered, ended, abandoned, case_uuid in _core(session, stmt)]


def load_rows(session: Session, start: datetime, end: datetime, now: datetime) -> Rows:
    """The rows of the period ``[start, end)`` (open cases judged at ``now``)."""
    cases = load_cases(session, start, end)
    orientations = load_orientations(session, start, end)
    activity = load_activity(session, {c.uuid for c in cases if c.is_open_at(now)})
    return Rows(cases, orientations, activity, load_searches(session, start, end), load_calls(session, start, end))
