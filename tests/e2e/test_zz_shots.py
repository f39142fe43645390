"""Throwaway: screenshots of each role (not committed)."""
import pytest
from app.ui.case.regulation_actions import Prompt
from app.ui.qt import Qt
from tests.e2e.test_room_handoffs import room, CTRL, _open_from_queue  # noqa: F401

pytestmark = pytest.mark.e2e


def _grab(desk, name):
    w = desk.window
    w.resize(1600, 960)
    if w.workspace != "supervisor":
        desk.qtbot.waitUntil(w.map_view.is_ready, timeout=30_000)
    desk.qtbot.wait(1500)
    w.grab().save(f"/tmp/shots/{name}.png")


def test_shots(room, monkeypatch):
    arm = room("arm")
    intake = arm.window.intake
    intake.fill(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
                commune="Strasbourg", motive="M03.14", priority="P2", notes="Fièvre depuis 48 h.")
    intake.confirm_callback()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))
    intake.submit()
    arm.key(Qt.Key.Key_T, CTRL)
    arm.sync_once()
    _grab(arm, "arm-intake")
    mrl = room("mrl")
    mrl.sync_once()
    _open_from_queue(mrl)
    mrl.sync_once()
    _grab(mrl, "mrl")
    arm.sync_once()
    _open_from_queue(arm)
    _grab(arm, "arm-caseview")
    osnp = room("osnp")
    osnp.sync_once()
    _grab(osnp, "osnp")
    chief = room("superviseur")
    chief.sync_once()
    _open_from_queue(chief)
    _grab(chief, "superviseur")
