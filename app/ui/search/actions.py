"""Search, booking and decisions of the main window: the buttons around the slot list, and what they do.

Kept out of :mod:`app.ui.shell.main_window` (which stays a thin shell), like
:mod:`app.ui.case.regulation_actions`: this object makes the action widgets (the
window lays them out), runs the searches in the background through the Qt-free
:class:`app.services.desk.workflow.Desk`, shows the results in the slot list and on
the map, and says in the status bar what happened; booking is
:class:`app.ui.search.booking.BookingActions`, decisions without a slot and calls to
effecteurs :class:`app.ui.search.decisions.DecisionActions`.

The slot list belongs to the open case: the desk keeps each search's results with
the case they were searched for, and tells :meth:`SearchActions.case_changed` when
another case (or none) is opened — from the intake, the queue, a new call.  The list
is then emptied, Réserver disabled, and the search run again for the new case;
results that land for a case no longer open are dropped.

Live agendas (issue 14): a line above the list names the agenda editors that did not
answer the search in time (:attr:`SearchActions.missing_label`, hidden when none), and a
``slots`` journal entry (late slots reached the server) that touches the open search
runs it again quietly (:meth:`SearchActions.take_journal_entries`): no « Recherche en
cours », the map not refitted, the selected slot (or effecteur) still selected when it is
still in the list.
"""

from __future__ import annotations

import logging

from app.services.security import permissions
from app.services.search import presentation
from app.services.sync.api_client import ApiError, Offline
from app.services.desk.workflow import NoCaseOpen, SearchOutcome
from app.ui.search.booking import BookingActions
from app.ui.search.decisions import DecisionActions
from app.ui.search.missing_editors import MissingEditorsLabel
from app.ui.shell.icons import with_icon
from app.ui.qt import QHBoxLayout, QLabel, QObject, QPushButton, Signal, Slot
from app.ui.shell.tasks import spawn

log = logging.getLogger("app.ui.shell.main_window")  # the window's failures, logged under the name they always had


class SearchActions(QObject):
    """Search (F5), widen (Ctrl+E), book (Entrée / Ctrl+B, Ctrl+Maj+B), phone an effecteur, decide (Ctrl+D).

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
        self._searching: str | None = None  # the case uuid of the search in flight
        self._case_uuid: str | None = None  # the case the list is for
        self._keep_message = False  # the next search's count must not hide the booking's message
        self._quiet = False  # the search in flight was started by late slots: no message, keep the selection
        self._again = False  # late slots came while a search was in flight: search again after it
        self.missing_label = MissingEditorsLabel(window)
        self.radius_label = QLabel(window)
        self.search_button = with_icon(QPushButton(self.tr("&Rechercher (F5)"), window), "search")
        self.widen_button = with_icon(QPushButton(self.tr("É&largir (Ctrl+E)"), window), "widen")
        self.booking = BookingActions(window, desk, self)
        self.book_button = self.booking.book_button
        self.rebook_button = self.booking.rebook_button
        self.booking.booked.connect(self._after_orientation)
        self.decisions = DecisionActions(window, desk, self)
        self.decision_combo, self.decision_button = self.decisions.decision_combo, self.decisions.decision_button
        self.decisions.recorded.connect(self._after_orientation)
        desk.on_case_changed(self.case_changed)

    # --- layout and role -------------------------------------------------------------------
    def action_row(self) -> QHBoxLayout:
        """Search, widen and the radius on the left; the case's booking, book and re-book on the right."""
        row = QHBoxLayout()
        for w in (self.search_button, self.widen_button, self.radius_label):
            row.addWidget(w)
        row.addStretch(1)
        for w in (self.booking.booking_label, self.book_button, self.rebook_button):
            row.addWidget(w)
        return row

    def apply_role(self, role: str) -> None:
        """Offer only what the server lets this role do (it checks again on every request)."""
        rules = [
            ((self.search_button, self.widen_button), permissions.SLOTS_SEARCH),
            ((self.book_button, self.rebook_button), permissions.SLOTS_BOOK),
            ((self.decision_combo, self.decision_button), permissions.ORIENTATIONS_PUT),
        ]
        for widgets, route in rules:
            allowed = permissions.is_allowed(route, role)
            for w in widgets:
                w.setEnabled(allowed)
                if not allowed:
                    w.setToolTip(self.tr("Action non autorisée pour le rôle %s") % role)
        self.booking.refresh()

    def allowed(self, route: str) -> bool:
        """True when the user's role may use ``route``; else the status bar says so."""
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
        self.case_changed(None)

    def case_changed(self, case) -> None:
        """Another case (or none) is open: empty the list, disable Réserver, search again for ``case``.

        The desk calls it (:meth:`Desk.on_case_changed`); calling it again for the same case does nothing.
        """
        uuid = case.uuid if case is not None else None
        if uuid == self._case_uuid:
            return
        self._case_uuid = uuid
        self._results = []
        table = self._w.slot_table
        table.model().set_results([])
        table.set_empty_text(self.tr("Recherche des créneaux du dossier en cours…") if case is not None
                             else self.tr("Ouvrez un dossier puis lancez la recherche (F5)."))
        self._w.map_view.show_effecteurs([])
        self._w.map_view.show_radius(None)
        self.show_missing_editors([])
        self.booking.refresh()
        if case is not None and permissions.is_allowed(permissions.SLOTS_SEARCH, self._desk.user.role):
            self.start_search()

    @Slot()
    def start_search(self) -> None:
        self._run_search(widen=False)

    def search_again_keeping_message(self) -> None:
        """Search again after a refusal; the refusal's message stays in the status bar."""
        self._keep_message = True
        self.start_search()

    @Slot()
    def widen_search(self) -> None:
        self._run_search(widen=True)

    def _run_search(self, *, widen: bool, quiet: bool = False) -> None:
        if not self.allowed(permissions.SLOTS_SEARCH):
            return
        if self._desk.current_case is None:
            self._w.status.show_message(self.tr("Ouvrez d'abord le dossier (Ctrl+Entrée)"), error=True)
            return
        if self._busy:
            return
        self._busy = True
        self._quiet = quiet
        self._searching = self._desk.current_case.uuid
        if not self._keep_message and not quiet:
            self._w.status.show_message(self.tr("Recherche en cours…"))
        spawn(self._search(widen), on_error=self._on_search_error, name="search")

    def _case_moved_on(self, searched: str | None) -> bool:
        """True when the case changed while searching for ``searched`` (then the search is run again)."""
        current = self._desk.current_case
        if current is None or current.uuid == searched:
            return current is None and searched is not None
        self.start_search()
        return True

    async def _search(self, widen: bool) -> None:
        try:
            outcome = await self._desk.search(widen=widen, filters=self._w.search_bar.filters())
        finally:
            self._busy = False
            self.update_radius_label()
        if not self._case_moved_on(outcome.case_uuid):
            self._show_results(outcome)
        if self._again and not self._busy:
            self._again = False
            self._run_search(widen=False, quiet=True)

    # --- live agendas (issue 14) -----------------------------------------------------------------
    def take_journal_entries(self, entries: list[dict]) -> None:
        """Journal entries were stored (live or pulled): late slots for the open search search it again, quietly."""
        if not self._desk.late_slots_concern_search(entries):
            return
        if self._busy:
            self._again = True
            return
        self._run_search(widen=False, quiet=True)

    def show_missing_editors(self, missing: list[dict]) -> None:
        """The line above the list: the editors that did not answer, hidden when none."""
        self.missing_label.show_missing(missing)

    def _fill_list(self, outcome: SearchOutcome, *, keep_selection: bool = False) -> None:
        """The list: the case's booking first (marked « Réservé », selected), then the free slots.

        ``keep_selection``: the slot (else the effecteur) selected before stays selected when still listed.
        """
        table = self._w.slot_table
        before = table.current_result() if keep_selection else None
        rows, booked_slot = self.booking.rows_with_booking(outcome.results)
        table.set_empty_text(outcome.empty_reason)
        table.model().set_results(rows, outcome.to_call)
        self._results = table.model().results()  # the booking, slots, then effecteurs to phone
        self.show_missing_editors(outcome.missing_editors)
        self.booking.refresh()
        if before is not None and (
                (before.get("slot_id") is not None and table.select_slot(before["slot_id"]))
                or table.select_effecteur((before.get("effecteur") or {}).get("id") or "")):
            return
        if booked_slot is not None:
            table.select_slot(booked_slot)
        elif rows or outcome.to_call:
            table.selectRow(0)

    def _show_results(self, outcome: SearchOutcome) -> None:
        map_view, status = self._w.map_view, self._w.status
        quiet, self._quiet = self._quiet, False
        self._fill_list(outcome, keep_selection=quiet)
        map_view.show_patient(outcome.lat, outcome.lon, self._desk.current_case.city_name or "")
        map_view.show_radius(outcome.radius_km)
        map_view.show_effecteurs(presentation.effecteur_markers(outcome.results, to_call=outcome.to_call))
        if not quiet:
            map_view.fit()
        if quiet:
            pass  # late slots: the operator's message stays
        elif self._keep_message:
            self._keep_message = False
        elif outcome.results or outcome.to_call:
            status.show_message(self.tr("%d créneaux dans un rayon de %g km") % (outcome.total, outcome.radius_km))
        else:
            status.show_message(outcome.empty_reason, error=True)
        self.searchFinished.emit(len(outcome.results))

    def show_booking(self, rebooked: bool) -> None:
        """A booking was made: the list shows it (marked « Réservé », selected); a re-booking searches again."""
        outcome = self._desk.search_results()
        if outcome is not None:
            self._fill_list(outcome)
        self.booking.refresh()
        if rebooked:
            self._keep_message = True
            self.start_search()  # the cancelled slot is free again

    def _on_search_error(self, exc: BaseException) -> None:
        self._busy = False
        self._keep_message = False
        self._again = False
        if self._quiet:  # a quiet refresh that failed: the list on screen stays, the operator is not disturbed
            self._quiet = False
            log.info("late slots: search again failed (%s)", type(exc).__name__)
            return
        if self._case_moved_on(self._searching):
            return
        self.report(exc, self.tr("Recherche impossible"))
        self.searchFinished.emit(-1)

    def update_radius_label(self) -> None:
        self.radius_label.setText(self.tr("Rayon : %g km") % self._desk.radius_km)

    @Slot(object)
    def on_filters_changed(self, _filters) -> None:
        """A filter changed: search again if a case is open."""
        if self._desk.current_case is not None:
            self.start_search()

    # --- booking (decisions and phone calls: self.decisions) ---------------------------------------
    @Slot()
    def book_selected(self) -> None:
        """Entrée on the list, Ctrl+B: book the selected slot, after a one-key confirmation."""
        self.booking.book_selected()

    @Slot()
    def rebook_selected(self) -> None:
        """Ctrl+Maj+B: replace the case's booking by the selected slot, after a one-key confirmation."""
        self.booking.rebook_selected()

    @Slot(str)
    def _after_orientation(self, uuid: str) -> None:
        self._w.refresh_journal()
        self.orientationRecorded.emit(uuid)

    def report(self, exc: BaseException, what: str) -> None:
        if isinstance(exc, Offline):
            text = self.tr("%s : serveur injoignable (hors ligne)") % what
        elif isinstance(exc, (ApiError, NoCaseOpen)):
            text = f"{what} : {getattr(exc, 'message', None) or exc}"
        else:
            log.error("%s", what, exc_info=exc)
            text = f"{what} : {exc}"
        self._w.status.show_message(text, error=True)
