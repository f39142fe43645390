"""``sas server --workers 2``: two server processes on one port, one database, the same rules.

A real ``sas server`` process (uvicorn's supervisor and its two workers) over a
SQLite file.  Every request opens a new connection, so the kernel hands them to
either worker.  What must hold across processes: the login throttle, token
revocation (within ``SAS_TOKEN_CACHE_S``), and the journal's single order of writes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.models import User
from app.models.db import open_database, sqlite_url

ROOT = Path(__file__).resolve().parents[2]
TTL_S = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The worker processes of uvicorn's supervisor ``pid`` (not multiprocessing's resource tracker)."""
    workers = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
            workers.append(int(child))
    return workers


@pytest.fixture
def two_workers(tmp_path, password_hash):
    db_url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(db_url)
    with sessions() as s:
        for name, role in (("arm", "ARM"), ("mrl", "MRL"), ("osnp", "OSNP")):
            s.add(User(username=name, display_name=name, role=role, password_hash=password_hash))
        s.commit()
    engine.dispose()
    port = _free_port()
    log = open(tmp_path / "server.log", "ab")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SAS_TOKEN_CACHE_S": str(TTL_S), "SAS_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "app", "server", "--db", db_url, "--port", str(port),
                             "--workers", "2", "--journal-key", str(tmp_path / "journal.key")],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            try:
                if len(_children(proc.pid)) == 2 and _get(url, "/healthz").status_code == 200:
                    break
            except (httpx.TransportError, OSError):
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def _get(url: str, path: str, token: str | None = None) -> httpx.Response:
    """One request on a connection of its own (any worker may take it)."""
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"} if token else {"Connection": "close"}
    return httpx.get(url + path, headers=headers, timeout=30, trust_env=False)


def _post(url: str, path: str, body: dict | None = None, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"} if token else {"Connection": "close"}
    return httpx.post(url + path, json=body, headers=headers, timeout=30, trust_env=False)


def _login(url: str, username: str, password: str) -> httpx.Response:
    return _post(url, "/api/v1/auth/login", {"username": username, "password": password})


def test_two_worker_processes_share_the_rules_of_one_server(two_workers, password, case_body):
    url, pid = two_workers
    assert len(_children(pid)) == 2

    # The login throttle lives in the database: three failures on any process slow the account on all.
    for _ in range(3):
        assert _login(url, "osnp", "pas le bon").status_code == 401
    throttled = _login(url, "osnp", password)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1

    # A logout on one process ends the token on every process within the token cache's lifetime.
    token = _login(url, "mrl", password).json()["access_token"]
    assert all(_get(url, "/api/v1/auth/me", token).status_code == 200 for _ in range(12))  # both caches warm
    assert _post(url, "/api/v1/auth/logout", token=token).status_code == 204
    time.sleep(TTL_S + 0.2)
    assert [_get(url, "/api/v1/auth/me", token).status_code for _ in range(12)] == [401] * 12

    # Writes from both processes land in one journal order, none lost.
    arm = _login(url, "arm", password).json()["access_token"]
    bodies = [case_body() for _ in range(12)]

    def put(body: dict) -> int:
        return httpx.put(f"{url}/api/v1/cases/{body['uuid']}", json=body, timeout=60, trust_env=False,
                         headers={"Authorization": f"Bearer {arm}", "Connection": "close"}).status_code

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(put, bodies)) == [201] * 12
    entries = _get(url, "/api/v1/journal?after=0", arm).json()["entries"]
    assert sorted(e["uuid"] for e in entries if e["kind"] == "case") == sorted(b["uuid"] for b in bodies)
    seqs = [e["seq"] for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


@pytest.mark.parametrize("extra, message", [
    (["--workers", "0"], "--workers doit être entre 1 et 64"),
    (["--workers", "65"], "--workers doit être entre 1 et 64"),
], ids=["zero", "too-many"])
def test_workers_the_server_cannot_run_are_refused_in_french(tmp_path, capsys, extra, message):
    from app import cli

    assert cli.main(["server", "--db", sqlite_url(tmp_path / "s.db"), *extra]) == 2
    assert capsys.readouterr().err.strip() == message
