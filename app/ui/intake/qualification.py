"""The qualification rows of the intake form: motive, priority, and the route the rules suggest.

The motive is found by code or words; the priority takes keys 0–3 and N; the
stream (:class:`app.ui.case.routing_row.RoutingRow`) follows the rules'
suggestion, computed from the priority, the motive, the place kind, the
caller type and the room (surge switch, P0/P1 cases waiting).  The widgets
belong to the :class:`app.ui.intake.panel.IntakePanel`, which lays them out in
its one form.
"""

from __future__ import annotations

from app.services.intake import form as intake
from app.services.intake.form import IntakeForm
from app.ui.shell.completion import PriorityCombo, SearchCompleter
from app.ui.shell.form_rows import line_edit
from app.ui.qt import QObject, QWidget
from app.ui.case.routing_row import RoutingRow


class QualificationRows(QObject):
    """Motive → priority → stream (suggested; overriding it asks why)."""

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self.motive_edit = line_edit(panel, self.tr("Motif de recours"), self.tr("Code (M03.06) ou mots"))
        self.motive_completer = SearchCompleter(self.motive_edit, self._search_motives)
        self.priority_combo = PriorityCombo(panel)
        self.priority_combo.setAccessibleName(self.tr("Priorité"))
        self.routing_row = RoutingRow(panel)
        self.room = (False, 0)  # surge switch, P0/P1 cases waiting: context of the route suggestion

    def rows(self) -> list[tuple]:
        """(label, error name, field, what stands in the field's place) of each row, for the panel's form."""
        return [(self.tr("&Motif"), "motive", self.motive_edit, ()),
                (self.tr("&Priorité"), "priority", self.priority_combo, ()),
                (self.tr("Fi&lière"), "routing", self.routing_row, ())]

    def values(self) -> dict:
        """The rows under their :class:`~app.services.intake.form.IntakeForm` names (typed text if no motive chosen)."""
        motive = self.motive_completer.current
        route = self.routing_row
        suggestion = route.suggestion()
        return {
            "motive_code": motive[0] if motive else "",
            "motive_label": (intake.motive_label(motive[0]) or "") if motive else self.motive_edit.text(),
            "priority": self.priority_combo.code(),
            "perimeter": route.perimeter(), "attribution": route.attribution(),
            "suggested_perimeter": suggestion.perimeter if suggestion else "",
            "suggested_attribution": suggestion.attribution if suggestion else "",
            "routing_reason": route.reason(), "surge": self.room[0],
        }

    def set_room(self, surge: bool, urgent_waiting: int) -> bool:
        """Keep the room's state; True when it changed (the route is then to suggest again)."""
        if self.room == (surge, urgent_waiting):
            return False
        self.room = (surge, urgent_waiting)
        return True

    def suggest_route(self, *, place_kind: str, caller_type: str) -> None:
        """Recompute the suggested stream from the priority, motive, place kind, caller type and the room."""
        priority = self.priority_combo.code()
        if not priority:
            self.routing_row.set_suggestion(None)
            return
        form = IntakeForm(priority=priority, motive_code=(self.motive_completer.current or ("",))[0],
                          location_kind_code=place_kind, caller_type=caller_type, surge=self.room[0])
        self.routing_row.set_suggestion(form.suggestion(urgent_waiting=self.room[1]))

    def _search_motives(self, text: str) -> list[tuple[str, object]]:
        return [(label, (code, label)) for code, label in intake.search_motives(text, limit=15)]
