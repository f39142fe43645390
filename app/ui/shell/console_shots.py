"""Pictures of a running console: the demo call on the map, a panel, the whole window written to PNG.

Part of :class:`app.ui.shell.console.Console` (a mixin it inherits), used by
``--screenshot`` (:meth:`Console.run`), the self-test
(:mod:`app.ui.shell.self_test_flow`) and the demo's panel pictures
(:mod:`app.demo.panel_shots`).  The demo call is typed around the territory's
main town, and the picture is taken once its search has landed on the map and
Chromium has painted the markers.

Also home of :func:`wait_signal`, the await on a Qt signal those flows (and
:mod:`app.ui.shell.case_shot`) use, and of :data:`SCREENSHOT_ACCOUNT`, the demo
account a screenshot of the embedded default logs in with.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from app.settings import Settings
from app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

#: The demo account a screenshot of the embedded default logs in with.
SCREENSHOT_ACCOUNT = ("mrl", "mrl-demo")


async def wait_signal(signal, timeout: float = 30.0, predicate=None):
    """Await the next emission of a Qt signal (optionally one matching ``predicate``)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def _on_emit(*args):
        if not future.done() and (predicate is None or predicate(*args)):
            future.set_result(args)

    signal.connect(_on_emit)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(_on_emit)


class ConsoleShots:
    """The console's screenshot flows (the attributes are set by ``Console``)."""

    cfg: Settings
    window: MainWindow | None

    async def _take_screenshot(self, target: Path, panel: str = "appel") -> int:
        """Show a demo call around the territory's main town (or ``panel``), then write it to PNG."""
        if panel != "appel":
            from app.demo.panel_shots import shoot

            return await shoot(self, panel, target)
        await self.show_demo_call()
        ok = self.write_screenshot(target)
        return 0 if ok else 2

    async def show_demo_call(self, timeout: float = 60) -> int:
        """Wait for the map, type the demo call, let its search land on the map; the result count (-1: failed)."""
        from app.demo.call import fill_demo_call

        window = self.window
        if not window.map_view.is_ready():
            await wait_signal(window.map_view.ready, timeout=timeout)
        fill_demo_call(window, self.cfg.departement)
        (count,) = await wait_signal(window.searchFinished, timeout=timeout)
        for _ in range(100):
            if window.map_view.pending_commands() == 0:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.8)  # let Chromium paint the markers
        return count

    def write_screenshot(self, target: Path) -> bool:
        """Write the whole window to ``target`` (PNG); whether it was written."""
        target.parent.mkdir(parents=True, exist_ok=True)
        ok = self.window.grab().save(str(target))
        log.info("screenshot written to %s", target)
        return ok
