"""A whole call on the real stack: intake → search → booking → journal, then offline and back.

The console runs in this process with real widgets; the server is a real
``sas server`` process on a real SQLite file.  The server is stopped in the
middle: the second orientation is recorded offline, and once the server is
back the journal holds both orientations exactly once.
"""

from __future__ import annotations

import asyncio

import pytest

from app import paths
from app.settings import Settings
from app.ui.shell.console import Console
from app.ui.qt import Qt
from tests.helpers.server_journal import read_journal

pytestmark = pytest.mark.e2e


def _shown(window) -> list[str]:
    """The distinct synced kinds the journal view shows (case events by their type)."""
    model = window.journal.model()
    kinds = set()
    for row in range(model.rowCount()):
        entry = model.entry(row)
        if entry.get("seq"):
            kind = entry["kind"]
            kinds.add(f"{kind}:{entry['payload'].get('type')}" if kind == "case_event" else kind)
    return sorted(kinds)


def _server_journal(server) -> list[dict]:
    return read_journal(server.url)


def test_whole_call_online_then_offline(qtbot, qasync_loop, demo_server, tmp_path):
    paths.set_data_dir(tmp_path / "desk")
    # A test room syncs faster than the settings let a desk (0.5 s at least): built without their checks.
    cfg = Settings.model_construct(server_url=demo_server.url, desk_number=42, sync_interval_s=0.2)
    console = Console(cfg, demo_server.url)
    login = asyncio.ensure_future(console.login("mrl", "mrl-demo"))
    qtbot.waitUntil(login.done, timeout=10_000)
    console.build(login.result())
    window = console.window
    qtbot.waitUntil(window.map_view.is_ready, timeout=30_000)

    # 1. Intake, keyboard only (a doctor's desk opens on the case view: Ctrl+N brings the intake form),
    #    then Ctrl+Return opens the case and searches.
    from tests.helpers.keyboard import type_standard_call

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.left_stack.currentWidget() is window.intake

    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as search:
        type_standard_call(qtbot, window.intake, commune="strasb")
    assert search.args[0] > 0
    case = console.desk.current_case
    assert case.case_id.startswith("fr.health.samu670.DRFR15670")
    assert case.caller_phone == "+33612345678"

    # 2. The list and the map show the same effecteurs.
    assert window.slot_table.model().rowCount() == len({r["effecteur"]["id"] for r in window.results()})

    # 3. Book the selected slot with Enter from the list, Enter again to confirm.
    window.slot_table.setFocus()
    qtbot.keyClick(window.slot_table, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.orientationRecorded, timeout=10_000):
        qtbot.keyClick(window.search.booking.confirmation, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.store.outbox_count() == 0, timeout=15_000)
    qtbot.waitUntil(lambda: any(e["kind"] == "orientation" and e["seq"] for e in console.store.journal()),
                    timeout=15_000)
    assert "En ligne" in window.status.connection_text()
    # case, its search, booking, orientation and the "decided" case event (the decision clock) — all synced
    qtbot.waitUntil(lambda: _shown(window) == ["booking", "case", "case_event:decision", "case_event:search",
                                               "orientation"], timeout=15_000)
    # Everything the server journalled (the decision holding its slot included) has reached this desk.
    on_server = len(_server_journal(demo_server))
    qtbot.waitUntil(lambda: len([e for e in console.store.journal() if e["seq"]]) == on_server, timeout=15_000)
    qtbot.wait(500)  # the journal view refreshes from the cache on its timer
    online_rows = window.journal.model().rowCount()
    assert console.store.get_case(case.uuid).decided_at is not None

    # 4. The server goes away; a second orientation is recorded offline.
    demo_server.stop()
    window.select_decision("CONSEIL")
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Hors ligne" in window.status.connection_text(), timeout=15_000)
    assert console.store.outbox_count() == 2  # the advice and its case event
    assert "2 en attente" in window.status.pending_text()
    assert window.journal.model().rowCount() == online_rows + 2  # the advice shows at once, marked pending
    assert window.journal.model().entry(0)["pending"]

    # 5. The server comes back: the queue drains, nothing is duplicated.
    demo_server.start()
    qtbot.waitUntil(lambda: console.store.outbox_count() == 0, timeout=30_000)
    qtbot.waitUntil(lambda: "En ligne" in window.status.connection_text(), timeout=10_000)
    journal = _server_journal(demo_server)
    orientations = [e for e in journal if e["kind"] == "orientation"]
    # The booked decision: recorded (v1), then holding its slot after the booking (v2); the advice once.
    booked_key = next(e["payload"]["decision_key"] for e in orientations if e["payload"]["slot_id"] is not None)
    assert booked_key != "CONSEIL"  # a slot decision (consultation, teleconsultation or visit, by the slot's mode)
    assert sorted((e["payload"]["decision_key"] == "CONSEIL", e["payload"]["version"]) for e in orientations) == [
        (False, 1), (False, 2), (True, 1)]
    assert len({e["uuid"] for e in orientations}) == 2
    booked = [e for e in orientations if e["payload"]["slot_id"] is not None]
    advice = [e for e in orientations if e["payload"]["decision_key"] == "CONSEIL"]
    assert len(booked) == 1 and len(advice) == 1 and booked[0]["payload"]["version"] == 2
    assert sum(1 for e in journal if e["kind"] == "booking") == 1
    assert [e["seq"] for e in journal] == list(range(1, len(journal) + 1))
    assert sum(1 for e in journal if e["kind"] == "case") == 1
    event_types = [e["payload"]["type"] for e in journal if e["kind"] == "case_event"]
    assert [t for t in event_types if t != "search"] == ["decision", "decision"]
    assert "search" in event_types  # the search is kept on the case (appointment matching, supervisor)

    qtbot.waitUntil(lambda: len([e for e in console.store.journal() if e["seq"]]) == len(journal), timeout=15_000)
    shown = window.journal.model().rowCount()
    closing = asyncio.ensure_future(console.close())
    qtbot.waitUntil(closing.done, timeout=10_000)

    # 6. Closing and reopening the console keeps everything.
    again = Console(cfg, demo_server.url)
    login = asyncio.ensure_future(again.login("mrl", "mrl-demo"))
    qtbot.waitUntil(login.done, timeout=10_000)
    again.build(login.result())
    assert again.window.journal.model().rowCount() == shown == len(journal)
    assert again.store.get_case(case.uuid).case_id == case.case_id
    closing = asyncio.ensure_future(again.close())
    qtbot.waitUntil(closing.done, timeout=10_000)
