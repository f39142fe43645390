"""Every field, button and table a keyboard reaches in the main window has a name a screen reader can say."""

from __future__ import annotations

import pytest

from app.ui.qt import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, Qt, QTableView, QWidget

CHECKED = (QLineEdit, QComboBox, QPushButton, QTableView, QPlainTextEdit)
#: Buttons built by modules other engineers own right now (converted later by the lead), by their text:
#: app/ui/search/actions.py and app/ui/case/appointments_view.py.  Keep this list short.
ALLOWED_UNNAMED = {"&Rechercher (F5)", "É&largir (Ctrl+E)", "Ré&server (Entrée)", "Enregistrer la &décision (Ctrl+D)",
                   "&Rappeler le patient (Entrée)", "Fai&t (Ctrl+Entrée)"}


def unnamed_widgets(window: QWidget) -> list[str]:
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, CHECKED) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
            continue  # an editable combo's own line edit: the combo carries the name
        if widget.accessibleName().strip() or id(widget) in buddies:
            continue
        text = widget.text() if isinstance(widget, QPushButton) else ""
        if text not in ALLOWED_UNNAMED:
            missing.append(f"{type(widget).__name__} {widget.objectName()} «{text}» in {type(widget.parent()).__name__}")
    return missing


@pytest.mark.parametrize("role", ["MRL", "ARM"])
def test_every_focusable_input_button_and_table_has_an_accessible_name(make_window, role):
    window = make_window(role)
    assert unnamed_widgets(window) == []


def test_the_settings_and_error_dialogs_name_their_fields(qtbot, data_dir):
    from app.settings import Settings
    from app.ui.shell.error_dialog import ErrorDialog
    from app.ui.shell.settings_dialog import SettingsDialog

    for dialog in (SettingsDialog(Settings(desk_number=12)), ErrorDialog("RuntimeError: x", "Traceback…")):
        qtbot.addWidget(dialog)
        assert unnamed_widgets(dialog) == []


def test_ctrl_comma_opens_the_settings_from_the_console_menu(make_window):
    from app.ui.qt import QKeySequence

    window = make_window("OSNP")
    assert window.menus.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.menus.settings_action in window.menus.menus["console"].actions()
