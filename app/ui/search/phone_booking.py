"""The call flow of a slot from an agenda that only shows slots: phone the effecteur, then say what they answered.

Réserver (Entrée) on such a slot (``booking: "phone"``, issue 14) does not book: it opens
:class:`PhoneBookingDialog`, which shows the effecteur's name and number in big type
(formatted like every number of the console, :func:`app.services.intake.form.format_phone`),
the slot's time on the room's clock and the patient, then two choices:

* « RDV confirmé par téléphone » — Entrée or Ctrl+Entrée: the booking is sent with
  ``confirmed_by_phone`` (:attr:`PhoneBookingDialog.confirmed`);
* « Pas de réponse / refusé » — Échap: nothing is booked.

Like :class:`~app.ui.search.booking_confirm.BookingConfirmDialog` it is window-modal and
opened without a nested event loop (:meth:`QDialog.open`).
"""

from __future__ import annotations

from app.services.booking.case_booking import slot_time
from app.services.desk import live_agendas
from app.services.intake.form import format_phone
from app.ui.qt import QDialog, QHBoxLayout, QKeyEvent, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Signal, Slot


def _big(label: QLabel, scale: float) -> QLabel:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


class PhoneBookingDialog(QDialog):
    """Phone the effecteur of a slot, then confirm (Entrée, Ctrl+Entrée) or give up (Échap).

    Signals:
        confirmed(): the effecteur confirmed the appointment on the phone.
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None, *, patient: str, result: dict, replaced: str | None = None):
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowTitle(self.tr("Appeler l'effecteur pour confirmer le rendez-vous"))
        effecteur = result.get("effecteur") or {}
        editor = live_agendas.editor_of(result)
        layout = QVBoxLayout(self)
        self.name_label = self._plain(effecteur.get("name") or self.tr("Effecteur sans nom"))
        self.phone_label = _big(self._plain(format_phone(effecteur.get("phone")) or self.tr("numéro inconnu")), 2.2)
        self.phone_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phone_label.setAccessibleName(self.tr("Numéro à appeler"))
        when = slot_time(result["start"]) if result.get("start") else "?"
        self.when_label = _big(self._plain(self.tr("Créneau : %s") % when), 1.3)
        why = self.tr("L'agenda %s ne prend pas les réservations : appelez l'effecteur et faites confirmer le "
                      "rendez-vous pour %s.") % (editor or "?", patient)
        if replaced:
            why += " " + self.tr("Le rendez-vous actuel (%s) sera annulé.") % replaced
        self.text_label = self._plain(why)
        self.text_label.setWordWrap(True)
        for w in (_big(self.name_label, 1.5), self.phone_label, self.when_label, self.text_label):
            layout.addWidget(w)
        buttons = QHBoxLayout()
        self.ok_button = QPushButton(self.tr("RDV confirmé par téléphone (Entrée)"), self)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._confirm)
        self.no_button = QPushButton(self.tr("Pas de réponse / refusé (Échap)"), self)
        self.no_button.setAutoDefault(False)
        self.no_button.clicked.connect(self.reject)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.no_button)
        layout.addLayout(buttons)
        self._confirmed = False
        self.finished.connect(self._on_finished)

    def _plain(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        return label

    def text(self) -> str:
        """Everything the dialog says, one line per label (what tests and screen readers read)."""
        return "\n".join(w.text() for w in (self.name_label, self.phone_label, self.when_label, self.text_label))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ControlModifier):
            self._confirm()
            return
        super().keyPressEvent(event)  # Échap: reject, nothing booked

    @Slot()
    def _confirm(self) -> None:
        self._confirmed = True
        self.accept()

    @Slot(int)
    def _on_finished(self, _code: int) -> None:
        if self._confirmed:
            self.confirmed.emit()
