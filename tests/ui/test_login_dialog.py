"""The login dialog: it collects and emits; the caller answers with show_error() or accept()."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.ui.shell.login_dialog import LoginDialog  # noqa: E402
from app.ui.qt import QApplication, QLabel, Qt  # noqa: E402


@pytest.fixture
def dialog(qtbot):
    widget = LoginDialog(username="mrl")
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):  # a context manager: waits on exit
        widget.show()
    return widget


def test_title_prefill_and_focus(dialog):
    assert dialog.windowTitle() == "Connexion — Console de régulation SAS"
    assert dialog.username_edit.text() == "mrl"
    assert QApplication.focusWidget() is dialog.password_edit  # username known: straight to the password
    assert not dialog.error_label.isVisible()
    assert all("&" in label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None)


def test_enter_submits_once_then_error_then_accept(qtbot, dialog):
    qtbot.keyClicks(dialog.password_edit, "secret")
    with qtbot.waitSignal(dialog.submitted) as submitted:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert submitted.args == ["mrl", "secret"]
    with qtbot.assertNotEmitted(dialog.submitted):  # locked while the caller is logging in
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    dialog.show_error("Identifiant ou mot de passe incorrect")
    assert dialog.error_label.isVisible() and dialog.error_label.text() == "Identifiant ou mot de passe incorrect"
    assert dialog.isVisible() and dialog.password_edit.text() == "" and not dialog.password_edit.isReadOnly()
    assert QApplication.focusWidget() is dialog.password_edit
    qtbot.keyClicks(dialog.password_edit, "mrl-demo")
    with qtbot.waitSignal(dialog.submitted) as submitted:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert submitted.args == ["mrl", "mrl-demo"] and not dialog.error_label.isVisible()
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    assert not dialog.isVisible()


def test_empty_fields_are_refused_locally(qtbot):
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # a context manager: waits on exit
        dialog.show()
    assert QApplication.focusWidget() is dialog.username_edit
    with qtbot.assertNotEmitted(dialog.submitted):
        qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Return)
    assert dialog.error_label.text() == "Saisissez votre identifiant."
    qtbot.keyClicks(dialog.username_edit, "arm1")
    with qtbot.assertNotEmitted(dialog.submitted):
        qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Return)
    assert dialog.error_label.text() == "Saisissez votre mot de passe."


def test_escape_rejects(qtbot, dialog):
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
