"""The supervisor wall's tiles and the shift chart.

:class:`Tile` is one indicator: a title, a big value and a detail line.  It
takes keyboard focus (Tab walks the wall tile by tile, a focused tile is
outlined) and carries an accessible name and description, so a screen reader
reads "Décrochés < 60 s : 75 %, 3 sur 4".  ``level`` colours the value:
``ok``, ``warn`` or ``alert``.

:class:`ShiftChart` shows, per hour of the shift, the calls presented and
those answered within 60 s (two bar sets on one hour axis, room time: the SAMU's
zone, whatever the computer's clock; the hour a fall-back night lives twice is
labelled ``02h`` then ``02h (2)``).
Formatting helpers are Qt-free on purpose (percentages, durations).
"""

from __future__ import annotations

from app.codes import room_time
from app.services.regulation.queue import format_duration
from app.services.supervision.stats import HourBucket, Share
from app.ui.qt import (
    QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QColor, QFrame, QLabel, QPainter, Qt, QValueAxis,
    QVBoxLayout, QWidget,
)

LEVEL_COLOURS = {"ok": "#1b5e20", "warn": "#e65100", "alert": "#b71c1c", "": "#212121"}
TILE_STYLE = """
Tile { background: #fafafa; border: 1px solid #cfd8dc; border-radius: 6px; }
Tile:focus { border: 2px solid #1565c0; }
QLabel#title { color: #455a64; font-size: 11pt; }
QLabel#detail { color: #607d8b; font-size: 9pt; }
"""


def percent(share: Share) -> str:
    """``75 %`` (French spacing), ``—`` when nothing was counted."""
    return "—" if share.ratio is None else f"{share.ratio * 100:.0f} %"


def duration(seconds: float | None) -> str:
    return format_duration(seconds)


def qs60_level(share: Share) -> str:
    """Against the SUdF target (99 % within 60 s): ok from 99 %, warn from 80 % (national 2022 level)."""
    if share.ratio is None:
        return ""
    return "ok" if share.ratio >= 0.99 else "warn" if share.ratio >= 0.80 else "alert"


def hour_labels(hours: list[HourBucket]) -> list[str]:
    """``08h``, ``09h``… on the room's clock; a repeated hour (DST fall-back) gets `` (2)`` (axis labels are unique)."""
    labels: list[str] = []
    for h in hours:
        label = room_time.hour_label(h.start)
        labels.append(label if label not in labels else f"{label} ({labels.count(label) + 1})")
    return labels


class Tile(QFrame):
    """One indicator on the wall."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(TILE_STYLE)
        self._title = QLabel(title, self)
        self._title.setObjectName("title")
        self._value = QLabel("—", self)
        self._value.setObjectName("value")
        self._detail = QLabel("", self)
        self._detail.setObjectName("detail")
        self._detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        for label in (self._title, self._value, self._detail):
            layout.addWidget(label)
        self.set_value("—")

    def title(self) -> str:
        return self._title.text()

    def value(self) -> str:
        return self._value.text()

    def detail(self) -> str:
        return self._detail.text()

    def set_value(self, value: str, detail: str = "", level: str = "") -> None:
        self._value.setText(value)
        self._value.setStyleSheet(f"font-size: 22pt; font-weight: 600; color: {LEVEL_COLOURS.get(level, '#212121')};")
        self._detail.setText(detail)
        self.setAccessibleName(self.tr("%s : %s") % (self._title.text(), value))
        self.setAccessibleDescription(detail)
        self.setToolTip(detail)


class ShiftChart(QChartView):
    """Calls per hour and calls answered within 60 s per hour, over the shift."""

    def __init__(self, calls_label: str, quick_label: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._labels = (calls_label, quick_label)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(title)
        self.setMinimumHeight(220)
        chart = QChart()
        chart.setTitle(title)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self._categories: list[str] = []
        self._totals: tuple[list[int], list[int]] = ([], [])

    def series_values(self) -> tuple[list[str], list[int], list[int]]:
        """(hour labels, calls, answered within 60 s) as last shown."""
        return self._categories, *self._totals

    def set_hours(self, hours: list[HourBucket]) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._categories = hour_labels(hours)
        self._totals = ([h.calls for h in hours], [h.answered_60 for h in hours])
        series = QBarSeries()
        for label, values, colour in zip(self._labels, self._totals, ("#90a4ae", "#2e7d32"), strict=True):
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            bar_set.append([float(v) for v in values])
            series.append(bar_set)
        chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(self._categories)
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%d")
        top = max([1, *self._totals[0]])
        # Whole calls only: one tick per call up to 5, else 5 intervals over a top rounded up to a multiple of 5
        # (a "%d" label on fractional ticks would read 0, 0, 0, 1).
        top = top if top <= 5 else -(-top // 5) * 5
        y_axis.setRange(0, top)
        y_axis.setTickCount(top + 1 if top <= 5 else 6)
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
