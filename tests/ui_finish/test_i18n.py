"""Translations: the English .qm follows the .ts, every string is translated, and the window speaks the
language of the setting — English menus and labels with "en", French with "fr" (Qt's own buttons too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.ui.shell import i18n
from app.ui.qt import QCoreApplication, QDockWidget
from app.ui.shell.shortcuts import sheet_html

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "sas_en.ts"
QM = ROOT / "resources" / "i18n" / "sas_en.qm"
BIN = Path(sys.executable).parent
#: Every module of the interface: lupdate must find all their strings in the .ts, translated.
SOURCES = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:  # PySide6 (a dependency) ships it: its absence is a broken install, not a reason to skip
        pytest.fail(f"{name} introuvable (installé avec PySide6 : make setup)")
    return found


def test_the_qm_is_compiled_from_the_ts_as_committed(tmp_path):
    fresh = tmp_path / "sas_en.qm"
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "run scripts/update_translations.sh"


def test_every_string_of_the_ts_has_an_english_translation():
    unfinished = [m.findtext("source") for m in ET.parse(TS).getroot().iter("message")
                  if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")]
    assert unfinished == []


def test_every_string_of_the_converted_modules_is_in_the_ts(tmp_path):
    copy = tmp_path / "sas_en.ts"
    shutil.copy(TS, copy)
    subprocess.run([_tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete", *SOURCES,
                    "-ts", str(copy)], check=True, capture_output=True)
    new = [m.findtext("source") for m in ET.parse(copy).getroot().iter("message")
           if m.find("translation").get("type") == "unfinished"]
    assert new == [], "new strings: run scripts/update_translations.sh and translate them"
    contexts = {c.findtext("name") for c in ET.parse(copy).getroot().iter("context")}
    assert "" not in contexts and None not in contexts  # an alias (tr = self.tr) loses the context


@pytest.fixture
def language(qapp):
    yield lambda lang: i18n.install_translators(lang, qapp)
    i18n.remove_translators(qapp)


def _texts(window) -> dict[str, str]:
    menus = [m.title() for m in window.menus.menus.values()]
    slots = window.slot_table.model()
    return {
        "menus": " ".join(menus),
        "settings": window.menus.settings_action.text(),
        "submit": window.intake.submit_button.text(),
        "connection": window.status.connection_text(),
        "header": slots.headerData(1, slots_orientation()),
        "queue": window.docks[0].windowTitle(),
        "filters": window.search_bar.mode_combo.itemText(0),
        "book": window.search.book_button.text(),
        "f1": window.findChild(QDockWidget, "appointmentsDock").windowTitle(),
        "sheet_keys": sheet_html([("Ctrl+Maj+L", "Verrouiller la session (mot de passe pour reprendre)")]),
        "sheet": QCoreApplication.translate("Shortcuts", "Ouvrir le dossier"),
        "qt": QCoreApplication.translate("QPlatformTheme", "Cancel"),
    }


def slots_orientation():
    from app.ui.qt import Qt

    return Qt.Orientation.Horizontal


def test_the_window_speaks_english_with_en(make_window, language):
    assert language("en") == ["qtbase_en", "sas_en"]
    texts = _texts(make_window("MRL"))
    assert texts["menus"] == "&Console &View &Help"
    assert texts["settings"] == "&Settings…"
    assert texts["submit"] == "O&pen the case (Ctrl+Enter)"
    assert texts["connection"] == "● Connecting…"
    assert texts["header"] == "Start"
    assert texts["queue"] == "Waiting queue"
    assert texts["filters"] == "All"
    assert texts["book"] == "&Book (Enter)"
    assert texts["f1"] == "SAS appointments (F7)"
    assert "Ctrl+Shift+L" in texts["sheet_keys"] and "Lock the session" in texts["sheet_keys"]
    assert texts["sheet"] == "Open the case"
    assert texts["qt"] == "Cancel"


def test_the_window_speaks_french_with_fr(make_window, language):
    assert language("fr") == ["qtbase_fr", "qtbase_fr_extra"]
    texts = _texts(make_window("MRL"))
    assert texts["menus"] == "&Console &Affichage Ai&de"
    assert texts["submit"] == "Ou&vrir le dossier (Ctrl+Entrée)"
    assert texts["header"] == "Début"
    assert texts["queue"] == "File d'attente"
    assert texts["book"] == "Ré&server (Entrée)"
    assert "Ctrl+Maj+L" in texts["sheet_keys"]
    assert texts["qt"] == "Annuler"  # Qt's own buttons, from qtbase_fr


def test_an_unknown_language_falls_back_to_french(language):
    assert language("de") == ["qtbase_fr", "qtbase_fr_extra"]

