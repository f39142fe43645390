"""The place rows of the intake form: address, and the commune completed by name or postal code.

The commune list is the communes table (:mod:`app.services.reference.communes`), the
home département's communes first; the chosen commune gives the INSEE code and
the coordinates the search starts from.  The widgets belong to the
:class:`app.ui.intake.panel.IntakePanel`, which lays them out in its one form.
"""

from __future__ import annotations

import threading

from app.ui.shell.completion import SearchCompleter
from app.ui.shell.form_rows import line_edit
from app.ui.qt import QObject, QTimer, QWidget

#: The shipped communes index is built in the background this long after the form exists (once the
#: window is up), so that the first completion answers at once without slowing the console's start.
WARM_COMMUNES_AFTER_MS = 1500


def _warm_communes() -> None:
    from app.services.reference.communes import default_index

    threading.Thread(target=default_index, name="sas-communes", daemon=True).start()


class PlaceRows(QObject):
    """Address → commune (completion over the communes table)."""

    def __init__(self, panel: QWidget, *, communes=None, home_departement: str | None = None):
        super().__init__(panel)
        self._communes = communes
        self.home_departement = home_departement
        self.address_edit = line_edit(panel, self.tr("Adresse"), self.tr("Numéro, voie, accès"),
                                      stored_as="address_complete")
        self.commune_edit = line_edit(panel, self.tr("Commune"), self.tr("Nom ou code postal"), stored_as="city_name")
        self.commune_completer = SearchCompleter(self.commune_edit, self._search_communes)
        if communes is None:
            QTimer.singleShot(WARM_COMMUNES_AFTER_MS, _warm_communes)

    def communes(self):
        """The communes index (the shipped one unless given; loaded once, ~0.3 s)."""
        if self._communes is None:
            from app.services.reference.communes import default_index

            self._communes = default_index()
        return self._communes

    def rows(self) -> list[tuple]:
        """(label, error name, field, what stands in the field's place) of each row, for the panel's form."""
        return [(self.tr("&Adresse"), "address", self.address_edit, ()),
                (self.tr("&Commune"), "commune", self.commune_edit, ())]

    def values(self) -> dict:
        """The rows under their :class:`~app.services.intake.form.IntakeForm` names (typed text if no commune
        chosen)."""
        commune = self.commune_completer.current
        return {
            "address": self.address_edit.text(),
            "commune_insee": commune.insee if commune else "",
            "commune_name": commune.name if commune else self.commune_edit.text(),
            "lat": commune.lat if commune else None, "lon": commune.lon if commune else None,
        }

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
