"""Typing into real widgets the way a keyboard does, counting the keys."""

from __future__ import annotations

from app.ui.intake.panel import IntakePanel
from app.ui.qt import QApplication, Qt

CTRL = Qt.KeyboardModifier.ControlModifier


class Keyboard:
    """Sends keys where the real keyboard would: the open popup, else the focused widget; counts them."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.count = 0
        self.content = 0

    @staticmethod
    def target():
        return QApplication.activePopupWidget() or QApplication.focusWidget()

    def type(self, text: str) -> None:
        for ch in text:
            self.qtbot.keyClicks(self.target(), ch)
        self.count += len(text)
        self.content += len(text)

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.target(), key, modifier)
        self.count += 1


def type_standard_call(qtbot, panel: IntakePanel, *, commune: str = "strasb", kb: Keyboard | None = None):
    """A whole standard call from the keyboard, ending with Ctrl+Entrée; returns the Keyboard."""
    kb = kb or Keyboard(qtbot)
    panel.focus_first()
    kb.type("0612345678")
    kb.key(Qt.Key.Key_Tab)  # → callback number, pre-filled
    kb.key(Qt.Key.Key_Return)  # confirms it and goes on to the name
    kb.type("Mme Martin")
    kb.key(Qt.Key.Key_Tab)
    kb.type("12 rue des Juifs")
    kb.key(Qt.Key.Key_Tab)
    kb.type(commune)
    kb.key(Qt.Key.Key_Down)  # the best match is highlighted; Down stays on it when it is alone
    kb.key(Qt.Key.Key_Return)
    kb.key(Qt.Key.Key_Tab)
    kb.type("M03.14")
    kb.key(Qt.Key.Key_Return)
    kb.key(Qt.Key.Key_Tab)
    kb.type("2")
    kb.key(Qt.Key.Key_Return, CTRL)
    return kb
