"""The slot list: one row per effecteur with its next slots, expandable to pick one slot.

:class:`SlotTable` shows the tree of :class:`app.ui.search.slot_model.SlotTableModel`
(one row per effecteur, a child row per slot): arrows move,
→ / ← open and close an effecteur, Entrée (or a double click) books the first
free slot on an effecteur row and that slot on a child row.
"""

from __future__ import annotations

from app.ui.qt import (
    QAbstractItemView, QItemSelectionModel, QKeyEvent, QModelIndex, QPainter, Qt, QtWidgets, QWidget, Signal, Slot,
)
from app.ui.search.slot_model import (  # noqa: F401 (the model's names, re-exported for the list's users)
    COL_START, EFFECTEUR_ID_ROLE, SlotTableModel, format_distance,
)

_MAX_COLUMN_WIDTH = 220
#: The next slots column may be wider: « lun. 24/11 14:30, 15:00, 16:15 +4 ».
_MAX_START_WIDTH = 330


class SlotTable(QtWidgets.QTreeView):
    """The slot list under the map.

    Signals:
        currentSlotChanged(int): the highlighted row changed; carries its slot id (an effecteur row's first).
        slotActivated(int): Entrée or a double click on a row; carries the slot id to book.
        currentEffecteurChanged(str): the highlighted row's effecteur id, when it changes.
        callRequested(dict): Entrée or a double click on an effecteur to phone (no slot); carries the row.
    """

    currentSlotChanged = Signal(int)
    slotActivated = Signal(int)
    currentEffecteurChanged = Signal(str)
    callRequested = Signal(dict)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._empty_text = self.tr("Ouvrez un dossier puis lancez la recherche (F5).")
        self._current_effecteur: str | None = None
        self.setModel(SlotTableModel(self))
        self.setAccessibleName(self.tr("Liste des créneaux"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAllColumnsShowFocus(True)
        self.setExpandsOnDoubleClick(False)  # a double click books, like Entrée
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.header().setStretchLastSection(True)
        self.header().setHighlightSections(False)
        self.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.doubleClicked.connect(self._on_double_clicked)
        self.model().modelReset.connect(self._on_model_reset)

    def model(self) -> SlotTableModel:  # the view always owns exactly this model
        return super().model()

    # --- public API ------------------------------------------------------------------------
    def set_empty_text(self, text: str) -> None:
        """The message drawn in the empty view (e.g. "Aucun créneau dans le rayon…")."""
        self._empty_text = text
        self.viewport().update()

    def empty_text(self) -> str:
        return self._empty_text

    def select_slot(self, slot_id: int) -> bool:
        """Select the row of this slot (opening its effecteur if it is not the first slot)."""
        return self._select(self.model().index_of_slot(slot_id))

    def select_effecteur(self, effecteur_id: str) -> bool:
        """Select this effecteur's row (Entrée then books its first free slot)."""
        row = self.model().row_of_effecteur(effecteur_id)
        return row is not None and self._select(self.model().index(row, 0))

    def selectRow(self, row: int) -> None:  # noqa: N802 (the QTableView name the window calls)
        """Select effecteur row ``row``."""
        self._select(self.model().index(row, 0))

    def current_slot_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def current_result(self) -> dict | None:
        """The result Entrée would act on: the slot row's slot, an effecteur row's first slot or phone row."""
        return self.model().result_at(self.currentIndex())

    def _select(self, index: QModelIndex) -> bool:
        if not index.isValid():
            return False
        if index.parent().isValid():
            self.expand(index.parent())
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True

    # --- events and private slots -----------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier):
            if self._activate(self.currentIndex()):
                event.accept()
                return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self.model().rowCount() == 0 and self._empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            rect = self.viewport().rect().adjusted(16, 16, -16, -16)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._empty_text)
            painter.end()

    def _activate(self, index: QModelIndex) -> bool:
        result = self.model().result_at(index)
        if result is None:
            return False
        if result.get("slot_id") is None:
            self.callRequested.emit(result)
        else:
            self.slotActivated.emit(result["slot_id"])
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        effecteur_id = current.data(EFFECTEUR_ID_ROLE)
        if effecteur_id and effecteur_id != self._current_effecteur:
            self._current_effecteur = effecteur_id
            self.currentEffecteurChanged.emit(effecteur_id)
        slot_id = current.data(Qt.ItemDataRole.UserRole)
        if slot_id is not None:
            self.currentSlotChanged.emit(slot_id)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._activate(index)

    @Slot()
    def _on_model_reset(self) -> None:
        self._current_effecteur = None
        for column in range(self.model().columnCount()):  # long names and labels must not hide the rest
            self.resizeColumnToContents(column)
            widest = _MAX_START_WIDTH if column == COL_START else _MAX_COLUMN_WIDTH
            self.setColumnWidth(column, min(self.columnWidth(column), widest))
        self.viewport().update()
