"""Every text field of the main window takes hostile text without an error and gives it back as typed.

The intake, notes and search fields are covered string by string in tests/hostile; this walks
*all* the line edits and text boxes of a desk's window (whatever panel added them) with a sample
over every category of the catalogue, so a field added later is covered too.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QTextEdit

from app.ui.qt import QComboBox, QLineEdit, QPlainTextEdit
from tests.hostile.catalogue import has_lone_surrogate, sample

STRINGS = [h.text for h in sample(60) if not has_lone_surrogate(h.text)]


def _kept(text: str, *, plain: bool, limit: int) -> str:
    """What Qt keeps (see tests/hostile/test_ui_hostile.py): no leading BOM; separators in plain text."""
    text = re.sub(r"^[\ufeff\ufffe]+", "", text)
    if plain:
        text = re.sub(r"\r\n|[\r\u2028\u2029]", "\n", text).replace("\xa0", " ")
    return text[:limit]


def test_every_text_field_of_the_window_keeps_hostile_text(qtbot, make_window):
    window = make_window("MRL")
    edits = [e for e in window.findChildren(QLineEdit)
             if e.isEnabled() and not e.isReadOnly() and not isinstance(e.parent(), QComboBox)]
    boxes = [b for b in (*window.findChildren(QPlainTextEdit), *window.findChildren(QTextEdit))
             if b.isEnabled() and not b.isReadOnly()]
    assert len(edits) >= 15 and boxes, (len(edits), len(boxes))  # 21 today: intake, details, patient
    for edit in edits:
        for text in STRINGS:
            edit.setText(text)
            qtbot.wait(0)  # let the field's slots (validation, completion, suggestions) run
            assert edit.text() == _kept(text, plain=False, limit=edit.maxLength()), edit.accessibleName()
        edit.clear()
    for box in boxes:
        for text in STRINGS:
            box.setPlainText(text)
            qtbot.wait(0)
            assert box.toPlainText() == _kept(text, plain=True, limit=10**9), box.accessibleName()
        box.clear()
    assert window.isVisible()
