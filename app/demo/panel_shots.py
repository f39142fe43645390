"""Screenshots of each panel: ``sas console --screenshot FILE.png --panel NAME`` (README, reviews).

The default panel, ``appel``, is the call-intake window with a demo call on the
map (:meth:`app.ui.shell.console.Console.show_demo_call`).  The others log in with the
demo account of the role that uses the panel, wait for the sync to bring the
room's journal into the local cache, bring the panel forward the way its key
does, and write the window — or the panel's own dialog — to PNG:

* ``rendez-vous`` — the SAS appointment worklists (F7), as the OSNP;
* ``superviseur`` — the live wall (F9), as the chef de salle;
* ``revue`` — the shift review (F10) and a case's timeline;
* ``parametres`` — the settings dialog (Ctrl+,);
* ``verrou`` — the locked session (Ctrl+Maj+L).

The embedded room is staged first (:func:`app.demo.room.stage_room`)
so the panels show a shift under way rather than empty tables.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from app.ui.qt import QDockWidget, QWidget

log = logging.getLogger(__name__)

#: Panel name → the demo account that uses it.
PANELS = {
    "appel": ("mrl", "mrl-demo"),
    "rendez-vous": ("osnp", "osnp-demo"),
    "superviseur": ("superviseur", "superviseur-demo"),
    "revue": ("superviseur", "superviseur-demo"),
    "parametres": ("mrl", "mrl-demo"),
    "verrou": ("mrl", "mrl-demo"),
}
#: Panels that need a room with history (a shift, appointments).
STAGED = ("rendez-vous", "superviseur", "revue")


def stage_embedded_room(db_url: str) -> None:
    """Give the embedded demo database a shift under way and appointments (once)."""
    from app.models.db import open_database
    from app.demo.room import stage_room

    engine, factory = open_database(db_url)
    try:
        with factory() as session:  # the demo shift commits as it goes
            if stage_room(session):
                log.info("demo room staged for the panel screenshots")
            session.commit()
    finally:
        engine.dispose()


async def _settle(console, quiet_s: float = 1.5, limit_s: float = 60) -> None:
    """Wait until the sync has stopped bringing journal entries (the cache holds the room)."""
    last, still, waited = -1, 0.0, 0.0
    while waited < limit_s and still < quiet_s:
        await asyncio.sleep(0.25)
        waited += 0.25
        cursor = console.store.journal_cursor()
        still = still + 0.25 if cursor == last else 0.0
        last = cursor


def _dock(window, name: str) -> QDockWidget:
    dock = window.findChild(QDockWidget, name)
    if dock is None:
        raise RuntimeError(f"panneau {name} absent pour ce rôle")
    dock.show()
    dock.raise_()
    return dock


def _save(widget: QWidget, target: Path) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    ok = widget.grab().save(str(target))
    log.info("screenshot of %s written to %s", type(widget).__name__, target)
    return ok


async def shoot(console, panel: str, target: Path) -> int:
    """Bring ``panel`` forward in the logged-in console and write it to ``target``; the exit code."""
    window = console.window
    if not window.map_view.is_ready():
        from app.ui.shell.console_shots import wait_signal

        await wait_signal(window.map_view.ready, timeout=60)
    shot: QWidget = window
    if panel in STAGED:
        await _settle(console)
    if panel == "rendez-vous":
        dock = _dock(window, "appointmentsDock")
        dock.widget().refresh()
        await asyncio.sleep(2.0)
    elif panel == "superviseur":
        dock = _dock(window, "supervisorDock")
        dock.widget().refresh()
        await asyncio.sleep(2.5)
    elif panel == "revue":
        review = _dock(window, "shiftReviewDock").widget()
        review.reload()
        await asyncio.sleep(2.5)
        if review.model.rowCount():
            dialog = review.open_timeline(0)
            if dialog is not None:
                await asyncio.sleep(1.0)
                ok = _save(window, target)
                timeline = target.with_name(target.stem + "-chronologie" + target.suffix)
                ok = _save(dialog, timeline) and ok
                dialog.close()
                return 0 if ok else 2
    elif panel == "parametres":
        from app.ui.shell.settings_dialog import SettingsDialog

        shot = SettingsDialog(console.cfg, window)
        shot.show()
        await asyncio.sleep(0.5)
    elif panel == "verrou":
        console.lock.lock()
        await asyncio.sleep(0.5)
    else:
        await console.show_demo_call()
    ok = _save(shot, target)
    if shot is not window:
        shot.close()
    return 0 if ok else 2
