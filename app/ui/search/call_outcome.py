"""The small dialog of a call to an effecteur "en sus": who, which number, what answer.

Keys 1, 2 and 3 answer Accepté, Refusé, Pas de réponse; Échap cancels.
:meth:`CallOutcomeDialog.ask` is the one entry point (tests patch it).
"""

from __future__ import annotations

from app.services.intake.form import format_phone
from app.services.search.model import ACCEPTED, NO_ANSWER, OUTCOMES, REFUSED
from app.ui.qt import (
    QDialog, QHBoxLayout, QKeyEvent, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Slot,
)

_KEYS = {Qt.Key.Key_1: ACCEPTED, Qt.Key.Key_2: REFUSED, Qt.Key.Key_3: NO_ANSWER}


class CallOutcomeDialog(QDialog):
    """Shows the effecteur's phone and records the answer as :attr:`outcome`."""

    def __init__(self, effecteur: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.outcome: str | None = None
        self.setWindowTitle(self.tr("Appel en sus des disponibilités"))
        name = effecteur.get("name") or ""
        phone = format_phone(effecteur.get("phone")) or self.tr("numéro inconnu")
        layout = QVBoxLayout(self)
        who = QLabel(self.tr("Appeler %s") % name, self)
        who.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, never markup
        number = QLabel(phone, self)
        number.setTextFormat(Qt.TextFormat.PlainText)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = number.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        number.setFont(font)
        layout.addWidget(who)
        layout.addWidget(number)
        layout.addWidget(QLabel(self.tr("Réponse de l'effecteur :"), self))
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, (outcome, label) in enumerate(OUTCOMES.items(), start=1):
            button = QPushButton(f"{key} — {label.capitalize()}", self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, o=outcome: self.choose(o))
            buttons.addWidget(button)
            self.buttons[outcome] = button
        layout.addLayout(buttons)

    @Slot(str)
    def choose(self, outcome: str) -> None:
        self.outcome = outcome
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        outcome = _KEYS.get(Qt.Key(event.key()))
        if outcome is not None:
            self.choose(outcome)
            return
        super().keyPressEvent(event)

    @classmethod
    def ask(cls, parent: QWidget | None, effecteur: dict) -> str | None:
        """Run the dialog; the chosen outcome key, or None when cancelled."""
        dialog = cls(effecteur, parent)
        dialog.exec()
        return dialog.outcome
