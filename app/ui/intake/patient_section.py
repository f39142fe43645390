"""The patients of the call: one editor and the list of patients already added.

Keyboard: type the patient, Ctrl+Maj+P adds them to the list (after checking
the birth date, the age, the sex and the GP's RPPS; errors show under their
field in French).  What is still in the editor when the case is opened counts
as one more patient, so nothing typed is lost.
"""

from __future__ import annotations

from app.services.intake import patients
from app.services.intake.patients import PatientForm
from app.ui.shell.form_rows import add_row, error_label, line_edit, show_messages
from app.ui.shell.icons import with_icon
from app.ui.qt import (
    QComboBox, QFormLayout, QGroupBox, QKeySequence, QLineEdit, QListWidget, QPushButton, QShortcut, Qt, QWidget,
    Signal, Slot,
)


class PatientSection(QGroupBox):
    """Patient editor + list.

    Signals:
        patientAdded(object): a valid patient went to the list (its :class:`PatientForm`).
    """

    patientAdded = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Patients (Ctrl+Maj+P : ajouter)"))
        self.last_name = line_edit(self, self.tr("Nom du patient"), self.tr("Nom de naissance"), stored_as="last_name")
        self.first_name = line_edit(self, self.tr("Prénom du patient"), "", stored_as="first_name")
        self.birth_date = line_edit(self, self.tr("Date de naissance"), self.tr("jj/mm/aaaa"))
        self.age = line_edit(self, self.tr("Âge"), self.tr("45, 3 mois, 10 j"))
        self.sex = QComboBox(self)
        self.sex.setAccessibleName(self.tr("Sexe"))
        self.sex.addItem("—", "")
        for code, label in patients.SEXES.items():
            self.sex.addItem(f"{code} — {label}", code)
        self.gp_name = line_edit(self, self.tr("Médecin traitant"), self.tr("Dr …"),
                                 stored_as="general_practitioner_name")
        self.gp_rpps = line_edit(self, self.tr("RPPS du médecin traitant"), self.tr("11 chiffres"),
                                 stored_as="general_practitioner_rpps")
        self.add_button = with_icon(QPushButton(self.tr("Ajouter le patient (Ctrl+Maj+P)"), self), "patient-add")
        self.add_button.setAccessibleName(self.tr("Ajouter le patient"))
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+Maj+P: never a tab stop
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Patients ajoutés"))
        self.list.setMaximumHeight(70)
        self._fields = {"birth_date": self.birth_date, "age": self.age, "sex": self.sex, "gp_rpps": self.gp_rpps}
        self.errors = {name: error_label(self, f"error_patient_{name}") for name in self._fields}
        self._added: list[PatientForm] = []
        form = QFormLayout(self)
        for text, widget, error in [
            (self.tr("No&m"), self.last_name, None), (self.tr("Pré&nom"), self.first_name, None),
            (self.tr("Né(e) le"), self.birth_date, "birth_date"), (self.tr("Âge"), self.age, "age"),
            (self.tr("Sexe"), self.sex, "sex"), (self.tr("Médecin traitant"), self.gp_name, None),
            (self.tr("RPPS"), self.gp_rpps, "gp_rpps"),
        ]:
            add_row(form, self, text, widget, self.errors.get(error))
        form.addRow(self.add_button)
        form.addRow(self.list)
        self.add_button.clicked.connect(self.add_current)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, self.add_current,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def current(self) -> PatientForm:
        return PatientForm(self.last_name.text(), self.first_name.text(), self.birth_date.text(), self.age.text(),
                           self.sex.currentData() or "", self.gp_name.text(), self.gp_rpps.text())

    def patients(self) -> list[PatientForm]:
        """The patients added, plus the one still in the editor if anything was typed there."""
        pending = self.current()
        return list(self._added) + ([] if pending.is_empty() else [pending])

    @Slot()
    def add_current(self) -> bool:
        form = self.current()
        if form.is_empty():
            return False
        errors = patients.validate(form)
        self.show_errors(errors)
        if errors:
            self._fields[next(iter(errors))].setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        self._added.append(form)
        self.list.addItem(patients.summary(form))
        self._clear_editor()
        self.last_name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.patientAdded.emit(form)
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        show_messages(self.errors, errors)

    def _clear_editor(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.clear()
        self.sex.setCurrentIndex(0)

    def clear(self) -> None:
        self._clear_editor()
        self._added = []
        self.list.clear()
        self.show_errors({})

    def load(self, forms: list[PatientForm]) -> None:
        """Put back patients of a draft."""
        self.clear()
        for form in forms:
            self._added.append(form)
            self.list.addItem(patients.summary(form))

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.setReadOnly(read_only)
        self.sex.setEnabled(not read_only)
        self.add_button.setEnabled(not read_only)
