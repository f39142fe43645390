"""The caller rows of the intake form: caller phone, callback number and its confirmation, caller name.

The callback number follows the caller's phone until the ARM types another
one; it must be confirmed (Entrée in the field, Ctrl+K or the button), and any
change takes the confirmation back.  A hidden number (« numéro masqué »:
Ctrl+Maj+M, or a word such as « masqué » typed in the phone field) leaves the
phone empty and makes the callback number required.  Each number is checked
as soon as its field is left (:attr:`CallerRows.on_left`).  The widgets belong to the
:class:`app.ui.intake.panel.IntakePanel`, which lays them out in its one form
(so every label lines up) and exposes them under the same names.
"""

from __future__ import annotations

import sys

from app.services.intake import form as intake
from app.services.intake import phones
from app.ui.shell.form_rows import line_edit
from app.ui.shell.icons import with_icon
from app.ui.qt import QApplication, QCheckBox, QHBoxLayout, QLabel, QObject, QPushButton, Qt, QWidget, Signal, Slot


class CallerRows(QObject):
    """Caller phone → callback number (pre-filled, to confirm) → caller name.

    Signals:
        callbackRefused(str): confirming refused the callback number; carries the French error.
    """

    callbackRefused = Signal(str)

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        # Called with "caller_phone" or "callback_phone" when the ARM leaves that field for another (the panel
        # checks it).  A plain callback, not a signal: a signal emitted from a focusChanged slot made PySide
        # crash at interpreter exit in the UI tests.
        self.on_left = lambda name: None
        self._custom = False  # the callback number was typed, it no longer follows the caller's phone
        self.phone_edit = line_edit(panel, self.tr("Téléphone de l'appelant"),
                                    self.tr("06 12 34 56 78, ou « masqué » (Ctrl+Maj+M)"))
        self.hidden_check = QCheckBox(self.tr("Masqué"), panel)
        self.hidden_check.setToolTip(self.tr("Numéro masqué (Ctrl+Maj+M)"))
        self.hidden_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a key, not a tab stop
        self.hidden_check.setAccessibleName(self.tr("Numéro de l'appelant masqué"))
        self.callback_edit = line_edit(panel, self.tr("Numéro de rappel"), self.tr("Entrée : confirmer le rappel"))
        self.confirm_button = with_icon(QPushButton(self.tr("Con&firmer (Ctrl+K)"), panel), "confirm")
        self.confirm_button.setCheckable(True)
        self.confirm_button.setAccessibleName(self.tr("Confirmer le rappel"))
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Entrée, Ctrl+K or Alt+F: never a tab stop
        self.confirm_state = QLabel(panel)
        self.confirm_state.setAccessibleName(self.tr("État du numéro de rappel"))
        self.name_edit = line_edit(panel, self.tr("Nom de l'appelant"), self.tr("Nom, qualité (fils, voisin…)"),
                                   stored_as="caller_name")
        self.phone_row = QHBoxLayout()
        self.phone_row.addWidget(self.phone_edit, 1)
        self.phone_row.addWidget(self.hidden_check)
        self.callback_row = QHBoxLayout()
        self.callback_row.addWidget(self.callback_edit, 1)
        self.callback_row.addWidget(self.confirm_button)
        self.confirm_button.toggled.connect(self._on_confirm_toggled)
        self.phone_edit.textEdited.connect(self._on_phone_edited)
        self.callback_edit.textEdited.connect(self._on_callback_edited)
        self.callback_edit.returnPressed.connect(self._on_callback_return)
        self.hidden_check.toggled.connect(self._on_hidden_toggled)
        # The focus moving on rather than editingFinished: Qt 6 emits that one only when the text changed, and
        # an empty callback number passed by is exactly what a hidden caller's call must be told about.  A signal
        # rather than an event filter: no Python override runs while the widgets are torn down at exit.
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def rows(self) -> list[tuple]:
        """(label, error name, field, what stands in the field's place) of each row, for the panel's form."""
        return [(self.tr("&Téléphone appelant"), "caller_phone", self.phone_edit, (self.phone_row,)),
                (self.tr("N&uméro de rappel"), "callback_phone", self.callback_edit,
                 (self.callback_row, self.confirm_state)),
                (self.tr("&Nom de l'appelant"), "caller_name", self.name_edit, ())]

    def values(self) -> dict:
        """The rows under their :class:`~app.services.intake.form.IntakeForm` names (raw text)."""
        return {"caller_phone": self.phone_edit.text(), "caller_hidden": self.hidden_check.isChecked(),
                "callback_phone": self.callback_edit.text(),
                "callback_confirmed": self.confirm_button.isChecked(), "caller_name": self.name_edit.text()}

    def is_confirmed(self) -> bool:
        return self.confirm_button.isChecked()

    @Slot()
    def confirm(self) -> None:
        """Confirm the callback number; an invalid number emits :attr:`callbackRefused` instead."""
        if self.callback_edit.isReadOnly():
            return
        text = self.callback_edit.text()
        message = phones.check(self.phone_edit.text(), text, hidden=self.is_hidden()).get("callback_phone")
        if message is None and not text.strip():
            message = phones.CALLBACK_INVALID  # nothing to confirm
        if message is not None:
            self.callbackRefused.emit(message)
            self.callback_edit.setFocus()
            return
        self._set_confirmed(True)

    def set_phone(self, text: str) -> None:
        """Put the caller's phone as if typed (the callback number follows it)."""
        self.phone_edit.setText(text)
        self._on_phone_edited(text)

    def is_hidden(self) -> bool:
        """Whether the caller's number is hidden (the box, or a word like « masqué » in the phone field)."""
        return self.hidden_check.isChecked() or intake.is_hidden_number(self.phone_edit.text())

    def set_hidden(self, hidden: bool) -> None:
        """Mark the caller's number hidden (the phone field empties, the callback number is to type) or not."""
        self.hidden_check.setChecked(hidden)

    @Slot()
    def toggle_hidden(self) -> None:
        """Ctrl+Maj+M: hidden number on or off; on, the callback number takes the focus."""
        if self.phone_edit.isReadOnly():
            return
        self.set_hidden(not self.hidden_check.isChecked())
        (self.callback_edit if self.hidden_check.isChecked() else self.phone_edit).setFocus(
            Qt.FocusReason.ShortcutFocusReason)

    def set_callback(self, text: str) -> None:
        """Put a callback number other than the caller's phone (a draft taken back)."""
        self.callback_edit.setText(text)
        self._custom = True

    def reset(self) -> None:
        """The callback number follows the phone again, unconfirmed (the caller clears the text)."""
        self._custom = False
        self.set_hidden(False)
        self._set_confirmed(False)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.confirm_button, self.hidden_check):
            widget.setEnabled(not read_only)

    # --- private slots ----------------------------------------------------------------------------
    @Slot(str)
    def _on_phone_edited(self, text: str) -> None:
        if self.hidden_check.isChecked() and text.strip() and not intake.is_hidden_number(text):
            self.hidden_check.setChecked(False)  # a number typed after all
        if not self._custom:
            self.callback_edit.setText("" if intake.is_hidden_number(text) else text)
            self._set_confirmed(False)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """A number's field left for another widget (not for no widget: another window took the keys)."""
        if new is None or QApplication.closingDown() or sys.is_finalizing():
            return  # no check while the application, or Python itself, shuts down
        if not (old is self.phone_edit or old is self.callback_edit):
            return
        if old is self.phone_edit and intake.is_hidden_number(self.phone_edit.text()) \
                and not self.phone_edit.isReadOnly():
            self.set_hidden(True)  # « masqué » typed: the same as Ctrl+Maj+M
        self.on_left("caller_phone" if old is self.phone_edit else "callback_phone")

    @Slot(bool)
    def _on_hidden_toggled(self, hidden: bool) -> None:
        if hidden:
            self.phone_edit.clear()
            if not self._custom:
                self.callback_edit.clear()
            self._set_confirmed(False)
        self.phone_edit.setPlaceholderText(self.tr("Numéro masqué (Ctrl+Maj+M pour le saisir)") if hidden
                                           else self.tr("06 12 34 56 78, ou « masqué » (Ctrl+Maj+M)"))
        self._set_confirmed(self.confirm_button.isChecked())

    @Slot(str)
    def _on_callback_edited(self, text: str) -> None:
        self._custom = bool(text.strip())
        self._set_confirmed(False)

    @Slot()
    def _on_callback_return(self) -> None:
        self.confirm()
        if self.confirm_button.isChecked():
            self.name_edit.setFocus(Qt.FocusReason.TabFocusReason)

    @Slot(bool)
    def _on_confirm_toggled(self, checked: bool) -> None:
        self._set_confirmed(checked)

    def _set_confirmed(self, confirmed: bool) -> None:
        if self.confirm_button.isChecked() != confirmed:
            self.confirm_button.setChecked(confirmed)  # re-enters through toggled
            return
        if confirmed:
            self.confirm_state.setText(self.tr("✔ Rappel confirmé"))
            self.confirm_state.setStyleSheet("color: #1b5e20; font-weight: bold;")
        elif self.hidden_check.isChecked():
            self.confirm_state.setText(self.tr("⚠ Numéro masqué : numéro de rappel obligatoire (Entrée ou Ctrl+K)"))
            self.confirm_state.setStyleSheet("color: #b26a00; font-weight: bold;")
        else:
            self.confirm_state.setText(self.tr("⚠ Rappel non confirmé (Entrée ou Ctrl+K)"))
            self.confirm_state.setStyleSheet("color: #b26a00;")
