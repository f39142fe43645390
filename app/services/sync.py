"""Background sync of one console with the server: push the outbox, pull the journal.

Plain asyncio (no Qt, no threads): the UI runs :meth:`SyncService.run` as a
task on the qasync loop and listens with plain callbacks.

One round (:meth:`SyncService.sync_once`):

1. **Push** outbox items in id order (``PUT path body``; the server is
   idempotent by UUID, so a replay after a lost response answers 200):
   200/201 → deleted; 401 → stop, the user must log in again; other 4xx
   (409 changed content, 422 invalid, 403, 404) → *rejected*: kept for the
   user, never retried; no answer or 5xx → attempt counted, **pushing stops for
   this round** so that an orientation never overtakes its case.
2. **Pull** the journal from the stored cursor, page by page, until empty;
   each page is stored with the cursor in one transaction.

:meth:`SyncService.run` repeats rounds every ``interval`` seconds, or at once
when :meth:`SyncService.wake` is called (new local write).  After a failed
round it waits an exponential back-off with full jitter, reset on success.
It never dies on an exception: it logs the exception's type and place (no
message: it could hold patient data; never a token) and backs off.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.models import utcnow
from app.services.api_client import ApiClient, ApiError, Offline, ServerError, Unauthorized
from app.services.local_store import LocalStore

log = logging.getLogger(__name__)

AUTH_NEEDED = "Session expirée : reconnectez-vous pour reprendre la synchronisation."
INTERNAL_ERROR = "Erreur interne de synchronisation : nouvel essai automatique."
PUSH_BATCH = 50
PULL_PAGE = 200
MAX_PULL_PAGES = 1000


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows.  ``last_sync_at`` alone changing does not notify listeners."""

    online: bool | None = None
    pending: int = 0
    rejected: int = 0
    last_error: str | None = None
    last_sync_at: datetime | None = field(default=None, compare=False)


@dataclass
class SyncReport:
    """The outcome of one round."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    online: bool = False
    auth_required: bool = False
    #: French message of what stopped the round (None when it completed).
    error: str | None = None
    #: French message of the last rejection of the round, if any.
    rejection: str | None = None

    @property
    def ok(self) -> bool:
        return self.online and not self.auth_required and self.error is None


def backoff_delay(failures: int, base: float, maximum: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential back-off after ``failures`` (≥ 1) failed rounds in a row."""
    return (rng or random).uniform(0, min(maximum, base * 2 ** max(0, failures - 1)))


def _where(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"


class SyncService:
    """Pushes the local outbox and pulls the shared journal, forever, until :meth:`stop`."""

    def __init__(self, store: LocalStore, client: ApiClient, *, interval: float = 2.0, backoff_base: float = 0.5,
                 backoff_max: float = 30.0, rng: random.Random | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.store = store
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
        async with self._lock:
            report = SyncReport()
            try:
                await self._push(report)
                if report.error is None and not report.auth_required:
                    await self._pull(report)
            finally:
                self._publish(report)
            return report

    def _fail(self, report: SyncReport, exc: ApiError) -> None:
        if isinstance(exc, Offline):
            report.online = False
            report.error = exc.message
        elif isinstance(exc, Unauthorized):
            report.online = True
            report.auth_required = True
            report.error = AUTH_NEEDED
        else:
            report.online = True
            report.error = exc.message

    async def _push(self, report: SyncReport) -> None:
        after = 0
        while not self._stopping:
            batch = self.store.pending_outbox(limit=PUSH_BATCH, after_id=after)
            if not batch:
                return
            for item in batch:
                after = item.id
                try:
                    status = await self.client.put(item.path, item.body)
                except (Offline, ServerError) as exc:
                    self.store.mark_failed(item.id, exc.message)
                    log.info("outbox item %s (%s) not sent: %s", item.id, item.entity, type(exc).__name__)
                    return self._fail(report, exc)
                except Unauthorized as exc:
                    return self._fail(report, exc)
                except ApiError as exc:
                    self.store.mark_rejected(item.id, exc.message)
                    log.warning("outbox item %s (%s) rejected by the server (%s)", item.id, item.entity, exc.status)
                    report.online = True
                    report.rejected += 1
                    report.rejection = f"Refusé par le serveur : {exc.message}"
                    continue
                report.online = True
                if self.store.mark_sent(item.id, item.body):
                    report.pushed += 1
                    log.debug("outbox item %s (%s) sent: %s", item.id, item.entity, status)

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

    # --- the loop -------------------------------------------------------------------------
    def wake(self) -> None:
        """Start the next round now (call after a local write)."""
        self._wake.set()

    def stop(self) -> None:
        """End :meth:`run` promptly (a request in flight is abandoned; it is safe to replay)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None and self._in_round and not self._task.done():
            self._cancel_requested = True
            self._task.cancel()

    async def run(self) -> None:
        """Sync rounds until :meth:`stop` (which is final); never raises on a failed round."""
        task = asyncio.current_task()
        self._task, self._cancel_requested = task, False
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
                delay = self.interval if ok else backoff_delay(self.failures, self.backoff_base,
                                                               self.backoff_max, self._rng)
                self.last_delay = delay
                if not self._stopping:
                    await self._wait(delay)
        except asyncio.CancelledError:
            if self._cancel_requested and task is not None and task.uncancel() == 0:
                return
            raise
        finally:
            self._task = None

    async def _wait(self, delay: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=delay)
        except TimeoutError:
            pass
        self._wake.clear()
