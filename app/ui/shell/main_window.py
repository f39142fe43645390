"""The console's main window: one workspace per role (:mod:`app.ui.shell.workspaces`), each role's layout saved.

A thin shell: it lays out the panels, wires their signals in one place
(:meth:`MainWindow._connect_signals`) and forwards user actions to the
Qt-free :class:`app.services.desk.workflow.Desk`, whose results it shows.  Search,
booking and decisions live in :mod:`app.ui.search.actions`, the regulation
workflow in :mod:`app.ui.case.regulation_actions`, the F1 sheet in
:mod:`app.ui.shell.shortcuts`.

Keyboard: Ctrl+N new call, Ctrl+Entrée open the case, F5 search, Ctrl+E widen
the radius, Ctrl+L focus the slot list, Entrée / Ctrl+B book the selected slot,
Ctrl+D record the chosen decision, F1 shortcuts.  The desk phone (F3 answers, F4 hangs up,
Ctrl+Maj+A calls out…) is :mod:`app.ui.telephony.desk_phone`, on every desk workspace.
"""

from __future__ import annotations

from app.services.desk.workflow import Desk
from app.services.intake.form import InvalidIntake
from app.services.sync.local_store import LocalStore
from app.ui.intake.panel import IntakePanel
from app.ui.case.appointments_view import appointments_dock
from app.ui.case.case_view import CaseViewWidget
from app.ui.case.journal_view import JournalView
from app.ui.shell import workspaces
from app.ui.shell.layouts import WindowLayouts
from app.ui.shell.workspaces import workspace_of
from app.ui.map.view import MapView
from app.ui.case.queue_view import QueueView
from app.ui.case.hub_send import SHORTCUTS as HUB_SEND_SHORTCUTS
from app.ui.case.hub_send import HubSendAction
from app.ui.case.regulation_actions import SHORTCUTS as REGULATION_SHORTCUTS
from app.ui.case.regulation_actions import RegulationActions
from app.ui.qt import (
    QMainWindow, QMessageBox, Qt, QTimer, QWidget, Signal, Slot,
)
from app.ui.search.actions import SearchActions
from app.ui.search.bar import SearchBar
from app.ui.shell.shortcuts import HELP_SHORTCUT, WINDOW_SHORTCUTS, bind_window_shortcuts, sheet_html
from app.ui.search.slot_table import SlotTable
from app.ui.shell.status import ConsoleStatusBar
from app.ui.shell.window_menus import WindowMenus
from app.services.desk.telephony_desk import TelephonyDesk
from app.ui.telephony.desk_phone import SHORTCUTS as PHONE_SHORTCUTS
from app.ui.telephony.desk_phone import DeskPhone

#: (keys, French description) of every window-wide shortcut, as the F1 sheet lists them.
SHORTCUTS = [*WINDOW_SHORTCUTS, *REGULATION_SHORTCUTS, *HUB_SEND_SHORTCUTS, *PHONE_SHORTCUTS, HELP_SHORTCUT]

class MainWindow(QMainWindow):
    """The regulation desk window.

    Signals:
        searchFinished(int): forwarded from :class:`SearchActions` (the number of results, -1 on failure).
        orientationRecorded(str): forwarded from :class:`SearchActions` (the orientation's uuid); also
            emitted by :class:`RegulationActions`, with no uuid, after each change to the case.
    """

    searchFinished = Signal(int)
    orientationRecorded = Signal(str)

    def __init__(self, desk: Desk, store: LocalStore, map_view: MapView, parent: QWidget | None = None, *,
                 telephony: TelephonyDesk | None = None):
        super().__init__(parent)
        self._desk = desk
        self._store = store
        self.setWindowTitle(self.tr("Console de régulation SAS — %s") % desk.user.display_name)
        self.resize(1600, 960)
        self.workspace = workspace_of(desk.user.role)
        self._shown = False

        self.intake = IntakePanel(self, home_departement=desk.settings.departement)
        self.intake.set_enabled_for_role(desk.user.role)
        self.map_view = map_view
        self.slot_table = SlotTable(self)
        self.search_bar = SearchBar(self)
        self.journal = JournalView(self)
        self.queue_view = QueueView(self)
        self.worklist_view = QueueView(self, worklist=True) if self.workspace == "osnp" else None
        self.case_view = CaseViewWidget(self, takes_calls=self.workspace != "supervisor")
        self.status = ConsoleStatusBar(desk.user, self)
        self.setStatusBar(self.status)
        self.search = SearchActions(self, desk)  # makes the buttons around the slot list

        self._build_layout()
        self.layouts = WindowLayouts(self, desk.user.role)  # the role's saved layout, restored at first show
        self.menus = WindowMenus(self, self.layouts, self.docks, desk.settings)
        self.search.apply_role(desk.user.role)
        self._install_shortcuts()
        self._connect_signals()
        self.appointments_dock = appointments_dock(self, desk)  # SAS appointments worklists, F7
        if self.workspace == "osnp" and self.appointments_dock is not None:
            self.appointments_dock.show()  # part of the OSNP's workspace (its lists are read at first show)
        self.regulation = RegulationActions(self, desk, self.queue_view, self.worklist_view)
        self.hub_send = HubSendAction(self, desk)  # Ctrl+Maj+H: the case to a neighbouring SAMU
        #: The desk phone (issue 15); its softphone is started by the console after login (none: by hand).
        self.phone = None if self.workspace == "supervisor" else DeskPhone(
            self, desk, telephony or TelephonyDesk(desk.client, desk.settings))
        self.search.update_radius_label()
        self.refresh_journal()

    # --- layout --------------------------------------------------------------------------
    def _build_layout(self) -> None:
        """The role's workspace (:mod:`app.ui.shell.workspaces`): central panels and docks."""
        self._initial_sizes, self.left_stack = None, None
        if self.workspace == "supervisor":
            workspaces.build_supervisor(self, self.search.action_row(), self.search.decisions.decision_row())
        else:
            workspaces.build_desk(self, self.search.action_row(), self.search.decisions.decision_row())

    def show_case_page(self) -> None:
        """The case view in front (a case opened from a queue or a worklist)."""
        if self.left_stack is not None:
            self.left_stack.setCurrentWidget(self.case_view)
        else:
            self.case_dock.show()
            self.case_dock.raise_()

    def show_intake_page(self) -> None:
        """The intake form in front (a new call)."""
        if self.left_stack is not None:
            self.left_stack.setCurrentWidget(self.intake)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._shown:  # sizes only hold once the splitter has its real width
            self._shown = True
            if self._initial_sizes:
                self._split.setSizes(self._initial_sizes)
            side = [d for d in self.docks if d.objectName() != "worklistDock"]
            self.resizeDocks(side, [560] * len(side), Qt.Orientation.Horizontal)
            self.resizeDocks(side, [360, 540], Qt.Orientation.Vertical)
            if self.workspace == "osnp" and self.appointments_dock is not None:  # under the map, not half the window
                self.resizeDocks([self.appointments_dock], [240], Qt.Orientation.Vertical)
            self.layouts.first_show()
            if self.workspace == "osnp" and self.appointments_dock is not None and self.appointments_dock.isVisible():
                QTimer.singleShot(0, self.appointments_dock.widget().refresh)

    def _install_shortcuts(self) -> None:
        bind_window_shortcuts(self, [
            ("Ctrl+N", self.new_call),
            ("F5", self.start_search),
            ("Ctrl+E", self.widen_search),
            ("Ctrl+L", self.slot_table.setFocus),
            ("Ctrl+B", self.book_selected),
            ("Ctrl+D", self.record_decision),
            ("F8", self.focus_decision),
            ("F1", self.show_shortcuts),
        ])

    def _connect_signals(self) -> None:
        search = self.search
        self.intake.caseSubmitted.connect(self._on_case_submitted)
        search.search_button.clicked.connect(self.start_search)
        search.widen_button.clicked.connect(self.widen_search)
        search.book_button.clicked.connect(self.book_selected)
        search.decision_button.clicked.connect(self.record_decision)
        search.searchFinished.connect(self.searchFinished)
        search.orientationRecorded.connect(self.orientationRecorded)
        self.slot_table.currentEffecteurChanged.connect(self._on_current_effecteur_changed)
        self.slot_table.slotActivated.connect(self._on_slot_activated)
        self.slot_table.callRequested.connect(self.call_effecteur)
        self.search_bar.filtersChanged.connect(self._on_filters_changed)
        self.map_view.markerClicked.connect(self._on_marker_clicked)

    # --- case ----------------------------------------------------------------------------
    @Slot()
    def new_call(self) -> None:
        if self.workspace == "supervisor":
            self.status.show_message(self.tr("Le chef de salle ne saisit pas d'appel"), error=True)
            return
        self._desk.current_case = None
        if self.left_stack is not None and self.left_stack.currentWidget() is not self.intake \
                and self.intake.form().reception is not None and self.intake.case_label.isHidden():
            # A call was being typed when a case was opened from the queue: back to it, nothing lost.
            self.show_intake_page()
            self.regulation.show_current()
            self.intake.focus_first()
            self.status.show_message(self.tr("Appel en cours repris"))
            return
        self.show_intake_page()
        self.search.reset()
        self.slot_table.model().set_results([])
        self.search_bar.reset()
        self.map_view.clear()
        self.intake.clear()
        self.intake.focus_first()
        self.regulation.show_current()
        self.status.show_message(self.tr("Nouvel appel"))

    @Slot(object)
    def _on_case_submitted(self, form) -> None:
        if self.regulation.check_duplicates(form):
            return
        try:
            doc = self._desk.open_case(form)
        except InvalidIntake as exc:
            self.intake.show_errors(exc.errors)
            self.status.show_message(self.tr("Dossier incomplet : corrigez les champs signalés"), error=True)
            return
        self.intake.set_case_opened(doc.case_id)
        self.regulation.forget_draft()
        self.regulation.refresh()
        self.status.show_message(self.tr("Dossier %s ouvert") % doc.case_id)
        self.map_view.show_patient(doc.lat, doc.lon, doc.city_name or "")
        self.refresh_journal()
        self.regulation.show_current()
        self.start_search()

    # --- search, booking and decisions (:class:`SearchActions`) --------------------------------
    @Slot()
    def start_search(self) -> None:
        self.search.start_search()

    @Slot()
    def widen_search(self) -> None:
        self.search.widen_search()

    @Slot()
    def book_selected(self) -> None:
        self.search.book_selected()

    @Slot(dict)
    def call_effecteur(self, row: dict) -> None:
        """Phone an effecteur "en sus": show the number, record the answer in the case."""
        self.search.decisions.call_effecteur(row)

    def select_decision(self, key: str) -> None:
        """Choose the decision that Ctrl+D will record."""
        self.search.decisions.select_decision(key)

    @Slot()
    def focus_decision(self) -> None:
        """F8: to the decision list (letters choose, Ctrl+D records)."""
        self.search.decision_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def record_decision(self) -> None:
        self.search.decisions.record_decision()

    def results(self) -> list[dict]:
        return self.search.results()

    # --- selection between map and list -----------------------------------------------------
    @Slot(str)
    def _on_current_effecteur_changed(self, effecteur_id: str) -> None:
        self.map_view.select(effecteur_id)

    @Slot(str)
    def _on_marker_clicked(self, effecteur_id: str) -> None:
        self.slot_table.select_effecteur(effecteur_id)

    @Slot(int)
    def _on_slot_activated(self, _slot_id: int) -> None:
        self.book_selected()

    @Slot(object)
    def _on_filters_changed(self, _filters) -> None:
        if self._desk.current_case is not None:
            self.start_search()

    # --- journal, shortcuts ---------------------------------------------------------------------
    @Slot()
    def refresh_journal(self) -> None:
        self.journal.set_entries(self._store.journal(limit=300))
        self.status.set_pending(self._store.outbox_count())
        regulation = getattr(self, "regulation", None)
        if regulation is not None:  # what other desks did (a case taken, handed over) shows in the queue at once
            regulation.refresh()

    @Slot()
    def show_shortcuts(self) -> None:
        QMessageBox.information(self, self.tr("Raccourcis clavier"), sheet_html(SHORTCUTS))
