"""The supervisor's shift review: a period's cases, filtered and searched, their timelines, the journal's chain.

:class:`ShiftReviewPanel` loads the period's cases and checks the journal's hash chain
(:class:`app.services.supervision.desk_reads.SupervisionReads`) on Qt's thread pool,
then filters in memory (:func:`app.services.supervision.shift_review.apply_filter`, a few
milliseconds for 5,000 cases) as the supervisor changes a box or types in the
search field (after a 250 ms pause).  The badge says « Journal intègre — N
entrée(s) » in green or « Chaîne rompue à l'entrée n° X » in red.

Keyboard: Alt+letters reach the boxes (Pé&riode, &Rôle, &Opérateur, Pr&iorité,
&Décision, S&tatut, Re&chercher), arrows walk the table, Entrée opens the case's
timeline (:class:`app.ui.supervisor.case_timeline.CaseTimelineDialog`), Ctrl+P writes the
PDF shift report (:class:`app.ui.supervisor.shift_report.ShiftReportAction`), Ctrl+R
reloads.  Every time shown (the date pickers, the table, the presets' bounds) is
room time (:mod:`app.codes.room_time`): the pickers hold the room's wall clock,
whatever the computer's zone (:mod:`app.ui.supervisor.room_time_edit`).
:func:`attach_review` docks the panel next to the supervisor wall (F10 brings it forward).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from app.codes import room_time
from app.services.supervision import shift_review as review
from app.services.supervision.desk_reads import SupervisionReads
from app.services.supervision.stats import PRIORITIES
from app.ui.shell.background import BackgroundJob
from app.ui.supervisor.case_timeline import CaseTimelineDialog
from app.ui.shell.icons import with_icon
from app.ui.shell.file_dialogs import save_file_name
from app.ui.qt import (
    QAbstractItemView, QAction, QComboBox, QDateTimeEdit, QDockWidget, QHBoxLayout, QHeaderView, QKeySequence, QLabel,
    QLineEdit, QMainWindow, QPushButton, Qt, QTableView, QTimer, QVBoxLayout, QWidget, Signal,
)
from app.ui.supervisor.review_model import ReviewModel
from app.ui.supervisor.room_time_edit import picked_time, show_time
from app.ui.supervisor.shift_report import ShiftReportAction

DEBOUNCE_MS = 250
#: Live reloads (the sync stored journal entries) come at most this often.
LIVE_RELOAD_MS = 1000
BADGE_STYLE = {True: "background: #e8f5e9; color: #1b5e20;", False: "background: #ffebee; color: #b71c1c;",
               None: "background: #eceff1; color: #455a64;"}


class ShiftReviewPanel(QWidget):
    """Signals: ``loaded(int)`` rows of the period; ``filtered(int)`` rows shown; ``chainChecked(object)``;
    ``timelineOpened(object)`` the dialog; ``reportWritten(str, int)`` path and pages."""

    loaded = Signal(int)
    filtered = Signal(int)
    chainChecked = Signal(object)
    timelineOpened = Signal(object)
    reportWritten = Signal(str, int)

    def __init__(self, reads: SupervisionReads, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] | None = None, user: str = "",
                 period: tuple[datetime, datetime] | None = None):
        super().__init__(parent)
        self.setObjectName("shiftReview")
        self.setWindowTitle(self.tr("Revue de garde"))
        self._reads = reads
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._rows: list[review.ReviewRow] = []
        self._period = period or review.preset_period("shift", self._clock())
        self._load_job, self._chain_job = BackgroundJob(self), BackgroundJob(self)
        self._load_job.finished.connect(self._on_loaded)
        self._chain_job.finished.connect(self._on_chain)
        for job in (self._load_job, self._chain_job):
            job.failed.connect(lambda message: self.count_label.setText(self.tr("Échec : %s") % message))
        self.report = ShiftReportAction(reads, self, user=user)
        self.report.written.connect(self._on_report_written)
        self.report.failed.connect(lambda message: self.count_label.setText(self.tr("Rapport : %s") % message))
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS, timeout=self.apply_filters)
        self._live_reload = QTimer(self, singleShot=True, interval=LIVE_RELOAD_MS, timeout=self.reload)
        self._build()
        self.set_period(*self._period)

    # --- layout ---------------------------------------------------------------------------------
    def _box(self, label: str, items: list[tuple[str, object]]) -> tuple[QLabel, QComboBox]:
        box = QComboBox(self)
        for text, data in items:
            box.addItem(text, data)
        caption = QLabel(label, self)
        caption.setBuddy(box)
        box.currentIndexChanged.connect(self.apply_filters)
        return caption, box

    def _build(self) -> None:
        period_label, self.period_box = self._box(self.tr("Pé&riode :"), [(self.tr(t), k) for k, t in
                                                                          review.PRESETS.items()])
        self.period_box.addItem(self.tr("Dates choisies"), "custom")
        self.period_box.currentIndexChanged.disconnect(self.apply_filters)
        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self.from_edit, self.to_edit = QDateTimeEdit(self), QDateTimeEdit(self)
        for edit, name in ((self.from_edit, self.tr("Début de période")), (self.to_edit, self.tr("Fin de période"))):
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(name)
            edit.setEnabled(False)
            edit.editingFinished.connect(self._on_dates_edited)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("Nom, motif, adresse, note, n° de dossier…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        search_label = QLabel(self.tr("Re&chercher :"), self)
        search_label.setBuddy(self.search_box)
        top = QHBoxLayout()
        for w in (period_label, self.period_box, self.from_edit, QLabel("→", self), self.to_edit, search_label):
            top.addWidget(w)
        top.addWidget(self.search_box, 1)

        any_ = self.tr("Tous")
        role_label, self.role_box = self._box(self.tr("&Rôle :"), [(any_, None)])
        operator_label, self.operator_box = self._box(self.tr("&Opérateur :"), [(any_, None)])
        priority_label, self.priority_box = self._box(self.tr("Pr&iorité :"),
                                                      [(self.tr("Toutes"), None), *((p, p) for p in PRIORITIES)])
        decision_label, self.decision_box = self._box(self.tr("&Décision :"), [(self.tr("Toutes"), None)])
        status_label, self.status_box = self._box(self.tr("S&tatut :"), [(any_, None)])
        self.badge = QLabel(self.tr("Vérification du journal…"), self)
        self.badge.setAccessibleName(self.tr("Intégrité du journal"))
        self.badge.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._set_badge(None, self.badge.text())
        self.count_label = QLabel(self)
        self.report_button = with_icon(QPushButton(self.tr("Rapport de garde (PDF)… (Ctrl+P)"), self), "report")
        self.report_button.clicked.connect(self.choose_report)
        second = QHBoxLayout()
        for w in (role_label, self.role_box, operator_label, self.operator_box, priority_label, self.priority_box,
                  decision_label, self.decision_box, status_label, self.status_box, self.count_label):
            second.addWidget(w)
        second.addStretch(1)
        second.addWidget(self.badge)
        second.addWidget(self.report_button)

        self.model = ReviewModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Dossiers de la période"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda index: self.open_timeline(index.row()))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        for text, keys, slot in ((self.tr("Rapport de garde (PDF)…"), "Ctrl+P", self.choose_report),
                                 (self.tr("Recharger la revue"), "Ctrl+R", self.reload)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _set_badge(self, ok: bool | None, text: str) -> None:
        self.badge.setText(text)
        self.badge.setStyleSheet(f"QLabel {{ {BADGE_STYLE[ok]} padding: 3px 8px; border-radius: 4px; "
                                 "font-weight: 600; }")

    # --- data -------------------------------------------------------------------------------------
    def period(self) -> tuple[datetime, datetime]:
        return self._period

    def rows(self) -> list[review.ReviewRow]:
        """The rows the table shows, in order."""
        return [self.model.case_at(i) for i in range(self.model.rowCount())]

    def reload(self) -> None:
        """Read the period's cases and check the journal, in the background."""
        start, end = self._period
        reads = self._reads
        self.count_label.setText(self.tr("Chargement…"))
        self._load_job.submit(lambda: reads.review_rows(start, end))
        self._chain_job.submit(reads.chain_status)

    def reload_soon(self) -> None:
        """Reload within :data:`LIVE_RELOAD_MS` (the journal moved); a burst of changes makes one reload."""
        if not self._live_reload.isActive():
            self._live_reload.start()

    def current_filter(self) -> review.ReviewFilter:
        start, end = self._period
        return review.ReviewFilter(start, end, role=self.role_box.currentData(),
                                   operator=self.operator_box.currentData(), priority=self.priority_box.currentData(),
                                   decision=self.decision_box.currentData(), status=self.status_box.currentData(),
                                   text=self.search_box.text())

    def apply_filters(self) -> None:
        self._debounce.stop()
        current = self.model.case_at(self.table.currentIndex().row())
        selected = current.uuid if current is not None else None
        shown = review.apply_filter(self._rows, self.current_filter())
        self.model.set_rows(shown)
        self.count_label.setText(self.tr("%d dossier(s) sur %d") % (len(shown), len(self._rows)))
        if shown:  # the case the supervisor was on stays selected through a live reload
            self.table.selectRow(next((i for i, row in enumerate(shown) if row.uuid == selected), 0))
        self.filtered.emit(len(shown))

    def _on_loaded(self, rows: list[review.ReviewRow]) -> None:
        self._rows = rows
        found = review.choices(rows)
        self._refill(self.role_box, [(r, r) for r in found.roles])
        self._refill(self.operator_box, [(o, o) for o in found.operators])
        self._refill(self.decision_box, [(review.decision_label(d), d) for d in found.decisions]
                     + [(self.tr("Sans décision"), review.NO_DECISION)])
        self._refill(self.status_box, [(self.tr(review.STATUS_LABELS[s]), s) for s in found.statuses])
        self.apply_filters()
        self.loaded.emit(len(rows))

    def _refill(self, box: QComboBox, items: list[tuple[str, object]]) -> None:
        """Replace a box's choices (after its first "all" entry), keeping the current one when still offered."""
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for text, data in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
        box.blockSignals(False)

    def _on_chain(self, status: review.ChainStatus) -> None:
        self._set_badge(status.ok, self.tr("Journal intègre — %d entrée(s)") % status.entries if status.ok else
                        self.tr("Chaîne rompue à l'entrée n° %d") % status.first_bad_seq)
        self.badge.setToolTip(status.reason)
        self.chainChecked.emit(status)

    def _on_period_changed(self) -> None:
        key = self.period_box.currentData()
        custom = key == "custom"
        for edit in (self.from_edit, self.to_edit):
            edit.setEnabled(custom)
        if custom:
            self.from_edit.setFocus()
            return
        self.set_period(*review.preset_period(key, self._clock()))

    def _on_dates_edited(self) -> None:
        start, end = picked_time(self.from_edit), picked_time(self.to_edit)
        if end > start and (start, end) != self._period:
            self.set_period(start, end)

    def set_period(self, start: datetime, end: datetime) -> None:
        """Review ``[start, end)`` (reloads)."""
        self._period = (start, end)
        show_time(self.from_edit, start)
        show_time(self.to_edit, end)
        self.reload()

    # --- timeline and report -------------------------------------------------------------------------
    def open_timeline(self, row: int | None = None) -> CaseTimelineDialog | None:
        """Open the timeline of ``row`` (the current row by default)."""
        row = self.table.currentIndex().row() if row is None else row
        case = self.model.case_at(row)
        if case is None:
            return None
        dialog = CaseTimelineDialog(self._reads, case.uuid, case.case_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.timelineOpened.emit(dialog)
        return dialog

    def choose_report(self) -> None:
        start, _end = self._period
        suggested = str(Path.home() / f"rapport-de-garde-{room_time.file_stamp(start)}.pdf")
        path = save_file_name(self, self.tr("Rapport de garde (PDF)"), suggested, self.tr("Documents PDF (*.pdf)"))
        if path:
            self.write_report(Path(path))

    def write_report(self, target: Path) -> None:
        """Write the PDF report of the reviewed period to ``target`` (background, with a progress dialog)."""
        start, end = self._period
        self.report.start(target, start, end, self._clock())

    def _on_report_written(self, path: str, pages: int) -> None:
        self.count_label.setText(self.tr("Rapport écrit : %s (%d page(s))") % (Path(path).name, pages))
        self.reportWritten.emit(path, pages)


def attach_review(window: QMainWindow, reads: SupervisionReads, beside: QDockWidget | None = None, *,
                  user: str = "") -> ShiftReviewPanel:
    """Dock a review panel in ``window`` (tabbed with ``beside``, e.g. the wall's dock); F10 brings it forward."""
    panel = ShiftReviewPanel(reads, user=user)
    dock = QDockWidget(panel.windowTitle(), window)
    dock.setObjectName("shiftReviewDock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    if beside is not None:
        window.tabifyDockWidget(beside, dock)
        beside.raise_()
    focus = QAction(panel.windowTitle(), window)
    focus.setShortcut(QKeySequence("F10"))
    focus.triggered.connect(lambda: (dock.show(), dock.raise_(), panel.search_box.setFocus()))
    window.addAction(focus)
    return panel
