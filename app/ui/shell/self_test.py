"""``sas console --self-test`` (and ``sas-console --self-test``, frozen): prove a build works, offline.

On a throwaway data directory (a temporary one unless ``--data-dir``), it
starts the embedded server with the demo territory, logs in as the demo MRL
without a dialog, loads the map on its offline base layer, types the demo call,
waits for the slots to land on the map, writes the window to a PNG and checks
that the PNG is not blank — all while watching that nothing leaves the machine
(:mod:`app.ui.shell.self_test_checks`).  It prints a short French report and exits 0,
or names what failed and exits 1 (3 after the time limit).

It is the packaged application's smoke test (``make selftest``, ``.ci/run``)
and is run from source by ``tests/dist``.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from argparse import Namespace
from contextlib import contextmanager
from pathlib import Path

from app import paths

EXIT_FAILED = 1
EXIT_TIMEOUT = 3
DEFAULT_TIMEOUT_S = 60.0
#: Extra seconds the watchdog grants after the time limit before it kills a hung process.
_WATCHDOG_GRACE_S = 30.0


def _secs(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


class Steps:
    """The timed steps of one self-test, printed as the report."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.lines: list[str] = []

    @contextmanager
    def step(self, label: str):
        """Time the block; it may set ``detail[0]`` to say what it checked."""
        t0 = time.monotonic()
        detail = [""]
        mark = "✘"
        try:
            yield detail
            mark = "✔"
        finally:
            self.lines.append(f"  {mark} {label:<38} {_secs(time.monotonic() - t0):>7}  {detail[0]}".rstrip())

    def print(self, outcome: str) -> None:
        print(f"Auto-test de la console SAS : {outcome} en {_secs(time.monotonic() - self.started)}")
        for line in self.lines:
            print(line)
        sys.stdout.flush()


def _timeout_message(timeout: float) -> str:
    return f"délai de {timeout:g} s dépassé".replace(".", ",")


def _start_watchdog(timeout: float) -> threading.Timer:
    """Kill the process if the Qt loop itself hangs past the time limit (asyncio cannot then)."""

    def _expired() -> None:
        print(f"Auto-test ÉCHOUÉ : {_timeout_message(timeout)} (processus bloqué, arrêt forcé "
              f"{_secs(_WATCHDOG_GRACE_S)} plus tard).", file=sys.stderr, flush=True)
        os._exit(EXIT_TIMEOUT)

    timer = threading.Timer(timeout + _WATCHDOG_GRACE_S, _expired)
    timer.daemon = True
    timer.start()
    return timer


def run_self_test(args: Namespace) -> int:
    """Run the self-test; returns the process exit code."""
    faulthandler.enable()  # a crash in Qt or Chromium still says where it happened
    if not getattr(args, "verbose", False):  # the report is the output; the details go to the log file
        for handler in logging.getLogger().handlers:
            if type(handler) is logging.StreamHandler:
                handler.setLevel(logging.WARNING)
    timeout = float(getattr(args, "timeout", None) or DEFAULT_TIMEOUT_S)
    temporary = not args.data_dir
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="sas-self-test-"))
    out = Path(args.out).resolve() if getattr(args, "out", None) else data_dir.resolve() / "self-test.png"
    steps = Steps()
    watchdog = _start_watchdog(timeout)
    try:
        code = _run(args, data_dir, out, timeout, steps)
    finally:
        watchdog.cancel()
    if code == 0:
        steps.print("RÉUSSI")
        if temporary and not getattr(args, "out", None):
            shutil.rmtree(data_dir, ignore_errors=True)
            print("  (dossier de données jetable supprimé, capture comprise : --out FICHIER.png pour la garder)")
    else:
        print(f"Données et journaux conservés pour diagnostic : {data_dir}", file=sys.stderr)
    return code


def _run(args: Namespace, data_dir: Path, out: Path, timeout: float, steps: Steps) -> int:
    from app.ui.shell.self_test_checks import NetworkWatch, SelfTestFailure

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen: quietly, this is a test
    from app.ui.shell.app import load_settings, prepare_qt_environment, setup_file_logging

    prepare_qt_environment()
    paths.set_data_dir(data_dir)
    setup_file_logging()
    cfg = load_settings()
    cfg.server_url = ""  # always the embedded server
    cfg.tile_url = ""  # always the offline base layer: no tile server may be reached
    if getattr(args, "departement", None):
        cfg.departement = args.departement
    watch = NetworkWatch()
    watch.install_audit_hook()
    deadline = time.monotonic() + timeout
    server = None
    try:
        server = _start_server(cfg, steps)
        if time.monotonic() > deadline:
            raise TimeoutError
        return _run_console(cfg, server.url, out, deadline, steps, watch)
    except SelfTestFailure as exc:
        steps.print("ÉCHOUÉ")
        print(f"Auto-test ÉCHOUÉ : {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (TimeoutError, asyncio.TimeoutError):
        steps.print("ÉCHOUÉ")
        print(f"Auto-test ÉCHOUÉ : {_timeout_message(timeout)}.", file=sys.stderr)
        return EXIT_TIMEOUT
    except Exception as exc:  # any other failure is a failed self-test, with its cause
        steps.print("ÉCHOUÉ")
        print(f"Auto-test ÉCHOUÉ : erreur inattendue {type(exc).__name__} : {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if server is not None:
            server.stop()


def _start_server(cfg, steps: Steps):
    from app.startup import start_embedded_server

    with steps.step("serveur local embarqué + démo") as detail:
        server = start_embedded_server(cfg)
        detail[0] = f"{server.url} (territoire {cfg.departement}, /healthz répond)"
    return server


def _run_console(cfg, server_url: str, out: Path, deadline: float, steps: Steps, watch) -> int:
    import qasync

    from app.ui.shell import i18n, theme
    from app.ui.shell.console import Console
    from app.ui.qt import QApplication, QWebEngineProfile
    from app.ui.shell.self_test_checks import SelfTestFailure
    from app.ui.shell.self_test_flow import drive

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Console de régulation SAS")
    with steps.step(f"traductions et thème ({cfg.language}, {cfg.theme})") as detail:
        loaded = i18n.install_translators(cfg.language, qt_app)  # as run_console does
        if not loaded:
            raise SelfTestFailure(f"aucune traduction chargée pour la langue « {cfg.language} »")
        theme.apply_theme(cfg.theme, qt_app)
        detail[0] = ", ".join(loaded)
    watch.install_web_interceptor(QWebEngineProfile.defaultProfile())
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    console = Console(cfg, server_url, embedded=True)

    async def _main() -> int:
        try:
            remaining = max(0.01, deadline - time.monotonic())
            await asyncio.wait_for(drive(console, out, steps), remaining)
        finally:
            await console.close()
        with steps.step("aucun accès réseau hors machine") as detail:
            detail[0] = watch.check()
        return 0

    with loop:
        return loop.run_until_complete(_main())
