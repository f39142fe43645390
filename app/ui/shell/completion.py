"""Input helpers of the intake form: a search-fed completion popup and the priority combo.

Kept apart from :mod:`app.ui.intake.panel` so each stays small; both are
keyboard first (the best proposal is highlighted, Entrée takes it; digits
choose a priority).
"""

from __future__ import annotations

from app.services.intake import form as intake
from app.ui.qt import (
    QColor, QComboBox, QCompleter, QIcon, QKeyEvent, QLineEdit, QModelIndex, QObject, QPixmap, QStandardItem,
    QStandardItemModel, Qt, QWidget, Signal, Slot,
)

#: Keys that choose a priority: digits (also numeric keypad) and the AZERTY top row unshifted.
_PRIORITY_KEYS = {"0": "P0", "1": "P1", "2": "P2", "3": "P3", "à": "P0", "&": "P1", "é": "P2", '"': "P3",
                  "n": "NR", "N": "NR"}

class SearchCompleter(QObject):
    """A completion popup on a line edit, fed by a search function as the user types.

    ``search(text)`` returns ``[(display text, payload), …]`` best first.  The
    first proposal is highlighted, so Entrée takes it and the arrows pick
    another; leaving the field with exactly one proposal takes that one.

    Signals:
        chosen(object): a proposal was taken; carries its payload (also :attr:`current`).
        edited(): the user changed the text, so no proposal is taken any more.
    """

    chosen = Signal(object)
    edited = Signal()

    def __init__(self, edit: QLineEdit, search):
        super().__init__(edit)
        self._edit = edit
        self._search = search
        self._items: list[tuple[str, object]] = []
        self.current = None
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.completer.setWrapAround(False)  # Down on the last proposal must not deselect it
        self.completer.activated[QModelIndex].connect(self._on_activated)
        edit.textEdited.connect(self._on_text_edited)
        edit.editingFinished.connect(self._on_editing_finished)

    def popup(self):
        return self.completer.popup()

    def reset(self) -> None:
        """Forget the proposals and the taken one (the caller clears the text)."""
        self.current = None
        self._set_items([])

    def take_highlighted(self) -> bool:
        """Take the proposal highlighted in the popup (else the best one, if none is taken yet); whether one is
        taken now.  Ctrl+K: confirm the choice and move on."""
        row = None
        if self.popup().isVisible():
            index = self.popup().currentIndex()
            row = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
            self.popup().hide()
        if row is None and self.current is None and self._items:
            row = 0
        if row is not None and 0 <= row < len(self._items):
            self._take(row)
        return self.current is not None

    def choose_best(self, text: str) -> bool:
        """Take the best proposal for ``text`` without showing the popup (pre-filled calls)."""
        self._items = self._search(text) if text.strip() else []
        if self._items:
            self._take(0)
        return bool(self._items)

    def _set_items(self, items: list[tuple[str, object]]) -> None:
        self._items = items
        self._model.clear()
        for row, (text, _payload) in enumerate(items):
            item = QStandardItem(text)
            item.setData(row, Qt.ItemDataRole.UserRole)
            self._model.appendRow(item)
        if not items or not self._edit.hasFocus():
            self.popup().hide()
            return
        self.completer.complete()
        self.popup().setCurrentIndex(self.completer.completionModel().index(0, 0))

    def _take(self, row: int) -> None:
        text, payload = self._items[row]
        self.current = payload
        self._edit.setText(text)
        self.chosen.emit(payload)

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        self.current = None
        self.edited.emit()
        self._set_items(self._search(text) if text.strip() else [])

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        row = index.data(Qt.ItemDataRole.UserRole)
        if row is not None and 0 <= row < len(self._items):
            self._take(row)

    @Slot()
    def _on_editing_finished(self) -> None:
        # Entrée with the popup open is the completer's to handle; leaving the field is ours.
        if self._edit.hasFocus() and self.popup().isVisible():
            return
        self.popup().hide()
        if self.current is None and len(self._items) == 1:
            self._take(0)


class PriorityCombo(QComboBox):
    """P0–P3 / NR with colour swatches; keys 0–3 (or à & é ") and N choose directly."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        for p in intake.PRIORITIES:
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(p.colour))
            self.addItem(QIcon(swatch), f"{p.code} — {p.label}", p.code)
            self.setItemData(self.count() - 1, p.description, Qt.ItemDataRole.ToolTipRole)
        self.setPlaceholderText(self.tr("Choisir : touches 0 à 3, N"))
        self.setCurrentIndex(-1)

        self.read_only = False

    def code(self) -> str:
        return self.currentData() or ""

    def set_read_only(self, read_only: bool) -> None:
        """Refuse changes but stay readable (a disabled combo greys out the colour swatch)."""
        self.read_only = read_only

    def showPopup(self) -> None:  # noqa: N802 (Qt override)
        if not self.read_only:
            super().showPopup()

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.read_only:
            event.ignore()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self.read_only and event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            event.ignore()
            return
        code = _PRIORITY_KEYS.get(event.text()) if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier \
            else None
        if code is not None:
            self.setCurrentIndex(self.findData(code))
            event.accept()
            return
        super().keyPressEvent(event)
