"""The server's live agendas: the periodic pull of every editor, and the refresh a search asks for.

One :class:`LiveAgendas` per server process, started in the app's lifespan (its event loop):

* **periodic** — every ``refresh_s`` (the first soon after start), a full refresh of the
  territory's effecteurs (:func:`app.services.agendas.targets.targets_for`) from every editor
  due (not refreshed nor failed for 90 % of the period), streamed (:mod:`app.services.agendas.stream`:
  each request within the editor's time limit, each page stored as it lands, the whole pull
  within the period).  With several server processes
  over one PostgreSQL database, a session advisory lock (:data:`PG_REFRESH_LOCK_KEY`, tried,
  never waited for) lets one process run it at a time; SQLite serves one process.
* **search** — :meth:`LiveAgendas.refresh_for_search` (called from a route's thread)
  refreshes the effecteurs of a search whose slots from an editor are older than the
  registry's ``max_age_s`` (or that were never asked), waits for each editor at most its own
  time limit, and says which editors are missing (failed, late, or failing lately).  What is
  late keeps running, with a longer limit (:func:`late_limit`); when it lands it writes one
  journal entry of kind ``slots`` (:func:`app.services.agendas.notice.journal_slots`)
  so every desk's event stream learns that it can search again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.models import Slot, utcnow
from app.services.agendas import health, notice
from app.services.agendas.refresh import EditorOutcome, refresh_editor
from app.services.agendas.stream import refresh_editors
from app.services.agendas.registry import Registry
from app.services.agendas.targets import EditorTargets, targets_for
from app.services.reference.communes import default_index

log = logging.getLogger(__name__)
#: PostgreSQL session advisory lock: one process runs the periodic refresh at a time.
PG_REFRESH_LOCK_KEY = 0x5A5_0014
LATE_REASON = "réponse en retard : ses créneaux arriveront dès qu'il répondra"
_CHUNK = 500


def late_limit(time_limit_s: float) -> float:
    """The time a late editor still has, in the background, after a search stopped waiting for it."""
    return min(60.0, max(4 * time_limit_s, time_limit_s + 10))


@dataclass
class SearchRefresh:
    """What a search's refresh found: the editors missing from its answer, and what was refreshed."""

    missing: list[dict] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)

    def missing_names(self) -> set[str]:
        return {m["editor"] for m in self.missing}


class LiveAgendas:
    """The process's refresher; :meth:`start` in the event loop, :meth:`stop` at shutdown."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], registry: Registry,
                 departements: Sequence[str], *, first_delay_s: float = 2.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.engine, self.sessions, self.registry = engine, sessions, registry
        self.departements = list(departements)
        self.first_delay_s, self.transport = first_delay_s, transport
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runs = 0  # full refreshes this process ran (the tests' witness)
        self._task: asyncio.Task | None = None
        self._background: set[asyncio.Task] = set()
        self._asked: dict[tuple[str, str], datetime] = {}  # (editor, effecteur id) -> last pull started
        self._sqlite_lock: asyncio.Lock | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        # The communes (where an editor's Locations are placed) are read once, now: not in a search's time limit.
        await asyncio.to_thread(default_index)
        self.loop = asyncio.get_running_loop()
        self._sqlite_lock = asyncio.Lock()
        self._task = asyncio.create_task(self._periodic(), name="sas-agendas-refresh")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._background) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task, self.loop = None, None

    async def _periodic(self) -> None:
        await asyncio.sleep(self.first_delay_s)
        while True:
            try:
                await self.refresh_due()
            except Exception:  # noqa: BLE001 - the next period tries again
                log.exception("periodic agenda refresh failed")
            await asyncio.sleep(self.registry.refresh_s)

    # --- periodic refresh ------------------------------------------------------------------------
    def _due(self) -> dict[str, EditorTargets]:
        now = utcnow()
        period = timedelta(seconds=0.9 * self.registry.refresh_s)
        with self.sessions() as session:
            rows = health.statuses(session)
            due = set()
            for editor in self.registry.editors:
                row = rows.get(editor.name)
                last = max((t for t in (row and row.refreshed_at, row and row.last_error_at) if t), default=None)
                if last is None or now - last >= period:
                    due.add(editor.name)
            if not due:
                return {}
            found = targets_for(session, self.registry, departements=self.departements)
        return {name: t for name, t in found.items() if name in due}

    async def refresh_due(self) -> list[EditorOutcome] | None:
        """A full refresh of the editors due, if this process holds the lease (None when it does not)."""
        async with self._lease() as held:
            if not held:
                return None
            targets = await asyncio.to_thread(self._due)
            now = utcnow()
            for name, t in targets.items():
                self._note_asked(name, t.effecteur_ids, now)
            outcomes = await refresh_editors(self.sessions, targets, full=True, period_s=self.registry.refresh_s,
                                             transport=self.transport)
            self.runs += 1
            return outcomes

    def _lease(self):
        owner = self

        class _Lease:
            async def __aenter__(self) -> bool:
                if owner.engine.dialect.name != "postgresql":
                    assert owner._sqlite_lock is not None
                    if owner._sqlite_lock.locked():
                        return False
                    await owner._sqlite_lock.acquire()
                    self.conn = None
                    return True
                self.conn = await asyncio.to_thread(owner.engine.connect)
                got = await asyncio.to_thread(lambda: self.conn.scalar(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_REFRESH_LOCK_KEY}))
                if not got:
                    await asyncio.to_thread(self.conn.close)
                    self.conn = None
                return bool(got)

            async def __aexit__(self, *exc) -> None:
                if owner.engine.dialect.name != "postgresql":
                    if owner._sqlite_lock is not None and owner._sqlite_lock.locked():
                        owner._sqlite_lock.release()
                    return
                if self.conn is not None:
                    conn = self.conn

                    def release() -> None:
                        conn.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_REFRESH_LOCK_KEY})
                        conn.close()

                    await asyncio.to_thread(release)

        return _Lease()

    # --- search-triggered refresh ----------------------------------------------------------------
    def _note_asked(self, editor: str, effecteur_ids: Iterable[str], when: datetime) -> None:
        for eff in effecteur_ids:
            self._asked[(editor, eff)] = when

    def _fetched(self, session: Session, effecteur_ids: list[str]) -> dict[tuple[str, str], datetime]:
        """(editor, effecteur) -> the latest ``fetched_at`` of its free slots from that editor.

        Only ``effecteur_id`` goes to SQL (its index): with ``status``/``source`` there, SQLite
        walks the (status, start) index over every free slot, once per chunk (as ``refresh._gone``).
        """
        found: dict[tuple[str, str], datetime] = {}
        names = {e.name for e in self.registry.editors}
        for i in range(0, len(effecteur_ids), _CHUNK):
            rows = session.execute(select(Slot.source, Slot.effecteur_id, Slot.status, Slot.fetched_at).where(
                Slot.effecteur_id.in_(effecteur_ids[i:i + _CHUNK])))
            for source, eff, status, fetched in rows:
                if fetched is not None and status == "free" and source in names:
                    key = (source, eff)
                    if key not in found or fetched > found[key]:
                        found[key] = fetched
        return found

    def plan(self, session: Session, effecteur_ids: Iterable[str], now: datetime
             ) -> tuple[dict[str, EditorTargets], dict[str, EditorTargets]]:
        """(every editor's targets among ``effecteur_ids``, those older than ``max_age_s`` to refresh now)."""
        ids = sorted(set(effecteur_ids))
        relevant = targets_for(session, self.registry, effecteur_ids=ids)
        fetched = self._fetched(session, ids)
        max_age = timedelta(seconds=self.registry.max_age_s)
        stale: dict[str, EditorTargets] = {}
        for name, t in relevant.items():
            old = [eff for eff in t.effecteur_ids
                   if now - max((x for x in (fetched.get((name, eff)), self._asked.get((name, eff))) if x),
                                default=now - 2 * max_age) >= max_age]
            if old:
                stale[name] = t.narrowed(old)
        return relevant, stale

    def refresh_for_search(self, session: Session, effecteur_ids: Iterable[str]) -> SearchRefresh:
        """Refresh the search's old effecteurs (each editor waited for at most its own time limit), from a thread."""
        answer = SearchRefresh()
        if not self.registry or self.loop is None:
            return answer
        now = utcnow()
        relevant, stale = self.plan(session, effecteur_ids, now)
        if stale:
            for name, t in stale.items():
                self._note_asked(name, t.effecteur_ids, now)
            wait = max(t.editor.time_limit_s for t in stale.values())
            future = asyncio.run_coroutine_threadsafe(self._search_refresh(stale), self.loop)
            try:
                done, late = future.result(timeout=wait + 5)
            except FutureTimeout:
                done, late = [], sorted(stale)
            for outcome in done:
                if outcome.ok:
                    answer.refreshed.append(outcome.editor)
                else:
                    answer.missing.append({"editor": outcome.editor, "reason": health.clean_error(outcome.error or "")})
            answer.late = late
            answer.missing += [{"editor": name, "reason": LATE_REASON} for name in late]
            session.rollback()  # a fresh snapshot for the search that follows
        statuses = health.statuses(session)
        named = answer.missing_names() | set(answer.refreshed)
        for name in relevant:
            row = statuses.get(name)
            if name not in named and health.failing(row):
                answer.missing.append({"editor": name, "reason": f"indisponible : {row.last_error or 'erreur'}"})
        return answer

    async def _search_refresh(self, stale: dict[str, EditorTargets]) -> tuple[list[EditorOutcome], list[str]]:
        tasks = {asyncio.create_task(refresh_editor(self.sessions, t, full=False, transport=self.transport,
                                                    time_limit=late_limit(t.editor.time_limit_s))): name
                 for name, t in stale.items()}

        async def within(task: asyncio.Task, limit: float) -> None:
            with contextlib.suppress(Exception):  # late (still running), or failed (read below)
                await asyncio.wait_for(asyncio.shield(task), limit)

        # Each editor is waited for its own time limit, never another's: a slow one past its limit is late.
        await asyncio.gather(*(within(task, stale[name].editor.time_limit_s) for task, name in tasks.items()))
        done = [t for t in tasks if t.done()]
        pending = [t for t in tasks if not t.done()]
        for task in pending:
            self._background.add(task)
            task.add_done_callback(self._landed)
        outcomes = [t.result() for t in done if t.exception() is None]
        return outcomes, sorted(tasks[t] for t in pending)

    def _landed(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if task.cancelled() or task.exception() is not None:
            return
        outcome: EditorOutcome = task.result()
        if not outcome.ok:
            return
        background = asyncio.create_task(asyncio.to_thread(
            notice.journal_slots, self.sessions, [outcome.editor], sorted(outcome.effecteur_ids)))
        self._background.add(background)
        background.add_done_callback(self._background.discard)
