"""The slot list's model: a two-level tree, one row per effecteur with its next slots, one child per slot.

:class:`SlotTableModel` adapts the search results exactly as ``GET
/api/v1/slots/search`` returns them (``slot_id``, ``start``, ``mode``,
``distance_km``, ``effecteur {id, name, kind, phone, city_name…}``, and since issue 14
``editor``, ``age_s``, ``stale``, ``booking``: the « Agenda » column says which editor
confirmed the slot and how long ago, ☎ marking an agenda that only shows slots), grouped
per effecteur by :func:`app.services.search.presentation.effecteur_groups`: a
top row per effecteur (« lun. 24/11 14:30, 15:00, 16:15 +4 ») and, when it has
more than one, a child row per slot.  The row texts are computed once per
search.  :class:`app.ui.search.slot_table.SlotTable` shows it.
"""

from __future__ import annotations

from app.services.desk import live_agendas
from app.services.intake.form import format_phone
from app.services.search.presentation import (
    GROUP_LABELS, STALE_MARK, effecteur_groups, format_slot_time, kind_label, mode_label, slot_summary,
    stale_tooltip, table_rows,
)
from app.ui.shell.table_model import header_text
from app.ui.qt import QColor, QCoreApplication, QModelIndex, QPersistentModelIndex, QT_TRANSLATE_NOOP, Qt, QtCore

COL_GROUP, COL_START, COL_AGENDA, COL_EFFECTEUR, COL_KIND, COL_MODE, COL_DISTANCE, COL_CITY, COL_PHONE = range(9)
#: Column titles, French source strings translated in the model's context when shown.
_HEADERS = (
    QT_TRANSLATE_NOOP("SlotTableModel", "Groupe"), QT_TRANSLATE_NOOP("SlotTableModel", "Début"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Agenda"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Effecteur"), QT_TRANSLATE_NOOP("SlotTableModel", "Type"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Mode"), QT_TRANSLATE_NOOP("SlotTableModel", "Distance"),
    QT_TRANSLATE_NOOP("SlotTableModel", "Commune"), QT_TRANSLATE_NOOP("SlotTableModel", "Téléphone"),
)
#: Row background by ranking group (light, so the selection stays readable).
_GROUP_COLORS = {"medecin_traitant": "#e3f2fd", "sas": "#e8f5e9", "a_appeler": "#f5f5f5"}
#: Role giving the effecteur id of a row (``Qt.UserRole`` gives the slot id: an effecteur row's first).
EFFECTEUR_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Internal id of a top-level (effecteur) index; a slot row's is its effecteur's row + 1.
_TOP = 0


def format_age(age_s: float | None) -> str:
    """``« il y a 3 min »`` (« à l'instant » under a minute, « il y a 2 h 05 » past an hour); ``""`` unknown."""
    if age_s is None:
        return ""
    minutes = live_agendas.age_minutes(age_s)
    if minutes < 1:
        return QCoreApplication.translate("SlotTableModel", "à l'instant")
    if minutes < 60:
        return QCoreApplication.translate("SlotTableModel", "il y a %d min") % minutes
    return QCoreApplication.translate("SlotTableModel", "il y a %d h %02d") % (minutes // 60, minutes % 60)


def agenda_text(r: dict) -> str:
    """The « Agenda » cell of a slot: ``Doctolib · il y a 3 min``, ☎ first for an agenda that only shows slots."""
    parts = [x for x in (live_agendas.editor_of(r), format_age(live_agendas.age_of(r))) if x]
    phone = "☎ " if live_agendas.booking_mode(r) == live_agendas.BOOK_BY_PHONE else ""
    return phone + " · ".join(parts) if parts else ""


def format_distance(km: float | None) -> str:
    """``2.43`` → ``"2,4 km"`` (French decimal comma)."""
    return "" if km is None else f"{km:.1f} km".replace(".", ",")


class SlotTableModel(QtCore.QAbstractItemModel):
    """Read-only tree: effecteurs (best first), each with its free slots (soonest first) as children."""

    HEADERS = _HEADERS
    # Empty until the first search; class defaults also answer Qt if it asks while the model is torn down.
    _groups: list[dict] = []
    _flat: list[dict] = []
    _rows: list[tuple[str, ...]] = []
    _children: list[list[tuple[str, ...]]] = []

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[dict] = []
        self._flat: list[dict] = []
        self._rows: list[tuple[str, ...]] = []
        self._children: list[list[tuple[str, ...]]] = []

    # --- data in ----------------------------------------------------------------------------
    def set_results(self, results: list[dict], to_call: list[dict] = ()) -> None:
        """Replace the whole list (a model reset: a new search); ``to_call`` effecteurs have no slot."""
        self.beginResetModel()
        self._flat = table_rows(list(results), list(to_call))
        self._groups = effecteur_groups(list(results), list(to_call))
        self._rows = [self._effecteur_texts(g) for g in self._groups]
        self._children = [[self._slot_texts(r) for r in g["slots"]] if len(g["slots"]) > 1 else []
                          for g in self._groups]
        self.endResetModel()

    @staticmethod
    def _effecteur_texts(g: dict) -> tuple[str, ...]:
        eff, slots = g["effecteur"], g["slots"]
        if slots:
            start = slot_summary([r["start"] for r in slots]) + (STALE_MARK if slots[0].get("stale") else "")
        else:
            start = QCoreApplication.translate("SlotTableModel", "☎ à appeler (en sus)")
        modes = list(dict.fromkeys(mode_label(r.get("mode") or "") for r in slots))
        booked = any(r.get("booked") for r in slots)
        label = QCoreApplication.translate("SlotTableModel", "✔ Réservé") if booked else \
            GROUP_LABELS.get(g.get("group") or "", "")
        return (label, start, agenda_text(slots[0]) if slots else "", eff.get("name") or "",
                kind_label(eff.get("kind") or ""), " / ".join(m for m in modes if m),
                format_distance(g.get("distance_km")), eff.get("city_name") or "", format_phone(eff.get("phone")))

    @staticmethod
    def _slot_texts(r: dict) -> tuple[str, ...]:
        start = format_slot_time(r["start"]) + (STALE_MARK if r.get("stale") else "")
        label = QCoreApplication.translate("SlotTableModel", "✔ Réservé") if r.get("booked") else ""
        return (label, start, agenda_text(r), "", "", mode_label(r.get("mode") or ""), "", "", "")

    # --- lookups ------------------------------------------------------------------------------
    def result_at(self, index: QModelIndex | QPersistentModelIndex) -> dict | None:
        """The result a row stands for: a slot row's slot, an effecteur row's first slot (or its phone row)."""
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            g = self._groups[index.row()]
            return g["slots"][0] if g["slots"] else g["call"]
        return self._groups[index.internalId() - 1]["slots"][index.row()]

    def result(self, row: int) -> dict:
        """The result of effecteur row ``row`` (its first free slot, or its phone row)."""
        return self.result_at(self.index(row, 0))

    def results(self) -> list[dict]:
        """Every row of the search, flat: slots in ranking order, then effecteurs to phone."""
        return list(self._flat)

    def effecteur_count(self) -> int:
        return len(self._groups)

    def slots_of(self, row: int) -> list[dict]:
        """The free slots of effecteur row ``row``, soonest first."""
        return list(self._groups[row]["slots"])

    def row_of_effecteur(self, effecteur_id: str) -> int | None:
        return next((i for i, g in enumerate(self._groups) if g["effecteur"].get("id") == effecteur_id), None)

    def index_of_slot(self, slot_id: int) -> QModelIndex:
        """The row showing ``slot_id``: its effecteur's row when it is the first slot, else its own."""
        for row, g in enumerate(self._groups):
            for i, r in enumerate(g["slots"]):
                if r["slot_id"] == slot_id and slot_id is not None:
                    return self.index(row, 0) if i == 0 else self.index(i, 0, self.index(row, 0))
        return QModelIndex()

    # --- QAbstractItemModel -------------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._children[parent.row()])
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        return header_text(self, section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if index.internalId() == _TOP else flags | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        top = index.internalId() == _TOP
        group_row = index.row() if top else index.internalId() - 1
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][col] if top else self._children[group_row][row][col]
        result = self.result_at(index)
        group = self._groups[group_row]
        if role == Qt.ItemDataRole.UserRole:
            return result.get("slot_id") if result else None
        if role == EFFECTEUR_ID_ROLE:
            return group["effecteur"].get("id")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(group, result, top)
        if role == Qt.ItemDataRole.BackgroundRole and (
                (result or {}).get("booked") or (top and any(r.get("booked") for r in group["slots"]))):
            return QColor("#c8e6c9")  # the case's booking
        if role == Qt.ItemDataRole.BackgroundRole and group.get("group") in _GROUP_COLORS:
            return QColor(_GROUP_COLORS[group["group"]])
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_START, COL_AGENDA) and result and result.get("stale"):
            return QColor("#b71c1c")
        if role == Qt.ItemDataRole.ForegroundRole and group.get("group") in _GROUP_COLORS:
            return QColor("#000000")  # the group tints are light in every theme (the dark one too)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DISTANCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _stale_text(self, r: dict) -> str:
        """Why a slot is marked « ⚠ ancien », with its age when the editor's last confirmation is known."""
        age, editor = live_agendas.age_of(r), live_agendas.editor_of(r)
        if age is None:
            return stale_tooltip(r)
        return self.tr("Donnée ancienne : confirmée par l'agenda %s %s ; le créneau peut ne plus être libre, "
                       "vérifiez avant de réserver.") % (editor or "?", format_age(age))

    def _booking_text(self, r: dict) -> str:
        mode, editor = live_agendas.booking_mode(r), live_agendas.editor_of(r)
        if r.get("slot_id") is None or mode == live_agendas.BOOK_LOCAL:
            return ""
        if mode == live_agendas.BOOK_AT_EDITOR:
            return self.tr("Réservation dans l'agenda du médecin chez %s") % (editor or "?")
        return self.tr("Agenda %s consultable seulement : Entrée ouvre l'appel à l'effecteur, "
                       "puis « RDV confirmé par téléphone »") % (editor or "?")

    def _tooltip(self, group: dict, r: dict | None, top: bool) -> str:
        eff = group["effecteur"]
        r = r or {}
        lines = [eff.get("name") or "", ", ".join(x for x in (eff.get("address"), eff.get("city_name")) if x)]
        if r.get("stale"):
            lines.append(self._stale_text(r))
        lines.append(self._booking_text(r))
        if r.get("slot_id") is None:
            lines.append(self.tr("Sans créneau : appeler (Entrée) et noter la réponse"))
        elif top and len(group["slots"]) > 1:
            lines.append(self.tr("%d créneaux libres : → pour les voir, Entrée réserve le premier")
                         % len(group["slots"]))
        if eff.get("sas_participant"):
            lines.append(self.tr("Participe au SAS"))
        if eff.get("accepts_extra"):
            lines.append(self.tr("Accepte des patients en sus des disponibilités"))
        if r.get("end"):
            lines.append(self.tr("Fin : %s") % format_slot_time(r["end"]))
        return "\n".join(line for line in lines if line)
