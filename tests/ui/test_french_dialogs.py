"""Standard dialogs and file choosers speak French (issue 13: « Look in », « Files of type » were English)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.ui.qt import QDialogButtonBox, QLabel, QMessageBox, QPushButton  # noqa: E402
from app.ui.shell import i18n  # noqa: E402
from app.ui.shell.file_dialogs import save_dialog  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXTRA_TS = ROOT / "resources" / "i18n" / "qtbase_fr_extra.ts"
EXTRA_QM = ROOT / "resources" / "i18n" / "qtbase_fr_extra.qm"
#: English words of Qt's dialogs that must not show in a French console.
ENGLISH = ("Look in", "Files of type", "File name", "Cancel", "Save", "Open", "Yes", "No")


@pytest.fixture
def french(qapp):
    loaded = i18n.install_translators("fr", qapp)
    yield loaded
    i18n.remove_translators(qapp)


def _texts(widget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QPushButton) if w.text()]


def test_french_loads_qt_catalogue_and_the_file_dialog_supplement(french):
    assert french == ["qtbase_fr", "qtbase_fr_extra"]


def test_the_file_chooser_is_qt_own_and_french(qtbot, french, tmp_path):
    dialog = save_dialog(None, "Exporter le journal", str(tmp_path / "journal.csv"), "Fichiers CSV (*.csv)")
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "&Voir dans\u00a0:"
    assert labels["fileTypeLabel"] == "Fichiers de &type\u00a0:"
    assert labels["fileNameLabel"] == "&Nom de fichier\u00a0:"
    buttons = [b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()]
    assert sorted(buttons) == ["&Enregistrer", "Annuler"]
    english = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b")
    assert not [t for t in _texts(dialog) if english.search(t.replace("&", ""))]
    assert dialog.testOption(dialog.Option.DontUseNativeDialog)  # the platform's would speak the system's language


def test_message_boxes_are_french(qtbot, french):
    box = QMessageBox(QMessageBox.Icon.Question, "Titre", "Texte",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
                      | QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["&Non", "&Oui", "Annuler", "OK"]


def test_every_file_chooser_of_the_interface_goes_through_the_french_helper():
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "app" / "ui").rglob("*.py")
             if "QFileDialog" in p.read_text(encoding="utf-8") and p.name != "qt.py"]  # qt.py: the one import
    assert users == ["app/ui/shell/file_dialogs.py"]


def test_the_supplement_qm_is_compiled_from_its_ts(tmp_path):
    venv_tool = Path(sys.executable).parent / "pyside6-lrelease"
    found = str(venv_tool) if venv_tool.exists() else shutil.which("pyside6-lrelease")
    assert found, "pyside6-lrelease ships with PySide6"
    fresh = tmp_path / "extra.qm"
    subprocess.run([found, "-silent", str(EXTRA_TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == EXTRA_QM.read_bytes(), "run scripts/update_translations.sh"
