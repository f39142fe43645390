"""The one way the UI runs async work on the Qt loop (qasync).

:func:`spawn` schedules a coroutine, keeps a reference to the task until it
ends (otherwise the garbage collector may drop it), and routes an unexpected
exception to the error callback instead of losing it in the loop's log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

_running: set[asyncio.Task] = set()


def spawn(
    coro: Coroutine[Any, Any, Any],
    *,
    on_error: Callable[[BaseException], None] | None = None,
    name: str | None = None,
) -> asyncio.Task | None:
    """Run ``coro`` in the background on the current (qasync) event loop.

    None when there is no loop any more (a timer of a window that outlived it, at shutdown):
    the work is dropped with a log line rather than raised into Qt's event loop.
    """
    try:
        task = asyncio.ensure_future(coro)
    except RuntimeError:
        coro.close()
        log.info("background task %s not started: no event loop", name or "?")
        return None
    if name:
        task.set_name(name)
    _running.add(task)

    def _done(t: asyncio.Task) -> None:
        _running.discard(t)
        if t.cancelled():
            return
        exc = t.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background task %s failed", t.get_name(), exc_info=exc)

    task.add_done_callback(_done)
    return task


def running_tasks() -> int:
    return len(_running)
