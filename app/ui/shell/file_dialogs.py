"""The console's file choosers: Qt's own dialog, always, so that it speaks French like the rest.

A platform's native dialog speaks the system's language, and the console sets
``LANG=C.UTF-8`` (:func:`app.ui.shell.app.prepare_qt_environment`), so it would
be English; Qt's dialog takes the translators of :mod:`app.ui.shell.i18n`.
Every file chooser of the interface goes through :func:`save_file_name`.
"""

from __future__ import annotations

from app.ui.qt import QDialog, QFileDialog, QWidget


def save_dialog(parent: QWidget | None, title: str, suggested: str, filters: str) -> QFileDialog:
    """A Qt (non-native) « save as » dialog, not shown yet: ``suggested`` path, ``filters`` like
    ``"Documents PDF (*.pdf)"``; it asks before replacing a file."""
    dialog = QFileDialog(parent, title, suggested, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(suggested)
    return dialog


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """Ask where to save (modal); the chosen path, or "" when cancelled."""
    dialog = save_dialog(parent, title, suggested, filters)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
    finally:
        dialog.deleteLater()
