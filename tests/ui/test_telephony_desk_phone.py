"""The desk phone in a real window (issue 15): a call rings, is answered by keys, becomes a case, is linked.

The window, the desk, the intake, the local store and the ``TelephonyDesk`` are the real ones; the
softphone is :class:`tests.ui.telephony_fakes.FakeSoftphone` (TEL.md's interface) and the server's
calls routes are answered at the HTTP edge by :class:`tests.ui.telephony_fakes.FakeCallServer`.
The oracle is what the ARM sees (panel, intake, status bar) and what reaches the server's routes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.db import open_database, sqlite_url
from app.services.desk.telephony_desk import TelephonyDesk
from app.services.desk.workflow import Desk, UserInfo
from app.services.intake.form import IntakeForm
from app.services.sync.local_store import LocalStore
from app.settings import Settings
from app.ui.case.regulation_actions import Prompt
from app.ui.map.view import MapView
from app.ui.qt import Qt
from app.ui.shell.main_window import MainWindow
from tests.ui.telephony_fakes import FakeCallServer, PhoneMaker, now

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
PHONE_CFG = dict(desk_number=12, sip_enabled=True, sip_user="arm1", sip_domain="room.test",
                 sip_proxy="127.0.0.1:5060", sip_transfer_desks="mru1, mrl1")


@pytest.fixture
def desk_phone(qtbot, qasync_loop, tmp_path, monkeypatch):
    """make(telephony=True): (window, fake phone maker, fake server, store), the softphone started."""
    made, phones = [], []
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))  # a duplicate question: new case

    def make(*, telephony: bool = True, role: str = "ARM"):
        engine, factory = open_database(sqlite_url(tmp_path / f"desk{len(made)}.db"))
        made.append(engine)
        store, server, maker = LocalStore(factory), FakeCallServer(), PhoneMaker()
        cfg = Settings(**PHONE_CFG) if telephony else Settings(desk_number=12)
        client = server.client()
        desk = Desk(store=store, client=client, settings=cfg, user=UserInfo(role.lower(), role, f"Agent {role}"))
        tel = TelephonyDesk(client, cfg, password="secret", factory=maker)
        window = MainWindow(desk, store, MapView(), telephony=tel)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        phones.append(tel)
        qasync_loop.create_task(tel.start())
        if telephony:
            qtbot.waitUntil(lambda: tel.state == "ready", timeout=3000)
        return window, maker, server, store

    yield make
    for tel in phones:  # logout: the softphone stops, the call events' worker ends
        stopping = qasync_loop.create_task(tel.stop())
        qtbot.waitUntil(stopping.done, timeout=5000)
    for engine in made:
        engine.dispose()


def _known_case(window, store, phone="06 12 34 56 78"):
    """A case of this number already in the room (opened at this desk, then the desk moved on)."""
    form = IntakeForm(caller_phone=phone, callback_phone=phone, callback_confirmed=True, address="1 rue Haute",
                      commune_insee="67482", commune_name="Strasbourg", motive_code="M03.14", priority="P2")
    window.intake.commune_completer.choose_best("Strasbourg")
    form.commune_insee, form.commune_name = window.intake.form().commune_insee, window.intake.form().commune_name
    doc = window._desk.open_case(form)
    window._desk.current_case = None
    window.intake.clear()
    return doc


def test_a_call_rings_with_its_number_the_known_cases_and_the_duplicate_warning(qtbot, desk_phone):
    window, maker, server, store = desk_phone()
    known = _known_case(window, store)
    server.lookups["0612345678"] = {
        "open_cases": [{"uuid": known.uuid, "case_id": known.case_id, "creation": known.creation.isoformat(),
                        "motive": "Fièvre", "city_name": "Strasbourg"}],
        "recent_cases": [{"uuid": "c-old", "case_id": "DRFR15670-2025-11-20-10-0001", "motive": "Chute",
                          "city_name": "Illkirch"}],
        "duplicate_warning": "Dossier en cours pour ce numéro depuis 10 min"}
    maker.phone.ring("0612345678", at=now() - timedelta(seconds=65))
    panel = window.phone.panel
    assert panel.isVisible() and panel.number.text() == "06 12 34 56 78"
    qtbot.waitUntil(lambda: panel.cases.count() == 2, timeout=3000)
    assert server.lookups_asked == ["0612345678"]
    assert "en cours" in panel.cases.item(0).text() and "Fièvre" in panel.cases.item(0).text()
    assert "Chute" in panel.cases.item(1).text() and "en cours" not in panel.cases.item(1).text()
    assert panel.warning.isVisible() and "Dossier en cours pour ce numéro" in panel.warning.text()
    assert panel.wait_text() in ("Attente : 1:05", "Attente : 1:06")
    first = panel.wait_text()
    qtbot.waitUntil(lambda: panel.wait_text() != first, timeout=2500)  # the wait ticks
    assert window.intake.phone_edit.text() == ""  # nothing typed yet
    qtbot.waitUntil(lambda: server.kinds() == ["presented"], timeout=3000)
    assert server.events[0]["number"] == "0612345678" and server.events[0]["hidden"] is False


def test_a_hidden_number_rings_as_masked_and_nothing_is_looked_up(qtbot, desk_phone):
    window, maker, server, _store = desk_phone()
    maker.phone.ring(None)
    panel = window.phone.panel
    assert panel.isVisible() and panel.number.text() == "numéro masqué"
    qtbot.waitUntil(lambda: server.kinds() == ["presented"], timeout=3000)
    assert server.events[0]["hidden"] is True and server.lookups_asked == []
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.intake.caller.is_hidden() and window.intake.callback_edit.hasFocus()


def test_f3_opens_an_intake_with_the_number_and_the_phone_clocks_and_saving_links_the_call(qtbot, desk_phone):
    window, maker, server, store = desk_phone()
    presented = now() - timedelta(seconds=20)
    call_id = maker.phone.ring("0612345678", at=presented, sip_call_id="a84b4c76e66710@proxy")
    qtbot.keyClick(window, Qt.Key.Key_F3)
    intake = window.intake
    assert intake.phone_edit.text() == "06 12 34 56 78" and intake.callback_edit.text() == "06 12 34 56 78"
    qtbot.waitUntil(lambda: ("accept", call_id) in maker.phone.commands, timeout=2000)
    qtbot.waitUntil(lambda: server.kinds() == ["presented", "answered"], timeout=3000)
    assert {e["call_id"] for e in server.events} == {"a84b4c76e66710@proxy"}
    form = intake.form()
    assert form.reception == presented and form.answered is not None and form.answered > presented
    assert "En communication" in window.phone.panel.title.text()
    # The ARM completes the call and opens the case (Ctrl+Entrée): the call is linked to it.
    intake.confirm_callback()
    intake.address_edit.setText("12 rue des Juifs")
    intake.commune_completer.choose_best("Strasbourg")
    intake.motive_completer.choose_best("M03.14")
    intake.priority_combo.setCurrentIndex(intake.priority_combo.findData("P2"))
    with qtbot.waitSignal(window.searchFinished, timeout=10_000):  # opening the case starts the search
        intake.submit()
    case = window._desk.current_case
    assert case is not None and store.get_case(case.uuid).reception == presented
    qtbot.waitUntil(lambda: server.links == [("a84b4c76e66710@proxy", case.uuid)], timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F4)  # hang up
    qtbot.waitUntil(lambda: not window.phone.panel.isVisible(), timeout=2000)
    qtbot.waitUntil(lambda: server.kinds()[-1] == "ended", timeout=3000)
    assert server.kinds() == ["presented", "answered", "ended"]


def test_shift_f3_answers_and_attaches_to_the_known_case(qtbot, desk_phone):
    window, maker, server, store = desk_phone()
    known = _known_case(window, store)
    server.lookups["0612345678"] = {"open_cases": [{"uuid": known.uuid, "case_id": known.case_id}],
                                    "recent_cases": [], "duplicate_warning": None}
    maker.phone.ring("0612345678", sip_call_id="room-1@proxy")
    qtbot.waitUntil(lambda: window.phone.panel.cases.count() == 1, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F3, SHIFT)
    assert window._desk.current_case.uuid == known.uuid  # the case opened
    assert "rattaché" in store.get_case(known.uuid).notes[-1].freetext
    qtbot.waitUntil(lambda: server.links == [("room-1@proxy", known.uuid)], timeout=3000)
    assert window.intake.phone_edit.text() == ""  # no new intake


def test_a_call_answered_elsewhere_leaves_this_desk(qtbot, desk_phone):
    window, maker, server, _store = desk_phone()
    call_id = maker.phone.ring("0612345678")
    assert window.phone.panel.isVisible()
    maker.phone.close_remote(call_id)
    assert not window.phone.panel.isVisible()
    assert window.intake.phone_edit.text() == ""
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert "Aucun appel ne sonne" in window.status.message()


def test_hold_and_transfer_to_a_doctor_desk(qtbot, desk_phone, monkeypatch):
    from app.ui.telephony.prompts import PhonePrompts

    window, maker, server, _store = desk_phone()
    call_id = maker.phone.ring("0612345678", sip_call_id="room-9@proxy")
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.keyClick(window, Qt.Key.Key_F3, CTRL)
    qtbot.waitUntil(lambda: ("hold", call_id) in maker.phone.commands, timeout=2000)
    assert "attente" in window.phone.panel.title.text()
    qtbot.keyClick(window, Qt.Key.Key_F3, CTRL)
    qtbot.waitUntil(lambda: ("resume", call_id) in maker.phone.commands, timeout=2000)
    monkeypatch.setattr(PhonePrompts, "transfer_target", classmethod(lambda cls, _p, desks: desks[0]))
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: ("transfer", call_id, "sip:mru1@room.test") in maker.phone.commands, timeout=2000)
    qtbot.waitUntil(lambda: server.kinds()[-1:] == ["ended"], timeout=3000)
    transferred = [e for e in server.events if e["event"] in ("transferred", "handed_over")]
    assert [e["target"] for e in transferred] == ["mru1", "mru1"]
    assert not window.phone.panel.isVisible()


def test_ctrl_shift_a_calls_the_effecteur_from_the_slot_list_and_logs_it(qtbot, desk_phone):
    from tests.ui.test_slot_table import RESULTS

    window, maker, server, store = desk_phone()
    case = _known_case(window, store)
    window._desk.current_case = case
    window.slot_table.model().set_results(RESULTS)
    window.slot_table.setFocus()
    window.slot_table.selectRow(0)
    qtbot.keyClick(window.slot_table, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: ("dial", "0388112233") in maker.phone.commands, timeout=2000)
    qtbot.waitUntil(lambda: server.kinds() == ["dialled"], timeout=3000)
    event = server.events[0]
    assert (event["case_id"], event["target"], event["typed"]) == (case.uuid, "0388112233", False)
    assert "Appel sortant" in window.phone.panel.title.text()
    assert "en cours" in window.status.message()


def test_status_bar_says_ready_then_unavailable(qtbot, desk_phone):
    window, maker, _server, _store = desk_phone()
    assert window.status.phone_text() == "☎ Téléphone prêt"
    assert maker.password == "secret"
    maker.phone.go_down()
    assert window.status.phone_text() == "☎ Téléphone indisponible : saisie manuelle"


def test_without_telephony_nothing_changes_and_calling_out_is_by_hand(qtbot, desk_phone, monkeypatch):
    from app.ui.telephony.prompts import PhonePrompts

    window, maker, server, store = desk_phone(telephony=False)
    assert maker.phone is None and window.phone.tel.phone is None
    assert window.status.phone_text() == "" and not window.phone.panel.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert not window.phone.panel.isVisible() and window.intake.phone_edit.text() == ""
    case = _known_case(window, store)
    window._desk.current_case = case
    shown = {}
    monkeypatch.setattr(PhonePrompts, "dial_by_hand",
                        classmethod(lambda cls, _p, who, number: shown.update(who=who, number=number) or True))
    window.case_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_A, CTRL | SHIFT)
    assert shown == {"who": "l'appelant", "number": "06 12 34 56 78"}
    qtbot.waitUntil(lambda: server.kinds() == ["dialled"], timeout=3000)
    assert server.events[0]["typed"] is True and server.events[0]["case_id"] == case.uuid


def test_the_ringing_panel_is_seen_over_the_arm_workspace(qtbot, desk_phone, tmp_path):
    """A picture of the ringing call (``SAS_RINGING_SHOT=/tmp/ringing.png`` keeps a copy to look at)."""
    import os

    window, maker, server, store = desk_phone()
    known = _known_case(window, store)
    server.lookups["0612345678"] = {
        "open_cases": [{"uuid": known.uuid, "case_id": known.case_id, "creation": known.creation.isoformat(),
                        "motive": "Fièvre", "city_name": "Strasbourg"}],
        "recent_cases": [], "duplicate_warning": "Dossier en cours pour ce numéro : rattacher plutôt (Maj+F3)"}
    maker.phone.ring("0612345678", at=now() - timedelta(seconds=14))
    panel = window.phone.panel
    qtbot.waitUntil(lambda: panel.warning.isVisible(), timeout=3000)
    qtbot.wait(200)
    shot = window.grab()
    target = tmp_path / "ringing.png"
    assert shot.save(str(target))
    box = panel.geometry()
    assert window.rect().contains(box) and box.width() >= 400  # over the workspace, whole
    if os.environ.get("SAS_RINGING_SHOT"):
        shot.save(os.environ["SAS_RINGING_SHOT"])
