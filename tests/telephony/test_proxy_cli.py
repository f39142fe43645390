"""``sas telephony proxy``: writes the room's kamailio config, or runs kamailio in the foreground."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.cli import main
from app.services.telephony.profile import free_sip_port
from app.services.telephony.proxy import options_ping

ROOT = Path(__file__).resolve().parents[2]


def test_write_config(tmp_path: Path) -> None:
    cfg = tmp_path / "room.cfg"
    assert main(["telephony", "proxy", "--port", "5070", "--numbers", "15,3966", "--write-config", str(cfg)]) == 0
    text = cfg.read_text()
    assert "#!define SAS_LISTEN udp:127.0.0.1:5070" in text and "^(15|3966)$" in text
    assert main(["telephony", "proxy", "--numbers", "quinze", "--write-config", str(cfg)]) == 2


def test_proxy_runs_in_the_foreground_until_terminated() -> None:
    port = free_sip_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "app", "telephony", "proxy", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while not options_ping("127.0.0.1", port, 0.2):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert not options_ping("127.0.0.1", port, 0.3)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
