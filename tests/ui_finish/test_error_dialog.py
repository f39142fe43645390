"""An exception nobody caught: a French dialog, the console keeps running, the debug copy has no secret."""

from __future__ import annotations

import logging

import pytest

from app.ui.shell.error_dialog import ErrorDialog, ErrorReporter
from app import logs
from app.ui.qt import QApplication, QPushButton, Qt, QTimer, Slot

SECRET = "arm-demo-S3cret!"


class Faulty(QPushButton):
    """A button whose slot fails the way a bug would, carrying a password in its message."""

    @Slot()
    def explode(self) -> None:
        raise RuntimeError(f"échec de la connexion avec password={SECRET} token={SECRET}")


@pytest.fixture
def reporter(qapp, data_dir):
    """An installed error hook, with the log file of this test's data dir (its last lines go in the copy)."""
    root, level = logging.getLogger(), logging.getLogger().level
    handler = logs.setup_file_logging()
    hook = ErrorReporter(qapp)
    hook.install()
    yield hook
    hook.uninstall()
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)
    if hook.dialog is not None:
        hook.dialog.close()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_the_dialog_and_the_console_goes_on(qtbot, reporter, data_dir):
    logging.getLogger("app.test").info("avant l'erreur, login password=%s", SECRET)
    button = Faulty("Agir")
    qtbot.addWidget(button)
    button.clicked.connect(button.explode)
    button.show()
    button.click()  # the slot raises; Qt hands the exception to sys.excepthook
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5_000)
    dialog = reporter.dialog
    assert isinstance(dialog, ErrorDialog)
    assert "Une erreur inattendue s'est produite" in dialog.message.text()
    assert "Vos données sont enregistrées" in dialog.message.text()
    assert "RuntimeError" in dialog.summary.text() and SECRET not in dialog.summary.text()
    assert [b.text() for b in (dialog.copy_button, dialog.close_button)] == [
        "&Copier les informations de débogage", "&Fermer"]

    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "Traceback" in copied and "RuntimeError" in copied and "explode" in copied
    assert "Python " in copied and "Qt " in copied and "Système" in copied
    assert SECRET not in copied and "password=***" in copied
    assert "avant l'erreur" in copied  # the last log lines, scrubbed too
    assert SECRET not in logs.log_file().read_text(encoding="utf-8")

    button.click()  # a second error while the dialog is open: counted, not a second dialog
    qtbot.waitUntil(lambda: dialog.count == 2, timeout=5_000)
    assert reporter.dialog is dialog

    ticked = []
    QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked), timeout=2_000)  # the event loop still runs
    dialog.close_button.click()
    assert not dialog.isVisible()
