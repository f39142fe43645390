"""The one-key confirmation of a booking: whom, with whom, when — Entrée confirms, Échap cancels.

« Réserver pour Mme Jeanne Test chez Dr Y le lun. 07/12 à 14:30 ? — Entrée confirme, Échap annule ».
A re-booking says that the case's current appointment is cancelled; a slot of an agenda editor
that takes bookings (``booking: "editor"``, issue 14) says the appointment goes into the
doctor's agenda at that editor.  A slot of an agenda that only shows slots is not confirmed
here but through the call flow (:mod:`app.ui.search.phone_booking`).  The box is
window-modal and opened without a nested event loop (:meth:`QDialog.open`): the
caller connects :attr:`BookingConfirmDialog.confirmed` to the booking itself.
"""

from __future__ import annotations

from app.services.booking.case_booking import slot_time
from app.services.desk import live_agendas
from app.ui.qt import QCoreApplication, QMessageBox, Qt, QWidget, Signal, Slot


def patient_text(sex: str | None, name: str) -> str:
    """« M. Jean Dupont », « Mme Jeanne Test », or the name alone; « le patient » without one."""
    if not name:
        return QCoreApplication.translate("BookingConfirmDialog", "le patient")
    if sex == "M":
        return QCoreApplication.translate("BookingConfirmDialog", "M. %s") % name
    if sex == "F":
        return QCoreApplication.translate("BookingConfirmDialog", "Mme %s") % name
    return name


class BookingConfirmDialog(QMessageBox):
    """Asks to confirm one booking (or re-booking); Entrée confirms, Échap cancels.

    Signals:
        confirmed(): the user confirmed (Entrée, or the button).
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None, *, patient: tuple[str | None, str], result: dict,
                 replaced: str | None = None):
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setIcon(QMessageBox.Icon.Question)
        self.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        effecteur = (result.get("effecteur") or {}).get("name") or ""
        when = slot_time(result["start"]) if result.get("start") else ""
        who = patient_text(*patient)
        if replaced is None:
            self.setWindowTitle(self.tr("Réserver le créneau"))
            question = self.tr("Réserver pour %s chez %s le %s ?") % (who, effecteur, when)
        else:
            self.setWindowTitle(self.tr("Re-réserver : le rendez-vous actuel est annulé"))
            question = self.tr("Re-réserver pour %s chez %s le %s ? Le rendez-vous actuel (%s) sera annulé.") % (
                who, effecteur, when, replaced)
        if live_agendas.booking_mode(result) == live_agendas.BOOK_AT_EDITOR:
            editor = live_agendas.editor_of(result) or "?"
            question += " " + self.tr("Le rendez-vous sera inscrit dans l'agenda du médecin chez %s.") % editor
        self.setText(question + " — " + self.tr("Entrée confirme, Échap annule"))
        self.ok_button = self.addButton(self.tr("Re-réserver (Entrée)") if replaced else self.tr("Réserver (Entrée)"),
                                        QMessageBox.ButtonRole.AcceptRole)
        cancel = self.addButton(self.tr("Annuler (Échap)"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.ok_button)
        self.setEscapeButton(cancel)
        self.finished.connect(self._on_finished)

    @Slot(int)
    def _on_finished(self, _code: int) -> None:
        if self.clickedButton() is self.ok_button:
            self.confirmed.emit()
