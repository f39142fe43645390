"""The caller rows of the intake form: caller phone, callback number and its confirmation, caller name.

The callback number follows the caller's phone until the ARM types another
one; it must be confirmed (Entrée in the field, Ctrl+K or the button), and any
change takes the confirmation back.  The widgets belong to the
:class:`app.ui.intake.panel.IntakePanel`, which lays them out in its one form
(so every label lines up) and exposes them under the same names.
"""

from __future__ import annotations

from app.services.intake import form as intake
from app.ui.shell.form_rows import line_edit
from app.ui.shell.icons import with_icon
from app.ui.qt import QHBoxLayout, QLabel, QObject, QPushButton, Qt, QWidget, Signal, Slot


class CallerRows(QObject):
    """Caller phone → callback number (pre-filled, to confirm) → caller name.

    Signals:
        callbackRefused(str): confirming refused the callback number; carries the French error.
    """

    callbackRefused = Signal(str)

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self._custom = False  # the callback number was typed, it no longer follows the caller's phone
        self.phone_edit = line_edit(panel, self.tr("Téléphone de l'appelant"), self.tr("06 12 34 56 78"))
        self.callback_edit = line_edit(panel, self.tr("Numéro de rappel"), self.tr("Entrée : confirmer le rappel"))
        self.confirm_button = with_icon(QPushButton(self.tr("Con&firmer (Ctrl+K)"), panel), "confirm")
        self.confirm_button.setCheckable(True)
        self.confirm_button.setAccessibleName(self.tr("Confirmer le rappel"))
        self.confirm_state = QLabel(panel)
        self.confirm_state.setAccessibleName(self.tr("État du numéro de rappel"))
        self.name_edit = line_edit(panel, self.tr("Nom de l'appelant"), self.tr("Nom, qualité (fils, voisin…)"),
                                   stored_as="caller_name")
        self.callback_row = QHBoxLayout()
        self.callback_row.addWidget(self.callback_edit, 1)
        self.callback_row.addWidget(self.confirm_button)
        self.confirm_button.toggled.connect(self._on_confirm_toggled)
        self.phone_edit.textEdited.connect(self._on_phone_edited)
        self.callback_edit.textEdited.connect(self._on_callback_edited)
        self.callback_edit.returnPressed.connect(self._on_callback_return)

    def rows(self) -> list[tuple]:
        """(label, error name, field, what stands in the field's place) of each row, for the panel's form."""
        return [(self.tr("&Téléphone appelant"), "caller_phone", self.phone_edit, ()),
                (self.tr("N&uméro de rappel"), "callback_phone", self.callback_edit,
                 (self.callback_row, self.confirm_state)),
                (self.tr("&Nom de l'appelant"), "caller_name", self.name_edit, ())]

    def values(self) -> dict:
        """The rows under their :class:`~app.services.intake.form.IntakeForm` names (raw text)."""
        return {"caller_phone": self.phone_edit.text(), "callback_phone": self.callback_edit.text(),
                "callback_confirmed": self.confirm_button.isChecked(), "caller_name": self.name_edit.text()}

    def is_confirmed(self) -> bool:
        return self.confirm_button.isChecked()

    @Slot()
    def confirm(self) -> None:
        """Confirm the callback number; an invalid number emits :attr:`callbackRefused` instead."""
        if self.callback_edit.isReadOnly():
            return
        try:
            intake.normalize_phone(self.callback_edit.text())
        except ValueError as exc:
            self.callbackRefused.emit(str(exc))
            self.callback_edit.setFocus()
            return
        self._set_confirmed(True)

    def set_phone(self, text: str) -> None:
        """Put the caller's phone as if typed (the callback number follows it)."""
        self.phone_edit.setText(text)
        self._on_phone_edited(text)

    def set_callback(self, text: str) -> None:
        """Put a callback number other than the caller's phone (a draft taken back)."""
        self.callback_edit.setText(text)
        self._custom = True

    def reset(self) -> None:
        """The callback number follows the phone again, unconfirmed (the caller clears the text)."""
        self._custom = False
        self._set_confirmed(False)

    # --- private slots ----------------------------------------------------------------------------
    @Slot(str)
    def _on_phone_edited(self, text: str) -> None:
        if not self._custom:
            self.callback_edit.setText(text)
            self._set_confirmed(False)

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
        else:
            self.confirm_state.setText(self.tr("⚠ Rappel non confirmé (Entrée ou Ctrl+K)"))
            self.confirm_state.setStyleSheet("color: #b26a00;")
