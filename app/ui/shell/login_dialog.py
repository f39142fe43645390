"""The login dialog: username, password, a French error line; the caller does the logging in.

The dialog only collects and emits (:attr:`LoginDialog.submitted`); whoever
shows it calls the server, then :meth:`LoginDialog.show_error` (the dialog
stays open, the password is emptied and focused) or ``accept()``.  While an
attempt is under way the fields are read-only and the button disabled, so a
double Entrée sends one try (and never presses Quitter).
"""

from __future__ import annotations

from app.ui.qt import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, Qt, QVBoxLayout, QWidget, Signal, Slot,
)


class LoginDialog(QDialog):
    """The login dialog, titled "Connexion — Console de régulation SAS".

    Signals:
        submitted(str, str): the user asked to log in with this username and password.
    """

    submitted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, *, username: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connexion — Console de régulation SAS"))
        self.setModal(True)
        self.username_edit = QLineEdit(username, self)
        self.username_edit.setAccessibleName(self.tr("Identifiant"))
        self.username_edit.setPlaceholderText(self.tr("Identifiant"))
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Mot de passe"))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("loginError")
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Erreur de connexion"))
        self.error_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton(self.tr("Se &connecter"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton(self.tr("&Quitter"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        # Never let Quit become the default button: a second Entrée during a login attempt must not quit.
        self.quit_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        for text, field in ((self.tr("&Identifiant"), self.username_edit),
                            (self.tr("&Mot de passe"), self.password_edit)):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        (self.password_edit if self.username() else self.username_edit).setFocus(Qt.FocusReason.OtherFocusReason)

    def username(self) -> str:
        return self.username_edit.text().strip()

    def show_error(self, message: str) -> None:
        """Show why the login failed; the password is emptied and focused for the next try."""
        self._set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        self.password_edit.clear()
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        # Read-only rather than disabled: disabling the focused field would move the focus (and
        # the Entrée key) to another button.
        self.username_edit.setReadOnly(busy)
        self.password_edit.setReadOnly(busy)
        self.login_button.setEnabled(not busy)

    @Slot()
    def _on_accepted(self) -> None:
        if not self.login_button.isEnabled():
            return
        if not self.username():
            self.show_error(self.tr("Saisissez votre identifiant."))
            self.username_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not self.password_edit.text():
            self.show_error(self.tr("Saisissez votre mot de passe."))
            return
        self.error_label.hide()
        self._set_busy(True)
        self.submitted.emit(self.username(), self.password_edit.text())
