"""One case's timeline, opened from the shift review (Entrée on a case): every step, in time order.

:class:`CaseTimelineDialog` reads
:meth:`app.services.supervision.desk_reads.SupervisionReads.case_timeline` on Qt's thread pool
(:class:`app.ui.shell.background.BackgroundJob`) and lists the
items — time, kind, who, what — in a read-only table: the call and the intake,
routing, notes, slot searches, decisions, bookings, appointment updates and Hub
Santé messages, at room time (:mod:`app.codes.room_time`).  Keyboard: the table has
the focus, arrows scroll, Échap closes.
"""

from __future__ import annotations

from app.codes import room_time
from app.services.supervision.desk_reads import SupervisionReads
from app.services.supervision.timeline import TimelineItem
from app.ui.shell.background import BackgroundJob
from app.ui.qt import (
    QAbstractItemView, QColor, QDialog, QDialogButtonBox, QHeaderView, QLabel, QStandardItem, QStandardItemModel,
    QTableView, QVBoxLayout, QWidget, Signal,
)

#: Colour of each kind's label, so the eye finds decisions and searches.
KIND_COLOURS = {"Décision": "#1565c0", "Réservation": "#2e7d32", "Rendez-vous": "#2e7d32",
                "Recherche": "#6a1b9a", "Hub Santé": "#00838f", "Statut": "#e65100"}


class CaseTimelineDialog(QDialog):
    """Signals: ``loaded(int)`` with the number of items once the timeline is shown."""

    loaded = Signal(int)

    def __init__(self, reads: SupervisionReads, case_uuid: str, case_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseTimeline")
        self.setWindowTitle(self.tr("Chronologie du dossier %s") % case_id)
        self.resize(900, 520)
        self._items: list[TimelineItem] = []
        self.heading = QLabel(self.tr("Chargement de la chronologie…"), self)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels([self.tr("Heure"), self.tr("Type"), self.tr("Par"), self.tr("Événement")])
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Chronologie du dossier"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # Wrapped text makes ResizeToContents shrink the short columns to nothing: give them room.
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(("00/00 00:00:00", "Recherche RDV", "superviseur (SUPERVISEUR)")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._job = BackgroundJob(self)
        self._job.finished.connect(self._show)
        self._job.failed.connect(lambda message: self.heading.setText(self.tr("Échec : %s") % message))

        self._job.submit(lambda: reads.case_timeline(case_uuid))
        self.table.setFocus()

    def items(self) -> list[TimelineItem]:
        return list(self._items)

    def texts(self) -> list[str]:
        """The "Événement" column as shown, in order."""
        return [self.model.item(r, 3).text() for r in range(self.model.rowCount())]

    def _show(self, items: list[TimelineItem]) -> None:
        self._items = items
        self.model.setRowCount(0)
        for item in items:
            cells = [QStandardItem(room_time.day_clock_seconds(item.at)), QStandardItem(item.kind),
                     QStandardItem(item.who), QStandardItem(item.text)]
            if item.kind in KIND_COLOURS:
                cells[1].setForeground(QColor(KIND_COLOURS[item.kind]))
            self.model.appendRow(cells)
        self.heading.setText(self.tr("%d événement(s), du plus ancien au plus récent") % len(items) if items
                             else self.tr("Dossier introuvable dans le cache du poste"))
        self.table.resizeRowsToContents()
        if items:
            self.table.selectRow(0)
        self.loaded.emit(len(items))
