"""The chef de salle's live wall: queue, answer times, time to a doctor, SNP outcome, the shift chart.

:class:`SupervisorWall` shows :class:`app.services.supervision.stats.Stats` for the current
shift (08:00–20:00 or 20:00–08:00 on the room's clock: every time shown is room time,
:mod:`app.codes.room_time`), computed by the same
:func:`app.services.supervision.stats.compute` as ``GET /api/v1/stats``
(:func:`app.services.supervision.stats.query_stats`), over the
console's local cache (the journal the sync pulls fills it), read through
:class:`app.services.supervision.desk_reads.SupervisionReads`.  Each refresh
runs on Qt's thread pool (:class:`app.ui.shell.background.BackgroundJob`), so the
window never freezes; refreshes asked while one runs are coalesced.  A
one-second tick moves the running clocks (oldest wait, P0 timers) between
refreshes.

Keyboard: Tab walks the filters, tiles and chart; Ctrl+R refreshes;
Ctrl+Maj+E exports the filtered journal to CSV (with a progress bar);
F9 (from the main window) brings the wall forward.  :func:`attach_wall`
docks it in the console window and refreshes it whenever the journal grows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from app.codes import room_time
from app.services.supervision import stats
from app.services.supervision.desk_reads import SupervisionReads
from app.services.supervision.stats_rows import Rows
from app.ui.shell.background import BackgroundJob
from app.ui.shell.icons import with_icon
from app.ui.shell.file_dialogs import save_file_name
from app.ui.qt import (
    QAction, QComboBox, QDockWidget, QGridLayout, QHBoxLayout, QKeySequence, QLabel, QListWidget,
    QMainWindow, QProgressBar, QPushButton, Qt, QTimer, QVBoxLayout, QWidget, Signal,
)
from app.ui.supervisor.shift_review import attach_review
from app.ui.supervisor.stats_tiles import ShiftChart, Tile, duration, percent, qs60_level

#: Full recomputation at least this often (ms), even when the journal is quiet.
REFRESH_MS = 30_000
TILES = ("waiting_amu", "waiting_snp", "oldest_wait", "p0", "answered_60", "answered_30", "to_doctor", "snp_booked")


class SupervisorWall(QWidget):
    """Signals: ``updated(Stats)`` after each refresh; ``exported(path, count)`` after a CSV export."""

    updated = Signal(object)
    exported = Signal(str, int)

    def __init__(self, reads: SupervisionReads, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] | None = None, period: tuple[datetime, datetime] | None = None):
        super().__init__(parent)
        self.setObjectName("supervisorWall")
        self.setWindowTitle(self.tr("Mur du superviseur"))
        self._reads = reads
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._fixed_period = period
        self._stats: stats.Stats | None = None
        self._rows: Rows | None = None
        self._job = BackgroundJob(self)
        self._job.finished.connect(self._show)
        self._job.failed.connect(self._on_failed)
        self._export_job = BackgroundJob(self)
        self._export_job.finished.connect(self._on_exported)
        self._export_job.failed.connect(self._on_failed)
        self._export_job.progress.connect(self._on_progress)
        self._build()
        self._ticker = QTimer(self, interval=1000, timeout=self._tick)
        self._ticker.start()
        self._refresher = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self._refresher.start()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.stream_box = QComboBox(self)
        for label, key in ((self.tr("Toutes"), None), ("AMU", "AMU"), ("SNP", "SNP"), (self.tr("Non orientée"), "NR")):
            self.stream_box.addItem(label, key)
        self.priority_box = QComboBox(self)
        self.priority_box.addItem(self.tr("Toutes"), None)
        for p in stats.PRIORITIES:
            self.priority_box.addItem(p, p)
        stream_label, priority_label = QLabel(self.tr("&Filière :"), self), QLabel(self.tr("&Priorité :"), self)
        stream_label.setBuddy(self.stream_box)
        priority_label.setBuddy(self.priority_box)
        self.period_label = QLabel(self)
        self.status_label = QLabel(self)
        self.refresh_button = with_icon(QPushButton(self.tr("&Actualiser (Ctrl+R)"), self), "refresh")
        self.export_button = with_icon(QPushButton(self.tr("E&xporter le journal… (Ctrl+Maj+E)"), self), "export")
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(160)
        bar = QHBoxLayout()
        for w in (stream_label, self.stream_box, priority_label, self.priority_box, self.period_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.status_label, self.progress, self.refresh_button, self.export_button):
            bar.addWidget(w)

        titles = {
            "waiting_amu": self.tr("En attente — AMU"), "waiting_snp": self.tr("En attente — SNP"),
            "oldest_wait": self.tr("Plus longue attente"), "p0": self.tr("P0 en cours (accompagnés)"),
            "answered_60": self.tr("Décrochés < 60 s (QS60)"), "answered_30": self.tr("Décrochés < 30 s (QS30)"),
            "to_doctor": self.tr("Délai jusqu'au médecin P1 (médiane / p90)"),
            "snp_booked": self.tr("SNP terminés par un RDV"),
        }
        self.tiles = {name: Tile(titles[name], self) for name in TILES}
        grid = QGridLayout()
        for i, name in enumerate(TILES):
            grid.addWidget(self.tiles[name], i // 4, i % 4)

        self.chart = ShiftChart(self.tr("Appels présentés"), self.tr("Décrochés en 60 s ou moins"),
                                self.tr("Appels par heure sur la garde"), self)
        self.in_hand = QListWidget(self)
        self.in_hand.setAccessibleName(self.tr("Dossiers en main par opérateur"))
        self.in_hand.setMaximumWidth(260)
        self.follow_up = QLabel(self)
        self.follow_up.setWordWrap(True)
        self.follow_up.setStyleSheet("color: #607d8b;")
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Dossiers en main"), self))
        side.addWidget(self.in_hand, 1)
        side.addWidget(self.follow_up)
        lower = QHBoxLayout()
        lower.addWidget(self.chart, 1)
        lower.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(grid)
        layout.addLayout(lower, 1)

        self.refresh_action = self._action(self.tr("Actualiser les indicateurs"), "Ctrl+R", self.refresh)
        self.export_action = self._action(self.tr("Exporter le journal filtré (CSV)…"), "Ctrl+Shift+E",
                                          self.choose_export)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.choose_export)
        self.stream_box.currentIndexChanged.connect(self._refilter)
        self.priority_box.currentIndexChanged.connect(self._refilter)

    def _action(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # --- data ---------------------------------------------------------------------------------
    def period(self) -> tuple[datetime, datetime]:
        return self._fixed_period or stats.current_shift(self._clock())

    def filters(self) -> tuple[str | None, str | None]:
        return self.stream_box.currentData(), self.priority_box.currentData()

    def last_stats(self) -> stats.Stats | None:
        return self._stats

    def is_busy(self) -> bool:
        return self._job.busy or self._export_job.busy

    def refresh(self) -> None:
        """Reload the shift's rows and recompute, in the background (coalesced with a run in flight)."""
        (start, end), now, (stream, priority) = self.period(), self._clock(), self.filters()
        reads = self._reads

        def job() -> tuple[Rows, stats.Stats]:
            rows = reads.stats_rows(start, end, now)
            return rows, stats.compute(rows, start, end, now, stream=stream, priority=priority)

        self._job.submit(job)

    def _refilter(self) -> None:
        """A filter changed: recompute from the rows already loaded (no database read)."""
        if self._rows is None or self._stats is None:
            self.refresh()
            return
        rows, (start, end), now, (stream, priority) = self._rows, self.period(), self._clock(), self.filters()
        self._job.submit(lambda: (rows, stats.compute(rows, start, end, now, stream=stream, priority=priority)))

    def _show(self, outcome: tuple[Rows, stats.Stats]) -> None:
        self._rows, result = outcome
        self._stats = result
        t = self.tiles
        for stream, name in (("AMU", "waiting_amu"), ("SNP", "waiting_snp")):
            counts = result.waiting[stream]
            detail = "  ".join(f"{p} {n}" for p, n in counts.items() if n) or self.tr("aucun")
            t[name].set_value(str(sum(counts.values())), detail, "warn" if counts["P1"] else "")
        t["answered_60"].set_value(percent(result.answered_60), self._share_detail(result.answered_60),
                                   qs60_level(result.answered_60))
        t["answered_30"].set_value(percent(result.answered_30), self._share_detail(result.answered_30))
        if result.abandoned_calls is not None:
            t["answered_60"].set_value(percent(result.answered_60), self._share_detail(result.answered_60) + "\n" +
                                       self.tr("%d abandonné(s), %d dossier(s) aux heures saisies")
                                       % (result.abandoned_calls.numerator, result.typed_cases),
                                       qs60_level(result.answered_60))
        p1 = result.time_to_doctor["P1"]
        others = "  ".join(f"{p} {duration(d.median_s)}" for p, d in result.time_to_doctor.items()
                           if p != "P1" and d.count)
        t["to_doctor"].set_value(f"{duration(p1.median_s)} / {duration(p1.p90_s)}", others)
        t["snp_booked"].set_value(percent(result.snp_booked), self._share_detail(result.snp_booked))
        self._tick()
        self.chart.set_hours(result.hours)
        self.in_hand.clear()
        for load in result.in_hand:
            who = f"{load.operator} ({load.role})" if load.role else load.operator
            self.in_hand.addItem(self.tr("%s : %d dossier(s)") % (who, load.cases))
        self.follow_up.setText(self.tr("Non présentés : %.0f %% — annulations : %.0f %%. %s")
                               % (result.no_show_rate * 100, result.cancellation_rate * 100,
                                  result.notes.get("no_show", "")))
        self.period_label.setText(self.tr("Garde du %s au %s — %d appel(s)")
                                  % (room_time.day_clock(result.start), room_time.day_clock(result.end), result.calls))
        self.status_label.setText(self.tr("Mis à jour à %s") % room_time.clock_seconds(result.now))
        self.updated.emit(result)

    def _share_detail(self, share: stats.Share) -> str:
        return self.tr("%d sur %d") % (share.numerator, share.denominator)

    def _tick(self) -> None:
        """Move the running clocks on from the last snapshot."""
        result = self._stats
        if result is None:
            return
        elapsed = max(0.0, (self._clock() - result.now).total_seconds())
        oldest = None if result.oldest_wait_s is None else result.oldest_wait_s + elapsed
        waiting = self.tr("%d dossier(s) en attente") % result.waiting_total
        if result.phone_calls or result.calls_waiting:  # the room's telephone (issue 15): calls ringing now
            longest = None if result.longest_call_wait_s is None else result.longest_call_wait_s + elapsed
            waiting += "\n" + self.tr("%d appel(s) en attente — plus longue %s") % (result.calls_waiting,
                                                                                   duration(longest))
        self.tiles["oldest_wait"].set_value(duration(oldest), waiting,
                                            "alert" if oldest is not None and oldest > 600 else "")
        timers = [duration(p.running_s + elapsed) for p in result.p0_timers]
        self.tiles["p0"].set_value(str(len(timers)), "  ".join(timers[:6]), "alert" if timers else "")

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.status_label.setText(self.tr("Échec : %s") % message)

    # --- export ---------------------------------------------------------------------------------
    def choose_export(self) -> None:
        start, _end = self.period()
        suggested = str(Path.home() / f"journal-{room_time.file_stamp(start)}.csv")
        path = save_file_name(self, self.tr("Exporter le journal"), suggested, self.tr("Fichiers CSV (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        """Write the journal of the period, restricted to the filtered cases, to ``target`` (background)."""
        (start, end), (stream, priority) = self.period(), self.filters()
        reads, job = self._reads, self._export_job

        def run() -> tuple[str, int]:
            count = reads.export_journal(target, start, end, stream=stream, priority=priority, progress=job.report)
            return str(target), count

        self.progress.setValue(0)
        self.progress.setVisible(True)
        job.submit(run)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_exported(self, result: tuple[str, int]) -> None:
        path, count = result
        self.progress.setVisible(False)
        self.status_label.setText(self.tr("%d entrée(s) exportée(s) vers %s") % (count, Path(path).name))
        self.exported.emit(path, count)


def attach_wall(window: QMainWindow, reads: SupervisionReads, sync=None, *, user: str = "") -> SupervisorWall:
    """Dock a wall in ``window`` (F9 brings it forward) and refresh it when the sync pulls journal entries.

    The shift review (:mod:`app.ui.supervisor.shift_review`, F10) is docked in a tab beside it; ``user`` signs its
    reports.
    """
    wall = SupervisorWall(reads)
    dock = QDockWidget(wall.windowTitle(), window)
    dock.setObjectName("supervisorDock")
    dock.setWidget(wall)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    focus = QAction(wall.windowTitle(), window)
    focus.setShortcut(QKeySequence("F9"))
    focus.triggered.connect(lambda: (dock.show(), dock.raise_(), wall.stream_box.setFocus()))
    window.addAction(focus)
    review = attach_review(window, reads, dock, user=user)
    if sync is not None:
        sync.add_journal_listener(lambda entries: entries and (wall.refresh(), review.reload_soon()))
    return wall
