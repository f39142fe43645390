"""The steps of ``--self-test`` inside the running console: log in, map, demo call, screenshot.

Each step is timed into the report and raises
:class:`~app.ui.shell.self_test_checks.SelfTestFailure` (French message) when what a
user would see is not there.  The screenshot flow is the console's own
(:meth:`app.ui.shell.console.Console.show_demo_call`, ``write_screenshot``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.ui.shell.console_shots import SCREENSHOT_ACCOUNT, wait_signal
from app.ui.qt import QtCore
from app.ui.shell.self_test_checks import SelfTestFailure, check_png


async def inspect_map(map_view) -> dict:
    """The page's own view of the map (``window.sasMap.inspect()``)."""
    future = asyncio.get_running_loop().create_future()
    map_view.run_js_json("window.sasMap.inspect()", lambda value: future.done() or future.set_result(value))
    state = await asyncio.wait_for(future, 10)
    if not isinstance(state, dict):
        raise SelfTestFailure("la page de la carte ne répond pas (window.sasMap absent)")
    return state


async def drive(console, out: Path, steps) -> None:
    """Run the console part of the self-test on a built :class:`~app.ui.shell.console.Console`."""
    user, password = SCREENSHOT_ACCOUNT
    with steps.step(f"connexion sans dialogue « {user} »") as detail:
        info = await console.login(user, password)
        if info is None:
            raise SelfTestFailure(f"connexion du compte de démonstration « {user} » refusée")
        detail[0] = f"rôle {info.role}"

    with steps.step("fenêtre et carte hors ligne prêtes") as detail:
        console.build(info)
        map_view = console.window.map_view
        if not map_view.is_ready():
            await wait_signal(map_view.ready, timeout=60)
        state = await inspect_map(map_view)
        if state.get("tiles"):
            raise SelfTestFailure("la carte a une couche de tuiles distante : le fond hors ligne est attendu")
        if not state.get("outlines"):
            raise SelfTestFailure("fond de carte hors ligne vide (aucun contour de département)")
        detail[0] = f"fond hors ligne : {state['outlines']} contours de départements, sans tuiles"

    with steps.step("appel de démonstration + créneaux") as detail:
        count = await console.show_demo_call()
        if count < 0:
            raise SelfTestFailure("la recherche de créneaux de l'appel de démonstration a échoué")
        if count == 0:
            raise SelfTestFailure("aucun créneau trouvé autour du patient de démonstration")
        state = await inspect_map(map_view)
        if not state.get("patient") or not state.get("markers"):
            raise SelfTestFailure("la carte ne montre pas le patient et les effecteurs trouvés")
        detail[0] = f"{count} résultat(s), {state['markers']} effecteur(s) sur la carte"

    with steps.step("capture PNG non vide") as detail:
        window = console.window
        if not console.write_screenshot(out):
            raise SelfTestFailure(f"impossible d'écrire la capture {out}")
        origin = map_view.mapTo(window, QtCore.QPoint(0, 0))
        ratio = window.devicePixelRatioF()
        rect = QtCore.QRect(round(origin.x() * ratio), round(origin.y() * ratio),
                            round(map_view.width() * ratio), round(map_view.height() * ratio))
        report = check_png(out, rect)
        detail[0] = f"{out} — {report.describe()}"
