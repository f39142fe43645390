"""The SAS appointments dock: the "unattached" and "follow-up" worklists, keyboard first.

* **Non rattachés** — appointments booked on the SAS platform that no case could be
  matched to.  Entrée on an appointment moves to its candidate cases with the best
  one selected; Entrée on a candidate attaches: two keystrokes.
* **À rappeler** — cancelled or missed appointments: Entrée (« Rappeler le patient »)
  shows the case's callback number in large; Ctrl+Entrée (« Fait ») marks the patient
  called back and the row leaves the list.

Data comes from the server through :class:`app.services.sync.api_client.ApiClient`, run off
the GUI thread's work by :func:`app.ui.shell.tasks.spawn` (qasync), like the other views;
nothing here blocks.  All text the user reads is French.  The tables' columns, cell labels and
filling live in :mod:`app.ui.case.appointments_tables`.
"""

from __future__ import annotations

import html
import logging

from app.services.security import permissions
from app.services.intake import phones
from app.services.sync.api_client import ApiClient, ApiError
from app.ui.case.appointments_tables import (
    CANDIDATE_COLUMNS,
    FOLLOW_UP_COLUMNS,
    REASON_LABELS,
    UNATTACHED_COLUMNS,
    UUID_ROLE,
    fill_rows,
    short_case,
    status_text,
    tr,
    when_text,
    worklist_table,
)
from app.ui.shell.icons import with_icon
from app.ui.qt import (
    QCoreApplication, QDockWidget, QGroupBox, QHBoxLayout, QKeySequence, QLabel, QPushButton, QShortcut, QSplitter,
    Qt, QTableView, QVBoxLayout, QWidget, Signal, Slot,
)
from app.ui.shell.shortcuts import bind_window_shortcuts
from app.ui.shell.tasks import spawn

log = logging.getLogger(__name__)

#: The window-wide key that opens the dock (listed on the F1 sheet by :mod:`app.ui.shell.shortcuts`).
SHORTCUT = "F7"


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
        self.unattached_table, self._unattached_model = worklist_table(self, self.tr("Rendez-vous non rattachés"),
                                                                       UNATTACHED_COLUMNS)
        self.candidate_table, self._candidate_model = worklist_table(self, self.tr("Dossiers candidats"),
                                                                     CANDIDATE_COLUMNS)
        self.follow_up_table, self._follow_up_model = worklist_table(self, self.tr("Patients à rappeler"),
                                                                     FOLLOW_UP_COLUMNS)
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
        fill_rows(self._unattached_model, [
            (a["uuid"], [when_text(a["start"]), status_text(a["status"]), a["effecteur_name"] or "—",
                         a["orientation_category"] or "—", str(len(a["candidates"]))]) for a in unattached])
        fill_rows(self._follow_up_model, [
            (a["uuid"], [when_text(a["start"]), status_text(a["status"]), a["effecteur_name"] or "—",
                         short_case(a["case"]["case_id"]), a["case"]["patient_name"] or a["case"]["caller_name"] or "—",
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
        fill_rows(self._candidate_model, [
            (c["case"]["uuid"], [short_case(c["case"]["case_id"]), c["case"]["caller_name"] or "—",
                                 c["case"]["patient_name"] or "—", c["case"]["city_name"] or "—",
                                 tr(REASON_LABELS.get(c["reason"], c["reason"])), when_text(c["at"]), c["author"]])
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
                                 % (html.escape(phone), html.escape(short_case(item["case"]["case_id"]))))

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
