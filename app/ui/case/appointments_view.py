"""The SAS appointments dock: the "unattached" and "follow-up" worklists, keyboard first.

* **Non rattachés** — appointments booked on the SAS platform that no case could be
  matched to.  Entrée on an appointment moves to its candidate cases with the best
  one selected; Entrée on a candidate attaches: two keystrokes.
* **À rappeler** — cancelled or missed appointments: Entrée (« Rappeler le patient »)
  shows the case's callback number in large; Ctrl+Entrée (« Fait ») marks the patient
  called back and the row leaves the list.

Data comes from the server through :class:`app.services.sync.api_client.ApiClient`, run off
the GUI thread's work by :func:`app.ui.shell.tasks.spawn` (qasync), like the other views;
nothing here blocks.  All text the user reads is French.
"""

from __future__ import annotations

import html
import logging

from app.codes import case_codes
from app.services.security import permissions
from app.services.intake import phones
from app.services.search import presentation
from app.services.sync.api_client import ApiClient, ApiError
from app.ui.shell.icons import with_icon
from app.ui.qt import (
    QT_TRANSLATE_NOOP, QAbstractItemView, QCoreApplication, QDockWidget, QGroupBox, QHBoxLayout, QHeaderView,
    QKeySequence, QLabel, QPushButton, QShortcut, QSplitter, QStandardItem, QStandardItemModel, Qt, QTableView,
    QVBoxLayout, QWidget, Signal, Slot,
)
from app.ui.shell.shortcuts import bind_window_shortcuts
from app.ui.shell.tasks import spawn

log = logging.getLogger(__name__)

_C = "AppointmentsView"  # the translation context of the tables below (translated where shown)
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
#: The window-wide key that opens the dock (listed on the F1 sheet by :mod:`app.ui.shell.shortcuts`).
SHORTCUT = "F7"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_C, text)


def _status(status: str) -> str:
    return _tr(STATUS_LABELS.get(status, status))


def _when(value: str | None) -> str:
    return presentation.format_slot_time(value) if value else "—"


def _short(case_id: str) -> str:
    return case_codes.short_number(case_id)


def _table(parent: QWidget, name: str, columns: tuple[str, ...]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, len(columns), parent)
    model.setHorizontalHeaderLabels([_tr(c) for c in columns])
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


def _fill(model: QStandardItemModel, rows: list[tuple[str, list[str]]]) -> None:
    """Replace the rows of ``model``: each is (uuid kept on the first cell, texts)."""
    model.removeRows(0, model.rowCount())
    for uuid, texts in rows:
        items = [QStandardItem(t) for t in texts]
        items[0].setData(uuid, UUID_ROLE)
        model.appendRow(items)


class AppointmentsView(QWidget):
    """The two worklists of SAS appointments.

    Signals:
        refreshed(int, int): both lists were read (unattached count, follow-up count).
        attached(str, str): an appointment (uuid) was attached to a case (uuid).
        followedUp(str): the patient of an appointment (uuid) was called back.
        failed(str): a request failed (French message, also shown in the view).
    """

    refreshed = Signal(int, int)
    attached = Signal(str, str)
    followedUp = Signal(str)
    failed = Signal(str)

    def __init__(self, client: ApiClient, parent: QWidget | None = None, *, can_act: bool = True):
        super().__init__(parent)
        self._client, self._can_act = client, can_act
        self._unattached: list[dict] = []
        self._follow_up: list[dict] = []
        self.unattached_table, self._unattached_model = _table(self, self.tr("Rendez-vous non rattachés"),
                                                               UNATTACHED_COLUMNS)
        self.candidate_table, self._candidate_model = _table(self, self.tr("Dossiers candidats"), CANDIDATE_COLUMNS)
        self.follow_up_table, self._follow_up_model = _table(self, self.tr("Patients à rappeler"), FOLLOW_UP_COLUMNS)
        self.call_button = with_icon(QPushButton(self.tr("&Rappeler le patient (Entrée)"), self), "call")
        self.done_button = with_icon(QPushButton(self.tr("Fai&t (Ctrl+Entrée)"), self), "done")
        self.phone_label = QLabel(self)
        self.phone_label.setAccessibleName(self.tr("Numéro à rappeler"))
        self.phone_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        for button in (self.call_button, self.done_button):
            button.setEnabled(can_act)
        self._build()
        self.unattached_table.activated.connect(self._on_appointment_activated)
        self.unattached_table.selectionModel().currentRowChanged.connect(self._on_appointment_changed)
        self.candidate_table.activated.connect(self._on_candidate_activated)
        self.follow_up_table.activated.connect(self.call_patient)
        self.call_button.clicked.connect(self.call_patient)
        self.done_button.clicked.connect(self.mark_done)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            done = QShortcut(QKeySequence(keys), self.follow_up_table)
            done.setContext(Qt.ShortcutContext.WidgetShortcut)
            done.activated.connect(self.mark_done)

    def _build(self) -> None:
        top = QGroupBox(
            self.tr("Rendez-vous SAS non rattachés — Entrée : choisir le dossier, Entrée : rattacher"), self)
        top_layout = QHBoxLayout(top)
        top_layout.addWidget(self.unattached_table, 3)
        top_layout.addWidget(self.candidate_table, 4)
        bottom = QGroupBox(self.tr("À rappeler (rendez-vous annulé ou non honoré)"), self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.addWidget(self.follow_up_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.phone_label, 1)
        row.addWidget(self.call_button)
        row.addWidget(self.done_button)
        bottom_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    # --- reading ------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Read both worklists from the server (in the background)."""
        spawn(self._refresh(), on_error=self._on_error, name="appointments")

    async def _refresh(self) -> None:
        unattached = await self._client.list_appointments("unattached")
        follow_up = await self._client.list_appointments("followup")
        self._show(unattached, follow_up)

    def _show(self, unattached: list[dict], follow_up: list[dict]) -> None:
        self._unattached, self._follow_up = unattached, follow_up
        _fill(self._unattached_model, [
            (a["uuid"], [_when(a["start"]), _status(a["status"]), a["effecteur_name"] or "—",
                         a["orientation_category"] or "—", str(len(a["candidates"]))]) for a in unattached])
        _fill(self._follow_up_model, [
            (a["uuid"], [_when(a["start"]), _status(a["status"]), a["effecteur_name"] or "—",
                         _short(a["case"]["case_id"]), a["case"]["patient_name"] or a["case"]["caller_name"] or "—",
                         phones.format_phone(a["case"]["phone"]) or "—"]) for a in follow_up])
        self._show_candidates(self.unattached_table.currentIndex().row())
        self.unattached_table.resizeColumnsToContents()
        self.follow_up_table.resizeColumnsToContents()
        if unattached and not self.unattached_table.currentIndex().isValid():
            self.unattached_table.selectRow(0)
        if follow_up and not self.follow_up_table.currentIndex().isValid():
            self.follow_up_table.selectRow(0)
        self.message.setText(self.tr("%d rendez-vous non rattaché(s), %d patient(s) à rappeler")
                             % (len(unattached), len(follow_up)))
        self.refreshed.emit(len(unattached), len(follow_up))

    def _show_candidates(self, row: int) -> None:
        candidates = self._unattached[row]["candidates"] if 0 <= row < len(self._unattached) else []
        _fill(self._candidate_model, [
            (c["case"]["uuid"], [_short(c["case"]["case_id"]), c["case"]["caller_name"] or "—",
                                 c["case"]["patient_name"] or "—", c["case"]["city_name"] or "—",
                                 _tr(REASON_LABELS.get(c["reason"], c["reason"])), _when(c["at"]), c["author"]])
            for c in candidates])
        self.candidate_table.resizeColumnsToContents()

    # --- attaching ------------------------------------------------------------------------------
    @Slot(object, object)
    def _on_appointment_changed(self, current, _previous) -> None:
        self._show_candidates(current.row())

    @Slot(object)
    def _on_appointment_activated(self, index) -> None:
        """Entrée on an appointment: go to its candidates, the best one selected."""
        self._show_candidates(index.row())
        if self._candidate_model.rowCount() == 0:
            self.message.setText(self.tr("Aucun dossier candidat : ouvrez le dossier puis rattachez depuis celui-ci"))
            return
        self.candidate_table.setFocus()
        self.candidate_table.selectRow(0)

    @Slot(object)
    def _on_candidate_activated(self, index) -> None:
        """Entrée on a candidate case: attach the selected appointment to it."""
        appointment = self._current(self.unattached_table, self._unattached)
        case_uuid = self._candidate_model.item(index.row(), 0).data(UUID_ROLE) if index.isValid() else None
        if appointment is None or case_uuid is None:
            return
        if not self._can_act:
            self.message.setText(self.tr("Rattachement non autorisé pour votre rôle"))
            return
        spawn(self._attach(appointment["uuid"], case_uuid), on_error=self._on_error, name="attach")

    async def _attach(self, uuid: str, case_uuid: str) -> None:
        await self._client.attach_appointment(uuid, case_uuid)
        self.attached.emit(uuid, case_uuid)
        self.unattached_table.setFocus()
        await self._refresh()

    # --- follow-up ------------------------------------------------------------------------------
    @Slot()
    def call_patient(self, *_args) -> None:
        """« Rappeler le patient » : the case's number, large, ready to dial."""
        item = self._current(self.follow_up_table, self._follow_up)
        if item is None:
            return
        phone = phones.format_phone(item["case"]["phone"]) or self.tr("numéro inconnu")
        self.phone_label.setText(self.tr("<b style='font-size:16pt'>%s</b> — dossier %s")
                                 % (html.escape(phone), html.escape(_short(item["case"]["case_id"]))))

    @Slot()
    def mark_done(self) -> None:
        item = self._current(self.follow_up_table, self._follow_up)
        if item is None or not self._can_act:
            return
        spawn(self._mark_done(item["uuid"]), on_error=self._on_error, name="followed-up")

    async def _mark_done(self, uuid: str) -> None:
        await self._client.mark_followed_up(uuid)
        self.phone_label.clear()
        self.followedUp.emit(uuid)
        await self._refresh()

    def current_follow_up(self) -> dict | None:
        """The selected appointment of « à rappeler » (its ``case`` carries the number), or None."""
        return self._current(self.follow_up_table, self._follow_up)

    # --- helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _current(table: QTableView, rows: list[dict]) -> dict | None:
        row = table.currentIndex().row()
        return rows[row] if 0 <= row < len(rows) else None

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, ApiError):
            text = self.tr("Rendez-vous SAS : %s") % exc.message
        else:
            log.error("appointments view", exc_info=exc)
            text = self.tr("Rendez-vous SAS : erreur inattendue")
        self.message.setText(text)
        self.failed.emit(text)


def appointments_dock(window, desk) -> QDockWidget | None:
    """The worklists docked in ``window`` (hidden until F7), or None for a role that may not read them.

    F7 shows the dock, reads both lists again and puts the focus on the unattached one.
    """
    role = desk.user.role
    if not permissions.is_allowed(permissions.APPOINTMENTS_LIST, role):
        return None
    view = AppointmentsView(desk.client, window, can_act=permissions.is_allowed(permissions.APPOINTMENTS_ATTACH, role))
    dock = QDockWidget(QCoreApplication.translate("AppointmentsView", "Rendez-vous SAS (F7)"), window)
    dock.setObjectName("appointmentsDock")
    dock.setWidget(view)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()

    def show() -> None:
        dock.show()
        dock.raise_()
        view.unattached_table.setFocus()
        view.refresh()

    bind_window_shortcuts(window, [(SHORTCUT, show)])
    return dock
