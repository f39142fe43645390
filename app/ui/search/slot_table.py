"""The slot list: a table model adapting the server's search results, and its keyboard-first view.

:class:`SlotTableModel` wraps the result dicts exactly as ``GET
/api/v1/slots/search`` returns them (``slot_id``, ``start``, ``mode``,
``distance_km``, ``effecteur {id, name, kind, phone, city_name…}``) and keeps a
row cache of the displayed texts.  :class:`SlotTable` shows it: arrows move,
Entrée (or a double click) activates the slot, and an explanatory text fills
the view when there is nothing to show.
"""

from __future__ import annotations

from app.services.intake.form import format_phone
from app.services.search.presentation import (
    GROUP_LABELS, STALE_MARK, format_slot_time, kind_label, mode_label, stale_tooltip, table_rows,
)
from app.ui.qt import (
    QAbstractItemView, QColor, QCoreApplication, QItemSelectionModel, QKeyEvent, QModelIndex, QPainter,
    QPersistentModelIndex, QT_TRANSLATE_NOOP, Qt, QTableView, QWidget, Signal, Slot,
)
from app.ui.shell.table_model import RowCacheModel

COL_GROUP, COL_START, COL_EFFECTEUR, COL_KIND, COL_MODE, COL_DISTANCE, COL_CITY, COL_PHONE = range(8)
_MAX_COLUMN_WIDTH = 190
#: Column titles, French source strings translated in the model's context when shown.
_HEADERS = (
    QT_TRANSLATE_NOOP("SlotTableModel", "Groupe"), QT_TRANSLATE_NOOP("SlotTableModel", "Début"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Effecteur"), QT_TRANSLATE_NOOP("SlotTableModel", "Type"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Mode"), QT_TRANSLATE_NOOP("SlotTableModel", "Distance"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Commune"), QT_TRANSLATE_NOOP("SlotTableModel", "Téléphone"),
)
#: Row background by ranking group (light, so the selection stays readable).
_GROUP_COLORS = {"medecin_traitant": "#e3f2fd", "sas": "#e8f5e9", "a_appeler": "#f5f5f5"}
#: Role giving the effecteur id of a row (``Qt.UserRole`` gives the slot id).
EFFECTEUR_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def format_distance(km: float | None) -> str:
    """``2.43`` → ``"2,4 km"`` (French decimal comma)."""
    return "" if km is None else f"{km:.1f} km".replace(".", ",")


class SlotTableModel(RowCacheModel):
    """Read-only adapter over a list of search-result dicts (best first)."""

    HEADERS = _HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._results: list[dict] = []
        self._rows: list[tuple[str, ...]] = []

    # --- data in ----------------------------------------------------------------------------
    def set_results(self, results: list[dict], to_call: list[dict] = ()) -> None:
        """Replace the whole list (a model reset: a new search); ``to_call`` rows have no slot."""
        self.beginResetModel()
        self._results = table_rows(list(results), list(to_call))
        self._rows = [self._texts(r) for r in self._results]
        self.endResetModel()

    @staticmethod
    def _texts(r: dict) -> tuple[str, ...]:
        eff = r.get("effecteur") or {}
        start = format_slot_time(r["start"]) + (STALE_MARK if r.get("stale") else "") if r.get("start") else ""
        return (
            QCoreApplication.translate("SlotTableModel", "✔ Réservé") if r.get("booked")
            else GROUP_LABELS.get(r.get("group") or "", ""),
            start if r.get("slot_id") is not None
            else QCoreApplication.translate("SlotTableModel", "☎ à appeler (en sus)"),
            eff.get("name") or "",
            kind_label(eff.get("kind") or ""),
            mode_label(r.get("mode") or ""),
            format_distance(r.get("distance_km")),
            eff.get("city_name") or "",
            format_phone(eff.get("phone")),
        )

    # --- lookups ------------------------------------------------------------------------------
    def result(self, row: int) -> dict:
        return self._results[row]

    def results(self) -> list[dict]:
        return list(self._results)

    def row_of_slot(self, slot_id: int) -> int | None:
        return next((i for i, r in enumerate(self._results) if r["slot_id"] == slot_id and slot_id is not None), None)

    def row_of_effecteur(self, effecteur_id: str) -> int | None:
        """The first (best) row of this effecteur."""
        return next((i for i, r in enumerate(self._results)
                     if (r.get("effecteur") or {}).get("id") == effecteur_id), None)

    # --- QAbstractTableModel ------------------------------------------------------------------
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][col]
        result = self._results[row]
        if role == Qt.ItemDataRole.UserRole:
            return result["slot_id"]
        if role == EFFECTEUR_ID_ROLE:
            return (result.get("effecteur") or {}).get("id")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(result)
        if role == Qt.ItemDataRole.BackgroundRole and result.get("booked"):  # the case's booking
            return QColor("#c8e6c9")
        if role == Qt.ItemDataRole.BackgroundRole and result.get("group") in _GROUP_COLORS:
            return QColor(_GROUP_COLORS[result["group"]])
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_START and result.get("stale"):
            return QColor("#b71c1c")
        if role == Qt.ItemDataRole.ForegroundRole and result.get("group") in _GROUP_COLORS:
            return QColor("#000000")  # the group tints are light in every theme (the dark one too)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DISTANCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, r: dict) -> str:
        eff = r.get("effecteur") or {}
        lines = [eff.get("name") or "", ", ".join(x for x in (eff.get("address"), eff.get("city_name")) if x)]
        if r.get("stale"):
            lines.append(stale_tooltip(r))
        if r.get("slot_id") is None:
            lines.append(self.tr("Sans créneau : appeler (Entrée) et noter la réponse"))
        if eff.get("sas_participant"):
            lines.append(self.tr("Participe au SAS"))
        if eff.get("accepts_extra"):
            lines.append(self.tr("Accepte des patients en sus des disponibilités"))
        if r.get("end"):
            lines.append(self.tr("Fin : %s") % format_slot_time(r["end"]))
        return "\n".join(line for line in lines if line)


class SlotTable(QTableView):
    """The slot list under the map.

    Signals:
        currentSlotChanged(int): the highlighted row changed; carries its slot id.
        slotActivated(int): Entrée or a double click on a row; carries its slot id.
        currentEffecteurChanged(str): the highlighted row's effecteur id (slot and phone rows).
        callRequested(dict): Entrée or a double click on a phone row (no slot); carries the row.
    """

    currentSlotChanged = Signal(int)
    slotActivated = Signal(int)
    currentEffecteurChanged = Signal(str)
    callRequested = Signal(dict)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._empty_text = self.tr("Ouvrez un dossier puis lancez la recherche (F5).")
        self.setModel(SlotTableModel(self))
        self.setAccessibleName(self.tr("Liste des créneaux"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
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
        return self._select_row(self.model().row_of_slot(slot_id))

    def select_effecteur(self, effecteur_id: str) -> bool:
        """Select the first (best) slot of this effecteur."""
        return self._select_row(self.model().row_of_effecteur(effecteur_id))

    def current_slot_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def current_result(self) -> dict | None:
        index = self.currentIndex()
        return self.model().result(index.row()) if index.isValid() else None

    def _select_row(self, row: int | None) -> bool:
        if row is None:
            return False
        index = self.model().index(row, 0)
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
        if not index.isValid():
            return False
        slot_id = index.data(Qt.ItemDataRole.UserRole)
        if slot_id is None:
            self.callRequested.emit(self.model().result(index.row()))
        else:
            self.slotActivated.emit(slot_id)
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            effecteur_id = current.data(EFFECTEUR_ID_ROLE)
            if effecteur_id:
                self.currentEffecteurChanged.emit(effecteur_id)
            slot_id = current.data(Qt.ItemDataRole.UserRole)
            if slot_id is not None:
                self.currentSlotChanged.emit(slot_id)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._activate(index)

    @Slot()
    def _on_model_reset(self) -> None:
        self.resizeColumnsToContents()
        for column in range(self.model().columnCount()):  # long names and labels must not hide the rest
            self.setColumnWidth(column, min(self.columnWidth(column), _MAX_COLUMN_WIDTH))
        self.viewport().update()
