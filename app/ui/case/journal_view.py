"""The shared journal: cases, orientations and bookings, newest first, with their sync state.

:class:`JournalModel` adapts the entry dicts of
:meth:`app.services.sync.local_store.LocalStore.journal` (``seq``, ``uuid``,
``kind``, ``author``, ``author_role``, ``created_at``, ``payload``,
``pending``, and ``rejected``/``error`` for refused writes) and keeps a row
cache of the displayed texts; entries waiting in the outbox show "En attente"
in amber.  :class:`JournalView` is the titled table and keeps the selected
entry across the periodic refreshes.
"""

from __future__ import annotations

from datetime import datetime

from app.services.regulation import decisions
from app.services.intake.form import PRIORITY_LABELS
from app.services.search.presentation import PARIS, format_slot_time, parse_time
from app.ui.qt import (
    QAbstractItemView, QColor, QCoreApplication, QHeaderView, QItemSelectionModel, QLabel, QModelIndex,
    QPersistentModelIndex, QT_TRANSLATE_NOOP, Qt, QTableView, QVBoxLayout, QWidget,
)
from app.ui.shell.table_model import RowCacheModel

COL_TIME, COL_KIND, COL_AUTHOR, COL_SUMMARY, COL_STATE = range(5)
_HEADERS = (QT_TRANSLATE_NOOP("JournalModel", "Heure"), QT_TRANSLATE_NOOP("JournalModel", "Type"),
            QT_TRANSLATE_NOOP("JournalModel", "Auteur"), QT_TRANSLATE_NOOP("JournalModel", "Résumé"),
            QT_TRANSLATE_NOOP("JournalModel", "État"))
_KINDS = {"case": QT_TRANSLATE_NOOP("JournalModel", "Dossier"),
          "orientation": QT_TRANSLATE_NOOP("JournalModel", "Orientation"),
          "booking": QT_TRANSLATE_NOOP("JournalModel", "Réservation"),
          "case_event": QT_TRANSLATE_NOOP("JournalModel", "Suivi"),
          "surge": QT_TRANSLATE_NOOP("JournalModel", "Afflux"),
          "appointment": QT_TRANSLATE_NOOP("JournalModel", "RDV SAS"),
          "purge": QT_TRANSLATE_NOOP("JournalModel", "Purge")}
#: What happened to a SAS appointment (journal ``appointment`` entries).
_APPOINTMENT_ACTIONS = {"received": QT_TRANSLATE_NOOP("JournalModel", "Rendez-vous reçu"),
                        "updated": QT_TRANSLATE_NOOP("JournalModel", "Rendez-vous mis à jour"),
                        "attached": QT_TRANSLATE_NOOP("JournalModel", "Rendez-vous rattaché"),
                        "followed_up": QT_TRANSLATE_NOOP("JournalModel", "Patient rappelé")}
_APPOINTMENT_STATUS = {"booked": QT_TRANSLATE_NOOP("JournalModel", "réservé"),
                       "fulfilled": QT_TRANSLATE_NOOP("JournalModel", "honoré"),
                       "noshow": QT_TRANSLATE_NOOP("JournalModel", "non honoré"),
                       "cancelled": QT_TRANSLATE_NOOP("JournalModel", "annulé")}
STATE_SYNCED, STATE_PENDING, STATE_REJECTED = "synced", "pending", "rejected"
_STATE_TEXT = {STATE_SYNCED: QT_TRANSLATE_NOOP("JournalModel", "Synchronisé"),
               STATE_PENDING: QT_TRANSLATE_NOOP("JournalModel", "En attente"),
               STATE_REJECTED: QT_TRANSLATE_NOOP("JournalModel", "Refusé")}
_STATE_COLOUR = {STATE_PENDING: "#b26a00", STATE_REJECTED: "#c62828"}
_ROW_TINT = {STATE_PENDING: "#fff4e0", STATE_REJECTED: "#fdecea"}
#: Role giving the entry's uuid (``Qt.UserRole`` gives the whole entry dict).
UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("JournalModel", text)


def entry_state(entry: dict) -> str:
    if entry.get("rejected"):
        return STATE_REJECTED
    return STATE_PENDING if entry.get("pending") or entry.get("seq") is None else STATE_SYNCED


def summary(entry: dict) -> str:
    """One line saying what the entry is about, in French."""
    p = entry.get("payload") or {}
    kind = entry.get("kind")
    if kind == "case":
        parts = [(p.get("case_id") or "").rsplit(".", 1)[-1], p.get("health_motive_label") or "",
                 " ".join(x for x in (p.get("priority"), PRIORITY_LABELS.get(p.get("priority"), "")) if x)]
    elif kind == "orientation":
        key = p.get("decision_key")
        label = decisions.label_of(key, p.get("decision_type"), p.get("resource_type"), p.get("orientation_type"))
        when = format_slot_time(p["appointment_start"]) if p.get("appointment_start") else ""
        parts = [label, p.get("effecteur_name") or "", when]
    elif kind == "booking":
        when = format_slot_time(p["start"]) if p.get("start") else ""
        parts = [QCoreApplication.translate("JournalModel", "Créneau n° %s") % p.get("slot_id", "?"), when]
    elif kind == "case_event":
        from app.services.regulation.case_events import describe

        parts = [describe(p)]
    elif kind == "surge":
        surge = (QCoreApplication.translate("JournalModel", "Mode afflux activé") if p.get("active")
                 else QCoreApplication.translate("JournalModel", "Mode afflux terminé"))
        parts = [surge, p.get("reason") or ""]
    elif kind == "appointment":
        action, status = p.get("action"), p.get("status")
        when = format_slot_time(p["start"]) if p.get("start") else ""
        parts = [_tr(_APPOINTMENT_ACTIONS.get(action, action or "")),
                 _tr(_APPOINTMENT_STATUS.get(status, status or "")), p.get("effecteur_name") or "", when]
    elif kind == "purge":
        parts = [QCoreApplication.translate("JournalModel", "Dossiers antérieurs au %s purgés (durée de conservation)")
                 % (p.get("cutoff") or "?")[:10]]
    else:
        parts = [str(kind or "")]
    return " — ".join(x for x in parts if x)


def _time_text(value, today) -> tuple[str, str]:
    if not value:
        return "", ""
    t = parse_time(value)
    if t.tzinfo is None:
        return t.strftime("%H:%M"), t.isoformat()
    t = t.astimezone(PARIS)
    short = t.strftime("%H:%M") if t.date() == today else t.strftime("%d/%m %H:%M")
    return short, t.strftime("%d/%m/%Y %H:%M:%S")


class JournalModel(RowCacheModel):
    """Read-only adapter over journal entry dicts, in the order given (newest first)."""

    HEADERS = _HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[dict] = []
        self._rows: list[tuple[tuple[str, ...], str, str]] = []  # (texts, state, time tooltip)

    def set_entries(self, entries: list[dict]) -> None:
        """Replace the entries; nothing happens (no reset) when the rows are unchanged."""
        today = datetime.now(PARIS).date()
        rows = [self._row(e, today) for e in entries]
        if rows == self._rows and [e.get("uuid") for e in entries] == [e.get("uuid") for e in self._entries]:
            return
        self.beginResetModel()
        self._entries = list(entries)
        self._rows = rows
        self.endResetModel()

    @staticmethod
    def _row(e: dict, today) -> tuple[tuple[str, ...], str, str]:
        short, full = _time_text(e.get("created_at"), today)
        author = e.get("author") or ""
        role = e.get("author_role") or ""
        who = f"{author} ({role})" if author and role else author or role
        state = entry_state(e)
        texts = (short, _tr(_KINDS.get(e.get("kind"), e.get("kind") or "")), who, summary(e),
                 _tr(_STATE_TEXT[state]))
        return texts, state, full

    def entry(self, row: int) -> dict:
        return self._entries[row]

    def row_of_uuid(self, uuid: str) -> int | None:
        return next((i for i, e in enumerate(self._entries) if e.get("uuid") == uuid), None)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        texts, state, full_time = self._rows[index.row()]
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
            if col == COL_SUMMARY:
                return texts[col]
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
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SUMMARY, QHeaderView.ResizeMode.Stretch)  # État stays visible
        self.title.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def model(self) -> JournalModel:
        return self._model

    def set_entries(self, entries: list[dict]) -> None:
        """Show these entries, keeping the selected one selected (refreshes are frequent)."""
        current = self.table.currentIndex()
        uuid = current.data(UUID_ROLE) if current.isValid() else None
        self._model.set_entries(entries)
        row = self._model.row_of_uuid(uuid) if uuid else None
        if row is not None and self.table.currentIndex().row() != row:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().setCurrentIndex(self._model.index(row, 0), flags)
