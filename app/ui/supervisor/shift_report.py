"""The PDF shift report ("Rapport de garde (PDF)…"): gathered off the GUI thread, printed with Qt.

:func:`write_pdf` renders the hourly chart (the wall's
:class:`app.ui.supervisor.stats_tiles.ShiftChart`, drawn offscreen at print resolution),
adds it to a ``QTextDocument`` holding :func:`app.services.supervision.report_content.report_html`
and prints that to an A4 :class:`QPdfWriter` (page numbers at the foot); it
returns the number of pages.  :class:`ShiftReportAction` runs the whole thing
from a window: the data is read on Qt's thread pool
(:meth:`app.services.supervision.desk_reads.SupervisionReads.shift_report`) behind a
:class:`QProgressDialog` (shown only when it lasts), then printed on the GUI
thread (charts are widgets).  The file is written to a temporary name and
renamed, so a half-written report never exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from app.services.supervision.desk_reads import SupervisionReads
from app.services.supervision.report_content import STEPS, ReportData, report_html
from app.services.supervision.stats import HourBucket
from app.ui.shell.background import BackgroundJob
from app.ui.qt import (
    QFont, QImage, QMargins, QMarginsF, QObject, QPageLayout, QPageSize, QPainter, QPdfDocument, QPdfWriter,
    QProgressDialog, QRectF, QSizeF, QTextDocument, QUrl, QWidget, Signal,
)
from app.ui.supervisor.stats_tiles import ShiftChart

CHART_URL = "sas-report://chart.png"
#: Chart size in device pixels (drawn at twice the size it is printed at, for crisp lines).
CHART_PX = (1600, 640)


def chart_image(hours: list[HourBucket]) -> QImage:
    """The wall's hourly chart of ``hours``, rendered offscreen (the view is never shown)."""
    view = ShiftChart("Appels présentés", "Décrochés en 60 s ou moins", "", None)
    view.set_hours(hours)
    chart = view.chart()
    chart.setTitle("")
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    font = QFont()
    font.setPointSize(18)
    chart.legend().setFont(font)
    for axis in chart.axes():
        axis.setLabelsFont(font)
    size = QSizeF(*CHART_PX)
    chart.resize(size)  # an unshown view never lays its chart out: size it, then draw its scene
    view.scene().setSceneRect(QRectF(0, 0, size.width(), size.height()))
    image = QImage(*CHART_PX, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    view.scene().render(painter, QRectF(0, 0, size.width(), size.height()), QRectF(0, 0, size.width(), size.height()))
    painter.end()
    view.deleteLater()
    return image


def write_pdf(data: ReportData, target: Path, *, generated_by: str, generated_at: datetime | None = None) -> int:
    """Print the report of ``data`` to ``target`` (A4); returns the number of pages."""
    generated_at = generated_at or datetime.now(timezone.utc)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), chart_image(data.stats.hours))
    doc.setHtml(report_html(data, generated_at=generated_at, generated_by=generated_by, chart_src=CHART_URL))
    tmp = target.with_name(target.name + ".part")
    writer = QPdfWriter(str(tmp))
    writer.setTitle(f"Rapport de garde — {data.samu}")
    writer.setCreator("Console de régulation SAS")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    doc.print_(writer)
    del writer  # flushes and closes the file
    tmp.replace(target)
    return page_count(target)


def page_count(path: Path) -> int:
    pdf = QPdfDocument()
    pdf.load(str(path))
    count = pdf.pageCount()
    pdf.close()
    return count


def pdf_text(path: Path) -> str:
    """All the text of a PDF, page after page (what a reader would find with Ctrl+F)."""
    pdf = QPdfDocument()
    pdf.load(str(path))
    text = "\n".join(pdf.getAllText(i).text() for i in range(pdf.pageCount()))
    pdf.close()
    return text


def render_page(path: Path, page: int, target: Path, width: int = 1240) -> None:
    """Page ``page`` of a PDF as a PNG ``width`` pixels wide (to look at the report, and for the README)."""
    pdf = QPdfDocument()
    pdf.load(str(path))
    size = pdf.pagePointSize(page)
    pdf.render(page, QSizeF(width, width * size.height() / size.width()).toSize()).save(str(target))
    pdf.close()


class ShiftReportAction(QObject):
    """Write a shift's report from a window, with a progress dialog.

    Signals:
        written(str, int): the report's path and its number of pages.
        failed(str): why it could not be written (French).
    """

    written = Signal(str, int)
    failed = Signal(str)

    def __init__(self, reads: SupervisionReads, parent: QWidget, *, user: str = ""):
        super().__init__(parent)
        self._reads, self._parent, self._user = reads, parent, user
        self._job = BackgroundJob(self)
        self._job.progress.connect(self._on_progress)
        self._job.finished.connect(self._on_gathered)
        self._job.failed.connect(self._on_failed)
        self._target: Path | None = None
        self.progress: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self._job.busy

    def start(self, target: Path, start: datetime, end: datetime, now: Callable[[], datetime] | datetime) -> None:
        """Gather the report of ``[start, end)`` in the background, then print it to ``target``."""
        at = now() if callable(now) else now
        self._target = target
        self.progress = QProgressDialog(self.tr("Préparation du rapport de garde…"), self.tr("Masquer"), 0, STEPS + 1,
                                        self._parent)
        self.progress.setWindowTitle(self.tr("Rapport de garde (PDF)"))
        self.progress.setMinimumDuration(400)
        self.progress.setValue(0)
        reads, job = self._reads, self._job
        job.submit(lambda: reads.shift_report(start, end, min(at, end), job.report))

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            labels = {1: self.tr("Lecture des dossiers…"), 2: self.tr("Vérification du journal…"),
                      3: self.tr("Mise en page du PDF…")}
            self.progress.setLabelText(labels.get(done, ""))
            self.progress.setValue(done)

    def _on_gathered(self, data: ReportData) -> None:
        try:
            pages = write_pdf(data, self._target, generated_by=self._user or "—")
        except OSError as exc:
            self._on_failed(self.tr("écriture impossible (%s)") % exc.strerror)
            return
        if self.progress is not None:
            self.progress.setValue(STEPS + 1)
        self.written.emit(str(self._target), pages)

    def _on_failed(self, message: str) -> None:
        if self.progress is not None:
            self.progress.cancel()
        self.failed.emit(message)
