"""Building blocks shared by the intake forms: labelled line edits, error labels, form rows.

The intake panel and its sections (:mod:`app.ui.intake.details`,
:mod:`app.ui.intake.patient_section`) lay their fields out the same way: a mnemonic
label whose buddy is the field, then the field and its French error under it,
tight together.
"""

from __future__ import annotations

from app.codes.fields import max_length
from app.ui.qt import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

ERROR_STYLE = "color: #c62828; font-weight: bold;"


def line_edit(parent: QWidget, accessible: str, placeholder: str, *, stored_as: str | None = None) -> QLineEdit:
    """A line edit with its accessible name and placeholder; ``stored_as`` names the stored field whose
    length (:mod:`app.codes.fields`, the server's limit) caps what can be typed."""
    edit = QLineEdit(parent)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    if stored_as is not None:
        edit.setMaxLength(max_length(stored_as))
    return edit


def error_label(parent: QWidget, object_name: str, *, accessible_name: str = "", word_wrap: bool = False) -> QLabel:
    """A hidden red label for one field's error (tests find it by ``object_name``)."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setStyleSheet(ERROR_STYLE)
    if word_wrap:
        label.setWordWrap(True)
    if accessible_name:
        label.setAccessibleName(accessible_name)
    label.hide()
    return label


def show_messages(labels: dict[str, QLabel], messages: dict[str, str]) -> None:
    """Show each label's message (by the label's field name); labels without one are emptied and hidden."""
    for name, label in labels.items():
        label.setText(messages.get(name, ""))
        label.setVisible(name in messages)


def add_row(form: QFormLayout, parent: QWidget, text: str, field, *below, buddy: QWidget | None = None) -> None:
    """One form row: ``text`` labelling ``buddy`` (the field itself by default), then ``field`` and what goes
    ``below`` it (its error label…) stacked; each a widget or a layout, None skipped."""
    label = QLabel(text, parent)
    label.setBuddy(buddy or field)
    box = QVBoxLayout()
    box.setSpacing(1)
    for item in (field, *below):
        if isinstance(item, QWidget):
            box.addWidget(item)
        elif item is not None:
            box.addLayout(item)
    form.addRow(label, box)
