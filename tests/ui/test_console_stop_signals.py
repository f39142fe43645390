"""SIGTERM and SIGINT end a running console cleanly: logged out (token revoked), layout saved, exit code 0.

A real ``sas server`` process on a seeded demo database, and a real ``sas
console`` process logged in with ``--user``, offscreen, on a throwaway data
directory; the signal is sent once the console is usable.  The oracle is the
server's own database (the token's ``revoked_at``) and the files the console
leaves in its data directory.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ServerProcess, free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stop-signals")
    db_path = tmp / "server.db"
    db_url = f"sqlite:///{db_path}"
    subprocess.run([sys.executable, "-m", "app", "demo-data", "--departement", "67", "--db", db_url],
                   check=True, capture_output=True, timeout=180)
    process = ServerProcess(db_url, free_port(), tmp / "server.log")
    process.start(timeout=60)
    yield process, db_path
    process.stop()


def _tokens(db_path: Path, username: str) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT t.revoked_at FROM auth_tokens t JOIN users u ON u.id = t.user_id "
                          "WHERE u.username = ?", (username,)).fetchall()


def _wait_for(path: Path, text: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"console exited early ({proc.returncode}): {path.read_text()[-3000:]}")
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"« {text} » not logged within {timeout} s: {path.read_text()[-3000:]}")


@pytest.mark.parametrize("sig, user", [(signal.SIGTERM, "arm"), (signal.SIGINT, "mrl")])
def test_a_stop_signal_logs_out_saves_the_layout_and_exits_0(server, tmp_path, sig, user):
    process, db_path = server
    data = tmp_path / "data"
    log_path = tmp_path / "console.log"
    env = {**os.environ, "SAS_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app", "console", "--server", process.url, "--data-dir",
                                 str(data), "--user", user, "--password", f"{user}-demo"],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_for(log_path, "console usable after", proc, timeout=120)
            assert [revoked is None for (revoked,) in _tokens(db_path, user)] == [True]  # logged in, token live
            sent = time.monotonic()
            proc.send_signal(sig)
            code = proc.wait(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    text = log_path.read_text(errors="replace")
    assert code == 0, text[-3000:]
    print(f"{signal.Signals(sig).name}: exit 0 after {took:.1f} s")
    assert took < 20
    # The server revoked the token: the console logged out, it did not just vanish.
    assert [revoked is not None for (revoked,) in _tokens(db_path, user)] == [True]
    # The window's layout was saved under the role, the encrypted cache closed (its file is there, whole).
    layouts = json.loads((data / "window-layouts.json").read_text(encoding="utf-8"))
    assert user.upper() in layouts
    assert "logged out" in text and "Traceback" not in text
