"""End-to-end fixtures: a real ``sas server`` process on a seeded demo database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``sas server`` in a child process, stoppable and restartable on the same port and database."""

    def __init__(self, db_url: str, port: int, log_path: Path, args: Sequence[str] = (),
                 env: dict[str, str] | None = None):
        """``args``: more ``sas server`` options (``["--editors", FILE]``…); ``env``: added to the environment."""
        self.db_url = db_url
        self.args, self.env = list(args), dict(env or {})
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._log_path = log_path
        self._proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> None:
        log = open(self._log_path, "ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "app", "server", "--db", self.db_url, "--port", str(self.port), *self.args],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited: {self._log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not answer /healthz")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        self._proc = None


@pytest.fixture
def demo_server(tmp_path):
    """A seeded demo database (sas demo-data) served by a real ``sas server`` process."""
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    subprocess.run([sys.executable, "-m", "app", "demo-data", "--departement", "67", "--db", db_url],
                   check=True, capture_output=True, timeout=120)
    server = ServerProcess(db_url, free_port(), tmp_path / "server.log")
    server.start()
    yield server
    server.stop()
