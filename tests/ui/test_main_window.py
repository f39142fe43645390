"""The main window with real widgets and a real local store, the server out of reach.

What a desk sees when the network is down: the case is kept, the search says
why it failed, a decision is still recorded and shown as waiting; and a role
only gets the actions the server would accept from it.
"""

from __future__ import annotations

import pytest

from app.models.db import open_database, sqlite_url
from app.services.sync.api_client import ApiClient
from app.services.desk.workflow import Desk, UserInfo
from app.services.sync.local_store import LocalStore
from app.settings import Settings
from app.demo.call import fill_demo_call
from app.ui.shell.main_window import MainWindow
from app.ui.map.view import MapView
from app.ui.qt import Qt

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def make_window(qtbot, qasync_loop, tmp_path):
    made = []

    def make(role: str) -> tuple[MainWindow, LocalStore]:
        engine, factory = open_database(sqlite_url(tmp_path / f"{role}.db"))
        store = LocalStore(factory)
        desk = Desk(store=store, client=ApiClient(UNREACHABLE, timeout=1.0), settings=Settings(desk_number=12),
                    user=UserInfo(role.lower(), role, f"Utilisateur {role}"))
        window = MainWindow(desk, store, MapView())
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        made.append(engine)
        return window, store

    yield make
    for engine in made:
        engine.dispose()


def test_offline_desk_keeps_the_case_explains_the_search_and_queues_the_decision(qtbot, make_window):
    window, store = make_window("MRL")
    with qtbot.waitSignal(window.searchFinished, timeout=10_000) as search:
        fill_demo_call(window, "67")
    assert search.args == [-1]
    assert "hors ligne" in window.status.message()
    assert store.outbox_count() == 1  # the case, kept locally with its outbox row
    window.select_decision("CONSEIL")
    with qtbot.waitSignal(window.orientationRecorded, timeout=2_000):
        qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert store.outbox_count() == 3  # + the orientation and the "decided" case event (the decision clock)
    model = window.journal.model()
    assert model.rowCount() == 3
    assert all(model.entry(row)["pending"] for row in range(3))


def test_an_arm_gets_no_booking_or_medical_decision(qtbot, make_window):
    window, store = make_window("ARM")
    assert not window.search.book_button.isEnabled() and not window.search.decision_button.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "non autorisée" in window.status.message()
    assert store.outbox_count() == 0


def test_a_supervisor_cannot_type_a_case(make_window):
    window, _store = make_window("SUPERVISEUR")
    assert window.intake.phone_edit.isReadOnly()
    assert not window.search.search_button.isEnabled()
