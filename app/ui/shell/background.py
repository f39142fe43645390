"""Run a blocking, Qt-free function on Qt's thread pool and get its result back as a signal.

The supervisor wall reads thousands of rows per refresh and writes CSV files;
doing that on the GUI thread would freeze the window.  :class:`BackgroundJob`
runs one plain callable at a time in :class:`QThreadPool` and emits
``finished(result)`` or ``failed(message)`` on the GUI thread (queued
connection, since the emitting object lives there).  Asking again while a run
is in flight **coalesces**: only the latest request runs next, so a burst of
journal updates costs at most one extra computation.

The callable must not touch widgets; it receives nothing and may report
progress through :meth:`report` (thread-safe: it only emits a signal).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from app.ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Runnable(QRunnable):
    def __init__(self, owner: BackgroundJob, fn: Callable[[], Any], generation: int):
        super().__init__()
        self._owner, self._fn, self._generation = owner, fn, generation

    def run(self) -> None:  # runs on a pool thread
        try:
            result, error = self._fn(), ""
        except Exception as exc:  # reported on the GUI thread, never lost
            log.exception("background job failed")
            result, error = None, f"{type(exc).__name__}: {exc}"
        try:
            self._owner._done.emit(self._generation, result, error)
        except RuntimeError:  # the owner was deleted meanwhile (window closed): nobody to tell
            log.debug("background job finished after its owner was deleted")


class BackgroundJob(QObject):
    """One kind of background work (e.g. "recompute the indicators"), one run at a time."""

    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)
    _done = Signal(int, object, str)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._generation = 0
        self._running = False
        self._pending: Callable[[], Any] | None = None
        self._done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        return self._running

    def submit(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` now, or right after the current run (replacing any earlier pending request)."""
        if self._running:
            self._pending = fn
            return
        self._start(fn)

    def report(self, done: int, total: int) -> None:
        """Progress from inside the job (any thread)."""
        self.progress.emit(done, total)

    def _start(self, fn: Callable[[], Any]) -> None:
        self._running = True
        self._generation += 1
        self._pool.start(_Runnable(self, fn, self._generation))

    def _on_done(self, generation: int, result: object, error: str) -> None:
        self._running = False
        if error:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
        if self._pending is not None:
            fn, self._pending = self._pending, None
            self._start(fn)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)
