"""The route of the call on the intake form: the suggested stream, and an override that needs a reason.

The row follows the rules' suggestion (:mod:`app.services.regulation.routing`) as the ARM
types, until the ARM picks another stream; then a reason field appears and
the form will not validate without it.  Keyboard: the combo takes A, S, P, N
(AMU, SNP, PSY, NEONAT).
"""

from __future__ import annotations

from app.services.regulation import routing
from app.ui.qt import QComboBox, QHBoxLayout, QKeyEvent, QLabel, QLineEdit, Qt, QVBoxLayout, QWidget, Signal, Slot

_KEYS = {"a": "AMU", "s": "SNP", "p": "PSY", "n": "NEONAT"}


class PerimeterCombo(QComboBox):
    """AMU / SNP / PSY / NEONAT, chosen with their first letter."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        code = _KEYS.get(event.text().lower()) if plain else None
        if code is not None and self.isEnabled():
            self.setCurrentIndex(self.findData(code))
            self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class RoutingRow(QWidget):
    """Suggested stream + chosen stream + reason of an override.

    Signals:
        changed(): the chosen stream or the reason changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._suggestion: routing.Suggestion | None = None
        self._manual = False
        self.combo = PerimeterCombo(self)
        self.combo.setAccessibleName(self.tr("Filière"))
        for code, label in routing.PERIMETER_LABELS.items():
            self.combo.addItem(label, code)
        self.combo.setCurrentIndex(-1)
        self.combo.setPlaceholderText(self.tr("Suggérée après la priorité"))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #455a64;")
        self.hint.setAccessibleName(self.tr("Suggestion de filière"))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName(self.tr("Raison du changement de filière"))
        self.reason_edit.setPlaceholderText(self.tr("Pourquoi une autre filière que la suggestion ?"))
        self.reason_edit.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.reason_edit)
        self.setFocusProxy(self.combo)
        self.combo.activated.connect(self._on_activated)
        self.reason_edit.textChanged.connect(self.changed)

    def set_suggestion(self, suggestion: routing.Suggestion | None) -> None:
        """Show the rules' suggestion; the combo follows it unless the ARM chose otherwise."""
        self._suggestion = suggestion
        self.hint.setText(suggestion.reason if suggestion else "")
        if not self._manual:
            self.combo.setCurrentIndex(self.combo.findData(suggestion.perimeter) if suggestion else -1)
        self._update_reason()

    def suggestion(self) -> routing.Suggestion | None:
        return self._suggestion

    def perimeter(self) -> str:
        return self.combo.currentData() or ""

    def is_override(self) -> bool:
        return self._suggestion is not None and bool(self.perimeter()) and \
            self.perimeter() != self._suggestion.perimeter

    def reason(self) -> str:
        return self.reason_edit.text() if self.is_override() else ""

    def attribution(self) -> str:
        """The attribution of the chosen stream: the suggestion's when it is followed, else the stream's default."""
        suggestion, perimeter = self._suggestion, self.perimeter()
        if not perimeter:
            return ""
        if suggestion is not None and perimeter == suggestion.perimeter:
            return suggestion.attribution
        return routing.default_attribution(perimeter)

    def reset(self) -> None:
        self._manual = False
        self.reason_edit.clear()
        self.set_suggestion(None)

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)
        self.reason_edit.setReadOnly(read_only)

    @Slot(int)
    def _on_activated(self, _index: int) -> None:
        self._manual = True
        self._update_reason()

    def _update_reason(self) -> None:
        self.reason_edit.setVisible(self.is_override())
        self.changed.emit()
