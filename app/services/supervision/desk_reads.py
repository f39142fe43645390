"""What the supervisor's panels read from the desk's cache, one method per read, behind one object.

The chef de salle's widgets (:mod:`app.ui.supervisor`: the live wall, the shift
review, a case's timeline, the PDF shift report) never open a database session
themselves: the console asks the desk's cache for one :class:`SupervisionReads`
(:meth:`app.services.sync.desk_cache.DeskCache.supervision_reads`) and hands
it to them.  Each method opens its own short session,
reads, and returns plain data (dataclasses, counts), so it can run on Qt's
thread pool and nothing it returns is tied to a session.

This keeps the interface free of SQLAlchemy and of the models (the
import-linter contract "The interface reaches data through services only"),
and gives each read a name a newcomer can find: :meth:`stats_rows`,
:meth:`export_journal`, :meth:`case_timeline`, :meth:`shift_report`,
:meth:`review_rows` and :meth:`chain_status`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.services.records.journal_export import JournalFilter, export_csv
from app.services.supervision import report_content, shift_review, stats, stats_rows, timeline

#: A progress callback: ``(done, total)``.
Progress = Callable[[int, int], None] | None


class SupervisionReads:
    """The supervision reads of one database (the desk's cache, or any session factory given)."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self._sessions = session_factory

    # --- the live wall --------------------------------------------------------------------------
    def stats_rows(self, start: datetime, end: datetime, now: datetime) -> stats_rows.Rows:
        """The rows the wall's indicators are computed from, for the period ``[start, end)``."""
        with self._sessions() as session:
            return stats_rows.load_rows(session, start, end, now)

    def export_journal(self, target: Path, start: datetime, end: datetime, *, stream: str | None = None,
                       priority: str | None = None, progress: Progress = None) -> int:
        """Write the period's journal to ``target`` (CSV), restricted to the cases of ``stream`` and
        ``priority`` when either is given; returns the number of entries written."""
        with self._sessions() as session:
            uuids = None
            if stream or priority:
                cases = stats.filter_cases(stats_rows.load_cases(session, start, end),
                                           stream=stream, priority=priority)
                uuids = frozenset(c.uuid for c in cases)
            return export_csv(session, JournalFilter(start, end, case_uuids=uuids), target, progress=progress)

    # --- the shift review -----------------------------------------------------------------------
    def review_rows(self, start: datetime, end: datetime) -> list[shift_review.ReviewRow]:
        """The cases of the period ``[start, end)``, as the review table lists them."""
        with self._sessions() as session:
            return shift_review.load_review(session, start, end)

    def chain_status(self) -> shift_review.ChainStatus:
        """The integrity of the journal held by the cache (the review's badge)."""
        with self._sessions() as session:
            return shift_review.chain_status(session)

    def case_timeline(self, case_uuid: str) -> list[timeline.TimelineItem]:
        """Every step of one case, in time order (empty when the cache does not hold it)."""
        with self._sessions() as session:
            return timeline.case_timeline(session, case_uuid)

    def shift_report(self, start: datetime, end: datetime, now: datetime,
                     progress: Progress = None) -> report_content.ReportData:
        """Everything the PDF shift report of ``[start, end)`` prints, as of ``now``."""
        with self._sessions() as session:
            return report_content.gather(session, start, end, now, progress)
