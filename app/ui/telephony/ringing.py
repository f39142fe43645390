"""The ringing panel: the call ringing at this desk, over the workspace, before anything is typed.

It shows the caller's number (formatted, or « numéro masqué »), the waiting
time ticking since the phone presented the call, and what the room knows of the
number (``GET /api/v1/calls/lookup``: its open cases, its cases of the last 30
days, the duplicate warning), with the keys: F3 answers, Maj+F3 answers and
attaches to the case chosen in the list (Alt+↑ / Alt+↓), F4 hangs up.  Once
answered it stays as a small call bar (conversation time, Ctrl+F3 hold,
Ctrl+Maj+T transfer, F4 hang up).  Every text is plain (``Qt.PlainText``): a
motive or a name typed at a desk is never read as markup.  The keys themselves
are bound by :mod:`app.ui.telephony.desk_phone`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.codes import case_codes, room_time
from app.services.desk.telephony_desk import DeskCall
from app.services.intake import phones
from app.services.regulation.queue import format_duration
from app.ui.qt import QCoreApplication, QFrame, QLabel, QListWidget, QListWidgetItem, Qt, QTimer, QVBoxLayout, QWidget
from app.ui.shell import theme

CASE_ROLE = Qt.ItemDataRole.UserRole + 1


def caller_text(number: str | None) -> str:
    """The caller's number as the room reads it; a hidden number says so."""
    if not number:
        return QCoreApplication.translate("RingingPanel", "numéro masqué")
    try:
        return phones.format_phone(phones.normalize_phone(number))
    except ValueError:
        return number


def case_line(case: dict, open_: bool) -> str:
    """One known case on two lines, to fit the panel: « 341300001 · en cours · 24/11 14:30 » then
    « Douleur thoracique · Mme Martin · Strasbourg »."""
    parts = [case_codes.short_number(str(case.get("case_id") or "")) or "—"]
    if open_:
        parts.append(QCoreApplication.translate("RingingPanel", "en cours"))
    when = case.get("creation") or case.get("reception") or case.get("created_at")
    if when:
        try:
            parts.append(room_time.day_clock(when))
        except (TypeError, ValueError):
            pass
    details = [str(case[key]) for key in ("motive", "health_motive_label", "caller_name", "patient_name", "city",
                                          "city_name") if case.get(key)]
    return " · ".join(parts) + ("\n" + " · ".join(details) if details else "")


def _plain(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class RingingPanel(QFrame):
    """The call of this desk: ringing (number, wait, known cases) or in conversation (a small bar)."""

    def __init__(self, parent: QWidget | None = None, clock=None):
        super().__init__(parent)
        self.setObjectName("ringingPanel")
        self.setAccessibleName(self.tr("Appel entrant"))
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"#ringingPanel {{ background: palette(window); border: 3px solid {theme.colour('alert')};"
                           " border-radius: 6px; }")
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.call: DeskCall | None = None
        layout = QVBoxLayout(self)
        self.title = _plain(self, "ringing_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.number = _plain(self, "ringing_number")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.number.setFont(font)
        self.wait = _plain(self, "ringing_wait")
        self.known_title = _plain(self, "ringing_known_title")
        self.cases = QListWidget(self)
        self.cases.setObjectName("ringing_cases")
        self.cases.setAccessibleName(self.tr("Dossiers connus de ce numéro"))
        self.cases.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+↑ / Alt+↓ choose, the keys stay with the form
        self.cases.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # two short lines a case
        self.cases.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.warning = _plain(self, "ringing_warning")
        self.warning.setStyleSheet(f"color: {theme.colour('alert')}; font-weight: bold;")
        self.others = _plain(self, "ringing_others")
        self.keys = _plain(self, "ringing_keys")
        self.keys.setStyleSheet(f"color: {theme.colour('muted')};")
        for widget in (self.title, self.number, self.wait, self.known_title, self.cases, self.warning, self.others,
                       self.keys):
            layout.addWidget(widget)
        self.setFixedWidth(440)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self.hide()

    # --- showing -----------------------------------------------------------------------------------
    def show_ringing(self, call: DeskCall, others: int = 0) -> None:
        """``call`` rings here (``others``: more calls ringing behind it); what the room knows comes later."""
        self.call = call
        self.title.setText(self.tr("☎ Appel entrant"))
        self.number.setText(caller_text(call.number))
        self.known_title.setText(self.tr("Numéro masqué : rien à rechercher") if call.hidden
                                 else self.tr("Recherche de ce que la salle connaît de ce numéro…"))
        self.known_title.show()
        self.cases.clear()
        self.cases.hide()
        self.warning.hide()
        self.others.setText(self.tr("+%d autre(s) appel(s) en attente") % others if others else "")
        self.others.setVisible(bool(others))
        self.keys.setText(self.tr("F3 : décrocher · Maj+F3 : décrocher et rattacher au dossier choisi (Alt+↑/↓) · "
                                  "F4 : raccrocher"))
        self._appear()

    def set_lookup(self, room_id: str, found: dict | None) -> None:
        """What the room knows of the ringing number (None: the server did not answer)."""
        if self.call is None or self.call.room_id != room_id or self.call.state != "ringing":
            return
        if found is None:
            self.known_title.setText(self.tr("Historique du numéro indisponible (serveur injoignable)"))
            return
        self.cases.clear()
        for case, open_ in [(c, True) for c in found.get("open_cases") or []] + \
                           [(c, False) for c in found.get("recent_cases") or []]:
            item = QListWidgetItem(case_line(case, open_))
            item.setData(CASE_ROLE, case)
            self.cases.addItem(item)
        count = self.cases.count()
        self.known_title.setText(self.tr("Dossiers de ce numéro (en cours, 30 derniers jours) :") if count
                                 else self.tr("Numéro inconnu de la salle (aucun dossier depuis 30 jours)"))
        self.cases.setVisible(bool(count))
        shown = min(4, count)  # every case's two lines in sight (up to 4 cases; more scroll)
        self.cases.setFixedHeight(sum(self.cases.sizeHintForRow(i) for i in range(shown))
                                  + 2 * self.cases.frameWidth() + 2 if count else 0)
        if count:
            self.cases.setCurrentRow(0)
        warning = found.get("duplicate_warning")
        self.warning.setText(f"⚠ {warning}" if warning else "")
        self.warning.setVisible(bool(warning))
        self._place()

    def show_conversation(self, call: DeskCall) -> None:
        """The call is answered here (or dialled): a small bar with its time and keys."""
        self.call = call
        held = call.state == "held"
        self.title.setText(self.tr("⏸ Appel en attente") if held else
                           self.tr("☎ Appel sortant") if not call.incoming and call.state == "dialling" else
                           self.tr("☎ En communication"))
        self.number.setText(caller_text(call.number))
        for widget in (self.known_title, self.cases, self.warning, self.others):
            widget.hide()
        self.keys.setText(self.tr("F4 : raccrocher · Ctrl+F3 : attente / reprise · Ctrl+Maj+T : transférer "
                                  "au médecin"))
        self._appear()

    def clear_call(self) -> None:
        self.call = None
        self._timer.stop()
        self.hide()

    def selected_case(self) -> dict | None:
        item = self.cases.currentItem()
        return item.data(CASE_ROLE) if item is not None and self.cases.isVisible() else None

    def move_selection(self, step: int) -> None:
        if self.cases.count():
            self.cases.setCurrentRow(max(0, min(self.cases.count() - 1, self.cases.currentRow() + step)))

    def wait_text(self) -> str:
        return self.wait.text()

    # --- helpers -----------------------------------------------------------------------------------
    def tick(self) -> None:
        call = self.call
        if call is None:
            return
        if call.state == "ringing":
            seconds = (self._clock() - call.presented_at).total_seconds()
            self.wait.setText(self.tr("Attente : %s") % format_duration(max(0.0, seconds)))
        else:
            since = call.answered_at or call.presented_at
            self.wait.setText(self.tr("Durée : %s") % format_duration(max(0.0, (self._clock() - since)
                                                                           .total_seconds())))

    def _appear(self) -> None:
        self.tick()
        self._timer.start()
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        """Over the middle of the workspace, under the menu bar (the form on the left stays in sight)."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        self.move(max(0, (parent.width() - self.width()) // 2 + 120), 60)
