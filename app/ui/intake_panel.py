"""The call-intake form, in the order of the ARM's interview, keyboard first.

Caller phone → callback number (pre-filled, confirmed with Entrée or Ctrl+K) →
caller name → address → commune (completion over the communes table, by name
or postal code) → motive (by code or words) → priority (keys 0–3, N) → notes;
the route (stream suggested by the rules, overriding it asks why) → notes;
Ctrl+Entrée opens the case.  Caller details, access, qualification codes and
patients live in a secondary section (Ctrl+Maj+D) off the standard tab path;
Ctrl+S keeps the form as a draft.  Errors show in French under their field and clear
as the field is fixed; nothing typed is ever cleared by a failed submit.  The
panel only emits :class:`app.services.intake.IntakeForm`; storage and case ids
are the main window's business.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.services import intake, permissions, routing
from app.services.intake import FieldError, IntakeForm
from app.ui.completion import PriorityCombo, SearchCompleter
from app.ui.intake_details import DetailsSection
from app.ui.patient_section import PatientSection
from app.ui.routing_row import RoutingRow
from app.ui.qt import (
    QFormLayout, QHBoxLayout, QKeySequence, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QShortcut, Qt,
    QTimer, QVBoxLayout, QWidget, Signal, Slot,
)

_ERROR_STYLE = "color: #c62828; font-weight: bold;"
_PANEL_CSS = ("*[invalid=\"true\"] { border: 2px solid #c62828; border-radius: 3px; }"
              "QPushButton:checked { background: #c8e6c9; color: #1b5e20; font-weight: bold; }")
#: Error field names from elsewhere (the wire document) mapped to the panel's fields.
_ALIASES = {"commune_insee": "commune", "commune_name": "commune", "city_insee_code": "commune",
            "city_name": "commune", "motive_code": "motive", "motive_label": "motive",
            "health_motive_code": "motive", "address_complete": "address"}


class IntakePanel(QWidget):
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
        self._communes = communes
        self.home_departement = home_departement
        self._callback_custom = False
        self._reception: datetime | None = None
        self._room = (False, 0)  # surge switch, P0/P1 cases waiting: context of the route suggestion
        self._build()
        self._connect()
        self._set_confirmed(False)
        # Load the communes as soon as the event loop runs, not at the first key of the first call.
        QTimer.singleShot(0, self.communes)

    def _line_edits(self) -> tuple[QLineEdit, ...]:
        return (self.phone_edit, self.callback_edit, self.name_edit, self.address_edit, self.commune_edit,
                self.motive_edit)

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        tr = self.tr
        self.case_label = QLabel(self)
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.case_label.setStyleSheet("background: #e8f5e9; color: #1b5e20; padding: 6px; font-weight: bold;")
        self.case_label.setAccessibleName(tr("Dossier ouvert"))
        self.case_label.hide()
        self.phone_edit = self._line(tr("Téléphone de l'appelant"), tr("06 12 34 56 78"))
        self.callback_edit = self._line(tr("Numéro de rappel"), tr("Entrée : confirmer le rappel"))
        self.confirm_button = QPushButton(tr("Con&firmer (Ctrl+K)"), self)
        self.confirm_button.setCheckable(True)
        self.confirm_button.setAccessibleName(tr("Confirmer le rappel"))
        self.confirm_state = QLabel(self)
        self.confirm_state.setAccessibleName(tr("État du numéro de rappel"))
        self.name_edit = self._line(tr("Nom de l'appelant"), tr("Nom, qualité (fils, voisin…)"))
        self.address_edit = self._line(tr("Adresse"), tr("Numéro, voie, accès"))
        self.commune_edit = self._line(tr("Commune"), tr("Nom ou code postal"))
        self.motive_edit = self._line(tr("Motif de recours"), tr("Code (M03.06) ou mots"))
        self.priority_combo = PriorityCombo(self)
        self.priority_combo.setAccessibleName(tr("Priorité"))
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setAccessibleName(tr("Notes"))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(90)
        self.submit_button = QPushButton(tr("Ou&vrir le dossier (Ctrl+Entrée)"), self)
        self.submit_button.setAccessibleName(tr("Ouvrir le dossier"))
        self.general_error = self._error_label("general")
        self.commune_completer = SearchCompleter(self.commune_edit, self._search_communes)
        self.motive_completer = SearchCompleter(self.motive_edit, self._search_motives)
        self.routing_row = RoutingRow(self)
        self.details = DetailsSection(self)
        self.patients = PatientSection(self)
        self.details_button = QPushButton(self.tr("Détails, accès, patients (Ctrl+Maj+D)"), self)
        self.details_button.setCheckable(True)
        self.details_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # off the standard tab path
        self.extra = QWidget(self)
        extra_layout = QVBoxLayout(self.extra)
        extra_layout.setContentsMargins(0, 0, 0, 0)
        extra_layout.addWidget(self.details)
        extra_layout.addWidget(self.patients)
        self.extra.hide()

        self._fields = {"caller_phone": self.phone_edit, "callback_phone": self.callback_edit,
                        "caller_name": self.name_edit, "address": self.address_edit,
                        "commune": self.commune_edit, "motive": self.motive_edit,
                        "priority": self.priority_combo, "routing": self.routing_row.reason_edit,
                        "notes": self.notes_edit}
        self._errors = {name: self._error_label(name) for name in self._fields}
        callback_row = QHBoxLayout()
        callback_row.addWidget(self.callback_edit, 1)
        callback_row.addWidget(self.confirm_button)
        rows = [
            (tr("&Téléphone appelant"), "caller_phone", self.phone_edit, None),
            (tr("N&uméro de rappel"), "callback_phone", self.callback_edit, (callback_row, self.confirm_state)),
            (tr("&Nom de l'appelant"), "caller_name", self.name_edit, None),
            (tr("&Adresse"), "address", self.address_edit, None),
            (tr("&Commune"), "commune", self.commune_edit, None),
            (tr("&Motif"), "motive", self.motive_edit, None),
            (tr("&Priorité"), "priority", self.priority_combo, None),
            (tr("Fi&lière"), "routing", self.routing_row, None),
            (tr("N&otes"), "notes", self.notes_edit, None),
        ]
        form = QFormLayout()
        for text, name, field, extra in rows:
            label = QLabel(text, self)
            label.setBuddy(field)
            box = QVBoxLayout()
            box.setSpacing(1)
            if extra is None:
                box.addWidget(field)
            else:
                box.addLayout(extra[0])
                box.addWidget(extra[1])
            box.addWidget(self._errors[name])
            form.addRow(label, box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.case_label)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.details_button)
        layout.addWidget(self.extra)
        layout.addStretch(1)
        order = [self.phone_edit, self.callback_edit, self.confirm_button, self.name_edit, self.address_edit,
                 self.commune_edit, self.motive_edit, self.priority_combo, self.routing_row.combo,
                 self.routing_row.reason_edit, self.notes_edit, self.submit_button]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    def _line(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(_ERROR_STYLE)
        label.setWordWrap(True)
        label.setAccessibleName(self.tr("Erreur"))
        label.hide()
        return label

    def _connect(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for keys, slot in (("Ctrl+K", self.confirm_callback), ("Ctrl+Shift+D", self.toggle_details),
                           ("Ctrl+S", self.request_draft)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.details_button.toggled.connect(self._show_details)
        for signal in (self.priority_combo.currentIndexChanged, self.motive_completer.chosen,
                       self.motive_completer.edited, self.details.changed):
            signal.connect(self._update_route)
        self.routing_row.changed.connect(self._on_field_changed)
        self.submit_button.clicked.connect(self.submit)
        self.confirm_button.toggled.connect(self._on_confirm_toggled)
        self.phone_edit.textEdited.connect(self._on_phone_edited)
        self.callback_edit.textEdited.connect(self._on_callback_edited)
        self.callback_edit.returnPressed.connect(self._on_callback_return)
        for completer in (self.commune_completer, self.motive_completer):
            completer.chosen.connect(self._on_field_changed)
        for edit in self._line_edits():
            edit.textEdited.connect(self._touch)
            edit.textChanged.connect(self._on_field_changed)
        self.notes_edit.textChanged.connect(self._on_field_changed)
        self.priority_combo.currentIndexChanged.connect(self._on_field_changed)

    # --- completion sources ---------------------------------------------------------------------
    def communes(self):
        """The communes index (the shipped one unless given; loaded once, ~0.3 s)."""
        if self._communes is None:
            from app.services.communes import default_index

            self._communes = default_index()
        return self._communes

    def _search_communes(self, text: str) -> list[tuple[str, object]]:
        found = self.communes().search(text, limit=20)
        if self.home_departement:
            found.sort(key=lambda c: c.departement != self.home_departement)
        typed = text.strip()
        items = []
        for c in found[:10]:
            postal = next((p for p in c.postal_codes if typed.isdigit() and p.startswith(typed)), c.postal_code)
            items.append((f"{c.name} ({postal}) — {c.departement}" if postal else f"{c.name} — {c.departement}", c))
        return items

    def _search_motives(self, text: str) -> list[tuple[str, object]]:
        return [(label, (code, label)) for code, label in intake.search_motives(text, limit=15)]

    # --- public API ------------------------------------------------------------------------------
    def form(self) -> IntakeForm:
        """The form as typed now (raw text; the chosen commune and motive resolved)."""
        commune, motive = self.commune_completer.current, self.motive_completer.current
        suggestion = self.routing_row.suggestion()
        return IntakeForm(
            **self.details.values(), patients=self.patients.patients(), answered=self._reception,
            perimeter=self.routing_row.perimeter(), attribution=self._attribution(),
            suggested_perimeter=suggestion.perimeter if suggestion else "",
            suggested_attribution=suggestion.attribution if suggestion else "",
            routing_reason=self.routing_row.reason(), surge=self._room[0],
            caller_phone=self.phone_edit.text(), callback_phone=self.callback_edit.text(),
            callback_confirmed=self.confirm_button.isChecked(), caller_name=self.name_edit.text(),
            address=self.address_edit.text(),
            commune_insee=commune.insee if commune else "",
            commune_name=commune.name if commune else self.commune_edit.text(),
            lat=commune.lat if commune else None, lon=commune.lon if commune else None,
            motive_code=motive[0] if motive else "",
            motive_label=(intake.motive_label(motive[0]) or "") if motive else self.motive_edit.text(),
            priority=self.priority_combo.code(), notes=self.notes_edit.toPlainText(),
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
        by_field: dict[str, str] = {}
        general = []
        aside: dict[str, str] = {}
        for e in errors:
            name = _ALIASES.get(e.field, e.field)
            if name in self._fields:
                by_field.setdefault(name, e.message)
            elif name in self.details.errors or name.startswith("patient_"):
                aside.setdefault(name, e.message)
            else:
                general.append(e.message)
        self.details.show_errors(aside)
        self.patients.show_errors({k[len("patient_"):]: v for k, v in aside.items() if k.startswith("patient_")})
        if aside:
            self.details_button.setChecked(True)
        for name in self._fields:
            self._set_error(name, by_field.get(name))
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        first = next((n for n in intake.FIELD_ORDER if n in by_field), None)
        if first is not None:
            self._fields[first].setFocus(Qt.FocusReason.OtherFocusReason)

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
        self._reception = None
        self._callback_custom = False
        self._set_confirmed(False)
        self.show_errors([])
        self.case_label.hide()
        self._set_read_only(False)

    def focus_first(self) -> None:
        self.phone_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_case_opened(self, case_id: str) -> None:
        """Show the opened case id at the top; the form becomes read-only until :meth:`clear`."""
        short = case_id.rsplit(".", 1)[-1]
        self.case_label.setText(self.tr("Dossier %s ouvert — Ctrl+N : nouvel appel") % short)
        self.case_label.setToolTip(case_id)
        self.case_label.show()
        self._set_read_only(True)

    def set_enabled_for_role(self, role: str) -> None:
        """Only roles that may create cases can type in the form."""
        self._set_read_only(not permissions.is_allowed(permissions.CASES_PUT, str(role)))

    def fill(self, *, caller_phone: str, caller_name: str = "", address: str = "", commune: str = "",
             motive: str = "", priority: str = "", notes: str = "") -> None:
        """Put a whole call in the form at once (the demo call of screenshots and training)."""
        self.phone_edit.setText(caller_phone)
        self._on_phone_edited(caller_phone)
        self.name_edit.setText(caller_name)
        self.address_edit.setText(address)
        self.commune_completer.choose_best(commune)
        self.motive_completer.choose_best(motive)
        self.priority_combo.setCurrentIndex(self.priority_combo.findData(priority))
        self.notes_edit.setPlainText(notes)

    def set_room(self, surge: bool, urgent_waiting: int) -> None:
        """The room's state the route suggestion depends on (surge switch, P0/P1 cases waiting)."""
        if self._room != (surge, urgent_waiting):
            self._room = (surge, urgent_waiting)
            self._update_route()

    @Slot()
    def toggle_details(self) -> None:
        self.details_button.toggle()
        if self.details_button.isChecked():
            self.details.caller_type.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def request_draft(self) -> None:
        self.draftRequested.emit(self.form())

    def load_form(self, form: IntakeForm) -> None:
        """Put a saved draft back in the form (codes chosen again from their lists)."""
        self.fill(caller_phone=form.caller_phone, caller_name=form.caller_name, address=form.address,
                  commune=form.commune_insee and form.commune_name.split(" (")[0] or form.commune_name,
                  motive=form.motive_code or form.motive_label, priority=form.priority, notes=form.notes)
        if form.callback_phone != form.caller_phone:
            self.callback_edit.setText(form.callback_phone)
            self._callback_custom = True
        for edit, value in ((self.details.building_edit, form.access_building), (self.details.floor_edit,
                            form.access_floor), (self.details.code_edit, form.access_code),
                            (self.details.intercom_edit, form.access_intercom)):
            edit.setText(value)
        self.patients.load(form.patients)
        self._reception = form.reception

    def is_callback_confirmed(self) -> bool:
        return self.confirm_button.isChecked()

    @Slot()
    def confirm_callback(self) -> None:
        """Confirm the callback number (Ctrl+K); an invalid number shows its error instead."""
        if self.callback_edit.isReadOnly():
            return
        try:
            intake.normalize_phone(self.callback_edit.text())
        except ValueError as exc:
            self._set_error("callback_phone", str(exc))
            self.callback_edit.setFocus()
            return
        self._set_confirmed(True)

    # --- private slots ----------------------------------------------------------------------------
    @Slot(str)
    def _on_phone_edited(self, text: str) -> None:
        if not self._callback_custom:
            self.callback_edit.setText(text)
            self._set_confirmed(False)

    @Slot(str)
    def _on_callback_edited(self, text: str) -> None:
        self._callback_custom = bool(text.strip())
        self._set_confirmed(False)

    @Slot()
    def _on_callback_return(self) -> None:
        self.confirm_callback()
        if self.confirm_button.isChecked():
            self.name_edit.setFocus(Qt.FocusReason.TabFocusReason)

    @Slot(bool)
    def _on_confirm_toggled(self, checked: bool) -> None:
        self._set_confirmed(checked)

    @Slot()
    def _on_field_changed(self) -> None:
        """Re-check the fields that show an error, so each error clears once fixed."""
        shown = [n for n, label in self._errors.items() if label.isVisible() or label.text()]
        if not shown:
            return
        current = {e.field: e.message for e in intake.validate(self.form(), communes=self.communes())}
        for name in shown:
            self._set_error(name, current.get(name))

    @Slot(bool)
    def _show_details(self, shown: bool) -> None:
        self.extra.setVisible(shown)

    @Slot()
    def _update_route(self) -> None:
        """Recompute the suggested stream from the priority, motive, place kind and the room."""
        priority = self.priority_combo.code()
        if not priority:
            self.routing_row.set_suggestion(None)
            return
        form = IntakeForm(priority=priority, motive_code=(self.motive_completer.current or ("",))[0],
                          location_kind_code=self.details.place.current or "",
                          caller_type=self.details.caller_type.currentData() or "", surge=self._room[0])
        self.routing_row.set_suggestion(form.suggestion(urgent_waiting=self._room[1]))

    def _attribution(self) -> str:
        suggestion, perimeter = self.routing_row.suggestion(), self.routing_row.perimeter()
        if not perimeter:
            return ""
        if suggestion is not None and perimeter == suggestion.perimeter:
            return suggestion.attribution
        return routing.default_attribution(perimeter)

    # --- helpers -------------------------------------------------------------------------------------
    @Slot()
    def _touch(self) -> None:
        """Start the call's clock at the first key typed after :meth:`clear`."""
        if self._reception is None:
            self._reception = datetime.now(timezone.utc)

    def _set_error(self, name: str, message: str | None) -> None:
        label, field = self._errors[name], self._fields[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        field.setAccessibleDescription(message or "")
        if field.property("invalid") != bool(message):
            field.setProperty("invalid", bool(message))
            field.style().unpolish(field)
            field.style().polish(field)

    def _set_confirmed(self, confirmed: bool) -> None:
        if self.confirm_button.isChecked() != confirmed:
            self.confirm_button.setChecked(confirmed)  # re-enters through toggled
            return
        if confirmed:
            self.confirm_state.setText(self.tr("✔ Rappel confirmé"))
            self.confirm_state.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.confirm_state.setText(self.tr("⚠ Rappel non confirmé (Entrée ou Ctrl+K)"))
            self.confirm_state.setStyleSheet("color: #b26a00;")

    def _set_read_only(self, read_only: bool) -> None:
        for edit in self._line_edits():
            edit.setReadOnly(read_only)
        self.notes_edit.setReadOnly(read_only)
        self.priority_combo.set_read_only(read_only)
        self.routing_row.set_read_only(read_only)
        self.details.set_read_only(read_only)
        self.patients.set_read_only(read_only)
        for widget in (self.confirm_button, self.submit_button):
            widget.setEnabled(not read_only)
