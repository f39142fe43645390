"""The unexpected-error dialog: an exception nobody caught is explained in French, and the console goes on.

:func:`install_excepthook` replaces ``sys.excepthook`` (and
``threading.excepthook``): the exception is logged, then
:class:`ErrorDialog` says that an unexpected error happened and that the
data is saved (every case and orientation is in the local cache before
anything else happens), with "Copier les informations de débogage" (version,
Python, Qt and platform, the traceback and the last log lines, every password
and token scrubbed by :func:`app.logs.scrub`) and "Fermer".  The dialog is not
modal and only one is shown at a time: a burst of errors from a timer shows
one dialog counting them, never a pile.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from importlib import metadata

from app import logs
from app.ui.qt import (
    PySide6, QApplication, QDialog, QDialogButtonBox, QLabel, QObject, QPlainTextEdit, QtCore, QVBoxLayout,
    QWidget, Signal, Slot,
)

log = logging.getLogger(__name__)


def app_version() -> str:
    try:
        return metadata.version("sas-console")
    except metadata.PackageNotFoundError:
        return "inconnue"


def debug_info(exc_type, exc, tb, *, log_lines: int = 30) -> str:
    """Everything a developer needs about one error, with passwords and tokens scrubbed."""
    parts = [
        f"Console de régulation SAS {app_version()}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"Qt {QtCore.qVersion()}, PySide6 {PySide6.__version__}",
        QtCore.QCoreApplication.translate("ErrorDialog", "Système : %s") % platform.platform(),
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
        "",
        QtCore.QCoreApplication.translate("ErrorDialog", "Dernières lignes du journal technique :"),
        *logs.last_lines(log_lines),
    ]
    return logs.scrub("\n".join(parts))


class ErrorDialog(QDialog):
    """"Une erreur inattendue s'est produite…", the error's one line, Copy debug information, Close."""

    def __init__(self, summary: str, info: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Erreur inattendue"))
        self.info = info
        self.count = 1
        self.message = QLabel(self.tr(
            "Une erreur inattendue s'est produite. Vos données sont enregistrées : la console continue, "
            "vous pouvez reprendre votre travail.\n\nSi l'erreur revient, copiez les informations de "
            "débogage et transmettez-les au support."), self)
        self.message.setWordWrap(True)
        self.summary = QLabel(summary, self)
        self.summary.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Erreur"))
        self.details = QPlainTextEdit(info, self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Informations de débogage"))
        self.details.setMinimumHeight(160)
        self.buttons = QDialogButtonBox(self)
        self.copy_button = self.buttons.addButton(self.tr("&Copier les informations de débogage"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(self.tr("&Fermer"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setDefault(True)
        self.copy_button.setAccessibleName(self.tr("Copier les informations de débogage"))
        self.close_button.setAccessibleName(self.tr("Fermer"))
        self.copy_button.clicked.connect(self.copy)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.summary, self.details, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(560)

    @Slot()
    def copy(self) -> None:
        QApplication.clipboard().setText(self.info)
        self.copy_button.setText(self.tr("Informations copiées"))

    def add_occurrence(self, summary: str, info: str) -> None:
        """Another error while this dialog is open: count it, keep the newest details."""
        self.count += 1
        self.summary.setText(self.tr("%s\n(%d erreurs depuis l'ouverture de ce message)") % (summary, self.count))
        self.info = info
        self.details.setPlainText(info)


class ErrorReporter(QObject):
    """Receives uncaught exceptions from any thread and shows them on the GUI thread.

    Signals:
        reported(str, str): an error's one-line summary and its scrubbed debug information.
    """

    reported = Signal(str, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        self._previous = (sys.excepthook, threading.excepthook)
        self.reported.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = lambda a: self.excepthook(a.exc_type, a.exc_value, a.exc_traceback)

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            self._previous[0](exc_type, exc, tb)
            return
        # Logged as scrubbed text rather than exc_info, so that no handler (console, file) sees a secret.
        log.error("unexpected error\n%s", logs.scrub("".join(traceback.format_exception(exc_type, exc, tb))))
        summary = logs.scrub("".join(traceback.format_exception_only(exc_type, exc)).strip())
        self.reported.emit(summary, debug_info(exc_type, exc, tb))

    @Slot(str, str)
    def _show(self, summary: str, info: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_occurrence(summary, info)
            return
        parent = QApplication.activeWindow()
        self.dialog = ErrorDialog(summary, info, parent)
        self.dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget)
        self.dialog.show()
        self.dialog.raise_()

    @Slot()
    def _forget(self) -> None:
        self.dialog = None


_reporter: ErrorReporter | None = None


def install_excepthook(app: QApplication | None = None) -> ErrorReporter:
    """Show every uncaught exception in an :class:`ErrorDialog` from now on (once per process)."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter(app or QApplication.instance())
        _reporter.install()
    return _reporter
