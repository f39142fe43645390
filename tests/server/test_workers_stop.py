"""Stopping ``sas server`` while desks hold event streams: fast, and nothing left running.

A desk keeps ``GET /api/v1/events`` open for as long as it is logged in; a server told to stop
(SIGTERM from a service manager, Ctrl+C in a terminal) must end those streams with a reason
and exit within a couple of seconds, with one process or with ``--workers 2`` (uvicorn's
supervisor and its worker processes), and leave no worker process behind.

Real processes: ``python -m app server`` over a SQLite file, desks logged in (over HTTP, or with a
session token written in the database as a login does), their streams read by this file's own
reader; the processes and their connections are watched through ``/proc``.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
DESKS = ("arm", "mrl", "osnp")
#: How long a stopping server may take, streams open (uvicorn's graceful timeout is 10 s).
STOP_S = 3.0


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (workers, multiprocessing's resource tracker), from /proc."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:  # gone meanwhile
            continue
        for task in tasks:
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(children - found)
            found |= children
    return found


def _workers(pid: int) -> list[int]:
    """The worker processes of uvicorn's supervisor ``pid`` (spawned by multiprocessing)."""
    workers = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(int(child))
        except OSError:
            continue
    return workers


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for a reaper is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _established_on(pid: int, port: int) -> int:
    """How many established TCP connections to ``port`` process ``pid`` holds (its open responses)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
            count += 1
    return count


class Stream:
    """One desk's event stream, read in a thread until the server ends it; ``ended``: the reason it gave."""

    def __init__(self, url: str, token: str):
        self.ended: str | None = None
        self.status: int | None = None
        self.opened = threading.Event()
        self._client = httpx.Client(base_url=url, trust_env=False, timeout=httpx.Timeout(30, read=60))
        self._thread = threading.Thread(target=self._read, args=(token,), daemon=True)
        self._thread.start()
        assert self.opened.wait(30) and self.status == 200, f"stream not opened: {self.status}"

    def _read(self, token: str) -> None:
        text = ""
        try:
            with self._client.stream("GET", "/api/v1/events", headers={"Authorization": f"Bearer {token}"}) as resp:
                self.status = resp.status_code
                self.opened.set()
                if resp.status_code != 200:
                    return
                for chunk in resp.iter_text():
                    text += chunk
                    for block in text.split("\n\n")[:-1]:
                        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line
                                     and not line.startswith(":"))
                        if lines.get("event") == "end":
                            self.ended = json.loads(lines["data"])["reason"]
                    text = text.rsplit("\n\n", 1)[-1]
        except httpx.TransportError:
            pass
        finally:
            self.opened.set()

    def close(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)
        self._client.close()


def _start(tmp_path: Path, db_url: str, port: int, workers: int) -> subprocess.Popen:
    log = open(tmp_path / "server.log", "ab")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SAS_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "app", "server", "--db", db_url, "--port", str(port),
                             "--workers", str(workers), "--journal-key", str(tmp_path / "journal.key")],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
        try:
            # Each worker serves once it says so (spawned, it loads the app first).
            spawned = len(_workers(proc.pid)) == (workers if workers > 1 else 0)
            ready = spawned and _started(tmp_path / "server.log") >= workers
            if ready and httpx.get(url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                return proc
        except (httpx.TransportError, OSError):
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)


def _started(log: Path) -> int:
    """How many server processes said they serve (uvicorn's log line)."""
    return log.read_text().count("Application startup complete.")


def _login(url: str, username: str, password: str) -> str:
    response = httpx.post(url + "/api/v1/auth/login", json={"username": username, "password": password},
                          headers={"Connection": "close"}, timeout=30, trust_env=False)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _open_streams(url: str, port: int, serving: list[int], token: Callable[[], str]) -> list[Stream]:
    """Desks' streams, at least three, until each serving process holds one (the kernel picks each one's worker).

    Each stream has a token of its own: a desk's third stream on one process would end its first (``replaced``).
    """
    streams: list[Stream] = []
    deadline = time.monotonic() + 30
    while len(streams) < 3 or not all(_established_on(pid, port) for pid in serving):
        assert time.monotonic() < deadline, "the streams all went to one worker"
        streams.append(Stream(url, token()))
        time.sleep(0.2)
    return streams


def _stop(log: Path, proc: subprocess.Popen, streams: list[Stream], how: str) -> int:
    """Tell the server to stop, ``how`` an operator would; its exit code, once each stream ended and nothing is left."""
    before = _descendants(proc.pid)
    t0 = time.monotonic()
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)  # as a service manager does
    else:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in a terminal: the whole process group
    try:
        code: int | None = proc.wait(STOP_S + 10)
    except subprocess.TimeoutExpired:
        code = None
    took = time.monotonic() - t0
    for s in streams:
        s.close()
    tail = log.read_text()[-3000:]
    assert code is not None and took < STOP_S, f"stopped after {took:.1f} s\n{tail}"
    assert [s.ended for s in streams] == ["shutdown"] * len(streams)  # each desk knows to reconnect
    deadline = time.monotonic() + 2  # multiprocessing's resource tracker leaves once its parent's pipe closes
    while any(_running(pid) for pid in before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in before if _running(pid)] == [], tail
    return code


@pytest.fixture
def server(tmp_path, db_url, users):
    """``start(workers)`` → (the ``sas server`` process, its port); killed at the end should a test leave it."""
    started: list[subprocess.Popen] = []

    def start(workers: int) -> tuple[subprocess.Popen, int]:
        port = free_port()
        started.append(_start(tmp_path, db_url, port, workers))
        return started[-1], port

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def desk_token(token_for):
    """A new desk session's token (as a login issues it), a different role each time."""
    roles = itertools.cycle(["ARM", "MRL", "OSNP"])
    return lambda: token_for(next(roles))


@pytest.mark.parametrize("workers, how", [(1, "SIGTERM"), (2, "SIGTERM"), (2, "Ctrl+C")],
                         ids=["one-process", "workers-2", "workers-2-ctrl-c"])
def test_a_server_told_to_stop_ends_the_desks_streams_and_exits_within_seconds(server, tmp_path, password,
                                                                               desk_token, workers, how):
    proc, port = server(workers)
    url = f"http://127.0.0.1:{port}"
    serving = [proc.pid] if workers == 1 else _workers(proc.pid)
    assert len(serving) == workers
    logged_in = iter([_login(url, desk, password) for desk in DESKS])  # the first desks log in over HTTP
    streams = _open_streams(url, port, serving, lambda: next(logged_in, None) or desk_token())

    code = _stop(tmp_path / "server.log", proc, streams, how)

    # One process raises SIGTERM again after its graceful stop (uvicorn's way; systemd counts it as clean).
    assert (code == 0) if workers > 1 else (code in (0, -signal.SIGTERM))


def test_a_worker_that_died_is_replaced_by_one_that_stops_as_fast(server, tmp_path, desk_token):
    proc, port = server(2)
    log = tmp_path / "server.log"
    first = _workers(proc.pid)
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    # The supervisor's replacement serves once it says so (a third "startup complete" in the log).
    while not (len(_workers(proc.pid)) == 2 and _started(log) >= 3):
        assert time.monotonic() < deadline, f"the dead worker was not replaced\n{log.read_text()[-3000:]}"
        time.sleep(0.2)
    serving = _workers(proc.pid)
    assert first[0] not in serving
    streams = _open_streams(f"http://127.0.0.1:{port}", port, serving, desk_token)

    assert _stop(log, proc, streams, "SIGTERM") == 0
