"""Issue 13 item 9 on the intake panel, driven with the keyboard through real widgets (offscreen).

Ctrl+K confirms and moves on; Tab never stops on a button; a hidden number is
taken and then needs a callback number; a phone number is checked as soon as
its field is left; the details scroll inside the panel instead of growing the window.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.reference.communes import default_index  # noqa: E402
from app.ui.intake.panel import IntakePanel  # noqa: E402
from app.ui.qt import QApplication, QLabel, Qt, QVBoxLayout, QWidget  # noqa: E402
from tests.helpers.keyboard import CTRL, Keyboard  # noqa: E402

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _focus():
    return QApplication.focusWidget()


def _error(panel, name: str) -> QLabel:
    return panel.findChild(QLabel, f"error_{name}")


# --- Ctrl+K ---------------------------------------------------------------------------------------

def test_ctrl_k_in_the_phone_field_confirms_the_callback_and_moves_to_the_name(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612345678")
    kb.key(Qt.Key.Key_K, CTRL)
    assert panel.is_callback_confirmed()
    assert _focus() is panel.name_edit
    assert panel.phone_edit.text() == panel.callback_edit.text() == "0612345678"  # nothing typed is lost
    kb.type("Mme Martin")
    assert panel.name_edit.text() == "Mme Martin" and panel.phone_edit.text() == "0612345678"


def test_ctrl_k_in_the_callback_field_confirms_and_moves_to_the_name(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612345678")
    kb.key(Qt.Key.Key_Tab)
    assert _focus() is panel.callback_edit
    kb.key(Qt.Key.Key_K, CTRL)
    assert panel.is_callback_confirmed() and _focus() is panel.name_edit


def test_ctrl_k_on_an_invalid_callback_number_stays_there_with_the_error(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612")
    kb.key(Qt.Key.Key_K, CTRL)
    assert not panel.is_callback_confirmed()
    assert _focus() is panel.callback_edit
    assert _error(panel, "callback_phone").text().startswith("Numéro de rappel invalide")


def test_ctrl_k_in_the_motive_takes_the_highlighted_proposal_and_moves_on(qtbot, panel):
    kb = Keyboard(qtbot)
    panel.motive_edit.setFocus()
    kb.type("toux")
    assert panel.motive_completer.popup().isVisible()
    kb.key(Qt.Key.Key_K, CTRL)
    assert panel.motive_completer.current[0] == "M03.12"
    assert panel.motive_edit.text() == "M03.12 — Gêne respiratoire"
    assert _focus() is panel.priority_combo


def test_ctrl_k_in_the_commune_takes_the_highlighted_proposal_and_moves_on(qtbot, panel):
    kb = Keyboard(qtbot)
    panel.commune_edit.setFocus()
    kb.type("strasb")
    kb.key(Qt.Key.Key_K, CTRL)
    assert panel.commune_completer.current.insee == "67482"
    assert _focus() is panel.motive_edit


# --- tab order ------------------------------------------------------------------------------------

def _tab_through(qtbot, panel, key, modifier=Qt.KeyboardModifier.NoModifier, steps: int = 12) -> list:
    seen = [_focus()]
    for _ in range(steps):
        qtbot.keyClick(_focus(), key, modifier)
        seen.append(_focus())
    return seen


def test_tab_goes_through_every_field_in_interview_order_and_never_stops_on_a_button(qtbot, panel):
    fields = [panel.phone_edit, panel.callback_edit, panel.name_edit, panel.address_edit, panel.commune_edit,
              panel.motive_edit, panel.priority_combo, panel.routing_row.combo, panel.notes_edit]
    names = {id(w): w.accessibleName() for w in fields}
    seen = _tab_through(qtbot, panel, Qt.Key.Key_Tab, steps=len(fields))
    assert [names.get(id(w), type(w).__name__) for w in seen] == [names[id(w)] for w in fields + fields[:1]]
    back = _tab_through(qtbot, panel, Qt.Key.Key_Backtab, SHIFT, steps=len(fields))
    assert [names.get(id(w), type(w).__name__) for w in back] == [names[id(w)] for w in
                                                                  [fields[0], *reversed(fields)]]


def test_tab_from_the_callback_field_reaches_the_name_even_after_typing(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612345678")
    kb.key(Qt.Key.Key_Tab)
    kb.type("0388112233")
    kb.key(Qt.Key.Key_Tab)
    assert _focus() is panel.name_edit
    kb.type("Mme Martin")
    kb.key(Qt.Key.Key_Tab)
    assert _focus() is panel.address_edit


def test_buttons_keep_their_keys_without_being_tab_stops(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612345678")
    kb.key(Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # « Con&firmer » (an animated click)
    qtbot.waitUntil(panel.is_callback_confirmed, timeout=2000)
    assert _focus() is panel.phone_edit  # the button took no focus
    with qtbot.waitSignal(panel.draftRequested, timeout=2000):  # « Ou&vrir le dossier »: refused, kept as draft
        kb.key(Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)


# --- hidden number --------------------------------------------------------------------------------

def test_ctrl_shift_m_takes_a_hidden_number_then_the_callback_number_is_required(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_M, CTRL | SHIFT)
    assert panel.hidden_check.isChecked() and _focus() is panel.callback_edit
    assert panel.phone_edit.text() == "" and "masqué" in panel.confirm_state.text()
    kb.key(Qt.Key.Key_Tab)  # leaving the callback number empty: told at once, the keys go on
    error = _error(panel, "callback_phone")
    assert error.isVisible() and error.text() == "Numéro de rappel obligatoire : le numéro de l'appelant est masqué"
    assert _focus() is panel.name_edit
    panel.callback_edit.setFocus()
    kb.type("0388112233")
    assert not error.isVisible()
    kb.key(Qt.Key.Key_Return)
    assert panel.is_callback_confirmed() and _focus() is panel.name_edit
    form = panel.form()
    assert form.caller_hidden and form.callback_phone == "0388112233"
    assert not _error(panel, "caller_phone").isVisible()


def test_typing_masque_in_the_phone_field_is_a_hidden_number(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("masque")  # QTest types ASCII only; « masqué » is the same word to the rule
    assert panel.callback_edit.text() == ""  # the word is not copied as a callback number
    kb.key(Qt.Key.Key_Tab)
    assert panel.hidden_check.isChecked() and _focus() is panel.callback_edit
    assert not _error(panel, "caller_phone").isVisible()


def test_submit_with_a_hidden_number_and_no_callback_names_the_callback_field(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_M, CTRL | SHIFT)
    with qtbot.assertNotEmitted(panel.caseSubmitted):
        kb.key(Qt.Key.Key_Return, CTRL)
    assert _error(panel, "callback_phone").text() == "Numéro de rappel obligatoire : le numéro de l'appelant est masqué"
    assert not _error(panel, "caller_phone").isVisible()
    assert _focus() is panel.callback_edit


def test_a_whole_call_with_a_hidden_number_from_the_keyboard(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_M, CTRL | SHIFT)
    kb.type("0388112233")
    kb.key(Qt.Key.Key_Return)
    kb.type("M. Petit")
    kb.key(Qt.Key.Key_Tab)
    kb.key(Qt.Key.Key_Tab)
    kb.type("strasb")
    kb.key(Qt.Key.Key_K, CTRL)
    kb.type("fievre")
    kb.key(Qt.Key.Key_K, CTRL)
    kb.type("2")
    with qtbot.waitSignal(panel.caseSubmitted, timeout=2000) as emitted:
        kb.key(Qt.Key.Key_Return, CTRL)
    form = emitted.args[0]
    assert form.caller_hidden and form.caller_phone == "" and form.callback_phone == "0388112233"
    assert (form.commune_insee, form.motive_code, form.priority) == ("67482", "M03.14", "P2")


def test_typing_a_number_after_all_clears_the_hidden_mark(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_M, CTRL | SHIFT)
    panel.phone_edit.setFocus()
    kb.type("06")
    assert not panel.hidden_check.isChecked()


# --- phone checked when left ----------------------------------------------------------------------

def test_a_bad_phone_is_told_when_the_field_is_left_and_the_keys_go_on(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("06 12")
    kb.key(Qt.Key.Key_Tab)
    error = _error(panel, "caller_phone")
    assert error.isVisible() and error.text().startswith("Téléphone de l'appelant invalide")
    assert _focus() is panel.callback_edit  # not sent back: the ARM goes on
    kb.key(Qt.Key.Key_Tab)
    assert _error(panel, "callback_phone").text().startswith("Numéro de rappel invalide")
    assert _focus() is panel.name_edit
    panel.phone_edit.setFocus()
    panel.phone_edit.end(False)
    kb.type(" 34 56 78")
    assert not error.isVisible()


def test_an_empty_phone_passed_by_is_not_an_error_yet(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_Tab)
    kb.key(Qt.Key.Key_Tab)
    assert _focus() is panel.name_edit
    assert not _error(panel, "caller_phone").isVisible() and not _error(panel, "callback_phone").isVisible()


# --- details scroll inside the panel --------------------------------------------------------------

def test_details_scroll_inside_the_panel_and_the_window_keeps_its_size(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    panel = IntakePanel(window, communes=default_index(), home_departement="67")
    QVBoxLayout(window).addWidget(panel)
    window.resize(420, 640)
    with qtbot.waitExposed(window):
        window.show()
    panel.focus_first()
    before = window.size()
    qtbot.keyClick(panel.phone_edit, Qt.Key.Key_D, CTRL | SHIFT)
    QApplication.processEvents()
    assert panel.details.isVisible() and _focus() is panel.details.caller_type
    assert window.size() == before
    assert panel.scroll_area.verticalScrollBar().maximum() > 0  # it scrolls instead
    rect = panel.details.caller_type.rect()
    top_left = panel.details.caller_type.mapTo(panel.scroll_area.viewport(), rect.topLeft())
    assert panel.scroll_area.viewport().rect().contains(top_left)  # the focused field is shown
    qtbot.keyClick(_focus(), Qt.Key.Key_D, CTRL | SHIFT)
    QApplication.processEvents()
    assert not panel.details.isVisible() and window.size() == before


def test_a_draft_of_a_hidden_caller_comes_back_hidden_with_its_callback_number(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.key(Qt.Key.Key_M, CTRL | SHIFT)
    kb.type("0388112233")
    with qtbot.waitSignal(panel.draftRequested, timeout=2000) as saved:
        kb.key(Qt.Key.Key_S, CTRL)
    panel.clear()
    assert not panel.hidden_check.isChecked() and panel.callback_edit.text() == ""
    panel.load_form(saved.args[0])
    assert panel.hidden_check.isChecked() and panel.phone_edit.text() == ""
    assert panel.callback_edit.text() == "0388112233"


def test_tab_through_the_details_and_patients_never_stops_on_a_button(qtbot, panel):
    from app.ui.qt import QtWidgets

    qtbot.keyClick(panel.phone_edit, Qt.Key.Key_D, CTRL | SHIFT)
    assert _focus() is panel.details.caller_type
    seen = _tab_through(qtbot, panel, Qt.Key.Key_Tab, steps=40)
    buttons = [w.text() for w in seen if isinstance(w, QtWidgets.QAbstractButton)]
    assert buttons == []
    assert panel.patients.last_name in seen and panel.patients.gp_rpps in seen  # the patients are reached
