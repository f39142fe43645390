"""Settings: a v1 file upgrades keeping what the desk had set; the dialog refuses bad values in French
naming the field, and saves good ones atomically, the theme at once, the rest said to wait for a restart."""

from __future__ import annotations

import json

import pytest

from app import settings as settings_mod
from app.settings import SETTINGS_VERSION, Settings
from app.ui.shell import theme
from app.ui.shell.settings_dialog import SettingsDialog, validate


def test_a_version_1_file_upgrades_and_keeps_its_values(data_dir):
    v1 = {"version": 1, "server_url": "https://sas.example.fr", "samu_code": "750", "desk_number": 21,
          "departement": "75", "default_radius_km": 8.0, "ca_file": ""}
    settings_mod.settings_path().write_text(json.dumps(v1), encoding="utf-8")
    cfg = settings_mod.load()
    assert (cfg.server_url, cfg.samu_code, cfg.desk_number, cfg.default_radius_km) == (
        "https://sas.example.fr", "750", 21, 8.0)
    assert (cfg.language, cfg.theme, cfg.version) == ("fr", "clair", SETTINGS_VERSION)
    settings_mod.save(cfg)
    saved = json.loads(settings_mod.settings_path().read_text(encoding="utf-8"))
    assert saved["version"] == SETTINGS_VERSION >= 2 and saved["language"] == "fr"


def test_an_unversioned_file_upgrades_through_every_step(data_dir):
    settings_mod.settings_path().write_text(json.dumps({"server": "http://10.0.0.5:8000"}), encoding="utf-8")
    cfg = settings_mod.load()
    assert cfg.server_url == "http://10.0.0.5:8000" and cfg.theme == "clair" and cfg.version == SETTINGS_VERSION


def _values(**changes) -> dict:
    values = {"server_url": "", "samu_code": "670", "desk_number": "12", "departement": "67", "tile_url": "",
              "tile_attribution": "", "default_radius_km": "15", "sync_interval_s": "2", "ca_file": "",
              "language": "fr", "theme": "clair", "lock_after_min": "10"}
    values.update(changes)
    return values


@pytest.mark.parametrize(("field", "value", "words"), [
    ("server_url", "sas.example.fr", "Adresse du serveur invalide"),
    ("server_url", "ftp://sas.example.fr", "Adresse du serveur invalide"),
    ("default_radius_km", "250", "Rayon de recherche hors limites : de 1 à 100 km"),
    ("default_radius_km", "quinze", "Rayon de recherche hors limites"),
    ("lock_after_min", "0", "Verrouillage après inactivité hors limites : de 1 à 120 min"),
    ("ca_file", "/nulle/part/ca.pem", "Fichier CA introuvable : /nulle/part/ca.pem"),
    ("desk_number", "7", "Numéro de poste invalide"),
    ("departement", "99", "Département invalide"),
    ("departement", "20", "Département invalide"),
    ("samu_code", "67", "Code SAMU invalide"),
    ("tile_url", "https://tiles.example.fr/tile.png", "URL des tuiles invalide"),
    ("sync_interval_s", "0", "Intervalle de synchronisation hors limites"),
])
def test_each_bad_value_gets_a_french_message_naming_its_field(field, value, words):
    _typed, errors = validate(_values(**{field: value}))
    assert list(errors) == [field]
    assert words in errors[field]


def test_good_values_are_typed():
    typed, errors = validate(_values(server_url="https://sas.example.fr/", default_radius_km="12,5",
                                     tile_url="https://t.example.fr/{z}/{x}/{y}.png", departement="2a"))
    assert errors == {}
    assert typed["server_url"] == "https://sas.example.fr" and typed["default_radius_km"] == 12.5
    assert typed["departement"] == "2A" and typed["desk_number"] == 12


@pytest.fixture
def dialog(qtbot, data_dir):
    cfg = Settings(desk_number=12)
    widget = SettingsDialog(cfg)
    qtbot.addWidget(widget)
    widget.show()
    yield widget, cfg
    theme.apply_theme("systeme")  # back to the platform palette for the tests that follow


def test_the_dialog_shows_the_errors_and_saves_nothing(dialog):
    widget, cfg = dialog
    widget.edits["default_radius_km"].setText("500")
    widget.edits["ca_file"].setText("/nulle/part/ca.pem")
    widget.buttons.accepted.emit()
    assert widget.isVisible() and not widget.result()
    assert widget.errors["default_radius_km"].isVisible()
    assert "Rayon de recherche hors limites" in widget.errors["default_radius_km"].text()
    assert "Fichier CA introuvable" in widget.errors["ca_file"].text()
    assert not widget.errors["server_url"].isVisible()
    assert widget.focusWidget() is widget.edits["default_radius_km"]
    assert cfg.default_radius_km == 15.0 and not settings_mod.settings_path().exists()


def test_ok_saves_atomically_applies_the_theme_now_and_says_what_waits_for_a_restart(dialog, tmp_path):
    widget, cfg = dialog
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    widget.edits["default_radius_km"].setText("20")
    widget.edits["ca_file"].setText(str(ca))
    widget.language_box.setCurrentIndex(widget.language_box.findData("en"))
    widget.theme_box.setCurrentIndex(widget.theme_box.findData("sombre"))
    widget.buttons.accepted.emit()
    assert widget.result() == SettingsDialog.DialogCode.Accepted
    assert (cfg.default_radius_km, cfg.language, cfg.theme, cfg.ca_file) == (20.0, "en", "sombre", str(ca))
    saved = json.loads(settings_mod.settings_path().read_text(encoding="utf-8"))
    assert saved["default_radius_km"] == 20.0 and saved["language"] == "en" and saved["theme"] == "sombre"
    assert not list(settings_mod.settings_path().parent.glob("*.tmp"))
    assert theme.current() is theme.DARK
    assert sorted(widget.restart_needed) == ["ca_file", "language"]
    message = widget.restart_message()
    assert "prochain démarrage" in message and "langue" in message and "fichier ca" in message.lower()


def test_cancel_keeps_everything(dialog):
    widget, cfg = dialog
    widget.edits["samu_code"].setText("750")
    widget.buttons.rejected.emit()
    assert cfg.samu_code == "670" and not settings_mod.settings_path().exists()
