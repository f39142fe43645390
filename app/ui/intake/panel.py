"""The call-intake form, in the order of the ARM's interview, keyboard first.

Caller phone (or « numéro masqué », Ctrl+Maj+M) → callback number (pre-filled,
confirmed with Entrée or Ctrl+K) → caller name → address → commune (completion
over the communes table, by name or postal code) → motive (by code or words) →
priority (keys 0–3, N) → the route (stream suggested by the rules, overriding
it asks why) → notes; Ctrl+Entrée opens the case.  Ctrl+K confirms the current
choice (the callback number, or the highlighted commune or motive) and moves
on.  Tab stops on fields only, never on a button (buttons keep their keys).
Caller details, access, qualification codes and patients live in a secondary
section (Ctrl+Maj+D) off the standard tab path; the form scrolls inside the
panel rather than grow the window.  Ctrl+S keeps the form as a draft.  Errors
show in French under their field (a number's as soon as its field is left)
and clear as the field is fixed; nothing typed is ever cleared by a failed
submit.  The panel only emits :class:`app.services.intake.form.IntakeForm`;
storage and case ids are the main window's business.

The rows come from their sections (:mod:`app.ui.intake.caller`, :mod:`.place`,
:mod:`.qualification`, :mod:`.secondary`); :class:`~app.ui.intake.panel_layout.IntakeLayout`
lays them out in one form and exposes their widgets under the panel's names; the panel keeps
the wiring and the behaviour.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.codes import case_codes
from app.services.intake import form as intake
from app.services.intake import phones
from app.services.security import permissions
from app.services.intake.form import FieldError, IntakeForm
from app.ui.intake.panel_layout import IntakeLayout
from app.ui.qt import QApplication, QKeySequence, QShortcut, Qt, QTimer, QWidget, Signal, Slot

_PANEL_CSS = ("*[invalid=\"true\"] { border: 2px solid #c62828; border-radius: 3px; }"
              "QPushButton:checked { background: #c8e6c9; color: #1b5e20; font-weight: bold; }")


class IntakePanel(IntakeLayout):
    """The intake form of one call.

    Signals:
        caseSubmitted(object): the ARM asked to open the case and the form
            validates; carries the :class:`IntakeForm`.
        draftRequested(object): keep this form as a draft (Ctrl+S, or a refused submit).
    """

    caseSubmitted = Signal(object)
    draftRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, communes=None, home_departement: str | None = None):
        super().__init__(parent)
        self.setObjectName("intakePanel")
        self.setStyleSheet(_PANEL_CSS)
        self._reception: datetime | None = None
        self._answered: datetime | None = None  # from the desk phone (issue 15); None: the first key typed
        self._build(communes, home_departement)
        self._connect()
        self.caller.reset()
        # Load the communes as soon as the event loop runs, not at the first key of the first call.
        QTimer.singleShot(0, self.communes)

    @property
    def home_departement(self) -> str | None:
        """The département whose communes the completion proposes first."""
        return self.place.home_departement

    @home_departement.setter
    def home_departement(self, value: str | None) -> None:
        self.place.home_departement = value

    def _connect(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for keys, slot in (("Ctrl+K", self.confirm_current), ("Ctrl+Shift+D", self.toggle_details),
                           ("Ctrl+S", self.request_draft), ("Ctrl+Shift+M", self.caller.toggle_hidden)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for signal in (self.priority_combo.currentIndexChanged, self.motive_completer.chosen,
                       self.motive_completer.edited, self.details.changed):
            signal.connect(self._update_route)
        self.routing_row.changed.connect(self._on_field_changed)
        self.submit_button.clicked.connect(self.submit)
        self.caller.callbackRefused.connect(self._on_callback_refused)
        self.caller.on_left = self._on_field_left
        for completer in (self.commune_completer, self.motive_completer):
            completer.chosen.connect(self._on_field_changed)
        for edit in self._line_edits():
            edit.textEdited.connect(self._touch)
            edit.textChanged.connect(self._on_field_changed)
        self.notes_edit.textChanged.connect(self._on_field_changed)
        self.priority_combo.currentIndexChanged.connect(self._on_field_changed)

    # --- public API ------------------------------------------------------------------------------
    def communes(self):
        """The communes index (the shipped one unless given; loaded once, ~0.3 s)."""
        return self.place.communes()

    def form(self) -> IntakeForm:
        """The form as typed now (raw text; the chosen commune and motive resolved)."""
        return IntakeForm(
            **self.caller.values(), **self.place.values(), **self.qualification.values(), **self.secondary.values(),
            notes=self.notes_edit.toPlainText(), answered=self._answered or self._reception,
            reception=self._reception,
        )

    @Slot()
    def submit(self) -> None:
        """Validate; show the errors, or emit :attr:`caseSubmitted`."""
        if not self.submit_button.isEnabled():
            return
        form = self.form()
        errors = intake.validate(form, communes=self.communes())
        self.show_errors(errors)
        if not errors:
            self.caseSubmitted.emit(form)
        else:
            self.draftRequested.emit(form)  # nothing typed is lost, even if the call drops now

    def show_errors(self, errors: list[FieldError]) -> None:
        """Show each error under its field (others below the form); focus the first bad field."""
        by_field, aside, general = self.field_errors.split(errors, aside=self.secondary.owns_error)
        self.secondary.show_errors(aside)
        self.field_errors.show(by_field, general)

    def clear(self) -> None:
        """Empty every field for a new call (and make the form editable again)."""
        for edit in self._line_edits():
            edit.clear()
        self.notes_edit.clear()
        self.priority_combo.setCurrentIndex(-1)
        self.commune_completer.reset()
        self.motive_completer.reset()
        self.details.clear()
        self.patients.clear()
        self.routing_row.reset()
        self.details_button.setChecked(False)
        self._reception = self._answered = None
        self.caller.reset()
        self.show_errors([])
        self.case_label.hide()
        self._set_read_only(False)

    def focus_first(self) -> None:
        self.phone_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_case_opened(self, case_id: str) -> None:
        """Show the opened case id at the top; the form becomes read-only until :meth:`clear`."""
        short = case_codes.short_number(case_id)
        self.case_label.setText(self.tr("Dossier %s ouvert — Ctrl+N : nouvel appel") % short)
        self.case_label.setToolTip(case_id)
        self.case_label.show()
        self.scroll_area.updateGeometry()  # the form's width may have changed
        self._set_read_only(True)

    def set_enabled_for_role(self, role: str) -> None:
        """Only roles that may create cases can type in the form."""
        self._set_read_only(not permissions.is_allowed(permissions.CASES_PUT, str(role)))

    def fill(self, *, caller_phone: str, caller_name: str = "", address: str = "", commune: str = "",
             motive: str = "", priority: str = "", notes: str = "") -> None:
        """Put a whole call in the form at once (the demo call of screenshots and training)."""
        self.caller.set_phone(caller_phone)
        self.name_edit.setText(caller_name)
        self.address_edit.setText(address)
        self.commune_completer.choose_best(commune)
        self.motive_completer.choose_best(motive)
        self.priority_combo.setCurrentIndex(self.priority_combo.findData(priority))
        self.notes_edit.setPlainText(notes)

    def take_call(self, number: str | None, *, presented: datetime, answered: datetime) -> None:
        """A call answered on the desk phone (issue 15): its number as the caller's and the callback number
        (« masqué » when hidden), and the clocks from the phone, not from the first key typed."""
        if number:
            self.caller.set_phone(phones.format_phone(phones.normalize_phone(number)) if phones.is_phone(number)
                                  else number)
        else:
            self.caller.set_hidden(True)
        self._reception, self._answered = presented, answered
        self.callback_edit.setFocus(Qt.FocusReason.OtherFocusReason)  # Entrée confirms it with the caller

    def set_answered(self, answered: datetime) -> None:
        """The phone said when the call was answered (its ``established``): that is the answer time."""
        if self._reception is not None:
            self._answered = answered

    def set_room(self, surge: bool, urgent_waiting: int) -> None:
        """The room's state the route suggestion depends on (surge switch, P0/P1 cases waiting)."""
        if self.qualification.set_room(surge, urgent_waiting):
            self._update_route()

    @Slot()
    def toggle_details(self) -> None:
        self.secondary.toggle()
        if self.details_button.isChecked():
            self.scroll_area.ensureWidgetVisible(self.details.caller_type)

    @Slot()
    def request_draft(self) -> None:
        self.draftRequested.emit(self.form())

    def load_form(self, form: IntakeForm) -> None:
        """Put a saved draft back in the form (codes chosen again from their lists)."""
        self.fill(caller_phone=form.caller_phone, caller_name=form.caller_name, address=form.address,
                  commune=form.commune_insee and form.commune_name.split(" (")[0] or form.commune_name,
                  motive=form.motive_code or form.motive_label, priority=form.priority, notes=form.notes)
        if form.callback_phone != form.caller_phone:
            self.caller.set_callback(form.callback_phone)
        self.caller.set_hidden(form.is_caller_hidden())
        self.secondary.load(form)
        self._reception = form.reception
        self._answered = form.answered

    def is_callback_confirmed(self) -> bool:
        return self.caller.is_confirmed()

    @Slot()
    def confirm_callback(self) -> None:
        """Confirm the callback number; an invalid number shows its error instead."""
        self.caller.confirm()

    @Slot()
    def confirm_current(self) -> None:
        """Ctrl+K: in the commune or the motive, take the highlighted proposal; elsewhere confirm the callback
        number.  Confirmed, the focus moves to the next field (from either number: the caller's name)."""
        focus = QApplication.focusWidget()
        for edit, completer in ((self.commune_edit, self.commune_completer), (self.motive_edit,
                                                                              self.motive_completer)):
            if focus is edit:
                if completer.take_highlighted():
                    self.focusNextChild()
                return
        self.caller.confirm()
        if self.caller.is_confirmed() and (focus is self.phone_edit or focus is self.callback_edit):
            self.name_edit.setFocus(Qt.FocusReason.TabFocusReason)

    # --- private slots ----------------------------------------------------------------------------
    @Slot(str)
    def _on_callback_refused(self, message: str) -> None:
        self.field_errors.set("callback_phone", message)

    @Slot(str)
    def _on_field_left(self, name: str) -> None:
        """A number's field was left: show its problem now (the rule is the form's), the keys go on."""
        message = intake.error_on_leaving(self.form(), name)
        if message is not None:
            self.field_errors.set(name, message)

    @Slot()
    def _on_field_changed(self) -> None:
        """Re-check the fields that show an error, so each error clears once fixed."""
        shown = self.field_errors.shown()
        if not shown:
            return
        current = {e.field: e.message for e in intake.validate(self.form(), communes=self.communes())}
        for name in shown:
            self.field_errors.set(name, current.get(name))

    @Slot()
    def _update_route(self) -> None:
        """Suggest the stream again (priority, motive, place kind, caller type or the room changed)."""
        self.qualification.suggest_route(place_kind=self.details.place.current or "",
                                         caller_type=self.details.caller_type.currentData() or "")

    # --- helpers -------------------------------------------------------------------------------------
    @Slot()
    def _touch(self) -> None:
        """Start the call's clock at the first key typed after :meth:`clear`."""
        if self._reception is None:
            self._reception = datetime.now(timezone.utc)

    def _set_read_only(self, read_only: bool) -> None:
        for edit in self._line_edits():
            edit.setReadOnly(read_only)
        self.notes_edit.setReadOnly(read_only)
        self.priority_combo.set_read_only(read_only)
        self.routing_row.set_read_only(read_only)
        self.secondary.set_read_only(read_only)
        self.caller.set_read_only(read_only)
        self.submit_button.setEnabled(not read_only)
