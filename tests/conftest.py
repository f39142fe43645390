"""Session-wide test set-up: headless Qt, isolated data directory, the qasync loop.

Environment variables must be set before Qt is imported anywhere, hence at
import time of this module.

qt-headless.md: starting and stopping the Qt event loop per test segfaults once a
web view exists, so async UI code runs on a ``qasync.QEventLoop(already_running=True)``
laid over pytest-qt's loop, and ``qtbot.waitUntil`` turns the Qt (and so the asyncio) crank.

In CI (``CI=true``) every skip is a failure (:mod:`tests.helpers.ci_skips`).
"""

from __future__ import annotations

import asyncio
import os
import tempfile

import pytest

#: ``ci_skips``: in CI (CI=true) a skipped test fails; ``pytester`` for tests/test_ci_skips.py.
pytest_plugins = ["tests.helpers.ci_skips", "pytester"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("LANG", "C.UTF-8")
# Never touch the real user data dir from tests.
os.environ["SAS_DATA_DIR"] = tempfile.mkdtemp(prefix="sas-tests-")


@pytest.fixture(scope="module")
def qasync_loop(qapp):
    """A qasync loop marked running on top of pytest-qt's Qt loop, for this module's tests.

    At teardown it is unmarked, so that pytest-asyncio tests of other modules
    can run their own plain asyncio loops afterwards.
    """
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
