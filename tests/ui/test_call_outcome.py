"""The call dialog: the number is shown, keys 1/2/3 answer, Échap cancels, names stay plain text."""

from __future__ import annotations

import pytest

from app.services.search.model import ACCEPTED, NO_ANSWER, REFUSED, note_text
from app.ui.search.call_outcome import CallOutcomeDialog
from app.ui.qt import QLabel, Qt

EFFECTEUR = {"id": "X", "name": "<b>Dr Hack</b>", "phone": "+33388112233"}


@pytest.mark.parametrize("key, outcome", [(Qt.Key.Key_1, ACCEPTED), (Qt.Key.Key_2, REFUSED),
                                          (Qt.Key.Key_3, NO_ANSWER), (Qt.Key.Key_Escape, None)])
def test_keys_answer(qtbot, key, outcome):
    dialog = CallOutcomeDialog(EFFECTEUR)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, key)
    assert dialog.outcome == outcome and not dialog.isVisible()
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "03 88 11 22 33" in texts and "Appeler <b>Dr Hack</b>" in texts
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in dialog.findChildren(QLabel)[:2])


def test_note_text():
    assert note_text("Dr X", ACCEPTED) == "Appel à Dr X (en sus) : accepté"
    assert note_text("Dr X", NO_ANSWER) == "Appel à Dr X (en sus) : pas de réponse"
    with pytest.raises(ValueError, match="outcome"):
        note_text("Dr X", "peut-être")
