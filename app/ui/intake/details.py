"""The secondary part of the intake: caller details, access to the place, qualification codes.

Off the standard call's tab path (the section is hidden until Ctrl+Maj+D), so a
standard call stays short; everything here is optional.  Codes come from the
official lists (:mod:`app.codes.nomenclatures`), found by code or by words.
"""

from __future__ import annotations

from app.codes import nomenclatures as nom
from app.ui.shell.completion import SearchCompleter
from app.ui.shell.form_rows import add_row, error_label, line_edit, show_messages
from app.ui.qt import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget, Signal, Slot


def _codes(name: str, limit: int = 12):
    return lambda text: [(c.display, c.code) for c in nom.search(name, text, limit)]


class DetailsSection(QGroupBox):
    """Caller type, language, communication; building, floor, door code, intercom; place kind, facts, risks.

    Signals:
        changed(): a value that may change the route (place kind, caller type) changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Détails de l'appel (Ctrl+Maj+D)"))
        self.caller_type = self._combo(self.tr("Type d'appelant"), nom.CALLER_TYPE)
        self.communication = self._combo(self.tr("Difficulté de communication"), nom.COMMUNICATION)
        self.language_edit = line_edit(self, self.tr("Langue de l'appelant"), self.tr("fr, anglais, arabe…"))
        self.building_edit = line_edit(self, self.tr("Bâtiment"), self.tr("Bât. B, résidence…"),
                                       stored_as="access_building")
        self.floor_edit = line_edit(self, self.tr("Étage"), self.tr("3"), stored_as="access_floor")
        self.code_edit = line_edit(self, self.tr("Digicode"), self.tr("A1234"),
                                   stored_as="access_code")
        self.intercom_edit = line_edit(self, self.tr("Interphone"), self.tr("Nom sur l'interphone"),
                                       stored_as="access_intercom")
        self.place_edit = line_edit(self, self.tr("Type de lieu"), self.tr("L01… ou mots (domicile, voie publique)"))
        self.facts_edit = line_edit(self, self.tr("Nature des faits"), self.tr("C02… ou mots (chute, accident)"))
        self.risk_edit = line_edit(self, self.tr("Risques"), self.tr("R… ou mots ; Entrée ajoute"))
        self.risk_label = QLabel(self)
        self.risk_label.setAccessibleName(self.tr("Risques retenus"))
        self.language = SearchCompleter(self.language_edit, _codes(nom.LANGUAGE))
        self.place = SearchCompleter(self.place_edit, _codes(nom.PLACE_KIND))
        self.facts = SearchCompleter(self.facts_edit, _codes(nom.FACT))
        self.risk = SearchCompleter(self.risk_edit, _codes(nom.RISK))
        self.risks: list[str] = []
        self.errors = {n: error_label(self, f"error_{n}") for n in ("caller_language", "location_kind", "whats_happen")}
        form = QFormLayout(self)
        rows = [(self.tr("T&ype d'appelant"), self.caller_type, None), (self.tr("Lan&gue"), self.language_edit,
                "caller_language"), (self.tr("Co&mmunication"), self.communication, None),
                (self.tr("&Bâtiment"), self.building_edit, None), (self.tr("Éta&ge"), self.floor_edit, None),
                (self.tr("&Digicode"), self.code_edit, None), (self.tr("&Interphone"), self.intercom_edit, None),
                (self.tr("Lie&u"), self.place_edit, "location_kind"),
                (self.tr("&Faits"), self.facts_edit, "whats_happen"), (self.tr("&Risques"), self.risk_edit, None)]
        for text, field, error in rows:
            add_row(form, self, text, field, self.errors.get(error))
        form.addRow("", self.risk_label)
        self.place.chosen.connect(self.changed)
        self.place.edited.connect(self.changed)
        self.caller_type.currentIndexChanged.connect(self.changed)
        self.risk.chosen.connect(self._on_risk_chosen)

    def _combo(self, accessible: str, list_name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(accessible)
        combo.addItem("—", "")
        for code, display in nom.choices(list_name):
            combo.addItem(display, code)
        return combo

    def values(self) -> dict:
        """The section's fields under their :class:`~app.services.intake.form.IntakeForm` names."""
        return {
            "caller_type": self.caller_type.currentData() or "", "caller_communication":
            self.communication.currentData() or "", "caller_language": self.language.current or "",
            "access_building": self.building_edit.text(), "access_floor": self.floor_edit.text(),
            "access_code": self.code_edit.text(), "access_intercom": self.intercom_edit.text(),
            "location_kind_code": self.place.current or "", "whats_happen_code": self.facts.current or "",
            "risk_codes": list(self.risks),
        }

    def show_errors(self, messages: dict[str, str]) -> None:
        show_messages(self.errors, messages)

    def clear(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.clear()
        for completer in (self.language, self.place, self.facts, self.risk):
            completer.reset()
        self.caller_type.setCurrentIndex(0)
        self.communication.setCurrentIndex(0)
        self.risks = []
        self.risk_label.clear()
        self.show_errors({})

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.setReadOnly(read_only)
        self.caller_type.setEnabled(not read_only)
        self.communication.setEnabled(not read_only)

    @Slot(object)
    def _on_risk_chosen(self, code) -> None:
        if code and code not in self.risks:
            self.risks.append(code)
        self.risk_label.setText(", ".join(f"{c} {nom.label(nom.RISK, c)}" for c in self.risks))
        self.risk_edit.clear()
        self.risk.reset()
