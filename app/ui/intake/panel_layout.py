"""The intake panel's widgets and their one form: the sections' rows, the notes, the submit button, the errors.

:class:`IntakeLayout` is the base of :class:`app.ui.intake.panel.IntakePanel`: it builds the
sections (:mod:`.caller`, :mod:`.place`, :mod:`.qualification`, :mod:`.secondary`), exposes their
widgets under the panel's names, lays every row out in one form (so the labels line up), inside
a scroll area, and keeps the tab order.  Its texts are translated in the ``IntakePanel`` context.
"""

from __future__ import annotations

from app.ui.intake.caller import CallerRows
from app.ui.intake.errors import FieldErrors
from app.ui.intake.layout import case_banner, scrolled
from app.ui.intake.place import PlaceRows
from app.ui.intake.qualification import QualificationRows
from app.ui.intake.secondary import SecondarySection
from app.ui.qt import (
    QCoreApplication, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, Qt, QVBoxLayout, QWidget,
)
from app.ui.shell.form_rows import add_row, error_label
from app.ui.shell.icons import with_icon


class IntakeLayout(QWidget):
    """The intake form's widgets, built by :meth:`_build` (the panel adds the behaviour)."""

    def _line_edits(self) -> tuple[QLineEdit, ...]:
        return (self.phone_edit, self.callback_edit, self.name_edit, self.address_edit, self.commune_edit,
                self.motive_edit)

    # --- construction ---------------------------------------------------------------------
    def _build(self, communes, home_departement: str | None) -> None:
        self.case_label = case_banner(self)
        self.caller = CallerRows(self)
        self.place = PlaceRows(self, communes=communes, home_departement=home_departement)
        self.qualification = QualificationRows(self)
        # The sections' widgets, under the panel's names (tests, the main window and drafts use these).
        self.phone_edit, self.callback_edit, self.name_edit = (
            self.caller.phone_edit, self.caller.callback_edit, self.caller.name_edit)
        self.confirm_button, self.confirm_state = self.caller.confirm_button, self.caller.confirm_state
        self.hidden_check = self.caller.hidden_check
        self.address_edit, self.commune_edit = self.place.address_edit, self.place.commune_edit
        self.commune_completer = self.place.commune_completer
        self.motive_edit, self.motive_completer = self.qualification.motive_edit, self.qualification.motive_completer
        self.priority_combo, self.routing_row = self.qualification.priority_combo, self.qualification.routing_row
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setAccessibleName(QCoreApplication.translate("IntakePanel", "Notes"))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(90)
        self.submit_button = with_icon(QPushButton(
            QCoreApplication.translate("IntakePanel", "Ou&vrir le dossier (Ctrl+Entrée)"), self), "open-case")
        self.submit_button.setAccessibleName(QCoreApplication.translate("IntakePanel", "Ouvrir le dossier"))
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+Entrée or Alt+V: never a tab stop
        self.general_error = self._error_label("general")
        self.secondary = SecondarySection(self)
        self.details, self.patients = self.secondary.details, self.secondary.patients
        self.details_button, self.extra = self.secondary.button, self.secondary.extra

        fields = {"caller_phone": self.phone_edit, "callback_phone": self.callback_edit,
                  "caller_name": self.name_edit, "address": self.address_edit, "commune": self.commune_edit,
                  "motive": self.motive_edit, "priority": self.priority_combo,
                  "routing": self.routing_row.reason_edit, "notes": self.notes_edit}
        self.field_errors = FieldErrors(fields, {name: self._error_label(name) for name in fields},
                                        self.general_error)
        labels = self.field_errors.labels
        rows = [*self.caller.rows(), *self.place.rows(), *self.qualification.rows(),
                (QCoreApplication.translate("IntakePanel", "N&otes"), "notes", self.notes_edit, ())]
        form = QFormLayout()
        for text, name, field, instead in rows:  # one form, so that every label lines up
            add_row(form, self, text, *(instead or (field,)), labels[name], buddy=field)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addWidget(self.case_label)
        layout.addLayout(form)
        for widget in (self.general_error, self.submit_button, self.details_button, self.extra):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.scroll_area = scrolled(self, body)  # the details (Ctrl+Maj+D) never grow the window
        order = [self.phone_edit, self.callback_edit, self.name_edit, self.address_edit, self.commune_edit,
                 self.motive_edit, self.priority_combo, self.routing_row.combo, self.routing_row.reason_edit,
                 self.notes_edit]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    def _error_label(self, name: str) -> QLabel:
        return error_label(self, f"error_{name}", accessible_name=QCoreApplication.translate("IntakePanel", "Erreur"),
                           word_wrap=True)
