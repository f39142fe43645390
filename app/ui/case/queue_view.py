"""The room's waiting queue, the same for every role: priority colour, running timers, P0 apart.

:class:`QueueModel` adapts the list of :func:`app.services.regulation.queue.build` (sorted
by priority then waiting time); a one-second timer refreshes the waiting
column only.  P0 rows read "accompagné" with their own running timer: a P0 is
never parked, its hand-over to the MRU is accompanied; a case someone has in
hand reads « pris en charge par » their name.  When the table gets the focus
(F6) its first row is selected; Entrée on a row opens that case on the desk, and
a refresh keeps the selected case selected.  The OSNP's worklist (decided cases
waiting for a booking) is the same view in ``worklist`` mode.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.codes import priorities
from app.services.regulation import queue
from app.services.intake.form import PRIORITY_COLOURS
from app.ui.shell import theme
from app.ui.qt import (
    QAbstractItemView, QAbstractTableModel, QColor, QCoreApplication, QEvent, QFont, QHeaderView, QLabel, QModelIndex,
    QT_TRANSLATE_NOOP, Qt, QTableView, QTimer, QVBoxLayout, QWidget, Signal, Slot,
)

#: Column titles, French source strings translated (context "QueueModel") when shown.
COLUMNS = (QT_TRANSLATE_NOOP("QueueModel", "Prio."), QT_TRANSLATE_NOOP("QueueModel", "Attente"),
           QT_TRANSLATE_NOOP("QueueModel", "Dossier"), QT_TRANSLATE_NOOP("QueueModel", "Filière"),
           QT_TRANSLATE_NOOP("QueueModel", "Motif"), QT_TRANSLATE_NOOP("QueueModel", "Commune"),
           QT_TRANSLATE_NOOP("QueueModel", "État"))
#: The column that takes the width left (the motive can be long).
MOTIVE_COLUMN = 4
#: The state column: « à transmettre », « pris en charge par … ».
STATE_COLUMN = 6


class QueueModel(QAbstractTableModel):
    def __init__(self, parent=None, clock=None, worklist: bool = False):
        super().__init__(parent)
        self._worklist = worklist
        self._entries: list[queue.QueueEntry] = []
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def set_entries(self, entries: list[queue.QueueEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> queue.QueueEntry:
        return self._entries[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e, col = self._entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            waited = (self._clock() - e.presented).total_seconds()
            return (e.priority, queue.format_duration(waited), e.short_id, e.perimeter or "—", e.motive, e.place,
                    self._state(e))[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return QColor(PRIORITY_COLOURS.get(e.priority, "#9e9e9e"))
        if role == Qt.ItemDataRole.ForegroundRole and e.priority == "P0":
            return QColor(theme.colour("alert")) if col else QColor("white")
        if role == Qt.ItemDataRole.FontRole and e.priority in priorities.URGENT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.case_id
        return None

    def row_of(self, uuid: str) -> int:
        """The row of the case ``uuid``, or -1."""
        return next((n for n, e in enumerate(self._entries) if e.uuid == uuid), -1)

    def _state(self, e: queue.QueueEntry) -> str:
        if e.holder_name:
            return QCoreApplication.translate("QueueModel", "pris en charge par %s") % e.holder_name
        if self._worklist:
            return QCoreApplication.translate("QueueModel", "décidé, créneau à réserver")
        if e.accompanied:
            return QCoreApplication.translate("QueueModel", "⏱ accompagné (MRU)")
        if e.handed_over is not None:
            return QCoreApplication.translate("QueueModel", "transmis, attend le médecin")
        return QCoreApplication.translate("QueueModel", "à transmettre")

    def tick(self) -> None:
        if self._entries:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._entries) - 1, 1))


class QueueView(QWidget):
    """The queue table with a one-line summary.

    Signals:
        caseActivated(str): Entrée (or a double click) on a row; carries the case uuid.
    """

    caseActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None, clock=None, *, worklist: bool = False):
        super().__init__(parent)
        self._is_worklist = worklist
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Résumé de la file d'attente"))
        self.table = QTableView(self)
        self.table.setAccessibleName(self.tr("À réserver") if worklist else self.tr("File d'attente"))
        self._model = QueueModel(self, clock, worklist)
        self.table.setModel(self._model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # What a desk reads first: priority, wait, then the state (who has the case) — shown third, the model's
        # column order unchanged.  The long texts wrap on two lines in set widths; the last column takes the rest.
        header.moveSection(STATE_COLUMN, 2)
        for column, width in ((STATE_COLUMN, 175), (MOTIVE_COLUMN, 130)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.table.doubleClicked.connect(self._on_activated)
        self.table.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._model.tick)
        self._timer.start()
        self.set_entries([])

    def model(self) -> QueueModel:
        return self._model

    def set_entries(self, entries: list[queue.QueueEntry]) -> None:
        current = self.table.currentIndex()
        kept = self._model.entry(current.row()).uuid if current.isValid() else None
        self._model.set_entries(entries)
        row = self._model.row_of(kept) if kept else -1
        if row < 0 and self.table.hasFocus() and entries:
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self._model.index(row, 0))
        if self._is_worklist:
            self.summary.setText(self.tr("À réserver : %d dossier(s) décidé(s) sans rendez-vous") % len(entries))
            self.summary.setStyleSheet("font-weight: bold;")
            return
        parked = queue.waiting(entries)
        p0 = len(entries) - len(parked)
        text = self.tr("File d'attente : %d dossier(s) en attente") % len(parked)
        if p0:
            text += self.tr(" — %d P0 accompagné(s)") % p0
        self.summary.setText(text)
        self.summary.setStyleSheet("font-weight: bold;" + (f" color: {theme.colour('alert')};" if p0 else ""))

    def select_first(self) -> None:
        """Select the first row when none is (F6 then Entrée opens it)."""
        if self._model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self._model.index(0, 0))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is getattr(self, "table", None):  # getattr: Qt may still send events during teardown
            if event.type() == QEvent.Type.FocusIn:
                self.select_first()
            elif event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.select_first()
                self._on_activated(self.table.currentIndex())
                return True
        return super().eventFilter(watched, event)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.caseActivated.emit(self._model.entry(index.row()).uuid)
