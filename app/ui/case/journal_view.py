"""The shared journal: cases, orientations and bookings, newest first, with their sync state.

:class:`JournalModel` adapts the entry dicts of
:meth:`app.services.sync.local_store.LocalStore.journal` (``seq``, ``uuid``,
``kind``, ``author``, ``author_role``, ``created_at``, ``payload``,
``pending``, ``rejected``/``error`` for refused writes, and ``case_number`` /
``patient`` from :func:`app.services.records.case_refs.annotate`) and keeps a
row cache of the displayed texts.  Each row names its case (the short number)
and, where the desk may read it, its patient, and says what happened in French
(:func:`app.services.records.journal_text.describe`: labels, not codes), at room
time (:mod:`app.codes.room_time`: the SAMU's zone, whatever the computer's
clock).  The event column keeps a readable width (a narrow dock scrolls sideways
rather than hide it), long texts are elided, and every cell's tooltip gives the
whole row.  Entries waiting in the outbox show "En attente" in amber.
:class:`JournalView` is the titled table and keeps the selected entry across the
periodic refreshes.
"""

from __future__ import annotations

from app.codes import room_time
from app.services.records import journal_text
from app.ui.qt import (
    QAbstractItemView, QColor, QCoreApplication, QEvent, QHeaderView, QItemSelectionModel, QLabel, QModelIndex,
    QPersistentModelIndex, QT_TRANSLATE_NOOP, Qt, QTableView, QVBoxLayout, QWidget,
)
from app.ui.shell.table_model import RowCacheModel

COL_TIME, COL_CASE, COL_PATIENT, COL_KIND, COL_SUMMARY, COL_AUTHOR, COL_STATE = range(7)
_HEADERS = (QT_TRANSLATE_NOOP("JournalModel", "Heure"), QT_TRANSLATE_NOOP("JournalModel", "Dossier"),
            QT_TRANSLATE_NOOP("JournalModel", "Patient"), QT_TRANSLATE_NOOP("JournalModel", "Type"),
            QT_TRANSLATE_NOOP("JournalModel", "Événement"), QT_TRANSLATE_NOOP("JournalModel", "Auteur"),
            QT_TRANSLATE_NOOP("JournalModel", "État"))
_KINDS = {"case": QT_TRANSLATE_NOOP("JournalModel", "Dossier"),
          "orientation": QT_TRANSLATE_NOOP("JournalModel", "Orientation"),
          "booking": QT_TRANSLATE_NOOP("JournalModel", "Réservation"),
          "case_event": QT_TRANSLATE_NOOP("JournalModel", "Suivi"),
          "surge": QT_TRANSLATE_NOOP("JournalModel", "Afflux"),
          "appointment": QT_TRANSLATE_NOOP("JournalModel", "RDV SAS"),
          "purge": QT_TRANSLATE_NOOP("JournalModel", "Purge"),
          "slots": QT_TRANSLATE_NOOP("JournalModel", "Agendas"),
          "call": QT_TRANSLATE_NOOP("JournalModel", "Appel")}
STATE_SYNCED, STATE_PENDING, STATE_REJECTED = "synced", "pending", "rejected"
_STATE_TEXT = {STATE_SYNCED: QT_TRANSLATE_NOOP("JournalModel", "Synchronisé"),
               STATE_PENDING: QT_TRANSLATE_NOOP("JournalModel", "En attente"),
               STATE_REJECTED: QT_TRANSLATE_NOOP("JournalModel", "Refusé")}
_STATE_COLOUR = {STATE_PENDING: "#b26a00", STATE_REJECTED: "#c62828"}
_ROW_TINT = {STATE_PENDING: "#fff4e0", STATE_REJECTED: "#fdecea"}
#: The event column never gets narrower than this (px): a narrow dock scrolls sideways instead of hiding it.
MIN_SUMMARY_PX = 280
#: Role giving the entry's uuid (``Qt.UserRole`` gives the whole entry dict).
UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("JournalModel", text)


def entry_state(entry: dict) -> str:
    if entry.get("rejected"):
        return STATE_REJECTED
    return STATE_PENDING if entry.get("pending") or entry.get("seq") is None else STATE_SYNCED


def summary(entry: dict) -> str:
    """What happened, in one French line (labels, room time)."""
    return journal_text.describe(entry.get("kind"), entry.get("payload"))


def case_number(entry: dict) -> str:
    """The short case number of the entry (annotated by the store; a case entry names itself)."""
    if entry.get("case_number"):
        return entry["case_number"]
    payload = entry.get("payload") or {}
    return journal_text.short_number(payload.get("case_id")) if entry.get("kind") == "case" else ""


def patient(entry: dict) -> str:
    if entry.get("patient"):
        return entry["patient"]
    return journal_text.patient_names(entry.get("payload")) if entry.get("kind") == "case" else ""


def _time_text(value, today) -> tuple[str, str]:
    """(``14:00`` today or ``24/11 14:00`` before, ``24/11/2025 14:00:00``) on the room's clock."""
    if not value:
        return "", ""
    t = room_time.to_room(value)
    short = room_time.clock(t) if t.date() == today else room_time.day_clock(t)
    return short, room_time.full(t)


class JournalModel(RowCacheModel):
    """Read-only adapter over journal entry dicts, in the order given (newest first)."""

    HEADERS = _HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[dict] = []
        self._rows: list[tuple[tuple[str, ...], str, str, str]] = []  # (texts, state, time tooltip, row tooltip)

    def set_entries(self, entries: list[dict]) -> None:
        """Replace the entries; nothing happens (no reset) when the rows are unchanged."""
        today = room_time.room_today()
        rows = [self._row(e, today) for e in entries]
        if rows == self._rows and [e.get("uuid") for e in entries] == [e.get("uuid") for e in self._entries]:
            return
        self.beginResetModel()
        self._entries = list(entries)
        self._rows = rows
        self.endResetModel()

    @staticmethod
    def _row(e: dict, today) -> tuple[tuple[str, ...], str, str, str]:
        short, full = _time_text(e.get("created_at"), today)
        author = e.get("author") or ""
        role = e.get("author_role") or ""
        who = f"{author} ({role})" if author and role else author or role
        state = entry_state(e)
        texts = (short, case_number(e), patient(e), _tr(_KINDS.get(e.get("kind"), e.get("kind") or "")), summary(e),
                 who, _tr(_STATE_TEXT[state]))
        head = " — ".join(x for x in (texts[COL_CASE], texts[COL_PATIENT]) if x)
        whole = "\n".join(x for x in (head, texts[COL_SUMMARY], " — ".join(x for x in (who, full) if x)) if x)
        return texts, state, full, whole

    def entry(self, row: int) -> dict:
        return self._entries[row]

    def row_of_uuid(self, uuid: str) -> int | None:
        return next((i for i, e in enumerate(self._entries) if e.get("uuid") == uuid), None)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        texts, state, full_time, whole = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[col]
        if role == Qt.ItemDataRole.UserRole:
            return self._entries[index.row()]
        if role == UUID_ROLE:
            return self._entries[index.row()].get("uuid")
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATE and state in _STATE_COLOUR:
            return QColor(_STATE_COLOUR[state])
        if role == Qt.ItemDataRole.ForegroundRole and state in _ROW_TINT:
            return QColor("#000000")  # the tints are light in every theme (the dark one too)
        if role == Qt.ItemDataRole.BackgroundRole and state in _ROW_TINT:
            return QColor(_ROW_TINT[state])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TIME:
                return full_time
            if col == COL_STATE and state == STATE_REJECTED:
                return self._entries[index.row()].get("error") or None
            return whole
        return None


class JournalView(QWidget):
    """The titled journal table ("Journal des orientations")."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(self.tr("&Journal des orientations"), self)
        self.title.setStyleSheet("font-weight: bold;")
        self._model = JournalModel(self)
        self.table = QTableView(self)
        self.table.setModel(self._model)
        self.table.setAccessibleName(self.tr("Journal des orientations"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        # One line per entry, elided on the right; the tooltip gives the whole row.  (Wrapping with rows sized to
        # their contents made a 300-row refresh about four times slower: measured 1.6 s against 0.4 s.)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The event takes what the other columns leave, never less than MIN_SUMMARY_PX (see _fit_summary);
        # a long name must not push it off the table: the patient column keeps a name's width.
        header.setSectionResizeMode(COL_SUMMARY, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PATIENT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_PATIENT, self.table.fontMetrics().horizontalAdvance("Marie-Hélène Dupont") + 16)
        header.sectionResized.connect(self._on_section_resized)
        self._viewport = self.table.viewport()
        self._viewport.installEventFilter(self)
        self.title.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def model(self) -> JournalModel:
        return self._model

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # Compared by reference, no call into Qt: the filter may run while the window is being torn down.
        if watched is getattr(self, "_viewport", None) and event.type() == QEvent.Type.Resize:
            self._fit_summary()
        return super().eventFilter(watched, event)

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column != COL_SUMMARY:
            self._fit_summary()

    def _fit_summary(self) -> None:
        """Give the event column the width the others leave, at least :data:`MIN_SUMMARY_PX`."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(self._model.columnCount()) if c != COL_SUMMARY)
        width = max(MIN_SUMMARY_PX, self.table.viewport().width() - others)
        if header.sectionSize(COL_SUMMARY) != width:
            header.blockSignals(True)  # no recursion through sectionResized
            header.resizeSection(COL_SUMMARY, width)
            header.blockSignals(False)
            header.viewport().update()

    def set_entries(self, entries: list[dict]) -> None:
        """Show these entries, keeping the selected one selected (refreshes are frequent)."""
        current = self.table.currentIndex()
        uuid = current.data(UUID_ROLE) if current.isValid() else None
        self._model.set_entries(entries)
        self._fit_summary()
        row = self._model.row_of_uuid(uuid) if uuid else None
        if row is not None and self.table.currentIndex().row() != row:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().setCurrentIndex(self._model.index(row, 0), flags)
