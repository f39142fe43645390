"""Background sync of one console with the server: push the outbox, pull the journal.

Plain asyncio (no Qt, no threads): the UI runs :meth:`SyncService.run` as a
task on the qasync loop and listens with plain callbacks.

One round (:meth:`SyncService.sync_once`):

1. **Push** (:mod:`app.services.sync.outbox_push`) outbox items in id order, up to ``batch_size`` per
   ``POST /sync/batch`` (cases and orientations; other items by their own
   ``PUT``).  The server is idempotent by UUID, so a replay after a lost
   response answers 200.  Per item: 200/201 → deleted; 4xx (409 changed
   content, 422 invalid, 403) → *rejected*: kept for the user, never retried;
   a ``version_conflict`` also reloads the server's version (see
   :meth:`LocalStore.resolve_conflict`).  For the request: 401 → stop, the
   user must log in again; no answer or 5xx → attempt counted, **pushing stops
   for this round** so that an orientation never overtakes its case.
2. **Pull** the journal from the stored cursor, page by page, until empty;
   each page is stored with the cursor in one transaction.

:meth:`SyncService.run` repeats rounds every ``interval`` seconds, or at once
when :meth:`SyncService.wake` is called.  Every local write wakes it: the
service watches the cache's commits and wakes on any that queued or changed an
outbox item, so a desk's write leaves at once whichever screen made it.  After
a failed round it waits an exponential back-off with full jitter, reset on success.

**Live journal (issue 13).**  From its first successful round on, :meth:`SyncService.run` also follows
``GET /api/v1/events`` (:class:`~app.services.sync.live_events.LiveEvents`),
resumed at the journal cursor: each batch of entries it brings is stored at once
by :meth:`SyncService.take_live_entries` — the same ``store_journal`` as a pulled
page, so the cursor stays the journal's — and the journal listeners are called.
Entries must follow the cursor without a gap; anything else wakes a pull round,
which fills the gap.  While the stream is up the rounds only push and check
(every ``live_interval`` seconds, or when woken); when it drops a round runs at
once and polling every ``interval`` takes over until it is back.  The stream's
ups and downs never change the status shown: only rounds do, so the status bar
does not flap when a stream is re-opened.
It never dies on an exception: it logs the exception's type and place (no
message: it could hold patient data; never a token) and backs off.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from app.models import utcnow
from app.services.sync.api_client import ApiClient, ApiError
from app.services.sync.live_events import LiveEvents
from app.services.sync.outbox_watch import watch_outbox
from app.services.sync.local_store import LocalStore
from app.services.sync.outbox_push import BATCH_ENTITIES, PUSH_BATCH, OutboxPush  # noqa: F401  (BATCH_ENTITIES re-exported)
from app.services.sync.report import (  # noqa: F401  (re-exported: the UI and tests import them from here)
    AUTH_NEEDED, INTERNAL_ERROR, VERSION_CONFLICT, SyncReport, SyncStatus, backoff_delay, conflict_message,
)

log = logging.getLogger(__name__)

PULL_PAGE = 200
MAX_PULL_PAGES = 1000
#: Seconds between two rounds while the live journal is up (the rounds then only catch what the stream missed).
LIVE_INTERVAL = 30.0


def _where(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"


class SyncService(OutboxPush):
    """Pushes the local outbox and pulls the shared journal, forever, until :meth:`stop`."""

    def __init__(self, store: LocalStore, client: ApiClient, *, interval: float = 2.0, backoff_base: float = 0.5,
                 backoff_max: float = 30.0, rng: random.Random | None = None,
                 clock: Callable[[], datetime] = utcnow, batch_size: int = PUSH_BATCH,
                 live: bool = True, live_interval: float = LIVE_INTERVAL):
        self.store = store
        self.batch_size = batch_size
        self.client = client
        self.interval = interval
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._rng = rng or random.Random()
        self._clock = clock
        self._status = SyncStatus()
        self._listeners: list[Callable[[SyncStatus], None]] = []
        self._journal_listeners: list[Callable[[list[dict]], None]] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self._in_round = False
        self._cancel_requested = False
        #: Consecutive failed rounds, and the last wait chosen by :meth:`run` (for tests and display).
        self.failures = 0
        self.last_delay: float | None = None
        self.live_interval = live_interval
        #: The live journal (None: polling only); followed while :meth:`run` runs.
        self.live = LiveEvents(client, store.journal_cursor, self.take_live_entries, on_change=self._on_live_change,
                               backoff_base=backoff_base, backoff_max=backoff_max) if live else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._live_task: asyncio.Task | None = None
        sessions = store.session_factory
        self._unwatch = watch_outbox(sessions, self._on_local_write) if isinstance(sessions, sessionmaker) else None

    # --- listeners ------------------------------------------------------------------------
    @property
    def status(self) -> SyncStatus:
        return self._status

    def add_listener(self, fn: Callable[[SyncStatus], None]) -> None:
        self._listeners.append(fn)

    def add_journal_listener(self, fn: Callable[[list[dict]], None]) -> None:
        self._journal_listeners.append(fn)

    def _call(self, listeners: list[Callable], arg: object) -> None:
        for fn in list(listeners):
            try:
                fn(arg)
            except Exception as exc:  # a listener's bug must not stop the sync
                log.error("sync listener failed: %s at %s", type(exc).__name__, _where(exc))

    def _set_status(self, status: SyncStatus) -> None:
        changed = status != self._status
        self._status = status
        if changed:
            self._call(self._listeners, status)

    # --- one round ------------------------------------------------------------------------
    async def sync_once(self) -> SyncReport:
        """Push the outbox, then pull the journal; see the module docstring."""
        return await self._round(pull=True)

    async def push_once(self) -> SyncReport:
        """Only the push half of a round (what a console with no need of the journal does)."""
        return await self._round(pull=False)

    async def _round(self, *, pull: bool) -> SyncReport:
        async with self._lock:
            report = SyncReport()
            try:
                await self._push(report)
                if pull and report.error is None and not report.auth_required:
                    await self._pull(report)
            finally:
                self._publish(report)
            return report

    async def _pull(self, report: SyncReport) -> None:
        cursor = self.store.journal_cursor()
        for _ in range(MAX_PULL_PAGES):
            if self._stopping:
                return
            try:
                page = await self.client.get_journal(cursor, PULL_PAGE)
            except ApiError as exc:
                return self._fail(report, exc)
            report.online = True
            entries = page.get("entries") or []
            if not entries:
                return
            added = self.store.store_journal(entries, int(page.get("next_after") or 0))
            report.pulled += len(added)
            if added:
                self._call(self._journal_listeners, added)
            new_cursor = self.store.journal_cursor()
            if new_cursor <= cursor:
                return
            cursor = new_cursor

    def _publish(self, report: SyncReport) -> None:
        self._set_status(SyncStatus(
            online=report.online,
            pending=self.store.outbox_count(),
            rejected=len(self.store.rejected_items()),
            last_error=report.error or report.rejection,
            last_sync_at=self._clock() if report.ok else self._status.last_sync_at,
        ))

    # --- live journal and local writes ------------------------------------------------------
    def take_live_entries(self, entries: list[dict]) -> None:
        """Store entries the live stream brought (as a pulled page) and call the journal listeners.

        Entries the cursor already passed are ignored; a gap before or inside the batch stores
        nothing and wakes a pull round instead, so the cursor never skips an entry.
        """
        cursor = self.store.journal_cursor()
        fresh = [e for e in entries if e["seq"] > cursor]
        if not fresh:
            return
        if [e["seq"] for e in fresh] != list(range(cursor + 1, cursor + 1 + len(fresh))):
            log.info("live journal: gap after %d, pulling", cursor)
            self.wake()
            return
        added = self.store.store_journal(fresh, fresh[-1]["seq"])
        if added:
            self._call(self._journal_listeners, added)

    def _on_live_change(self, up: bool) -> None:
        if not up:
            self.wake()  # polling takes over at once, and catches what the stream may have missed

    def _on_local_write(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)  # a write may commit off the loop's thread
        else:
            self._wake.set()

    # --- the loop -------------------------------------------------------------------------
    def wake(self) -> None:
        """Start the next round now (local writes do it by themselves)."""
        self._wake.set()

    def stop(self) -> None:
        """End :meth:`run` promptly (a request in flight is abandoned; it is safe to replay)."""
        self._stopping = True
        self._wake.set()
        if self._unwatch is not None:
            self._unwatch()
        if self.live is not None:
            self.live.stop()
        if self._live_task is not None and not self._live_task.done() and not self._live_task.cancelling():
            self._live_task.cancel()  # now, not after the round in flight: the stream holds a connection
        if self._task is not None and self._in_round and not self._task.done():
            self._cancel_requested = True
            self._task.cancel()

    async def live_closed(self, timeout: float = 3.0) -> None:
        """After :meth:`stop`: wait until the live stream has closed its connection (before closing the client)."""
        task = self._live_task
        if task is not None and not task.done():
            await asyncio.wait([task], timeout=timeout)

    async def run(self) -> None:
        """Sync rounds until :meth:`stop` (which is final); never raises on a failed round."""
        task = asyncio.current_task()
        self._task, self._cancel_requested = task, False
        self._loop = asyncio.get_running_loop()
        live: asyncio.Task | None = None
        try:
            while not self._stopping:
                self._in_round = True
                try:
                    ok = (await self.sync_once()).ok
                except Exception as exc:
                    log.error("sync round failed: %s at %s", type(exc).__name__, _where(exc))
                    self._set_status(replace(self._status, last_error=INTERNAL_ERROR))
                    ok = False
                finally:
                    self._in_round = False
                self.failures = 0 if ok else self.failures + 1
                if live is None and self.live is not None and ok:
                    # After a round that pulled: the stream starts at the head, not with the backlog.
                    live = self._live_task = asyncio.create_task(self.live.run(), name="sync-live")
                steady = self.live_interval if self.live is not None and self.live.up else self.interval
                delay = steady if ok else backoff_delay(self.failures, self.backoff_base, self.backoff_max, self._rng)
                self.last_delay = delay
                if not self._stopping:
                    await self._wait(delay)
        except asyncio.CancelledError:
            if self._cancel_requested and task is not None and task.uncancel() == 0:
                return
            raise
        finally:
            self._task = None
            if live is not None:
                self.live.stop()
                if not live.done() and not live.cancelling():  # cancelled twice, its connection would not close
                    live.cancel()
                await asyncio.gather(live, return_exceptions=True)
                self._live_task = None

    async def _wait(self, delay: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=delay)
        except TimeoutError:
            pass
        self._wake.clear()
