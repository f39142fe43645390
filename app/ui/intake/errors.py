"""The errors of the intake form: in French under their field, cleared as the field is fixed.

Errors come from :func:`app.services.intake.form.validate` or from elsewhere (the
server names the fields after the wire document; :data:`ALIASES` maps those
names back to the form's).  A field in error gets a red frame (the
``invalid`` property the panel's style sheet draws) and the message as its
accessible description; errors of no field show below the form.
"""

from __future__ import annotations

from collections.abc import Callable

from app.services.intake import form as intake
from app.services.intake.form import FieldError
from app.ui.qt import QLabel, Qt, QWidget

#: Error field names from elsewhere (the wire document) mapped to the panel's fields.
ALIASES = {"commune_insee": "commune", "commune_name": "commune", "city_insee_code": "commune",
           "city_name": "commune", "motive_code": "motive", "motive_label": "motive",
           "health_motive_code": "motive", "address_complete": "address"}


class FieldErrors:
    """The error label under each field of the form, and the one below the form for the rest."""

    def __init__(self, fields: dict[str, QWidget], labels: dict[str, QLabel], general: QLabel):
        self.fields, self.labels, self.general = fields, labels, general

    def split(self, errors: list[FieldError], *, aside: Callable[[str], bool]
              ) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """The messages by field of the form, by field shown ``aside`` (other sections), and of no field."""
        by_field: dict[str, str] = {}
        general = []
        elsewhere: dict[str, str] = {}
        for e in errors:
            name = ALIASES.get(e.field, e.field)
            if name in self.fields:
                by_field.setdefault(name, e.message)
            elif aside(name):
                elsewhere.setdefault(name, e.message)
            else:
                general.append(e.message)
        return by_field, elsewhere, general

    def show(self, by_field: dict[str, str], general: list[str]) -> None:
        """Show these messages (clearing the others) and focus the first field in error."""
        for name in self.fields:
            self.set(name, by_field.get(name))
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))
        first = next((n for n in intake.FIELD_ORDER if n in by_field), None)
        if first is not None:
            self.fields[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def shown(self) -> list[str]:
        """The fields showing an error now."""
        return [n for n, label in self.labels.items() if label.isVisible() or label.text()]

    def set(self, name: str, message: str | None) -> None:
        label, field = self.labels[name], self.fields[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        field.setAccessibleDescription(message or "")
        if field.property("invalid") != bool(message):
            field.setProperty("invalid", bool(message))
            field.style().unpolish(field)
            field.style().polish(field)
