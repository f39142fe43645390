"""Fixtures of the interface-finish tests: an isolated data dir, and a real main window for a role.

Qt and QtWebEngine are loaded at import (before pytest-qt builds the
application), as in ``tests/ui/conftest.py``.  Each test gets its own data
directory, so the window layouts and settings one test saves never reach
another test.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import app.ui.qt  # noqa: E402,F401  (import side effect: Qt/WebEngine loaded before QApplication)

import pytest  # noqa: E402

from app import paths  # noqa: E402
from app.ui.qt import QApplication, QEvent  # noqa: E402

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def data_dir(tmp_path):
    """A fresh data directory for this test (settings, layouts, logs)."""
    paths.set_data_dir(tmp_path / "data")
    yield paths.data_dir()
    paths.set_data_dir(None)


@pytest.fixture
def make_window(qtbot, qasync_loop, data_dir):
    """``make(role, settings=None)`` → a shown main window on a real local store, the server out of reach."""
    from app.models.db import open_database, sqlite_url
    from app.services.sync.api_client import ApiClient
    from app.services.desk.workflow import Desk, UserInfo
    from app.services.sync.local_store import LocalStore
    from app.settings import Settings
    from app.ui.shell.main_window import MainWindow
    from app.ui.map.view import MapView

    engines = []

    def make(role: str, settings: Settings | None = None) -> MainWindow:
        engine, factory = open_database(sqlite_url(data_dir / f"{role}-{len(engines)}.db"))
        engines.append(engine)
        store = LocalStore(factory)
        desk = Desk(store=store, client=ApiClient(UNREACHABLE, timeout=1.0),
                    settings=settings or Settings(desk_number=12), user=UserInfo(role.lower(), role, f"Poste {role}"))
        window = MainWindow(desk, store, MapView())
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        return window

    yield make
    for engine in engines:
        engine.dispose()


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item):
    """Delete the widgets closed by pytest-qt before the next test (see tests/ui/conftest.py)."""
    yield
    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
