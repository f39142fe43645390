"""The two small dialogs of the desk phone: the number to dial by hand, and the doctor's desk to transfer to.

Each is one class method (tests patch it): :meth:`PhonePrompts.dial_by_hand`
shows the number large when the desk has no working phone (degraded mode: the
call is dialled on the room's own handset and logged as typed);
:meth:`PhonePrompts.transfer_target` offers the room's doctors' desks
(``Settings.transfer_desks``), first one chosen, Entrée confirms.
"""

from __future__ import annotations

from app.ui.qt import QCoreApplication, QInputDialog, QMessageBox, QObject, QWidget


class PhonePrompts(QObject):
    """Modal prompts of :mod:`app.ui.telephony.desk_phone`."""

    @classmethod
    def dial_by_hand(cls, parent: QWidget | None, who: str, number: str) -> bool:
        """Show ``number`` to dial by hand; True when the ARM says it was dialled (logged as typed)."""
        title = QCoreApplication.translate("PhonePrompts", "Téléphone indisponible")
        text = QCoreApplication.translate("PhonePrompts", "Composez à la main le numéro de %s :") % who
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent)
        box.setInformativeText(number)
        box.button(QMessageBox.StandardButton.Ok).setText(QCoreApplication.translate("PhonePrompts", "&Composé"))
        box.button(QMessageBox.StandardButton.Cancel).setText(QCoreApplication.translate("PhonePrompts", "Annuler"))
        return box.exec() == QMessageBox.StandardButton.Ok

    @classmethod
    def transfer_target(cls, parent: QWidget | None, desks: list[str]) -> str | None:
        """The doctor's desk chosen for the hand-over, or None when cancelled."""
        if not desks:
            return None
        title = QCoreApplication.translate("PhonePrompts", "Transfert au médecin")
        label = QCoreApplication.translate("PhonePrompts", "Poste du médecin (transfert accompagné) :")
        chosen, ok = QInputDialog.getItem(parent, title, label, desks, 0, False)
        return chosen if ok and chosen else None
