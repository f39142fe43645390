"""The console's composition root: settings → paths → logging → server → stores → window.

Everything is built here, in a fixed and logged order, and handed to the
widgets through their constructors.  ``run_console`` is what ``sas console``
calls.  The embedded server (which opens a database) is started by
:func:`app.startup.start_embedded_server`, outside the interface, in a worker thread while the
Qt event loop runs: QtWebEngine (whose browser side runs on that loop) starts and loads the map
page meanwhile (:mod:`app.ui.map.preload`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import sys
from argparse import Namespace

from app import paths, settings as settings_mod
from app.startup import start_embedded_server_off_loop

log = logging.getLogger(__name__)


def prepare_qt_environment() -> None:
    """Environment Qt and QtWebEngine need; must run before Qt is imported."""
    os.environ.setdefault("LANG", "C.UTF-8")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox (qt-headless.md).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            # No screen: run without one rather than fail.  Qt's VNC platform would show it, but it
            # listens on every interface without authentication, so it is never chosen for the user.
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            print("Pas d'écran détecté : la console tourne sans affichage. Lancez-la sur un poste avec "
                  "écran, ou « sas console --screenshot capture.png » pour en voir une image.")


def setup_file_logging() -> None:
    """Rotated logs in the data dir, secrets scrubbed (:mod:`app.logs`)."""
    from app import logs

    logs.setup_file_logging()


def load_settings() -> settings_mod.Settings:
    cfg = settings_mod.load()
    if not 10 <= cfg.desk_number <= 99:
        cfg.desk_number = random.SystemRandom().randint(10, 99)
        settings_mod.save(cfg)
        log.info("this desk is number %d", cfg.desk_number)
    return cfg


def install_stop_signals(loop: asyncio.AbstractEventLoop, stop) -> list[int]:
    """SIGTERM and SIGINT call ``stop`` on the event loop (the console logs out and exits with 0).

    ``loop.add_signal_handler`` wakes the qasync loop through its self-pipe, so the
    signal is handled at once even while Qt waits for events; where the loop has
    none (Windows), a plain handler posts ``stop`` to the loop.  Returns the signals bound.
    """
    bound = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop)
        except (NotImplementedError, RuntimeError, ValueError):
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop))
        bound.append(int(sig))
    return bound


def run_console(args: Namespace) -> int:
    """Start the console; returns the process exit code."""
    prepare_qt_environment()
    paths.set_data_dir(args.data_dir)
    setup_file_logging()
    cfg = load_settings()
    if getattr(args, "open_case", None) and not args.screenshot:
        print("sas console : --open-case va avec --screenshot", file=sys.stderr)
        return 2
    if getattr(args, "departement", None):
        checked, wrong = settings_mod.check({**cfg.model_dump(), "departement": args.departement})
        if checked is None:
            print(f"sas console : --departement « {args.departement} » invalide : {wrong['departement']}",
                  file=sys.stderr)
            return 2
        cfg = checked

    from app.ui.qt import QApplication

    log.info("starting console, data dir %s", paths.data_dir())
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Console de régulation SAS")
    qt_app.setOrganizationName("SAS")
    from app.ui.shell import error_dialog, i18n, theme

    i18n.install_translators(cfg.language, qt_app)  # before any widget: texts are read when built
    from app.ui.shell.icons import icon

    qt_app.setWindowIcon(icon("app"))
    theme.apply_theme(cfg.theme, qt_app)
    error_dialog.install_excepthook(qt_app)  # an uncaught error shows a dialog, the console goes on
    from app.ui.map import preload as map_preload

    # QtWebEngine starts and the map page loads (other processes) while the rest of the interface is
    # imported, the server starts and the user logs in.
    map_preload.preload(tile_url=cfg.tile_url, tile_attribution=cfg.tile_attribution, territory=[cfg.departement])
    import qasync

    from app.ui.shell.console import Console

    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)

    server_url = args.server or cfg.server_url
    servers: list = []  # the embedded server, once started (stopped at the end)
    user, password = args.user, args.password
    if getattr(args, "as_user", None):
        user, password = args.as_user, password or os.environ.get("SAS_PASSWORD", "")

    async def _run() -> int:
        url = server_url
        if not url:
            panel = getattr(args, "panel", None) or "appel"
            # In a worker thread: the Qt event loop runs meanwhile, and with it QtWebEngine's start.
            servers.append(await start_embedded_server_off_loop(cfg, staged=bool(args.screenshot) and panel != "appel"))
            url = servers[0].url
        console = Console(cfg, url, embedded=not server_url)
        install_stop_signals(loop, console.request_stop)
        return await console.run(user=user, password=password, screenshot=args.screenshot,
                                 panel=getattr(args, "panel", None) or "appel",
                                 open_case=getattr(args, "open_case", None))

    try:
        with loop:
            return loop.run_until_complete(_run())
    finally:
        map_preload.discard()
        for server in servers:
            server.stop()
