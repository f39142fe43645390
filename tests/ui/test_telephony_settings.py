"""The « Téléphonie » settings (issue 15): typed in the dialog, checked in French, the SIP password kept apart."""

from __future__ import annotations

import json
import stat

import pytest

from app import paths
from app import settings as settings_mod
from app.settings import SETTINGS_VERSION, Settings
from app.ui.shell.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(qtbot, tmp_path):
    paths.set_data_dir(tmp_path / "data")
    cfg = Settings(desk_number=12)
    widget = SettingsDialog(cfg)
    qtbot.addWidget(widget)
    widget.show()
    yield widget, cfg
    paths.set_data_dir(None)


def test_the_telephony_section_saves_the_account_and_keeps_the_password_out_of_the_settings_file(dialog):
    widget, cfg = dialog
    assert not widget.sip_enabled.isChecked() and not cfg.telephony_configured  # off by default
    widget.sip_enabled.setChecked(True)
    widget.edits["sip_user"].setText("arm1")
    widget.edits["sip_proxy"].setText("127.0.0.1:5060")
    widget.edits["sip_local_port"].setText("5070")
    widget.edits["sip_transfer_desks"].setText("mru1, mrl1")
    widget.sip_password.setText("s3cret-sip")
    widget.buttons.accepted.emit()
    assert widget.result() == SettingsDialog.DialogCode.Accepted
    assert cfg.telephony_configured and cfg.sip_local_port == 5070 and cfg.transfer_desks == ["mru1", "mrl1"]
    text = settings_mod.settings_path().read_text(encoding="utf-8")
    assert "s3cret-sip" not in text and json.loads(text)["sip_user"] == "arm1"
    assert settings_mod.load_sip_password() == "s3cret-sip"
    assert stat.S_IMODE(settings_mod.sip_password_path().stat().st_mode) == 0o600
    assert "téléphonie" in widget.restart_message()


def test_a_wrong_proxy_or_port_is_refused_in_french(dialog):
    widget, cfg = dialog
    widget.edits["sip_proxy"].setText("proxy de la salle")
    widget.edits["sip_ctrl_port"].setText("99999")
    widget.buttons.accepted.emit()
    assert not widget.result()
    assert "Proxy SIP invalide" in widget.errors["sip_proxy"].text()
    assert "Port de contrôle invalide" in widget.errors["sip_ctrl_port"].text()
    assert not settings_mod.settings_path().exists() and cfg.sip_proxy == ""


def test_a_version_3_file_upgrades_with_telephony_off(tmp_path):
    paths.set_data_dir(tmp_path / "data")
    try:
        settings_mod.settings_path().write_text(json.dumps({"version": 3, "desk_number": 21}), encoding="utf-8")
        cfg = settings_mod.load()
        assert cfg.version == SETTINGS_VERSION == 4 and cfg.desk_number == 21 and not cfg.telephony_configured
    finally:
        paths.set_data_dir(None)
