"""Search, booking and decisions of the main window: the buttons around the slot list, and what they do.

Kept out of :mod:`app.ui.shell.main_window` (which stays a thin shell), like
:mod:`app.ui.case.regulation_actions`: this object makes the action widgets (the
window lays them out), runs the searches and bookings in the background
through the Qt-free :class:`app.services.desk.workflow.Desk`, shows the results in
the slot list and on the map, and says in the status bar what happened.
"""

from __future__ import annotations

import logging

from app.services.regulation import decisions
from app.services.security import permissions
from app.services.search import presentation
from app.services.sync.api_client import ApiError, Offline, SlotTaken
from app.services.desk.workflow import NoCaseOpen, SearchOutcome
from app.services.desk.regulation import NotAllowed
from app.ui.search.call_outcome import CallOutcomeDialog
from app.ui.shell.icons import with_icon
from app.ui.qt import QComboBox, QHBoxLayout, QLabel, QObject, QPushButton, Signal, Slot
from app.ui.shell.tasks import spawn

log = logging.getLogger("app.ui.shell.main_window")  # the window's failures, logged under the name they always had


class SearchActions(QObject):
    """Search (F5), widen (Ctrl+E), book (Entrée / Ctrl+B), phone an effecteur, record a decision (Ctrl+D).

    Signals:
        searchFinished(int): a search ended with this many results (-1 on failure).
        orientationRecorded(str): an orientation was stored locally (its uuid).
    """

    searchFinished = Signal(int)
    orientationRecorded = Signal(str)

    def __init__(self, window, desk):
        super().__init__(window)
        self._w, self._desk = window, desk
        self._results: list[dict] = []
        self._busy = False
        self.radius_label = QLabel(window)
        self.search_button = with_icon(QPushButton(self.tr("&Rechercher (F5)"), window), "search")
        self.widen_button = with_icon(QPushButton(self.tr("É&largir (Ctrl+E)"), window), "widen")
        self.book_button = with_icon(QPushButton(self.tr("Ré&server (Entrée)"), window), "book")
        self.decision_combo = QComboBox(window)
        self.decision_combo.setAccessibleName(self.tr("Décision sans créneau"))
        for kind in decisions.DECISIONS:
            self.decision_combo.addItem(kind.label, kind.key)
        self.decision_combo.setCurrentIndex(self.decision_combo.findData("CONSEIL"))
        self.decision_button = with_icon(QPushButton(self.tr("Enregistrer la &décision (Ctrl+D)"), window),
                                         "decision")

    # --- layout and role -------------------------------------------------------------------
    def action_row(self) -> QHBoxLayout:
        """Search, widen and the radius on the left; book on the right."""
        row = QHBoxLayout()
        for w in (self.search_button, self.widen_button, self.radius_label):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.book_button)
        return row

    def decision_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Décision sans créneau :"), self._w))
        row.addWidget(self.decision_combo, 1)
        row.addWidget(self.decision_button)
        return row

    def apply_role(self, role: str) -> None:
        """Offer only what the server lets this role do (it checks again on every request)."""
        rules = [
            ((self.search_button, self.widen_button), permissions.SLOTS_SEARCH),
            ((self.book_button,), permissions.SLOTS_BOOK),
            ((self.decision_combo, self.decision_button), permissions.ORIENTATIONS_PUT),
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
        self._w.status.show_message(self.tr("Action non autorisée pour le rôle %s") % self._desk.user.role,
                                    error=True)
        return False

    # --- search --------------------------------------------------------------------------
    def results(self) -> list[dict]:
        return list(self._results)

    def reset(self) -> None:
        """A new call: no results any more."""
        self._results = []

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
            self._w.status.show_message(self.tr("Ouvrez d'abord le dossier (Ctrl+Entrée)"), error=True)
            return
        if self._busy:
            return
        self._busy = True
        self._w.status.show_message(self.tr("Recherche en cours…"))
        spawn(self._search(widen), on_error=self._on_search_error, name="search")

    async def _search(self, widen: bool) -> None:
        try:
            outcome = await self._desk.search(widen=widen, filters=self._w.search_bar.filters())
        finally:
            self._busy = False
            self.update_radius_label()
        self._show_results(outcome)

    def _show_results(self, outcome: SearchOutcome) -> None:
        table, map_view, status = self._w.slot_table, self._w.map_view, self._w.status
        table.set_empty_text(outcome.empty_reason)
        table.model().set_results(outcome.results, outcome.to_call)
        self._results = table.model().results()  # slots, then effecteurs to phone
        map_view.show_patient(outcome.lat, outcome.lon, self._desk.current_case.city_name or "")
        map_view.show_radius(outcome.radius_km)
        map_view.show_effecteurs(presentation.effecteur_markers(outcome.results, to_call=outcome.to_call))
        map_view.fit()
        if outcome.results or outcome.to_call:
            table.selectRow(0)
            status.show_message(self.tr("%d créneaux dans un rayon de %g km") % (outcome.total, outcome.radius_km))
        else:
            status.show_message(outcome.empty_reason, error=True)
        self.searchFinished.emit(len(outcome.results))

    def _on_search_error(self, exc: BaseException) -> None:
        self._busy = False
        self._report(exc, self.tr("Recherche impossible"))
        self.searchFinished.emit(-1)

    def update_radius_label(self) -> None:
        self.radius_label.setText(self.tr("Rayon : %g km") % self._desk.radius_km)

    @Slot(object)
    def on_filters_changed(self, _filters) -> None:
        """A filter changed: search again if a case is open."""
        if self._desk.current_case is not None:
            self.start_search()

    # --- booking, phone calls and decisions -------------------------------------------------------
    @Slot(dict)
    def call_effecteur(self, row: dict) -> None:
        """Phone an effecteur "en sus": show the number, record the answer in the case."""
        effecteur = row.get("effecteur") or {}
        outcome = CallOutcomeDialog.ask(self._w, effecteur)
        if outcome is None:
            return
        try:
            text = self._desk.record_call_outcome(effecteur, outcome)
        except Exception as exc:  # noqa: BLE001 (shown to the user, like the other actions)
            self._report(exc, self.tr("Appel non enregistré"))
            return
        self._w.status.show_message(text)
        self._w.refresh_journal()

    @Slot()
    def book_selected(self) -> None:
        if not self._allowed(permissions.SLOTS_BOOK):
            return
        result = self._w.slot_table.current_result()
        if result is None:
            self._w.status.show_message(self.tr("Sélectionnez un créneau dans la liste"), error=True)
            return
        if result.get("slot_id") is None:  # an effecteur to phone: no slot to book
            self.call_effecteur(result)
            return
        self._w.status.show_message(self.tr("Réservation en cours…"))
        spawn(self._book(result), on_error=self._on_book_error, name="book")

    async def _book(self, result: dict) -> None:
        doc = await self._desk.book(result)
        self._w.status.show_message(
            self.tr("Créneau réservé : %s, %s")
            % (doc.effecteur_name, presentation.format_slot_time(doc.appointment_start))
        )
        self._after_orientation(doc.uuid)
        self.start_search()

    def _on_book_error(self, exc: BaseException) -> None:
        if isinstance(exc, SlotTaken):
            self._w.status.show_message(self.tr("Créneau déjà pris : la liste est mise à jour"), error=True)
            self.start_search()
            return
        self._report(exc, self.tr("Réservation impossible"))

    def select_decision(self, key: str) -> None:
        """Choose the decision that Ctrl+D will record."""
        self.decision_combo.setCurrentIndex(self.decision_combo.findData(key))

    @Slot()
    def record_decision(self) -> None:
        if not self._allowed(permissions.ORIENTATIONS_PUT):
            return
        key = self.decision_combo.currentData()
        try:
            doc = self._desk.record_decision(key)
        except (NoCaseOpen, NotAllowed) as exc:
            self._w.status.show_message(str(exc), error=True)
            return
        self._w.regulation.refresh()
        self._w.status.show_message(self.tr("Décision enregistrée : %s") % decisions.get(doc.decision_key).label)
        self._after_orientation(doc.uuid)

    def _after_orientation(self, uuid: str) -> None:
        self._w.refresh_journal()
        self.orientationRecorded.emit(uuid)

    def _report(self, exc: BaseException, what: str) -> None:
        if isinstance(exc, Offline):
            text = self.tr("%s : serveur injoignable (hors ligne)") % what
        elif isinstance(exc, (ApiError, NoCaseOpen)):
            text = f"{what} : {getattr(exc, 'message', None) or exc}"
        else:
            log.error("%s", what, exc_info=exc)
            text = f"{what} : {exc}"
        self._w.status.show_message(text, error=True)
