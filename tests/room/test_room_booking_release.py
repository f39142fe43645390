"""A booking ends the OSNP's « prise en charge » on every desk: four console processes, one real server.

The ARM types a call and hands it over; the MRL opens it and decides a consultation; the
ARM and the chef de salle keep the case open on their desks (they read it, they never take
it).  The OSNP opens it from « À réserver »: it is now « pris en charge par » the OSNP on
every desk.  The OSNP books: within a few seconds no desk shows the OSNP holding the case
any more — not the case view of the ARM, the MRL, the chef or the OSNP, not a queue nor the
OSNP's worklist.  The server's journal, read over HTTP, is the oracle of the release event
after the booking.  Expected texts (the demo accounts' names, the typed call) are written out.

Pictures of the OSNP's desk: ``/tmp/release_osnp_held.png`` (case taken, before the booking)
and ``/tmp/release_osnp.png`` (after it); ``SAS_ROOM_SHOTS`` names another folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.helpers.server_journal import read_journal
from tests.room.test_room_shift import QUEUE, WORKLIST, _row_of, _type_call

pytestmark = pytest.mark.e2e

OSNP_NAME = "Karim Benali (OSNP)"
MRL_NAME = "Dr Claire Muller (MRL)"
HELD_BY_OSNP = f"Pris en charge par {OSNP_NAME}"
NOBODY = "Personne n'a ce dossier en charge"
SLOTS = "Liste des créneaux"


def _holder_line(desk) -> str:
    """What the case view's holder line says (« Pris en charge par … depuis … », or nobody)."""
    return next((w["text"] or "" for w in desk.texts("caseView") if w["name"] == "case_holder"), "")


def _shows_osnp_holding(desk) -> bool:
    """Does ``desk`` show the OSNP holding a case: its holder line, or a row of its queue (the OSNP: its
    worklist, the queue being the tab behind it)?  The case's timeline keeps « pris en charge » as history."""
    rows = [" ".join(r) for r in desk.rows(WORKLIST if desk.user == "osnp" else QUEUE)]
    return any(f"pris en charge par {OSNP_NAME}" in r for r in rows) or OSNP_NAME in _holder_line(desk)


def test_the_osnp_books_and_no_desk_shows_it_holding_the_case(open_desks, demo_server):  # noqa: F811
    shots = Path(os.environ.get("SAS_ROOM_SHOTS") or "/tmp")
    shots.mkdir(parents=True, exist_ok=True)
    arm, mrl, osnp, chef = open_desks("arm", "mrl", "osnp", "superviseur")

    # The ARM's call, handed over; the MRL opens it (and holds it); the ARM and the chef open it to read.
    _type_call(arm)
    arm.until(lambda: arm.rows(QUEUE), 10, "the new case in the ARM's own queue")
    short = arm.rows(QUEUE)[0][2]
    arm.key("T", "ctrl")
    mrl.until(lambda: _row_of(mrl, QUEUE, short), 5, "the case in the MRL's queue")
    mrl.key("F6")
    mrl.key("Return")
    mrl.until(lambda: "Mme Martin" in mrl.text_of("caseView"), 10, "the MRL's case view")
    for desk in (arm, chef):
        desk.until(lambda d=desk: MRL_NAME in " ".join(_row_of(d, QUEUE, short) or []), 5,
                   f"the MRL holding the case on {desk.user}'s queue")
        desk.key("F6")
        desk.key("Return")
        desk.until(lambda d=desk: _holder_line(d).startswith(f"Pris en charge par {MRL_NAME}"), 10,
                   f"{desk.user}'s case view, the MRL holding the case")

    # The MRL decides a consultation: its hold ends, the case waits on the OSNP's worklist.
    mrl.key("F8")
    mrl.type("Consultation")
    mrl.key("D", "ctrl")
    osnp.until(lambda: _row_of(osnp, WORKLIST, short), 10, "the case on the OSNP's worklist")

    # The OSNP opens it: every desk that shows the case shows the OSNP holding it.
    osnp.key("F6")
    osnp.key("Return")
    osnp.until(lambda: "Mme Martin" in osnp.text_of("caseView"), 10, "the OSNP's case view")
    osnp.until(lambda: OSNP_NAME in " ".join(_row_of(osnp, WORKLIST, short) or []), 5,
               "« pris en charge par » the OSNP on its own worklist")
    for desk in (arm, mrl, chef):
        desk.until(lambda d=desk: _holder_line(d).startswith(HELD_BY_OSNP), 5,
                   f"« {HELD_BY_OSNP} » on {desk.user}'s case view")
    osnp.until(lambda: osnp.rows(SLOTS), 20, "the OSNP's slot list")
    osnp.screenshot(shots / "release_osnp_held.png")

    # The OSNP books the slot: the hold ends with the booking, on every desk within a few seconds.
    osnp.key("L", "ctrl")
    osnp.key("Return")
    question = osnp.until(osnp.dialog, 5, "the booking confirmation")
    assert "Réserver pour" in question["text"]
    osnp.key("Return")
    booked = time.monotonic()
    osnp.until(lambda: not _row_of(osnp, WORKLIST, short), 15, "the case leaving the OSNP's worklist")
    for desk in (osnp, arm, mrl, chef):
        desk.until(lambda d=desk: _holder_line(d) == NOBODY and not _shows_osnp_holding(d), 10,
                   f"{desk.user}'s desk no longer showing the OSNP holding the case")
    assert time.monotonic() - booked < 10
    osnp.screenshot(shots / "release_osnp.png")

    # The server's journal: the OSNP's release, right after its booking of this case.
    journal = read_journal(demo_server.url)
    case_uuid = next(e for e in journal if e["kind"] == "case" and e["payload"]["case_id"].endswith(short))["uuid"]
    mine = [e for e in journal if (e["payload"] or {}).get("case_uuid", (e["payload"] or {}).get("case_id"))
            == case_uuid or e["uuid"] == case_uuid]
    steps = [(e["kind"], e["author"], (e["payload"] or {}).get("type") or (e["payload"] or {}).get("status"))
             for e in mine]
    booking = steps.index(("booking", "osnp", "booked"))
    assert ("case_event", "osnp", "release") in steps[booking:]
    assert ("case_event", "osnp", "take_charge") in steps[:booking]
