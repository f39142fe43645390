"""Headless Qt/QtWebEngine set-up for the UI tests.

The environment must be set before the QApplication exists, so it is done at
import time: the offscreen platform, and no Chromium sandbox (the CI and dev
machines run as root, where Chromium refuses to start with its sandbox).
Importing :mod:`app.ui.qt` here also loads QtWebEngineWidgets before
pytest-qt creates the application, as QtWebEngine requires.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import app.ui.qt  # noqa: E402,F401  (import side effect: Qt/WebEngine loaded before QApplication)

import pytest  # noqa: E402

from app.services.reference.communes import default_index  # noqa: E402
from app.ui.intake.panel import IntakePanel  # noqa: E402
from app.ui.qt import QApplication, QEvent  # noqa: E402


@pytest.fixture
def panel(qtbot):
    """An intake panel on the shipped communes (home département 67), shown, focus on the first field."""
    widget = IntakePanel(communes=default_index(), home_departement="67")
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):  # a context manager: waits on exit
        widget.show()
    widget.focus_first()
    return widget


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item):
    """Delete the widgets pytest-qt closed (``deleteLater``) before the next test.

    Outside a running event loop deferred deletes wait forever; a web page still
    alive when the application quits makes QtWebEngine warn "Release of profile
    requested but WebEnginePage still not deleted".
    """
    yield
    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
