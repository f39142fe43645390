"""The appointments dock against a real ``sas server`` process: attach in two keystrokes, call back, done.

The server runs as a child process on a real SQLite file; the widget talks to it
through the console's :class:`ApiClient` on the qasync loop, as in the console.
"""

from __future__ import annotations

import asyncio
import uuid as uuid_mod

import httpx
import pytest

from app.models import User
from app.models.db import open_database, sqlite_url
from app.services.sync.api_client import ApiClient
from app.services.security.auth import hash_password
from app.ui.case.appointments_view import AppointmentsView
from app.ui.qt import Qt
from tests.e2e.conftest import ServerProcess, free_port
from tests.hub_appointments.conftest import appointment, before, sample, wrap

pytestmark = pytest.mark.e2e
PASSWORD = "mot de passe de test"
PRACTITIONER = "810005681340"


@pytest.fixture
def server(tmp_path):
    url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(url)
    digest = hash_password(PASSWORD)
    with sessions() as s:
        for name, role in (("osnp", "OSNP"), ("arm", "ARM"), ("hub", "HUB")):
            s.add(User(username=name, display_name=name, role=role, password_hash=digest))
        s.commit()
    engine.dispose()
    process = ServerProcess(url, free_port(), tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def _headers(server, username: str) -> dict:
    token = httpx.post(f"{server.url}/api/v1/auth/login",
                       json={"username": username, "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _case(server, headers, case_body, **fields) -> str:
    body = case_body(**fields)
    assert httpx.put(f"{server.url}/api/v1/cases/{body['uuid']}", json=body, headers=headers).status_code == 201
    return body["uuid"]


def _search(server, headers, case_uuid: str, at) -> None:
    uid = str(uuid_mod.uuid4())
    body = {"uuid": uid, "case_uuid": case_uuid, "created_at": at.isoformat(), "type": "search",
            "search": {"criteria": {}, "result_count": 1, "effecteur_ids": [PRACTITIONER]}}
    assert httpx.put(f"{server.url}/api/v1/cases/{case_uuid}/events/{uid}", json=body,
                     headers=headers).status_code == 201


def _run(qtbot, coro):
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=10_000)
    return task.result()


def test_attach_with_two_keys_then_call_back_and_mark_done(qtbot, qasync_loop, server, case_body):
    desk, hub = _headers(server, "osnp"), _headers(server, "hub")
    booked = appointment("PS.01")
    older = _case(server, desk, case_body, caller_name="M. Ancien")
    chosen = _case(server, desk, case_body, caller_name="Mme Choisie", callback_phone="+33699887766")
    _search(server, desk, older, before(booked, 80))
    _search(server, desk, chosen, before(booked, 10))
    assert httpx.post(f"{server.url}/api/v1/hub/messages", json=wrap(booked), headers=hub).status_code == 200

    client = ApiClient(server.url)
    _run(qtbot, client.login("osnp", PASSWORD))
    view = AppointmentsView(client)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.refreshed, timeout=10_000) as read:
        view.refresh()
    assert read.args == [1, 0]
    assert view.unattached_table.currentIndex().row() == 0
    view.unattached_table.setFocus()

    qtbot.keyClick(view.unattached_table, Qt.Key.Key_Return)  # 1: to the candidates, best selected
    assert view.candidate_table.currentIndex().row() == 0
    assert view.candidate_table.model().item(0, 1).text() == "Mme Choisie"
    with qtbot.waitSignal(view.attached, timeout=10_000) as done:
        qtbot.keyClick(view.candidate_table, Qt.Key.Key_Return)  # 2: attach
    assert done.args[1] == chosen
    qtbot.waitUntil(lambda: view.unattached_table.model().rowCount() == 0, timeout=10_000)

    cancelled = {**sample("PS.01-MAJ"), "appointmentId": booked["appointmentId"]}
    assert httpx.post(f"{server.url}/api/v1/hub/messages", json=wrap(cancelled), headers=hub).status_code == 200
    with qtbot.waitSignal(view.refreshed, timeout=10_000) as read:
        view.refresh()
    assert read.args == [0, 1]
    view.follow_up_table.setFocus()
    qtbot.keyClick(view.follow_up_table, Qt.Key.Key_Return)  # « Rappeler le patient »
    assert "06 99 88 77 66" in view.phone_label.text()
    with qtbot.waitSignal(view.followedUp, timeout=10_000):
        qtbot.keyClick(view.follow_up_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # « Fait »
    qtbot.waitUntil(lambda: view.follow_up_table.model().rowCount() == 0, timeout=10_000)
    _run(qtbot, client.aclose())


def test_a_role_without_access_sees_the_refusal(qtbot, qasync_loop, server):
    client = ApiClient(server.url)
    _run(qtbot, client.login("arm", PASSWORD))
    view = AppointmentsView(client, can_act=False)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed, timeout=10_000) as failed:
        view.refresh()
    assert "rôle" in failed.args[0]
    _run(qtbot, client.aclose())


def test_f7_opens_the_dock_in_the_main_window_for_the_desks_that_book(qtbot, qasync_loop, server, tmp_path):
    from app.models.db import open_database, sqlite_url
    from app.services.desk.workflow import Desk, UserInfo
    from app.services.sync.local_store import LocalStore
    from app.settings import Settings
    from app.ui.shell.main_window import SHORTCUTS, MainWindow
    from app.ui.map.view import MapView

    engine, factory = open_database(sqlite_url(tmp_path / "desk.db"))
    client = ApiClient(server.url)
    _run(qtbot, client.login("osnp", PASSWORD))
    store = LocalStore(factory)
    window = MainWindow(Desk(store=store, client=client, settings=Settings(), user=UserInfo("osnp", "OSNP", "O")),
                        store, MapView())
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert window.appointments_dock is not None and window.appointments_dock.isVisible()  # the OSNP's workspace
    view = window.appointments_dock.widget()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F7)
    assert window.appointments_dock.isVisible()
    assert any(keys == "F7" for keys, _ in SHORTCUTS)
    arm = MainWindow(Desk(store=store, client=client, settings=Settings(), user=UserInfo("arm", "ARM", "A")),
                     store, MapView())
    qtbot.addWidget(arm)
    assert arm.appointments_dock is None  # the ARM does not handle bookings
    _run(qtbot, client.aclose())
    engine.dispose()
