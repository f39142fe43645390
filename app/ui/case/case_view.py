"""The case view: everything known about the open case, for whoever opens it from a queue or a worklist.

Lays out a :class:`app.services.regulation.case_view.CaseView` (the Qt-free read
model): caller, callback number, place, motive, priority, route, the clocks with
the running wait, the ARM's notes, patients, earlier cases of the same number or
address, the events so far, the status in French and who has the case in hand.
Its buttons ask for the acts of the regulation core (:attr:`CaseViewWidget.actRequested`);
a button the user's role or the case's state does not allow is disabled, its
tooltip saying why (the rules' own words).  Every text shown is set with
``setText`` on plain labels (``Qt.PlainText``): nothing typed at a desk is read as HTML.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.codes import case_codes
from app.services.regulation import queue
from app.services.regulation.case_view import CaseView, room_time
from app.ui.qt import (
    QT_TRANSLATE_NOOP, QFormLayout, QGridLayout, QGroupBox, QLabel, QListWidget, QPushButton, QScrollArea, Qt, QTimer,
    QVBoxLayout, QWidget, Signal, Slot,
)

#: (act, French button text, key) of the buttons, in their order.
BUTTONS = (("take_charge", QT_TRANSLATE_NOOP("CaseViewWidget", "Prendre en charge (Ctrl+Maj+G)")),
           ("release", QT_TRANSLATE_NOOP("CaseViewWidget", "Libérer (Ctrl+Maj+U)")),
           ("priority", QT_TRANSLATE_NOOP("CaseViewWidget", "Priorité… (Ctrl+Maj+O)")),
           ("note", QT_TRANSLATE_NOOP("CaseViewWidget", "Note… (Ctrl+Maj+N)")),
           ("handover", QT_TRANSLATE_NOOP("CaseViewWidget", "Transmettre (Ctrl+T)")),
           ("close", QT_TRANSLATE_NOOP("CaseViewWidget", "Clôturer… (Ctrl+Maj+W)")))


def _label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CaseViewWidget(QScrollArea):
    """The open case, read-only labels and the buttons of the acts allowed.

    Signals:
        actRequested(str): a button was pressed; carries the act (``take_charge``, ``release``, ``priority``,
            ``note``, ``handover``, ``close``).
    """

    actRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None, clock=None, *, takes_calls: bool = True):
        super().__init__(parent)
        self.setObjectName("caseView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # texts wrap, never scroll sideways
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.view: CaseView | None = None
        self.read_only_reason: str | None = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.title = _label(body, "case_title")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.status = _label(body, "case_status")
        self.status.setStyleSheet("font-weight: bold;")
        self.holder = _label(body, "case_holder")
        self.placeholder = _label(body, "case_placeholder")
        self.placeholder.setText(self.tr("Aucun dossier ouvert.\nF6 : la file d'attente (Entrée ouvre le dossier) ; "
                                         "Ctrl+N : nouvel appel.") if takes_calls else
                                 self.tr("Aucun dossier ouvert.\nF6 : la file d'attente (Entrée ouvre le dossier)."))
        for widget in (self.title, self.status, self.holder, self.placeholder):
            layout.addWidget(widget)

        self.fields: dict[str, QLabel] = {}
        form_box = QGroupBox(self.tr("Appel"), body)
        form = QFormLayout(form_box)
        for name, text in (("caller", self.tr("Appelant")), ("callback", self.tr("Rappel")),
                           ("address", self.tr("Adresse")), ("commune", self.tr("Commune")),
                           ("access", self.tr("Accès")), ("motive", self.tr("Motif")),
                           ("priority", self.tr("Priorité")), ("route", self.tr("Filière"))):
            self.fields[name] = _label(form_box, f"case_{name}")
            form.addRow(text, self.fields[name])
        layout.addWidget(form_box)

        clocks_box = QGroupBox(self.tr("Horloges"), body)
        clocks = QVBoxLayout(clocks_box)
        self.clocks = _label(clocks_box, "case_clocks")
        self.waiting = _label(clocks_box, "case_waiting")
        clocks.addWidget(self.clocks)
        clocks.addWidget(self.waiting)
        layout.addWidget(clocks_box)

        self.sections: dict[str, QLabel] = {}
        for name, text in (("notes", self.tr("Notes de l'ARM et de la régulation")), ("patients", self.tr("Patients")),
                           ("earlier", self.tr("Dossiers antérieurs (même numéro ou même adresse)"))):
            box = QGroupBox(text, body)
            box_layout = QVBoxLayout(box)
            self.sections[name] = _label(box, f"case_{name}")
            box_layout.addWidget(self.sections[name])
            layout.addWidget(box)
        events_box = QGroupBox(self.tr("Événements"), body)
        events_layout = QVBoxLayout(events_box)
        self.events = QListWidget(events_box)
        self.events.setObjectName("case_events")
        self.events.setAccessibleName(self.tr("Événements du dossier"))
        self.events.setMinimumHeight(110)
        self.events.setWordWrap(True)  # a long note reads whole, on several lines
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        events_layout.addWidget(self.events)
        layout.addWidget(events_box)

        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for act, text in BUTTONS:
            button = QPushButton(self.tr(text), body)
            button.setObjectName(f"case_act_{act}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys reach the acts; Tab never stops on a button
            button.clicked.connect(lambda _checked=False, a=act: self.actRequested.emit(a))
            self.buttons[act] = button
        for n, (act, _text) in enumerate(BUTTONS):
            grid.addWidget(self.buttons[act], n // 2, n % 2)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(body)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.show_case(None)

    # --- showing --------------------------------------------------------------------------------
    def show_case(self, view: CaseView | None, *, read_only_reason: str | None = None) -> None:
        """Show ``view`` (None: no case open); ``read_only_reason``: every editing act is disabled with it."""
        self.view, self.read_only_reason = view, read_only_reason
        self.placeholder.setVisible(view is None)
        for widget in self.widget().findChildren(QGroupBox):
            widget.setVisible(view is not None)
        self.events.clear()
        if view is None:
            self.title.setText(self.tr("Dossier"))
            self.status.clear()
            self.holder.clear()
            for button in self.buttons.values():
                button.setEnabled(False)
                button.hide()
            return
        self.title.setText(self.tr("Dossier %s — %s") % (case_codes.short_number(view.case_id), view.priority))
        self.setToolTip(view.case_id)
        self.status.setText(self.tr("Statut : %s") % view.status)
        if view.holder is not None:
            since = room_time(view.holder.since, seconds=False)
            self.holder.setText(self.tr("Pris en charge par %s depuis %s") % (view.holder.name, since))
        else:
            self.holder.setText(self.tr("Personne n'a ce dossier en charge"))
        for name in self.fields:
            self.fields[name].setText(getattr(view, name) or "—")
        phone = view.clock_source == "phone"
        typed = [] if phone else [self.tr("Heures saisies à la main (pas d'horloge du téléphone)")]
        self.clocks.setText("\n".join([
            f"{c.name} : {room_time(c.at)}" + (f" (+{c.delay})" if n else "") if c.at is not None else f"{c.name} : —"
            for n, c in enumerate(view.clocks)] + typed))
        self.sections["notes"].setText("\n".join(view.notes) or self.tr("Aucune note"))
        self.sections["patients"].setText("\n".join(view.patients) or self.tr("Aucun patient saisi"))
        self.sections["earlier"].setText("\n".join(view.earlier) or self.tr("Aucun"))
        for at, text in view.events:
            self.events.addItem(f"{room_time(at)}  {text}")
        if view.events:
            self.events.scrollToBottom()
        for act, button in self.buttons.items():
            reason = view.refusals.get(act)
            if reason is None and read_only_reason and act != "take_charge":
                reason = read_only_reason
            button.setEnabled(reason is None)
            button.setToolTip(reason or "")
            button.show()
        self._tick()

    @Slot()
    def _tick(self) -> None:
        view = self.view
        if view is None:
            self.waiting.clear()
            return
        decided = view.clocks[-1].at
        if view.running:
            seconds = (self._clock() - view.presented).total_seconds()
            self.waiting.setText(self.tr("En attente depuis %s") % queue.format_duration(seconds))
        elif decided is not None:
            seconds = (decided - view.presented).total_seconds()
            self.waiting.setText(self.tr("Décidé en %s") % queue.format_duration(seconds))
        else:
            self.waiting.clear()  # ended without a decision: no clock runs
