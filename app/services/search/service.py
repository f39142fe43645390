"""The server's slot search: one :class:`SlotIndex` per process, kept honest by the database.

The index is loaded at server start (and again whenever the highest slot id
in the database changes: new or replaced slots; or when the live agendas
refreshed an editor: ``max(editor_status.updated_at)`` moved, for refreshed
``fetched_at`` and removed slots).  Each search checks the slots
it returns against the database in one short query, so a slot booked by
another server process never shows: it leaves the index and the search runs
again.  Booking itself stays the atomic ``UPDATE`` of the route; a booked slot
then leaves this process's index at once (:meth:`SearchService.mark_booked`).

Staleness limits come from the environment (minutes): ``SAS_STALE_EDITOR_MIN``
(default 15) and ``SAS_STALE_MANUAL_MIN`` (default 1440).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Slot
from app.models.agenda import EditorStatus
from app.services.search.model import SearchAnswer, SearchQuery, StalePolicy
from app.services.search.slot_index import SlotIndex

log = logging.getLogger(__name__)
_MAX_RETRIES = 3


def stale_policy_from_env(environ: dict[str, str] | None = None) -> StalePolicy:
    """The :class:`StalePolicy` configured by ``SAS_STALE_EDITOR_MIN`` / ``SAS_STALE_MANUAL_MIN``."""
    env = os.environ if environ is None else environ
    editor = float(env.get("SAS_STALE_EDITOR_MIN", "15"))
    manual = float(env.get("SAS_STALE_MANUAL_MIN", "1440"))
    return StalePolicy(editor=timedelta(minutes=editor), manual=timedelta(minutes=manual))


@dataclass(frozen=True)
class LoadStats:
    """How long the last load took and how much memory it kept (tracemalloc, when measured)."""

    seconds: float
    slots: int
    array_bytes: int
    traced_bytes: int | None = None


class SearchService:
    """Thread-safe owner of the process's index (FastAPI runs routes in a thread pool)."""

    def __init__(self, stale: StalePolicy | None = None) -> None:
        self._stale = stale or stale_policy_from_env()
        self._index: SlotIndex | None = None
        self._marker: object = None
        self._lock = threading.Lock()
        self.last_load: LoadStats | None = None

    def load(self, session: Session, *, trace_memory: bool = False) -> SlotIndex:
        """(Re)build the index from the database now."""
        if trace_memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        index = SlotIndex.load(session, self._stale)
        seconds = time.perf_counter() - t0
        traced = None
        if trace_memory:
            traced = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
        self.last_load = LoadStats(seconds, len(index), index.memory_bytes(), traced)
        self._index = index
        log.info("slot index loaded: %d free slots in %.2f s", len(index), seconds)
        return index

    def index(self, session: Session) -> SlotIndex:
        """The current index, reloaded first if slots were added or replaced, or an editor refreshed."""
        row = session.execute(select(func.max(Slot.id),
                                     select(func.max(EditorStatus.updated_at)).scalar_subquery())).one()
        max_id, marker = row[0] or 0, row[1]
        index = self._index
        if index is not None and index.max_slot_id == max_id and self._marker == marker:
            return index
        with self._lock:
            if self._index is None or self._index.max_slot_id != max_id or self._marker != marker:
                self.load(session)
                self._marker = marker
            return self._index

    def search(self, session: Session, query: SearchQuery) -> SearchAnswer:
        """Ranked answer; every slot in it was still free in the database a moment ago."""
        index = self.index(session)
        for _ in range(_MAX_RETRIES):
            answer = index.search(query)
            ids = [s.slot_id for s in answer.slots]
            if not ids:
                return answer
            # By primary key only: with "status = 'free'" in the WHERE, SQLite picks the status index
            # and scans every free slot of the country.
            status = dict(session.execute(select(Slot.id, Slot.status).where(Slot.id.in_(ids))).all())
            gone = [i for i in ids if status.get(i) != "free"]
            if not gone:
                return answer
            for slot_id in gone:  # booked by another process (or deleted): out of this index too
                index.mark_booked(slot_id)
        return index.search(query)

    def mark_booked(self, slot_id: int) -> None:
        if self._index is not None:
            self._index.mark_booked(slot_id)

    def mark_free(self, slot_id: int) -> None:
        """A cancelled booking's slot is free again; an index loaded while it was booked is rebuilt at next use."""
        if self._index is not None and not self._index.mark_free(slot_id):
            with self._lock:
                self._index = None
