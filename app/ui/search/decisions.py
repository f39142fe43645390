"""Decisions without a slot (Ctrl+D) and phone calls to an effecteur "en sus", beside the slot list.

:class:`DecisionActions` belongs to :class:`app.ui.search.actions.SearchActions`, like
:class:`~app.ui.search.booking.BookingActions`: it makes the decision widgets (the window lays
out :meth:`DecisionActions.decision_row`), records the chosen decision or a call's answer through
the Qt-free desk, and says in the status bar what happened.  Its texts keep the
``SearchActions`` translation context.
"""

from __future__ import annotations

from app.services.desk.regulation import NotAllowed
from app.services.desk.workflow import NoCaseOpen
from app.services.regulation import decisions
from app.services.security import permissions
from app.ui.qt import QComboBox, QCoreApplication, QHBoxLayout, QLabel, QObject, QPushButton, Signal
from app.ui.search.call_outcome import CallOutcomeDialog
from app.ui.shell.icons import with_icon


class DecisionActions(QObject):
    """The decision combo and button, and the record of a phone call to an effecteur.

    Signals:
        recorded(str): a decision was stored locally (its uuid).
    """

    recorded = Signal(str)

    def __init__(self, window, desk, search):
        super().__init__(window)
        self._w, self._desk, self._search = window, desk, search
        self.decision_combo = QComboBox(window)
        self.decision_combo.setAccessibleName(QCoreApplication.translate("SearchActions", "Décision sans créneau"))
        for kind in decisions.DECISIONS:
            self.decision_combo.addItem(kind.label, kind.key)
        self.decision_combo.setCurrentIndex(self.decision_combo.findData("CONSEIL"))
        self.decision_button = with_icon(QPushButton(
            QCoreApplication.translate("SearchActions", "Enregistrer la &décision (Ctrl+D)"), window), "decision")

    def decision_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("SearchActions", "Décision sans créneau :"), self._w))
        row.addWidget(self.decision_combo, 1)
        row.addWidget(self.decision_button)
        return row

    def call_effecteur(self, row: dict) -> None:
        """Phone an effecteur "en sus": show the number, record the answer in the case."""
        effecteur = row.get("effecteur") or {}
        outcome = CallOutcomeDialog.ask(self._w, effecteur)
        if outcome is None:
            return
        try:
            text = self._desk.record_call_outcome(effecteur, outcome)
        except Exception as exc:  # noqa: BLE001 (shown to the user, like the other actions)
            self._search.report(exc, QCoreApplication.translate("SearchActions", "Appel non enregistré"))
            return
        self._w.status.show_message(text)
        self._w.refresh_journal()

    def select_decision(self, key: str) -> None:
        """Choose the decision that Ctrl+D will record."""
        self.decision_combo.setCurrentIndex(self.decision_combo.findData(key))

    def record_decision(self) -> None:
        if not self._search.allowed(permissions.ORIENTATIONS_PUT):
            return
        key = self.decision_combo.currentData()
        try:
            doc = self._desk.record_decision(key)
        except (NoCaseOpen, NotAllowed) as exc:
            self._w.status.show_message(str(exc), error=True)
            return
        self._w.regulation.refresh()
        self._w.status.show_message(QCoreApplication.translate("SearchActions", "Décision enregistrée : %s")
                                    % decisions.get(doc.decision_key).label)
        self.recorded.emit(doc.uuid)
