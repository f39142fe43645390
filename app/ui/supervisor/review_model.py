"""The shift review's table: one row per case, as :class:`app.services.supervision.shift_review.ReviewRow` lists them.

:class:`ReviewModel` adapts the filtered rows (a list owned by the panel) and
computes each row's texts once per change.  The case's UUID is under
:data:`UUID_ROLE` so the panel opens the timeline of the current row; the
priority column is coloured as in the queue; times are room time (:mod:`app.codes.room_time`).
"""

from __future__ import annotations

from app.codes import case_codes
from app.codes import priorities, room_time
from app.services.supervision.shift_review import STATUS_LABELS, ReviewRow, decision_label
from app.ui.qt import QT_TRANSLATE_NOOP, QColor, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from app.ui.shell.table_model import RowCacheModel

UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def display(row: ReviewRow) -> tuple[str, ...]:
    """The texts of one row, in :attr:`ReviewModel.HEADERS` order."""
    decision = decision_label(row.decision) if row.decision else "—"
    if row.booked:
        decision = QCoreApplication.translate("ReviewModel", "%s (RDV)") % decision
    status = STATUS_LABELS.get(row.status, row.status)
    if row.status == "ACTIF" and row.decision:  # a decided case is no longer « En cours » (issue 13)
        status = QCoreApplication.translate("ReviewModel", "Décidé")
    return (room_time.day_clock(row.presented), case_codes.short_number(row.case_id), row.priority, row.stream,
            row.motive, row.patient, row.city, row.answer_text, decision,
            status, ", ".join(row.operators))


class ReviewModel(RowCacheModel):
    """Read-only table of the cases the review's filters admit."""

    #: Column titles (translated in :meth:`headerData`, context "ReviewModel").
    HEADERS = (QT_TRANSLATE_NOOP("ReviewModel", "Présenté"), QT_TRANSLATE_NOOP("ReviewModel", "Dossier"),
               QT_TRANSLATE_NOOP("ReviewModel", "Priorité"), QT_TRANSLATE_NOOP("ReviewModel", "Filière"),
               QT_TRANSLATE_NOOP("ReviewModel", "Motif"), QT_TRANSLATE_NOOP("ReviewModel", "Patient"),
               QT_TRANSLATE_NOOP("ReviewModel", "Commune"), QT_TRANSLATE_NOOP("ReviewModel", "Décroché en"),
               QT_TRANSLATE_NOOP("ReviewModel", "Décision"), QT_TRANSLATE_NOOP("ReviewModel", "Statut"),
               QT_TRANSLATE_NOOP("ReviewModel", "Opérateurs"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cases: list[ReviewRow] = []

    def set_rows(self, rows: list[ReviewRow]) -> None:
        self.beginResetModel()
        self._cases = list(rows)
        self._rows = [display(r) for r in self._cases]
        self.endResetModel()

    def case_at(self, row: int) -> ReviewRow | None:
        return self._cases[row] if 0 <= row < len(self._cases) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == UUID_ROLE:
            return self._cases[index.row()].uuid
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            colour = priorities.COLOURS.get(self._cases[index.row()].priority)
            return QColor(colour) if colour else None
        return None
