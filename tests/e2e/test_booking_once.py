"""One booking per case on the whole stack: the console (real widgets, keyboard) against a real ``sas server``.

Entrée, Entrée books once; every later Entrée or Ctrl+B on that case is refused
with a message and sends nothing; Ctrl+Maj+B then Entrée re-books, and the
server's journal shows the first booking cancelled before the new one, its slot
free again in the server's search.  The oracles are read over HTTP.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from app import paths
from app.models import Case
from app.services.booking.case_booking import awaiting_booking
from app.settings import Settings
from app.ui.qt import Qt
from app.ui.shell.console import Console
from tests.helpers.keyboard import type_standard_call
from tests.helpers.server_journal import read_journal

pytestmark = pytest.mark.e2e
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _token(server, user: str) -> str:
    return httpx.post(f"{server.url}/api/v1/auth/login",
                      json={"username": user, "password": f"{user}-demo"}).json()["access_token"]


def _bookings(server, case_uuid: str) -> list[tuple[str, int]]:
    return [(e["payload"]["status"], e["payload"]["slot_id"]) for e in read_journal(server.url)
            if e["kind"] == "booking" and e["payload"]["case_id"] == case_uuid]


def _free(server, case) -> set[int]:
    body = httpx.get(f"{server.url}/api/v1/slots/search",
                     params={"lat": case.lat, "lon": case.lon, "radius_km": 30, "limit": 500},
                     headers={"Authorization": f"Bearer {_token(server, 'mrl')}"}).json()
    return {r["slot_id"] for r in body["results"]}


def _awaiting(console) -> set[str]:
    """Cases the desk's cache says are decided for a slot and not booked (the OSNP's worklist condition)."""
    with console.store.session_factory() as session:
        return set(session.scalars(select(Case.uuid).where(awaiting_booking())))


def test_a_case_is_booked_once_and_rebooked_explicitly(qtbot, qasync_loop, demo_server, tmp_path):
    paths.set_data_dir(tmp_path / "desk")
    cfg = Settings.model_construct(server_url=demo_server.url, desk_number=43, sync_interval_s=0.2)
    console = Console(cfg, demo_server.url)
    login = asyncio.ensure_future(console.login("mrl", "mrl-demo"))
    qtbot.waitUntil(login.done, timeout=10_000)
    console.build(login.result())
    window = console.window
    qtbot.waitUntil(window.map_view.is_ready, timeout=30_000)
    # A doctor's desk opens on the case view: Ctrl+N brings the intake form for a call taken at the desk.
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as search:
        type_standard_call(qtbot, window.intake, commune="strasb")
    assert search.args[0] > 1
    case = console.desk.current_case
    qtbot.waitUntil(lambda: console.store.outbox_count() == 0, timeout=15_000)  # the case is on the server

    table = window.slot_table
    table.setFocus()
    first = table.current_result()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    dialog = window.search.booking.confirmation
    assert "Mme Martin" in dialog.text() and first["effecteur"]["name"] in dialog.text()
    with qtbot.waitSignal(window.orientationRecorded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert _bookings(demo_server, case.uuid) == [("booked", first["slot_id"])]

    # Entrée again, Ctrl+B, Entrée on another slot: a clear message each time, no second booking.
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.search.booking.confirmation is None and "déjà réservé" in window.status.message()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    assert window.search.booking.confirmation is None
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = table.current_result()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.search.booking.confirmation is None and "Re-réserver" in window.status.message()
    qtbot.waitUntil(lambda: console.store.outbox_count() == 0, timeout=15_000)
    assert _bookings(demo_server, case.uuid) == [("booked", first["slot_id"])]
    assert case.uuid not in _awaiting(console)

    # Re-booking: Ctrl+Maj+B, the confirmation says the first is cancelled, Entrée.
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL | SHIFT)
    dialog = window.search.booking.confirmation
    assert "sera annulé" in dialog.text() and second["effecteur"]["name"] in dialog.text()
    with qtbot.waitSignal(window.searchFinished, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert _bookings(demo_server, case.uuid) == [("booked", first["slot_id"]), ("cancelled", first["slot_id"]),
                                                 ("booked", second["slot_id"])]
    free = _free(demo_server, case)
    assert first["slot_id"] in free and second["slot_id"] not in free
    assert table.current_result()["slot_id"] == second["slot_id"]

    closing = asyncio.ensure_future(console.close())
    qtbot.waitUntil(closing.done, timeout=10_000)
