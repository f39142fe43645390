"""``sas telephony proxy``: writes the room's kamailio config, or runs kamailio in the foreground, with the room
secret; ``sas telephony password``: the password a desk registers with."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from app.cli import main
from app.services.telephony.profile import free_sip_port
from app.services.telephony.proxy import options_ping
from tests.telephony.sip_register import register

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-room-secret-for-the-cli-tests"


def _secret_file(folder: Path, secret: str = SECRET, mode: int = 0o600) -> Path:
    path = folder / "secret"
    path.write_text(secret + "\n")
    path.chmod(mode)
    return path


def test_write_config(tmp_path: Path) -> None:
    cfg, secret = tmp_path / "room.cfg", _secret_file(tmp_path)
    assert main(["telephony", "proxy", "--port", "5070", "--numbers", "15,3966", "--write-config", str(cfg),
                 "--secret-file", str(secret)]) == 0
    text = cfg.read_text()
    assert "#!define SAS_LISTEN udp:127.0.0.1:5070" in text and "^(15|3966)$" in text
    assert f'#!define SAS_SECRET "{SECRET}"' in text
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600  # it holds the secret
    assert main(["telephony", "proxy", "--numbers", "quinze", "--write-config", str(cfg),
                 "--secret-file", str(secret)]) == 2


def test_a_secret_file_others_can_read_or_too_short_is_refused(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "room.cfg"
    shared = _secret_file(tmp_path, mode=0o644)
    assert main(["telephony", "proxy", "--write-config", str(cfg), "--secret-file", str(shared)]) == 1
    assert "chmod 600" in capsys.readouterr().err and not cfg.exists()
    short = _secret_file(tmp_path, "short")
    assert main(["telephony", "password", "arm1", "--secret-file", str(short)]) == 1
    assert "16 à 256 caractères" in capsys.readouterr().err
    assert main(["telephony", "password", "arm 1", "--secret-file", str(short)]) == 2
    assert "compte SIP" in capsys.readouterr().err
    assert main(["telephony", "password", "arm1", "--state-dir", str(tmp_path / "none")]) == 1
    assert "pas de secret" in capsys.readouterr().err


def test_password_prints_the_desks_derived_password(tmp_path: Path, capsys) -> None:
    secret = _secret_file(tmp_path)
    assert main(["telephony", "password", "arm1", "--secret-file", str(secret)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == hashlib.sha256(f"{SECRET}:arm1".encode()).hexdigest()[:32]
    assert main(["telephony", "password", "arm2", "--secret-file", str(secret)]) == 0
    assert capsys.readouterr().out.strip() not in (printed, "")


def test_proxy_runs_in_the_foreground_with_a_generated_secret_until_terminated(tmp_path: Path) -> None:
    port, state = free_sip_port(), tmp_path / "state"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "app", "telephony", "proxy", "--port", str(port),
                                "--state-dir", str(state)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while not options_ping("127.0.0.1", port, 0.2):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
        secret_file = state / "room-secret"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(state.stat().st_mode) == 0o700
        password = subprocess.run([sys.executable, "-m", "app", "telephony", "password", "mru1", "--state-dir",
                                   str(state)], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        assert register(port, "mru1", "mru1", password.stdout.strip()) == [401, 200]
        assert register(port, "mru1", "mru1", "0" * 32) == [401, 401]
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert not options_ping("127.0.0.1", port, 0.3)
        output = process.stdout.read() + process.stderr.read()  # type: ignore[union-attr]
        assert str(secret_file) in output and secret_file.read_text().strip() not in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
