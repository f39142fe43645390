"""The intake panel driven like an ARM drives it: real widgets, keys only, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.services.intake.form import FieldError, IntakeForm  # noqa: E402
from tests.helpers.keyboard import CTRL, Keyboard, type_standard_call  # noqa: E402,F401
from app.ui.qt import QApplication, QEvent, QKeyEvent, QLabel, QLineEdit, Qt  # noqa: E402


def test_standard_call_from_the_keyboard(qtbot, panel):
    with qtbot.waitSignal(panel.caseSubmitted, timeout=2000) as emitted:
        kb = type_standard_call(qtbot, panel)
    form = emitted.args[0]
    assert isinstance(form, IntakeForm)
    assert (form.caller_phone, form.callback_phone, form.callback_confirmed) == ("0612345678", "0612345678", True)
    assert (form.caller_name, form.address) == ("Mme Martin", "12 rue des Juifs")
    assert (form.commune_insee, form.commune_name) == ("67482", "Strasbourg")
    assert form.lat == pytest.approx(48.57, abs=0.01) and form.lon == pytest.approx(7.76, abs=0.01)
    assert (form.motive_code, form.motive_label, form.priority) == ("M03.14", "Fièvre, problème infectieux", "P2")
    assert form.reception is not None and form.reception.tzinfo is not None
    assert panel.commune_edit.text() == "Strasbourg (67000) — 67"
    overhead = kb.count - kb.content
    print(f"standard call: {kb.count} keystrokes ({kb.content} typed content, {overhead} navigation)")
    assert kb.count <= 60 and overhead <= 10


def test_invalid_phone_shows_error_focuses_field_and_keeps_input(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("06 12")
    panel.name_edit.setFocus()
    kb.type("Mme Martin")
    panel.commune_edit.setFocus()
    kb.type("67000")
    kb.key(Qt.Key.Key_Return)
    panel.priority_combo.setFocus()
    kb.type("1")
    with qtbot.assertNotEmitted(panel.caseSubmitted):
        kb.key(Qt.Key.Key_Return, CTRL)
    error = panel.findChild(QLabel, "error_caller_phone")
    assert error.isVisible() and error.text().startswith("Téléphone de l'appelant invalide")
    assert QApplication.focusWidget() is panel.phone_edit
    assert panel.phone_edit.property("invalid") is True
    assert panel.findChild(QLabel, "error_motive").text() == "Motif de recours obligatoire"
    # Nothing typed is lost.
    assert panel.phone_edit.text() == "06 12" and panel.name_edit.text() == "Mme Martin"
    assert panel.commune_edit.text() == "Strasbourg (67000) — 67" and panel.priority_combo.code() == "P1"
    # Fixing the number clears its error as soon as it is valid, not before.
    panel.phone_edit.end(False)
    kb.type(" 34 56")
    assert error.isVisible()
    kb.type(" 78")
    assert not error.isVisible() and panel.phone_edit.property("invalid") is False


def test_empty_submit_lists_required_fields_and_focuses_the_first(qtbot, panel):
    panel.name_edit.setFocus()
    with qtbot.assertNotEmitted(panel.caseSubmitted):
        qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return, CTRL)
    shown = {n for n in ("caller_phone", "commune", "motive", "priority")
             if panel.findChild(QLabel, f"error_{n}").isVisible()}
    assert shown == {"caller_phone", "commune", "motive", "priority"}
    assert QApplication.focusWidget() is panel.phone_edit


def test_callback_is_prefilled_confirmed_and_unconfirmed_on_change(qtbot, panel):
    kb = Keyboard(qtbot)
    kb.type("0612345678")
    assert panel.callback_edit.text() == "0612345678" and not panel.is_callback_confirmed()
    assert "non confirmé" in panel.confirm_state.text()
    kb.key(Qt.Key.Key_K, CTRL)
    assert panel.is_callback_confirmed() and "confirmé" in panel.confirm_state.text()
    panel.callback_edit.setFocus()
    panel.callback_edit.selectAll()
    kb.type("0388112233")
    assert not panel.is_callback_confirmed()
    panel.phone_edit.setFocus()
    kb.type("9")  # the caller's number no longer overwrites a number typed by hand
    assert panel.callback_edit.text() == "0388112233"
    panel.callback_edit.setFocus()
    panel.callback_edit.selectAll()
    kb.type("123")
    kb.key(Qt.Key.Key_K, CTRL)
    assert not panel.is_callback_confirmed()
    assert panel.findChild(QLabel, "error_callback_phone").text().startswith("Numéro de rappel invalide")


def test_commune_by_postal_code_and_edit_forgets_the_choice(qtbot, panel):
    kb = Keyboard(qtbot)
    panel.commune_edit.setFocus()
    kb.type("67000")
    popup = panel.commune_completer.popup()
    assert popup.isVisible() and popup.model().index(0, 0).data() == "Strasbourg (67000) — 67"
    kb.key(Qt.Key.Key_Return)
    assert panel.form().commune_insee == "67482"
    kb.key(Qt.Key.Key_Backspace)
    assert panel.form().commune_insee == "" and panel.form().commune_name.startswith("Strasbourg")


def test_commune_home_departement_first_and_single_match_taken_on_leaving(qtbot, panel):
    kb = Keyboard(qtbot)
    panel.commune_edit.setFocus()
    kb.type("saint denis")
    first = panel.commune_completer.popup().model().index(0, 0).data()
    kb.key(Qt.Key.Key_Escape)
    assert first.startswith("Saint-Denis")
    panel.commune_edit.clear()
    panel.motive_edit.setFocus()
    kb.type("thoracique")
    assert panel.motive_completer.popup().isVisible()
    kb.key(Qt.Key.Key_Tab)  # one proposal only: leaving the field takes it
    assert panel.form().motive_code == "M03.06" and not panel.motive_completer.popup().isVisible()
    assert QApplication.focusWidget() is panel.priority_combo
    panel.commune_edit.setFocus()
    kb.type("saint d")
    kb.key(Qt.Key.Key_Tab)  # several proposals: nothing is taken silently
    assert panel.form().commune_insee == "" and panel.form().commune_name == "saint d"


@pytest.mark.parametrize("key, modifier, code", [
    (Qt.Key.Key_0, Qt.KeyboardModifier.NoModifier, "P0"), (Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier, "P1"),
    (Qt.Key.Key_3, Qt.KeyboardModifier.NoModifier, "P3"), (Qt.Key.Key_2, Qt.KeyboardModifier.KeypadModifier, "P2"),
    (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier, "NR"),
])
def test_priority_keys(qtbot, panel, key, modifier, code):
    panel.priority_combo.setFocus()
    assert panel.priority_combo.code() == ""
    qtbot.keyClick(panel.priority_combo, key, modifier)
    assert panel.priority_combo.code() == code


def test_priority_azerty_top_row(panel):
    # QTest cannot type non-ASCII characters (qasciikey.cpp asserts): send the AZERTY "2" key by hand.
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Eacute, Qt.KeyboardModifier.NoModifier, "é")
    QApplication.sendEvent(panel.priority_combo, press)
    assert panel.priority_combo.code() == "P2"


def test_opened_case_banner_read_only_then_clear(qtbot, panel):
    with qtbot.waitSignal(panel.caseSubmitted):
        type_standard_call(qtbot, panel)
    panel.set_case_opened("fr.health.samu670.DRFR1567024018420007")
    assert panel.case_label.isVisible() and "018420007 ouvert" in panel.case_label.text()
    assert panel.phone_edit.isReadOnly() and not panel.submit_button.isEnabled()
    with qtbot.assertNotEmitted(panel.caseSubmitted):
        qtbot.keyClick(panel.phone_edit, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(panel.priority_combo, Qt.Key.Key_0)
    assert panel.priority_combo.code() == "P2"  # read-only, still readable (not greyed out)
    panel.clear()
    assert not panel.case_label.isVisible() and not panel.phone_edit.isReadOnly()
    assert panel.form() == IntakeForm()


def test_show_errors_from_outside_maps_aliases_and_unknown_fields(panel):
    panel.show_errors([FieldError("city_insee_code", "Commune hors territoire"), FieldError("x", "Autre souci")])
    assert panel.findChild(QLabel, "error_commune").text() == "Commune hors territoire"
    assert panel.general_error.isVisible() and panel.general_error.text() == "Autre souci"
    assert QApplication.focusWidget() is panel.commune_edit
    panel.show_errors([])
    assert not panel.general_error.isVisible()


def test_labels_have_mnemonics_and_fields_accessible_names(panel):
    buddies = [label for label in panel.findChildren(QLabel)
               if label.buddy() is not None and not panel.extra.isAncestorOf(label)]
    assert len(buddies) == 9 and all("&" in label.text() for label in buddies)
    assert all(edit.accessibleName() for edit in panel.findChildren(QLineEdit))
    assert panel.priority_combo.accessibleName() and panel.notes_edit.accessibleName()
    assert "&" in panel.submit_button.text() and "&" in panel.confirm_button.text()


def test_role_without_case_creation_gets_a_read_only_form(panel):
    panel.set_enabled_for_role("SUPERVISEUR")
    assert panel.phone_edit.isReadOnly() and not panel.submit_button.isEnabled()
    panel.set_enabled_for_role("ARM")
    assert not panel.phone_edit.isReadOnly() and panel.submit_button.isEnabled()


def test_no_field_takes_more_than_the_server_stores(qtbot, panel):
    """Each text field stops at its database column's length: the ARM cannot type what the server refuses."""
    from app.models import Case, Patient

    cases, patients = Case.__table__.c, Patient.__table__.c
    details = panel.details
    expected = {panel.name_edit: cases.caller_name, panel.address_edit: cases.address_complete,
                details.building_edit: cases.access_building, details.floor_edit: cases.access_floor,
                details.code_edit: cases.access_code, details.intercom_edit: cases.access_intercom}
    for edit, column in expected.items():
        assert edit.maxLength() == column.type.length, edit.accessibleName()
    panel.name_edit.setFocus()
    qtbot.keyClicks(panel.name_edit, "x" * 250)
    assert len(panel.name_edit.text()) == cases.caller_name.type.length
    assert panel.patients.last_name.maxLength() == patients.last_name.type.length
    assert panel.patients.gp_name.maxLength() == patients.general_practitioner_name.type.length
