"""A window's timer that fires after its event loop is gone does not raise into Qt's loop."""

from __future__ import annotations

import asyncio
import inspect
import warnings

from app.ui.shell.tasks import running_tasks, spawn


async def _territory() -> None:
    await asyncio.sleep(0)


def test_work_started_when_no_loop_is_left_is_dropped_quietly():
    asyncio.set_event_loop(None)  # what the console leaves behind at shutdown
    coro = _territory()
    before = running_tasks()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no « coroutine was never awaited » either
        assert spawn(coro, name="territory") is None
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
    assert running_tasks() == before


def test_work_runs_on_the_loop_and_reports_its_error():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    errors: list[BaseException] = []

    async def fails() -> None:
        raise ValueError("territoire")

    try:
        task = spawn(fails(), on_error=errors.append, name="territory")
        assert task is not None
        loop.run_until_complete(asyncio.sleep(0.01))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert [str(e) for e in errors] == ["territoire"]
