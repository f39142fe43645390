"""Issue 15 item 6: the room's telephone with real processes end to end.

One real ``sas server`` process, the room's kamailio, and three whole console processes
(:mod:`tests.room.desk_driver`) for arm1, arm2 and mru1, each running its real baresip
softphone registered at kamailio; callers are baresip instances dialling 15.  The desks are
driven by keys and read from what their widgets show; the server's calls, stats, journal and
database are the oracles.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime, timedelta, timezone

import pytest

from app.codes.case_codes import short_number
from tests.e2e.conftest import ServerProcess, free_port
from tests.helpers.server_journal import read_journal
from tests.room.conftest import Desk
from tests.telephony.room_phone_support import SIP_SECRET, Callers, RoomApi, field, panel, password_of, seed_room

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

PHONE, CALLBACK = "Téléphone de l'appelant", "Numéro de rappel"


class Room:
    def __init__(self, server: ServerProcess, api: RoomApi, desks: dict[str, Desk], callers: Callers):
        self.server, self.api, self.callers = server, api, callers
        self.arm1, self.arm2, self.mru1 = desks["arm1"], desks["arm2"], desks["mru1"]
        self.desks = desks
        self.started = datetime.now(timezone.utc) - timedelta(minutes=1)


@pytest.fixture(scope="module")
def room(tmp_path_factory, sip_proxy):
    base = tmp_path_factory.mktemp("phone-room")
    db_url = f"sqlite:///{base / 'server.db'}"
    seed_room(db_url)
    server = ServerProcess(db_url, free_port(), base / "server.log")
    server.start()
    phone = {"proxy": sip_proxy.settings.address, "password": SIP_SECRET, "transfer_desks": "mru1"}
    desks = {user: Desk(user, server.url, base / f"desk-{user}", 30 + i, password=password_of(user), phone=phone)
             for i, user in enumerate(("arm1", "arm2", "mru1"))}
    callers = Callers(sip_proxy.settings.address)
    try:
        for desk in desks.values():
            desk.wait_ready()
        for desk in desks.values():
            desk.until(lambda d=desk: d.phone()["state"] == "ready", 20, "the desk phone ready")
        yield Room(server, RoomApi(server.url, db_url), desks, callers)
    finally:
        callers.close()
        for desk in desks.values():
            desk.close()
        server.stop()


def _ringing(desk, shown: str) -> bool:
    return shown in panel(desk).get("ringing_number", "") and "Appel entrant" in panel(desk).get("ringing_title", "")


def _type_rest_of_call(desk, name: str) -> None:
    """After F3 (focus on the callback number): confirm it, then name, address, commune, motive, priority."""
    desk.key("Return")  # the callback number confirmed with the caller, on to the name
    desk.type(name)
    desk.key("Tab")
    desk.type("12 rue des Juifs")
    desk.key("Tab")
    desk.type("strasb")
    desk.key("Down")
    desk.key("Return")
    desk.key("Tab")
    desk.type("toux")
    desk.key("Return")
    desk.key("Tab")
    desk.type("2")


def _server_call(room: Room, call_id: str, check, what: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    call = None
    while time.monotonic() < deadline:
        call = room.api.call(call_id)
        if call is not None and check(call):
            return call
        time.sleep(0.2)
    raise AssertionError(f"server call {call_id}: {what} not met within {timeout} s: {call}")


def test_a_call_rings_on_both_arm_desks_one_answers_the_case_gets_the_phone_clocks(room: Room) -> None:
    caller = room.callers.caller("0612345678")
    dialled_at = datetime.now(timezone.utc)
    call_id = room.callers.dial(caller)
    for desk in (room.arm1, room.arm2):
        desk.until(lambda d=desk: _ringing(d, "06 12 34 56 78"), 10, "the ringing panel with the number")
    room.arm1.until(lambda: "Numéro inconnu de la salle" in panel(room.arm1).get("ringing_known_title", ""), 5,
                    "the lookup answered: a number the room does not know")
    waiting = room.api.calls("waiting")
    assert [c["call_id"] for c in waiting] == [call_id]

    room.arm1.key("F3")
    assert field(room.arm1, PHONE) == "06 12 34 56 78"
    assert field(room.arm1, CALLBACK) == "06 12 34 56 78"
    assert room.arm1.focus()["accessible"] == CALLBACK
    room.callers.next(caller, "established", call_id)
    room.arm2.until(lambda: not panel(room.arm2), 5, "the ringing panel leaving arm2")
    assert "En communication" in panel(room.arm1)["ringing_title"]

    call = _server_call(room, call_id, lambda c: c["answered_by"] == "arm1", "answered by arm1")
    presented, answered = (datetime.fromisoformat(call[k]) for k in ("presented_at", "answered_at"))
    assert dialled_at - timedelta(seconds=1) <= presented <= answered <= datetime.now(timezone.utc)
    assert call["number"] == "0612345678" and not call["typed"] and not call["abandoned"]

    _type_rest_of_call(room.arm1, "Mme Martin")
    room.arm1.key("Return", "ctrl")
    call = _server_call(room, call_id, lambda c: c["case_id"], "linked to the saved case")
    clocks = room.api.case_clocks(call["case_id"])
    assert clocks["clock_source"] == "phone"
    assert _utc(clocks["reception"]) == presented and _utc(clocks["answered_at"]) == answered

    room.arm1.key("F4")
    room.callers.next(caller, "closed", call_id)
    call = _server_call(room, call_id, lambda c: c["ended_at"], "ended")
    assert not call["abandoned"]
    entries = [e for e in read_journal(room.server.url) if e["kind"] == "call"]
    assert entries, "the call is journalled"
    room.arm1.until(lambda: not panel(room.arm1), 5, "the call bar gone after F4")


def _utc(value) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def test_b_a_known_number_is_recognised_before_answering(room: Room) -> None:
    known = next(c for c in room.api.calls("recent") if c["number"] == "0612345678" and c["case_id"])
    short = short_number(room.api.case_clocks(known["case_id"])["case_id"])
    caller = room.callers.caller("0612345678")
    call_id = room.callers.dial(caller)
    for desk in (room.arm1, room.arm2):
        shown = desk.until(lambda d=desk: (p := panel(d)) and "Dossiers de ce numéro" in p.get(
            "ringing_known_title", "") and p, 10, "the known cases on the ringing panel")
        assert "06 12 34 56 78" in shown["ringing_number"]
        assert shown.get("ringing_warning", "").startswith("⚠"), shown
    cases = room.arm2.rows("Dossiers connus de ce numéro")
    assert any(short in row[0] and "en cours" in row[0] for row in cases), cases

    room.arm2.key("F3", "shift")  # answers and attaches to the known case chosen in the panel
    room.callers.next(caller, "established", call_id)
    call = _server_call(room, call_id, lambda c: c["answered_by"] == "arm2" and c["case_id"],
                        "answered by arm2, attached to the known case")
    assert call["case_id"] == known["case_id"]
    room.arm1.until(lambda: not panel(room.arm1), 5, "the ringing panel leaving arm1")
    room.arm2.key("F4")
    room.callers.next(caller, "closed", call_id)
