"""The secondary part of the intake form: call details and patients, shown below the form on demand.

Caller details, access, qualification codes (:mod:`app.ui.intake.details`)
and patients (:mod:`app.ui.intake.patient_section`) stay hidden until Ctrl+Maj+D (or
an error in them) and off the standard tab path, so a standard call stays
short.  The widgets belong to the :class:`app.ui.intake.panel.IntakePanel`,
which exposes them under the same names.
"""

from __future__ import annotations

from app.services.intake.form import IntakeForm
from app.ui.intake.details import DetailsSection
from app.ui.intake.patient_section import PatientSection
from app.ui.shell.icons import with_icon
from app.ui.qt import QObject, QPushButton, Qt, QVBoxLayout, QWidget, Slot

_PATIENT = "patient_"


class SecondarySection(QObject):
    """The details button and, below it, the hidden ``extra`` part holding the details and the patients."""

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self.details = DetailsSection(panel)
        self.patients = PatientSection(panel)
        self.button = with_icon(QPushButton(self.tr("Détails, accès, patients (Ctrl+Maj+D)"), panel), "details")
        self.button.setCheckable(True)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # off the standard tab path
        self.extra = QWidget(panel)
        extra_layout = QVBoxLayout(self.extra)
        extra_layout.setContentsMargins(0, 0, 0, 0)
        extra_layout.addWidget(self.details)
        extra_layout.addWidget(self.patients)
        self.extra.hide()
        self.button.toggled.connect(self._on_toggled)

    def values(self) -> dict:
        """The section's fields under their :class:`~app.services.intake.form.IntakeForm` names."""
        return {**self.details.values(), "patients": self.patients.patients()}

    def load(self, form: IntakeForm) -> None:
        """Put back the access and the patients of a draft."""
        for edit, value in ((self.details.building_edit, form.access_building), (self.details.floor_edit,
                            form.access_floor), (self.details.code_edit, form.access_code),
                            (self.details.intercom_edit, form.access_intercom)):
            edit.setText(value)
        self.patients.load(form.patients)

    def owns_error(self, name: str) -> bool:
        """Whether an error of this field name shows here rather than in the main form."""
        return name in self.details.errors or name.startswith(_PATIENT)

    def show_errors(self, messages: dict[str, str]) -> None:
        """Show these errors (clearing the others); any error opens the section."""
        self.details.show_errors(messages)
        self.patients.show_errors({k[len(_PATIENT):]: v for k, v in messages.items() if k.startswith(_PATIENT)})
        if messages:
            self.button.setChecked(True)

    def toggle(self) -> None:
        """Show or hide the section; shown, the caller type takes the focus."""
        self.button.toggle()
        if self.button.isChecked():
            self.details.caller_type.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        self.details.set_read_only(read_only)
        self.patients.set_read_only(read_only)

    @Slot(bool)
    def _on_toggled(self, shown: bool) -> None:
        self.extra.setVisible(shown)
