"""Issue 13 item 11: a scripted shift with four desks — ARM, MRL, OSNP, chef de salle — as four console processes.

One real ``sas server`` process; each desk is a whole console in its own process
(:mod:`tests.room.desk_driver`), with its own encrypted cache and live sync, driven
by keys and read back from what its widgets show.  At each step the test asserts
what each desk shows:

1. the ARM types a call and hands it over (keyboard only);
2. the MRL's queue shows it; F6, Entrée opens it: the case view carries everything the ARM typed;
3. every other desk's queue shows « pris en charge par » the MRL, quickly;
4. the MRL decides a town consultation (F8, letters, Ctrl+D): the case reaches the OSNP's worklist;
5. the OSNP opens it, the search lands, Entrée then Entrée books; Entrée again books nothing: one booking;
6. the chef de salle's wall and review count it; the journal's times are the room's (Europe/Paris);
7. ``sas console --as … --open-case … --screenshot`` draws each role's desk with the case open.

The same shift runs with the desks' clocks on UTC.  Expected texts are written out here
(the demo accounts' names, the typed call); the server's journal, read over HTTP, is the
oracle for « one booking ».
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from tests.helpers.server_journal import read_journal

pytestmark = pytest.mark.e2e

MRL_NAME = "Dr Claire Muller (MRL)"
PARIS = ZoneInfo("Europe/Paris")
QUEUE, WORKLIST, JOURNAL = "File d'attente", "À réserver", "Journal des orientations"


def _server_journal(url: str) -> list[dict]:
    return read_journal(url)


def _row_of(desk, table: str, short: str) -> list[str] | None:
    """The row of ``table`` about case ``short`` (its number, whole or as the last segment of the case id)."""
    return next((r for r in desk.rows(table) if any(short in cell for cell in r)), None)


def _type_call(arm) -> None:
    """The call, as the ARM types it: number, callback, name, address, commune, motive, priority, notes."""
    arm.type("0612345678")
    arm.key("Tab")
    arm.key("Return")  # confirms the callback number, on to the name
    arm.type("Mme Martin")
    arm.key("Tab")
    arm.type("12 rue des Juifs")
    arm.key("Tab")
    arm.type("strasb")
    arm.key("Down")
    arm.key("Return")
    arm.key("Tab")
    arm.type("toux")
    arm.key("Return")
    arm.key("Tab")
    arm.type("2")
    arm.key("Tab")
    arm.key("Tab")
    arm.type("Tousse depuis trois jours, fille au bout du fil")
    arm.key("Return", "ctrl")


@pytest.mark.parametrize("desk_tz", ["Europe/Paris", "UTC"])
def test_a_shift_of_four_desks(open_desks, demo_server, tmp_path, desk_tz):  # noqa: F811
    env = {"TZ": desk_tz}
    arm, mrl, osnp, chef = open_desks("arm", "mrl", "osnp", "superviseur", env=env)

    # 1. The ARM types the call and opens the case, then hands it to the doctor.
    assert arm.focus()["accessible"] == "Téléphone de l'appelant"
    _type_call(arm)
    arm.until(lambda: arm.rows(QUEUE), 10, "the new case in the ARM's own queue")
    short = arm.rows(QUEUE)[0][2]
    arm.key("T", "ctrl")
    assert "transmis" in " ".join(_row_of(arm, QUEUE, short)).lower()

    # 2. The MRL's queue has it; F6, Entrée opens it, with everything the ARM typed.
    mrl.until(lambda: _row_of(mrl, QUEUE, short), 5, "the case in the MRL's queue")
    mrl.key("F6")
    mrl.key("Return")
    view = mrl.until(lambda: (t := mrl.text_of("caseView")) and "Mme Martin" in t and t, 10, "the MRL's case view")
    for typed in ("Mme Martin", "06 12 34 56 78", "12 rue des Juifs", "Strasbourg", "P2",
                  "Tousse depuis trois jours, fille au bout du fil"):
        assert typed in view, f"{typed!r} not in the MRL's case view:\n{view}"
    assert "toux" in view.lower() or "respiratoire" in view.lower()

    # 3. Every desk sees who holds the case, within a second or so.
    started = time.monotonic()
    for desk in (arm, osnp, chef):
        desk.until(lambda d=desk: MRL_NAME in " ".join(_row_of(d, QUEUE, short) or []), 5,
                   f"« pris en charge par {MRL_NAME} » on {desk.user}'s queue")
    assert time.monotonic() - started < 5

    # 4. The MRL decides a town consultation within 48 h: the case goes to the OSNP's worklist.
    mrl.key("F8")
    mrl.type("Consultation")
    mrl.key("D", "ctrl")
    osnp.until(lambda: _row_of(osnp, WORKLIST, short), 10, "the case on the OSNP's worklist")
    assert not _row_of(mrl, QUEUE, short), "a decided case leaves the waiting queue"

    # 5. The OSNP opens it, the search lands, Entrée chooses, Entrée confirms: booked once.
    osnp.key("F6")
    osnp.key("Return")
    osnp.until(lambda: "Mme Martin" in osnp.text_of("caseView"), 10, "the OSNP's case view")
    osnp.until(lambda: osnp.rows("Liste des créneaux"), 20, "the OSNP's slot list")
    osnp.key("L", "ctrl")
    osnp.key("Return")
    question = osnp.until(osnp.dialog, 5, "the booking confirmation")
    assert "Réserver pour" in question["text"] and "Entrée confirme" in question["text"]
    osnp.key("Return")
    osnp.until(lambda: not _row_of(osnp, WORKLIST, short), 15, "the case leaving the OSNP's worklist")
    osnp.key("L", "ctrl")
    osnp.key("Return")  # again: refused, nothing sent
    osnp.wait(1500)
    assert osnp.dialog() is None
    journal = _server_journal(demo_server.url)
    assert sum(1 for e in journal if e["kind"] == "booking") == 1

    # 6. The chef de salle's review lists the case, booked; the journal's times are Paris's, whatever TZ says.
    chef.key("F10")
    row = chef.until(lambda: _row_of(chef, "Dossiers de la période", short), 10, "the case in the review")
    assert "(RDV)" in " ".join(row)
    chef.key("F9")
    chef.until(lambda: any(w["accessible"] == "SNP terminés par un RDV : 100 %" for w in chef.texts()),
               10, "the wall: 100 % of SNP cases booked")
    assert "1 sur 1" in chef.text_of("supervisorWall")
    booking_at = next(e for e in journal if e["kind"] == "booking")["created_at"]
    paris = datetime.fromisoformat(booking_at).astimezone(PARIS).strftime("%H:%M")
    chef.until(lambda: any(r[0] == paris for r in chef.rows(JOURNAL)), 10, f"a journal row at {paris} (Paris)")

    # 7. Each role's desk with the case open, drawn by the console itself.
    case_id = next(e for e in journal if e["kind"] == "case")["payload"]["case_id"]
    shots = os.environ.get("SAS_ROOM_SHOTS") if desk_tz == "Europe/Paris" else None
    for user in ("arm", "mrl", "osnp", "superviseur"):
        target = tmp_path / f"room-{user}.png" if not shots else os.path.join(shots, f"room-{user}.png")
        done = subprocess.run(
            [sys.executable, "-m", "app", "console", "--server", demo_server.url, "--as", user,
             "--open-case", case_id, "--screenshot", str(target), "--data-dir", str(tmp_path / f"shot-{user}")],
            env={**os.environ, "SAS_PASSWORD": f"{user}-demo", "TZ": desk_tz}, capture_output=True, text=True,
            timeout=120)
        assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
        assert os.path.getsize(target) > 20_000
