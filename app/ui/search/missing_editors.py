"""The line above the slot list naming the agenda editors that did not answer the search (issue 14).

« Agendas sans réponse : Maiia (délai dépassé), Keldoc (erreur) — leurs créneaux arriveront s'ils
répondent. »: the search answer's ``missing_editors``
(:func:`app.services.desk.live_agendas.missing_editors`); hidden when every editor answered.
"""

from __future__ import annotations

from app.ui.qt import QLabel, Qt, QWidget


class MissingEditorsLabel(QLabel):
    """Says which editors are missing from the list on screen; hidden when none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("missingEditors")
        self.setTextFormat(Qt.TextFormat.PlainText)  # editors' names are data, never markup
        self.setWordWrap(True)
        self.setStyleSheet("color: #8a4b00;")
        self.setAccessibleName(self.tr("Agendas sans réponse"))
        self.hide()

    def show_missing(self, missing: list[dict]) -> None:
        """Show ``[{"editor", "reason"}]``, or hide the line when the list is empty."""
        if not missing:
            self.clear()
            self.hide()
            return
        names = ", ".join(f"{m['editor']} ({m['reason']})" if m.get("reason") else m["editor"] for m in missing)
        self.setText(self.tr("Agendas sans réponse : %s — leurs créneaux arriveront s'ils répondent.") % names)
        self.show()
