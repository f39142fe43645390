"""The console's main window: intake on the left, map and slots in the middle, journal on the right.

A thin shell: it lays out the panels, wires their signals in one place
(:meth:`MainWindow._connect_signals`) and forwards user actions to the
Qt-free :class:`app.services.desk.Desk`, whose results it shows.

Keyboard: Ctrl+N new call, Ctrl+Entrée open the case, F5 search, Ctrl+E widen
the radius, Ctrl+L focus the slot list, Entrée / Ctrl+B book the selected slot,
Ctrl+D record the chosen decision, F1 shortcuts.
"""

from __future__ import annotations

import logging

from app.services import decisions, permissions, presentation
from app.services.api_client import ApiError, Offline, SlotTaken
from app.services.desk import Desk, NoCaseOpen, SearchOutcome
from app.services.intake import InvalidIntake
from app.services.local_store import LocalStore
from app.services.regulation import NotAllowed
from app.ui.intake_panel import IntakePanel
from app.ui.journal_view import JournalView
from app.ui.map_view import MapView
from app.ui.queue_view import QueueView
from app.ui.regulation_actions import SHORTCUTS as REGULATION_SHORTCUTS
from app.ui.regulation_actions import RegulationActions
from app.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from app.ui.call_outcome import CallOutcomeDialog
from app.ui.search_bar import SearchBar
from app.ui.slot_table import SlotTable
from app.ui.status import ConsoleStatusBar
from app.ui.tasks import spawn

log = logging.getLogger(__name__)

SHORTCUTS = [
    ("Ctrl+N", "Nouvel appel (vide le formulaire)"),
    ("Ctrl+Entrée", "Ouvrir le dossier"),
    ("Ctrl+K", "Confirmer le numéro de rappel"),
    ("F5", "Rechercher des créneaux autour du patient"),
    ("Ctrl+E", "Élargir le rayon de recherche (pas du département)"),
    ("Alt+1 / Alt+2 / Alt+3", "Filtres : disponible sous, mode, structure"),
    ("Alt+4 / Alt+5", "Filtres : SAS uniquement, en sus"),
    ("Entrée sur « à appeler »", "Appeler l'effecteur, puis 1 accepté / 2 refusé / 3 pas de réponse"),
    ("Ctrl+L", "Aller à la liste des créneaux"),
    ("Entrée / Ctrl+B", "Réserver le créneau sélectionné"),
    ("Ctrl+D", "Enregistrer la décision choisie (sans créneau)"),
    *REGULATION_SHORTCUTS,
    ("F1", "Afficher les raccourcis"),
]


class MainWindow(QMainWindow):
    """The regulation desk window.

    Signals:
        searchFinished(int): a search ended with this many results (-1 on failure).
        orientationRecorded(str): an orientation was stored locally (its uuid).
    """

    searchFinished = Signal(int)
    orientationRecorded = Signal(str)

    def __init__(self, desk: Desk, store: LocalStore, map_view: MapView, parent: QWidget | None = None):
        super().__init__(parent)
        self._desk = desk
        self._store = store
        self._results: list[dict] = []
        self._busy = False
        self.setWindowTitle(self.tr("Console de régulation SAS — %s") % desk.user.display_name)
        self.resize(1600, 960)

        self.intake = IntakePanel(self, home_departement=desk.settings.departement)
        self.intake.set_enabled_for_role(desk.user.role)
        self.map_view = map_view
        self.slot_table = SlotTable(self)
        self.search_bar = SearchBar(self)
        self.journal = JournalView(self)
        self.queue_view = QueueView(self)
        self.status = ConsoleStatusBar(desk.user, self)
        self.setStatusBar(self.status)

        self._radius_label = QLabel(self)
        self._search_button = QPushButton(self.tr("&Rechercher (F5)"), self)
        self._widen_button = QPushButton(self.tr("É&largir (Ctrl+E)"), self)
        self._book_button = QPushButton(self.tr("Ré&server (Entrée)"), self)
        self._decision_combo = QComboBox(self)
        self._decision_combo.setAccessibleName(self.tr("Décision sans créneau"))
        for kind in decisions.DECISIONS:
            self._decision_combo.addItem(kind.label, kind.key)
        self._decision_combo.setCurrentIndex(self._decision_combo.findData("CONSEIL"))
        self._decision_button = QPushButton(self.tr("Enregistrer la &décision (Ctrl+D)"), self)

        self._build_layout()
        self._apply_role(desk.user.role)
        self._install_shortcuts()
        self._connect_signals()
        self.regulation = RegulationActions(self, desk, self.queue_view)
        self._update_radius_label()
        self.refresh_journal()

    # --- layout --------------------------------------------------------------------------
    def _build_layout(self) -> None:
        actions = QHBoxLayout()
        for w in (self._search_button, self._widen_button, self._radius_label):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self._book_button)
        decision_row = QHBoxLayout()
        decision_row.addWidget(QLabel(self.tr("Décision sans créneau :"), self))
        decision_row.addWidget(self._decision_combo, 1)
        decision_row.addWidget(self._decision_button)

        middle_split = QSplitter(Qt.Orientation.Vertical, self)
        middle_split.addWidget(self.map_view)
        middle_split.addWidget(self.slot_table)
        middle_split.setSizes([560, 320])
        middle = QWidget(self)
        mid_layout = QVBoxLayout(middle)
        mid_layout.setContentsMargins(0, 0, 0, 0)
        mid_layout.addLayout(actions)
        mid_layout.addWidget(self.search_bar)
        mid_layout.addWidget(middle_split, 1)
        mid_layout.addLayout(decision_row)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.intake)
        split.addWidget(middle)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.queue_view)
        right.addWidget(self.journal)
        right.setSizes([300, 600])
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        self._split = split
        self._initial_sizes = [390, 760, 450]
        self.setCentralWidget(split)
        self.setTabOrder(self.slot_table, self._book_button)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._initial_sizes:  # sizes only hold once the splitter has its real width
            self._split.setSizes(self._initial_sizes)
            self._initial_sizes = None

    def _apply_role(self, role: str) -> None:
        """Offer only what the server lets this role do (it checks again on every request)."""
        rules = [
            ((self._search_button, self._widen_button), permissions.SLOTS_SEARCH),
            ((self._book_button,), permissions.SLOTS_BOOK),
            ((self._decision_combo, self._decision_button), permissions.ORIENTATIONS_PUT),
        ]
        for widgets, route in rules:
            allowed = permissions.is_allowed(route, role)
            for w in widgets:
                w.setEnabled(allowed)
                if not allowed:
                    w.setToolTip(self.tr("Action non autorisée pour le rôle %s") % role)

    def _allowed(self, route: str) -> bool:
        if permissions.is_allowed(route, self._desk.user.role):
            return True
        self.status.show_message(self.tr("Action non autorisée pour le rôle %s") % self._desk.user.role, error=True)
        return False

    def _install_shortcuts(self) -> None:
        bindings = [
            ("Ctrl+N", self.new_call),
            ("F5", self.start_search),
            ("Ctrl+E", self.widen_search),
            ("Ctrl+L", self.slot_table.setFocus),
            ("Ctrl+B", self.book_selected),
            ("Ctrl+D", self.record_decision),
            ("F1", self.show_shortcuts),
        ]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _connect_signals(self) -> None:
        self.intake.caseSubmitted.connect(self._on_case_submitted)
        self._search_button.clicked.connect(self.start_search)
        self._widen_button.clicked.connect(self.widen_search)
        self._book_button.clicked.connect(self.book_selected)
        self._decision_button.clicked.connect(self.record_decision)
        self.slot_table.currentEffecteurChanged.connect(self._on_current_effecteur_changed)
        self.slot_table.slotActivated.connect(self._on_slot_activated)
        self.slot_table.callRequested.connect(self.call_effecteur)
        self.search_bar.filtersChanged.connect(self._on_filters_changed)
        self.map_view.markerClicked.connect(self._on_marker_clicked)

    # --- case ----------------------------------------------------------------------------
    @Slot()
    def new_call(self) -> None:
        self._desk.current_case = None
        self._results = []
        self.slot_table.model().set_results([])
        self.search_bar.reset()
        self.map_view.clear()
        self.intake.clear()
        self.intake.focus_first()
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
        self.start_search()

    # --- search --------------------------------------------------------------------------
    @Slot()
    def start_search(self) -> None:
        self._run_search(widen=False)

    @Slot()
    def widen_search(self) -> None:
        self._run_search(widen=True)

    def _run_search(self, *, widen: bool) -> None:
        if not self._allowed(permissions.SLOTS_SEARCH):
            return
        if self._desk.current_case is None:
            self.status.show_message(self.tr("Ouvrez d'abord le dossier (Ctrl+Entrée)"), error=True)
            return
        if self._busy:
            return
        self._busy = True
        self.status.show_message(self.tr("Recherche en cours…"))
        spawn(self._search(widen), on_error=self._on_search_error, name="search")

    async def _search(self, widen: bool) -> None:
        try:
            outcome = await self._desk.search(widen=widen, filters=self.search_bar.filters())
        finally:
            self._busy = False
            self._update_radius_label()
        self._show_results(outcome)

    def _show_results(self, outcome: SearchOutcome) -> None:
        self.slot_table.set_empty_text(outcome.empty_reason)
        self.slot_table.model().set_results(outcome.results, outcome.to_call)
        self._results = self.slot_table.model().results()  # slots, then effecteurs to phone
        self.map_view.show_patient(outcome.lat, outcome.lon, self._desk.current_case.city_name or "")
        self.map_view.show_radius(outcome.radius_km)
        self.map_view.show_effecteurs(presentation.effecteur_markers(outcome.results, to_call=outcome.to_call))
        self.map_view.fit()
        if outcome.results or outcome.to_call:
            self.slot_table.selectRow(0)
            self.status.show_message(
                self.tr("%d créneaux dans un rayon de %g km") % (outcome.total, outcome.radius_km)
            )
        else:
            self.status.show_message(outcome.empty_reason, error=True)
        self.searchFinished.emit(len(outcome.results))

    def _on_search_error(self, exc: BaseException) -> None:
        self._busy = False
        self._report(exc, self.tr("Recherche impossible"))
        self.searchFinished.emit(-1)

    def _update_radius_label(self) -> None:
        self._radius_label.setText(self.tr("Rayon : %g km") % self._desk.radius_km)

    # --- selection between map and list -----------------------------------------------------
    @Slot(str)
    def _on_current_effecteur_changed(self, effecteur_id: str) -> None:
        self.map_view.select(effecteur_id)

    @Slot(object)
    def _on_filters_changed(self, _filters) -> None:
        if self._desk.current_case is not None:
            self.start_search()

    @Slot(dict)
    def call_effecteur(self, row: dict) -> None:
        """Phone an effecteur "en sus": show the number, record the answer in the case."""
        effecteur = row.get("effecteur") or {}
        outcome = CallOutcomeDialog.ask(self, effecteur)
        if outcome is None:
            return
        try:
            text = self._desk.record_call_outcome(effecteur, outcome)
        except Exception as exc:  # noqa: BLE001 (shown to the user, like the other actions)
            self._report(exc, self.tr("Appel non enregistré"))
            return
        self.status.show_message(text)
        self.refresh_journal()

    @Slot(str)
    def _on_marker_clicked(self, effecteur_id: str) -> None:
        self.slot_table.select_effecteur(effecteur_id)

    # --- booking and decisions ----------------------------------------------------------------
    @Slot(int)
    def _on_slot_activated(self, _slot_id: int) -> None:
        self.book_selected()

    @Slot()
    def book_selected(self) -> None:
        if not self._allowed(permissions.SLOTS_BOOK):
            return
        result = self.slot_table.current_result()
        if result is None:
            self.status.show_message(self.tr("Sélectionnez un créneau dans la liste"), error=True)
            return
        if result.get("slot_id") is None:  # an effecteur to phone: no slot to book
            self.call_effecteur(result)
            return
        self.status.show_message(self.tr("Réservation en cours…"))
        spawn(self._book(result), on_error=self._on_book_error, name="book")

    async def _book(self, result: dict) -> None:
        doc = await self._desk.book(result)
        self.status.show_message(
            self.tr("Créneau réservé : %s, %s")
            % (doc.effecteur_name, presentation.format_slot_time(doc.appointment_start))
        )
        self._after_orientation(doc.uuid)
        self.start_search()

    def _on_book_error(self, exc: BaseException) -> None:
        if isinstance(exc, SlotTaken):
            self.status.show_message(self.tr("Créneau déjà pris : la liste est mise à jour"), error=True)
            self.start_search()
            return
        self._report(exc, self.tr("Réservation impossible"))

    def select_decision(self, key: str) -> None:
        """Choose the decision that Ctrl+D will record."""
        self._decision_combo.setCurrentIndex(self._decision_combo.findData(key))

    @Slot()
    def record_decision(self) -> None:
        if not self._allowed(permissions.ORIENTATIONS_PUT):
            return
        key = self._decision_combo.currentData()
        try:
            doc = self._desk.record_decision(key)
        except (NoCaseOpen, NotAllowed) as exc:
            self.status.show_message(str(exc), error=True)
            return
        self.regulation.refresh()
        self.status.show_message(self.tr("Décision enregistrée : %s") % decisions.get(doc.decision_key).label)
        self._after_orientation(doc.uuid)

    def _after_orientation(self, uuid: str) -> None:
        self.refresh_journal()
        self.orientationRecorded.emit(uuid)

    # --- journal, status, errors ------------------------------------------------------------
    @Slot()
    def refresh_journal(self) -> None:
        self.journal.set_entries(self._store.journal(limit=300))
        self.status.set_pending(self._store.outbox_count())

    def _report(self, exc: BaseException, what: str) -> None:
        if isinstance(exc, Offline):
            text = self.tr("%s : serveur injoignable (hors ligne)") % what
        elif isinstance(exc, (ApiError, NoCaseOpen)):
            text = f"{what} : {getattr(exc, 'message', None) or exc}"
        else:
            log.error("%s", what, exc_info=exc)
            text = f"{what} : {exc}"
        self.status.show_message(text, error=True)

    @Slot()
    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        QMessageBox.information(self, self.tr("Raccourcis clavier"), f"<table>{rows}</table>")

    def results(self) -> list[dict]:
        return list(self._results)
