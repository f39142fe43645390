"""The one-key confirmation of a booking: whom, with whom, when — Entrée confirms, Échap cancels.

« Réserver pour Mme Jeanne Test chez Dr Y le lun. 07/12 à 14:30 ? — Entrée confirme, Échap annule ».
A re-booking says that the case's current appointment is cancelled.  The dialog is
window-modal and opened without a nested event loop (:meth:`QDialog.open`): the
caller connects :attr:`accepted` to the booking itself.
"""

from __future__ import annotations

from app.services.booking.case_booking import slot_time
from app.ui.qt import QDialog, QDialogButtonBox, QLabel, Qt, QVBoxLayout, QWidget


class BookingConfirmDialog(QDialog):
    """Asks to confirm one booking (or re-booking); Entrée accepts, Échap rejects."""

    def __init__(self, parent: QWidget | None, *, patient: tuple[str | None, str], result: dict,
                 replaced: str | None = None):
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        effecteur = (result.get("effecteur") or {}).get("name") or ""
        when = slot_time(result["start"]) if result.get("start") else ""
        who = self._patient(*patient)
        if replaced is None:
            self.setWindowTitle(self.tr("Réserver le créneau"))
            question = self.tr("Réserver pour %s chez %s le %s ?") % (who, effecteur, when)
        else:
            self.setWindowTitle(self.tr("Re-réserver : le rendez-vous actuel est annulé"))
            question = self.tr("Re-réserver pour %s chez %s le %s ? Le rendez-vous actuel (%s) sera annulé.") % (
                who, effecteur, when, replaced)
        self.label = QLabel(question + " — " + self.tr("Entrée confirme, Échap annule"), self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        self.label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Re-réserver (Entrée)") if replaced else self.tr("Réserver (Entrée)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler (Échap)"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)

    def _patient(self, sex: str | None, name: str) -> str:
        """« M. Jean Dupont », « Mme Jeanne Test », or the name alone; « le patient » without one."""
        if not name:
            return self.tr("le patient")
        if sex == "M":
            return self.tr("M. %s") % name
        if sex == "F":
            return self.tr("Mme %s") % name
        return name

    def text(self) -> str:
        """The question as shown."""
        return self.label.text()
