"""The SAS appointments worklists' tables: their columns, the labels of their cells, and how they are filled.

Shared by :class:`app.ui.case.appointments_view.AppointmentsView` (its three tables: unattached
appointments, candidate cases, patients to call back).  Every text is translated in the
``AppointmentsView`` context, where it is shown.
"""

from __future__ import annotations

from app.codes import case_codes
from app.services.search import presentation
from app.ui.qt import (
    QT_TRANSLATE_NOOP, QAbstractItemView, QCoreApplication, QHeaderView, QStandardItem, QStandardItemModel, Qt,
    QTableView, QWidget,
)

CONTEXT = "AppointmentsView"  # the translation context of the tables below (translated where shown)
STATUS_LABELS = {
    "pending": QT_TRANSLATE_NOOP("AppointmentsView", "en attente"),
    "booked": QT_TRANSLATE_NOOP("AppointmentsView", "réservé"),
    "fulfilled": QT_TRANSLATE_NOOP("AppointmentsView", "honoré"),
    "noshow": QT_TRANSLATE_NOOP("AppointmentsView", "non honoré"),
    "cancelled": QT_TRANSLATE_NOOP("AppointmentsView", "annulé"),
}
REASON_LABELS = {
    "orientation": QT_TRANSLATE_NOOP("AppointmentsView", "même créneau / effecteur"),
    "search": QT_TRANSLATE_NOOP("AppointmentsView", "recherche de créneaux"),
}
UNATTACHED_COLUMNS = (QT_TRANSLATE_NOOP("AppointmentsView", "RDV"),
                      QT_TRANSLATE_NOOP("AppointmentsView", "Statut"),
                      QT_TRANSLATE_NOOP("AppointmentsView", "Effecteur"),
                      QT_TRANSLATE_NOOP("AppointmentsView", "Catégorie"),
                      QT_TRANSLATE_NOOP("AppointmentsView", "Candidats"))
CANDIDATE_COLUMNS = (QT_TRANSLATE_NOOP("AppointmentsView", "Dossier"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Appelant"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Patient"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Commune"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Pourquoi"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Quand"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Par"))
FOLLOW_UP_COLUMNS = (QT_TRANSLATE_NOOP("AppointmentsView", "RDV"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Statut"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Effecteur"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Dossier"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Patient"),
                     QT_TRANSLATE_NOOP("AppointmentsView", "Téléphone"))
UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    """``text`` translated in the worklists' context."""
    return QCoreApplication.translate(CONTEXT, text)


def status_text(status: str) -> str:
    """An appointment's status, in French."""
    return tr(STATUS_LABELS.get(status, status))


def when_text(value: str | None) -> str:
    """A slot time as the lists show it, « — » when none."""
    return presentation.format_slot_time(value) if value else "—"


def short_case(case_id: str) -> str:
    """The case number as the room says it."""
    return case_codes.short_number(case_id)


def worklist_table(parent: QWidget, name: str,
                   columns: tuple[str, ...]) -> tuple[QTableView, QStandardItemModel]:
    """A read-only, one-row-selection table named ``name`` (for screen readers) with these columns."""
    model = QStandardItemModel(0, len(columns), parent)
    model.setHorizontalHeaderLabels([tr(c) for c in columns])
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(False)  # short cells
    # Interactive + resize after each fill: ResizeToContents only measures rows already on screen,
    # so a list filled while its dock is hidden would keep header-wide columns.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view, model


def fill_rows(model: QStandardItemModel, rows: list[tuple[str, list[str]]]) -> None:
    """Replace the rows of ``model``: each is (uuid kept on the first cell, texts)."""
    model.removeRows(0, model.rowCount())
    for uuid, texts in rows:
        items = [QStandardItem(t) for t in texts]
        items[0].setData(uuid, UUID_ROLE)
        model.appendRow(items)
