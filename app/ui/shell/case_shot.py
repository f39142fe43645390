"""A picture of one role's desk with one case open: ``sas console --as USER --open-case CASE --screenshot F``.

For tests and reviews (issue 13 item 10).  After the login, the desk's first
sync brings the case into its cache; it is then opened the way that role opens
it — Entrée on its row of the queue when the case is there, the case's own
opening otherwise (a decided case waiting for its booking, a closed one) — and
the window is written to PNG once the case view and the map are drawn.

Exit codes: 0 written; 2 the picture could not be written; 4 the case never
reached this desk (wrong number, or a role that may not read it).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from app.services.sync.case_lookup import find_case

log = logging.getLogger(__name__)

#: How long the desk waits for the case to reach its cache, then for the map to draw.
CASE_WAIT_S = 30.0
MAP_WAIT_S = 30.0


async def _case_in_cache(console, ref: str, timeout: float):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if console.store is not None:
            case = find_case(console.store, ref)
            if case is not None:
                return case
        if console.sync is not None:
            console.sync.wake()
        await asyncio.sleep(0.2)
    return None


def _open_from_queue(window, uuid: str) -> bool:
    """Select the case's row in the role's worklist or queue and open it (what Entrée does); False if in neither."""
    from app.ui.qt import Qt

    for view in (getattr(window, "worklist_view", None), getattr(window, "queue_view", None)):
        if view is None:
            continue
        model = view.model()
        for row in range(model.rowCount()):
            if model.entry(row).uuid == uuid:
                view.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
                view.table.setCurrentIndex(model.index(row, 0))
                window.regulation.open_case(uuid, ask=False)
                return True
    return False


async def shoot_case(console, ref: str, target: Path) -> int:
    """Open case ``ref`` on the logged-in desk as its role would, wait until drawn, write ``target``."""
    case = await _case_in_cache(console, ref, CASE_WAIT_S)
    if case is None:
        print(f"Dossier « {ref} » introuvable sur ce poste (numéro inconnu, ou rôle sans accès au dossier).")
        return 4
    window = console.window
    map_view = getattr(window, "map_view", None)
    if map_view is not None and map_view.isVisible() and not map_view.is_ready():
        from app.ui.shell.console_shots import wait_signal

        try:
            await wait_signal(map_view.ready, timeout=MAP_WAIT_S)
        except asyncio.TimeoutError:
            log.warning("map not ready after %.0f s; the picture is taken without it", MAP_WAIT_S)
    window.regulation.refresh()
    if not _open_from_queue(window, case.uuid):
        window.regulation.open_case(case.uuid, ask=False)
    for _ in range(100):  # the map draws the patient (and the search's markers) asynchronously
        await asyncio.sleep(0.05)
        if map_view is None or not map_view.isVisible() or map_view.pending_commands() == 0:
            break
    await asyncio.sleep(0.8)  # let Chromium paint
    return 0 if console.write_screenshot(target) else 2
