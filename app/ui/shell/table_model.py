"""The read-only table model the console's lists share: a cache of display rows under fixed headers.

:class:`app.ui.case.journal_view.JournalModel` and the other flat lists adapt a
list of dicts and compute each row's texts once per change; this base holds that
cache (``_rows``), the French headers, and the flags of a selectable, read-only,
flat table.  Each subclass fills ``_rows`` and answers :meth:`data`.
:func:`header_text` names the columns of any model with ``HEADERS`` (the slot
list's tree model, :mod:`app.ui.search.slot_model`, uses it too).
"""

from __future__ import annotations

from app.ui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


def header_text(model, section: int, orientation: Qt.Orientation, role: int):
    """The translated title of column ``section`` of ``model`` (its ``HEADERS``), else None."""
    if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
            and 0 <= section < len(model.HEADERS):
        return model.tr(model.HEADERS[section])
    return None


class RowCacheModel(QAbstractTableModel):
    """Read-only table over ``_rows`` (one entry per row), with the columns named in :attr:`HEADERS`."""

    #: Column titles, in French (translated in the subclass's context).
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        return header_text(self, section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
