"""Issue 13 findings on one desk with real widgets: F6 then Entrée opens the first row, even after the queue
refreshed; a case opened from the queue goes to the case view, not into a blank intake form; Ctrl+N brings
the intake back; the status of a decided case is not « En cours »; controls say why they are disabled."""

from __future__ import annotations

from app.ui.case.regulation_actions import Prompt
from app.ui.qt import QApplication, Qt
from tests.ui.test_main_window import make_window  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier


def _new_case(qtbot, window, monkeypatch, **values) -> str:
    call = dict(caller_phone="06 12 34 56 78", caller_name="Mme Martin", address="12 rue des Juifs",
                commune="Strasbourg", motive="M03.14", priority="P2", notes="Fièvre depuis 48 h.")
    call.update(values)
    window.intake.fill(**call)
    window.intake.confirm_callback()
    monkeypatch.setattr(Prompt, "choose", classmethod(lambda cls, *a: 1))  # a new case, not attached
    with qtbot.waitSignal(window.intake.caseSubmitted):
        window.intake.submit()
    return window._desk.current_case.uuid


def _press(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


def test_f6_then_entree_opens_the_first_row_after_a_refresh_into_the_case_view(qtbot, make_window,  # noqa: F811
                                                                                monkeypatch):
    window, _store = make_window("ARM")
    assert window.left_stack.currentWidget() is window.intake  # the ARM's workspace: the intake form first
    uuid = _new_case(qtbot, window, monkeypatch)
    window.new_call()
    assert window._desk.current_case is None
    _press(qtbot, window, Qt.Key.Key_F6)
    table = window.queue_view.table
    assert table.hasFocus() and table.currentIndex().row() == 0
    window.regulation.refresh()  # the 5-second refresh between F6 and Entrée kept the row
    assert table.currentIndex().row() == 0
    _press(qtbot, window, Qt.Key.Key_Return)
    assert window._desk.current_case.uuid == uuid
    view = window.case_view
    assert window.left_stack.currentWidget() is view  # not the blank intake form
    assert view.fields["caller"].text().startswith("Mme Martin")
    assert view.fields["address"].text() == "12 rue des Juifs"
    assert "Fièvre depuis 48 h." in view.sections["notes"].text()
    assert view.status.text() == "Statut : En cours — à transmettre"
    take = view.buttons["take_charge"]
    assert not take.isEnabled()
    assert take.toolTip() == "Seuls les médecins régulateurs et l'OSNP prennent un dossier en charge"
    _press(qtbot, window, Qt.Key.Key_N, CTRL)
    assert window.left_stack.currentWidget() is window.intake and window.intake.phone_edit.text() == ""


def test_a_doctors_decision_reads_decided_and_the_case_leaves_the_queue(qtbot, make_window,  # noqa: F811
                                                                        monkeypatch):
    window, _store = make_window("MRL")
    assert window.left_stack.currentWidget() is window.case_view  # the doctor's workspace
    window.new_call()
    uuid = _new_case(qtbot, window, monkeypatch, priority="P3")
    window.new_call()
    _press(qtbot, window, Qt.Key.Key_F6)
    _press(qtbot, window, Qt.Key.Key_Return)
    view = window.case_view
    assert window._desk.current_case.uuid == uuid
    assert view.holder.text().startswith("Pris en charge par Utilisateur MRL")
    window.select_decision("CONSEIL")
    with qtbot.waitSignal(window.orientationRecorded, timeout=5_000):
        _press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert view.status.text() == "Statut : Décidé : Conseil médical"
    assert window.queue_view.model().rowCount() == 0
    assert view.waiting.text().startswith("Décidé en ")


def test_a_call_being_typed_survives_a_look_at_the_queue(qtbot, make_window, monkeypatch):  # noqa: F811
    window, _store = make_window("ARM")
    _new_case(qtbot, window, monkeypatch)
    window.new_call()
    window.intake.phone_edit.setFocus()
    qtbot.keyClicks(window.intake.phone_edit, "0388112233")  # a second call, half typed
    _press(qtbot, window, Qt.Key.Key_F6)
    _press(qtbot, window, Qt.Key.Key_Return)
    assert window.left_stack.currentWidget() is window.case_view
    _press(qtbot, window, Qt.Key.Key_N, CTRL)  # back to the call: nothing typed is lost
    assert window.left_stack.currentWidget() is window.intake
    assert window.intake.phone_edit.text().replace(" ", "") == "0388112233"
    assert window._desk.current_case is None and window.status.message() == "Appel en cours repris"
    _press(qtbot, window, Qt.Key.Key_N, CTRL)  # a second Ctrl+N: a new call indeed
    assert window.intake.phone_edit.text() == ""
