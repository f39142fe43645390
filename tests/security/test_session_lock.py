"""The session lock and logout on a real console (real widgets, real server, real encrypted cache).

Inactivity locks the window (a short ``lock_after_min`` here), Ctrl+Maj+L locks
at once; while locked no view is visible; the right password unlocks (the
server checks it, or offline the login's), a wrong one gets a French message;
"Changer d'utilisateur" logs out and drops the decrypted cache.
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import httpx
import pytest

from app.settings import Settings
from app.ui.shell.console import Console
from app.ui.qt import QApplication, QLabel, QLineEdit, Qt
from tests.security.conftest import PATIENT_LAST, patient_case


@pytest.fixture
def make_console(qtbot, qasync_loop, server, desk_dir):
    made = []

    def _make(lock_after_min: float = 0) -> Console:
        # Faster sync and lock than the settings allow a desk (0.5 s, 1 min at least): built without their checks.
        cfg = Settings.model_construct(server_url=server.url, desk_number=42, sync_interval_s=0.2,
                                       lock_after_min=lock_after_min)
        console = Console(cfg, server.url)
        made.append(console)
        return console

    yield _make
    for console in made:
        closing = asyncio.ensure_future(console.close())
        qtbot.waitUntil(closing.done, timeout=15_000)


def _log_in(qtbot, console: Console, user: str = "mrl", password: str = "mrl-demo") -> None:
    login = asyncio.ensure_future(console.login(user, password))
    qtbot.waitUntil(login.done, timeout=20_000)
    assert login.result() is not None
    console.build(login.result())


def _with_a_patient(qtbot, console: Console) -> str:
    doc = patient_case()
    console.store.save_case(doc, author="mrl")
    console.sync.wake()
    qtbot.waitUntil(lambda: any(e["uuid"] == doc.uuid and e["seq"] for e in console.store.journal()), timeout=15_000)
    console.window.refresh_journal()
    return doc.uuid


def _visible_texts() -> list[str]:
    texts = []
    for widget in QApplication.allWidgets():
        if widget.isVisible() and isinstance(widget, (QLabel, QLineEdit)):
            texts.append(widget.text())
    return texts


def _type_password(qtbot, console: Console, password: str) -> None:
    edit = console.lock.screen.password_edit
    edit.clear()
    qtbot.keyClicks(edit, password)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_inactivity_locks_the_window_and_hides_every_view(qtbot, make_console):
    console = make_console(lock_after_min=0.002)  # 0.12 s without a key or mouse event
    _log_in(qtbot, console)
    window = console.window
    qtbot.waitUntil(console.lock.is_locked, timeout=10_000)
    _with_a_patient(qtbot, console)

    screen = console.lock.screen
    assert screen.isVisible() and screen.title.text() == "Session verrouillée — Dr Martin"
    for view in (window.centralWidget(), window.intake, window.journal, window.queue_view, window.slot_table):
        assert not view.isVisible()
    assert window.journal.model().rowCount() >= 1  # the data is there, only hidden
    assert not any(PATIENT_LAST in text for text in _visible_texts())

    with qtbot.waitSignal(console.lock.unlocked, timeout=15_000):
        _type_password(qtbot, console, "mrl-demo")
    assert window.journal.isVisible() and window.case_view.isVisible()  # a doctor's desk: the case view


def test_ctrl_shift_l_locks_at_once_and_only_the_right_password_unlocks(qtbot, make_console, server):
    console = make_console()
    _log_in(qtbot, console)
    window = console.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)  # a window shortcut needs the active window
    assert not console.lock.is_locked()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert console.lock.is_locked() and not window.journal.isVisible()

    _type_password(qtbot, console, "pas-le-bon")
    error = console.lock.screen.error_label
    qtbot.waitUntil(error.isVisible, timeout=15_000)
    assert error.text() == "Identifiant ou mot de passe incorrect"
    assert console.lock.is_locked() and not window.journal.isVisible()

    # The server goes away: the password given at login still unlocks, nothing else does.
    server.stop()
    error.hide()
    _type_password(qtbot, console, "encore-faux")
    qtbot.waitUntil(error.isVisible, timeout=15_000)
    assert error.text() == "Mot de passe incorrect." and console.lock.is_locked()
    with qtbot.waitSignal(console.lock.unlocked, timeout=15_000):
        _type_password(qtbot, console, "mrl-demo")
    assert window.journal.isVisible()


def test_changing_user_logs_out_and_drops_the_decrypted_cache(qtbot, make_console, server):
    console = make_console()
    _log_in(qtbot, console)
    case_uuid = _with_a_patient(qtbot, console)
    token = console.client.token
    store = weakref.ref(console.store)
    window = weakref.ref(console.window)
    engine = console.cache.engine
    assert engine is not None and engine.pool.checkedin() >= 1

    console.lock.lock()
    console.lock.screen.switch_button.click()
    qtbot.waitUntil(lambda: console.cache is None and console.client.token is None, timeout=15_000)
    assert console.store is None and console.desk is None and console.window is None and console.lock is None
    # The server revoked the token at logout (issue 12): a copy of it is refused.
    assert httpx.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert engine.pool.checkedin() == 0  # the disposed engine keeps no open (decrypted) connection

    def _gone() -> bool:
        gc.collect()
        return store() is None and window() is None

    qtbot.waitUntil(_gone, timeout=10_000)

    # The next user of the desk gets the same key from the server: the cache opens again.
    _log_in(qtbot, console, "arm", "arm-demo")
    assert console.store.get_case(case_uuid).patients[0].last_name == PATIENT_LAST
