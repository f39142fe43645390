"""« Transférer au SAMU voisin… » (Ctrl+Maj+H) in the real main window, through SAMU A's server to SAMU B."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.records.documents import CaseDoc  # noqa: E402
from app.ui.case.hub_send import RecipientPrompt, neighbour_ids  # noqa: E402
from app.ui.qt import Qt  # noqa: E402
from tests.hub_amqp.conftest import SAMU_B, case_body, received_case, wait_for  # noqa: E402
from tests.ui.test_main_window import make_window  # noqa: E402,F401

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_ctrl_shift_h_sends_the_open_case_to_the_chosen_samu(qtbot, make_window, samus, monkeypatch):  # noqa: F811
    a, b = samus
    body = case_body(21)
    assert a.http.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=a.auth()).status_code == 201
    window, _store = make_window("ARM")
    client = window._desk.client
    client.base_url, client.token = a.url, a.auth()["Authorization"].split()[1]
    window._desk.current_case = CaseDoc.model_validate(body)
    offered = []
    monkeypatch.setattr(RecipientPrompt, "ask", classmethod(
        lambda cls, parent, title, label, choices: offered.append(choices) or SAMU_B))

    with qtbot.waitSignal(window.hub_send.sent, timeout=20_000) as sent:
        qtbot.keyClick(window, Qt.Key.Key_H, CTRL_SHIFT)
    assert sent.args[0].startswith("fr.health.samu670_")
    assert offered == [neighbour_ids("67")] and SAMU_B in offered[0]
    assert "transmis à fr.health.samu680" in window.status.message()
    wait_for(lambda: received_case(b, body["case_id"]), what="the case on SAMU B")


def test_ctrl_shift_h_explains_what_is_missing(qtbot, make_window, monkeypatch):  # noqa: F811
    monkeypatch.setattr(RecipientPrompt, "ask", classmethod(lambda cls, *args: "pas un identifiant"))
    window, _store = make_window("ARM")
    qtbot.keyClick(window, Qt.Key.Key_H, CTRL_SHIFT)
    assert "Ouvrez d'abord le dossier" in window.status.message()
    window._desk.current_case = CaseDoc.model_validate(case_body(22))
    qtbot.keyClick(window, Qt.Key.Key_H, CTRL_SHIFT)
    assert "Destinataire invalide" in window.status.message()
    osnp, _store = make_window("OSNP")
    osnp._desk.current_case = window._desk.current_case
    qtbot.keyClick(osnp, Qt.Key.Key_H, CTRL_SHIFT)
    assert "réservé à l'ARM et aux médecins" in osnp.status.message()
