"""The room test's pieces: one real server process, and desks as separate console processes.

:class:`Desk` starts :mod:`tests.room.desk_driver` in a child process (its own data
dir, cache and sync) and talks to it one JSON line at a time; :func:`Desk.until`
polls what the desk shows until a condition holds.  The server is the same
``sas server`` process the end-to-end tests use, on a seeded demo database.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import demo_server  # noqa: F401 (the room's server: a seeded demo database)

PASSWORDS = {"arm": "arm-demo", "mrl": "mrl-demo", "mru": "mru-demo", "osnp": "osnp-demo",
             "superviseur": "superviseur-demo"}


class Desk:
    """A console process driven by keys; what it shows is read back as text."""

    def __init__(self, user: str, server_url: str, data_dir: Path, desk_number: int, env: dict | None = None,
                 *, password: str | None = None, phone: dict[str, str] | None = None):
        """``password``: the account's (default: the demo account's); ``phone``: the desk's telephony
        (``{"proxy": "127.0.0.1:5060", "password": …, "transfer_desks": "mru1"}``, SIP user = ``user``)."""
        self.user = user
        self.log_path = data_dir.parent / f"{user}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "SAS_PASSWORD": password or PASSWORDS[user], "SAS_DATA_DIR": str(data_dir),
                       **(env or {})}
        telephony: list[str] = []
        if phone is not None:
            environment["SAS_SIP_PASSWORD"] = phone.get("password", "")
            telephony = ["--sip-user", user, "--sip-proxy", phone["proxy"],
                         "--sip-transfer-desks", phone.get("transfer_desks", "")]
        self._log = open(self.log_path, "wb")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.room.desk_driver", "--server", server_url, "--user", user,
             "--data-dir", str(data_dir), "--desk", str(desk_number), *telephony],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=environment,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        self._answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.hello: dict = {}

    def wait_ready(self, timeout: float = 90) -> None:
        self.hello = self._next(timeout)
        if not self.hello.get("ready"):
            raise RuntimeError(f"desk {self.user} did not start: {self.hello} {self.log_tail()}")

    def _read(self) -> None:
        for raw in self._proc.stdout:
            line = raw.decode("utf-8", "replace")
            if line.startswith("@@"):
                self._answers.put(json.loads(line[2:]))
        self._answers.put({"error": "desk process ended"})

    def _next(self, timeout: float) -> dict:
        try:
            return self._answers.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"desk {self.user} did not answer: {self.log_tail()}") from None

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def send(self, op: str, timeout: float = 30, **fields) -> dict:
        self._proc.stdin.write((json.dumps({"op": op, **fields}) + "\n").encode())
        self._proc.stdin.flush()
        answer = self._next(timeout)
        if "error" in answer:
            raise AssertionError(f"desk {self.user}: {answer}")
        return answer

    # --- a person's actions -------------------------------------------------------------------
    def key(self, key: str, *mods: str, later: bool = False) -> None:
        """One key; ``later``: pressed after the answer (a key opening a modal dialog)."""
        answer = self.send("key", key=key, mods=list(mods), later=later)
        self.send("wait", ms=120 if answer.get("sent_to") == "later" else 30)

    def phone(self) -> dict:
        """The desk phone: ``{"state": "ready"…, "pid": softphone process id, "calls": [states]}``."""
        return self.send("phone")

    def type(self, text: str) -> None:
        self.send("type", text=text)

    def wait(self, ms: int) -> None:
        self.send("wait", ms=ms)

    # --- what it shows --------------------------------------------------------------------------
    def texts(self, root: str | None = None) -> list[dict]:
        return self.send("texts", root=root)["widgets"]

    def text_of(self, root: str | None = None) -> str:
        return "\n".join(w["text"] or "" for w in self.texts(root))

    def rows(self, name: str) -> list[list[str]]:
        return self.send("table", name=name)["rows"]

    def focus(self) -> dict:
        return self.send("focus")["focus"] or {}

    def dialog(self) -> dict | None:
        return self.send("dialog")["dialog"]

    def map_marker(self, effecteur_id: str) -> dict | None:
        """The desk map's marker of ``effecteur_id`` ({lat, lon, popup}) or None."""
        return self.send("map_marker", effecteur_id=effecteur_id).get("marker")

    def screenshot(self, path: Path) -> None:
        self.send("screenshot", path=str(path))

    def until(self, check, timeout: float = 15, what: str = "") -> object:
        """Poll ``check()`` (reading the desk) until it returns something truthy; that value."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = check()
            if last:
                return last
            time.sleep(0.1)
        shot = self.log_path.parent / f"{self.user}-failed.png"
        try:
            self.screenshot(shot)
        except (AssertionError, TimeoutError):
            pass
        raise AssertionError(f"desk {self.user}: {what or 'condition'} not met within {timeout} s (see {shot})")

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self._proc.stdin.write(b'{"op": "quit"}\n')
                self._proc.stdin.flush()
                self._proc.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait(5)
        self._log.close()


@pytest.fixture
def open_desks(demo_server, tmp_path):  # noqa: F811 (the imported fixture, by name)
    """``open_desks(*users, env=…)`` starts one console process per user; all are closed at the end."""
    desks: list[Desk] = []

    def start(*users: str, env: dict | None = None) -> list[Desk]:
        started = [Desk(u, demo_server.url, tmp_path / f"desk-{u}", 20 + len(desks) + i, env)
                   for i, u in enumerate(users)]
        desks.extend(started)
        for desk in started:  # started together, so their Qt and Chromium start-ups overlap
            desk.wait_ready()
        return started

    yield start
    for desk in desks:
        desk.close()
