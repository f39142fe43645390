"""No 500 from input (issue 12, item 3): body size, JSON depth, integer and date ranges, logs, keep-alive.

Expectations are written here (status codes, field names, byte counts); nothing
calls the server's own checkers.  The size and keep-alive tests run a real
``sas server`` process (as tests/e2e does) and read its memory in /proc.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.helpers.databases import BACKENDS

MB = 1_000_000
PATIENT, NOTE = "Zéphyrine Quelquechose", "Allergie connue à la pénicilline, signalée par sa fille"


def _nested(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _fields(response) -> list[str]:
    return [f["field"] for f in response.json().get("fields", [])]


# --- in-process (TestClient) ---------------------------------------------------------------

def test_a_declared_body_over_the_limit_is_413_before_authentication(client):
    response = client.put(f"/api/v1/cases/{uuid.uuid4()}", content=b"x" * (MB + 1),
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large" and "volumineux" in body["message"]


def test_a_chunked_body_over_the_limit_is_413(client):
    def chunks():
        for _ in range(40):
            yield b" " * 100_000  # 4 MB in all, no Content-Length

    response = client.put(f"/api/v1/cases/{uuid.uuid4()}", content=chunks(),
                          headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_the_limit_is_configurable(db_url):
    import warnings

    from app.server.app import create_app
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    app = create_app(db_url, max_body_bytes=1000)
    try:
        with TestClient(app) as small:
            assert small.post("/api/v1/auth/login", content=b"{" + b" " * 1000 + b"}").status_code == 413
            login = small.post("/api/v1/auth/login", json={"username": "nobody", "password": "x" * 10})
            assert login.status_code == 401
    finally:
        app.state.sas.engine.dispose()


def test_a_case_just_under_the_limit_is_accepted(client, auth, case_body):
    body = case_body()
    body["notes"][0]["freetext"] = "n" * 9_000
    assert len(json.dumps(body)) < MB
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201


@pytest.mark.parametrize("path, method", [("/api/v1/cases/{u}", "put"), ("/api/v1/auth/login", "post"),
                                          ("/api/v1/sync/batch", "post")])
def test_json_nested_300_levels_is_422_naming_the_body(client, auth, path, method):
    response = client.request(method.upper(), path.format(u=uuid.uuid4()), content=_nested(300),
                              headers={**auth("ARM"), "content-type": "application/json"})
    assert response.status_code == 422
    assert _fields(response) == ["body"] and "imbriqué" in response.json()["fields"][0]["message"]


def test_json_nested_in_a_search_event_is_refused(client, auth, case_body):
    case = case_body()
    assert client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM")).status_code == 201
    event = {"uuid": str(uuid.uuid4()), "case_uuid": case["uuid"], "created_at": "2024-01-18T10:20:00+01:00",
             "type": "search", "search": {"criteria": json.loads(_nested(300)), "result_count": 1}}
    raw = json.dumps(event)
    response = client.put(f"/api/v1/cases/{case['uuid']}/events/{event['uuid']}", content=raw,
                          headers={**auth("ARM"), "content-type": "application/json"})
    assert response.status_code == 422 and _fields(response) == ["body"]


def test_json_nested_60_levels_still_passes_the_limit(client, auth):
    # 60 levels is allowed: the answer is the route's own validation (a login with no fields), not the depth check.
    response = client.post("/api/v1/auth/login", content='{"x":' + _nested(59) + "}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and "body" not in _fields(response)


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("slot_id", [2**31, 2**63, -(2**31) - 1, 0])
def test_an_orientation_slot_id_the_database_cannot_hold_is_422(client, auth, case_body, orientation_body, slot_id):
    case = case_body()
    assert client.put(f"/api/v1/cases/{case['uuid']}", json=case, headers=auth("ARM")).status_code == 201
    body = orientation_body(case["uuid"], slot_id=slot_id)
    response = client.put(f"/api/v1/orientations/{body['uuid']}", json=body, headers=auth("MRU"))
    assert response.status_code == 422 and _fields(response) == ["slot_id"]


def test_the_largest_slot_id_is_accepted(client, auth, slot_decision):
    case_uuid, decision = slot_decision()
    response = client.post(f"/api/v1/slots/{2**31 - 1}/booking", headers=auth("OSNP"),
                           json={"orientation_id": decision, "case_id": case_uuid})
    assert response.status_code == 404 and response.json()["error"] == "not_found"  # in range, just unknown


@pytest.mark.parametrize("slot_id", [2**31, 2**63])
def test_a_booking_path_slot_id_out_of_range_is_422(client, auth, slot_id):
    response = client.post(f"/api/v1/slots/{slot_id}/booking", headers=auth("OSNP"),
                           json={"orientation_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())})
    assert response.status_code == 422 and _fields(response) == ["slot_id"]


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("field", ["creation", "reception", "decided_at"])
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00"])
def test_a_case_instant_that_overflows_in_utc_is_422_naming_it(client, auth, case_body, field, value):
    body = case_body(**{field: value})
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == 422 and _fields(response) == [field]


def test_a_note_instant_that_overflows_is_422_naming_it(client, auth, case_body):
    body = case_body()
    body["notes"][0]["creation"] = "9999-12-31T23:59:59-12:00"
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == 422 and _fields(response) == ["notes.0.creation"]


@pytest.mark.parametrize("param", ["start", "end"])
def test_a_search_window_that_overflows_is_422_naming_it(client, auth, param):
    params = {"lat": 48.5834, "lon": 7.7455, "start": "2024-01-18T10:00:00+01:00", param: "9999-12-29T00:00:00+00:00"}
    if param == "start":
        params.pop("end", None)
    response = client.get("/api/v1/slots/search", params=params, headers=auth("ARM"))
    assert response.status_code == 422 and _fields(response) == [param]


# --- logs -------------------------------------------------------------------------------------

@pytest.fixture
def all_logs(caplog):
    """Every record at DEBUG from the root, uvicorn and sqlalchemy loggers."""
    names = ("", "uvicorn", "uvicorn.error", "sqlalchemy", "sqlalchemy.engine", "app")
    previous = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for n, level in previous.items():
        logging.getLogger(n).setLevel(level)


def _case_with_patient(case_body) -> dict:
    body = case_body(caller_name=PATIENT)
    body["patients"][0].update(last_name="Quelquechose", first_name="Zéphyrine")
    body["notes"][0]["freetext"] = NOTE
    return body


def _assert_clean(caplog):
    lines = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert lines.strip(), "no log captured: the database error was not logged at all"
    for secret in ("Zéphyrine", "Quelquechose", "pénicilline"):
        assert secret not in lines


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_dropped_table_logs_no_patient_data(client, auth, case_body, sessions, all_logs):
    with sessions() as s:
        s.execute(text("DROP TABLE case_notes"))
        s.commit()
    body = _case_with_patient(case_body)
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code in (500, 503)
    assert response.json()["error"] in ("internal", "unavailable")
    _assert_clean(all_logs)


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_constraint_violation_in_the_journal_logs_no_patient_data(client, auth, case_body, sessions, db_url,
                                                                    all_logs):
    with sessions() as s:
        if db_url.startswith("sqlite"):
            s.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON journal "
                           "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"))
        else:
            s.execute(text("ALTER TABLE journal ADD CONSTRAINT refuse CHECK (seq < 0)"))
        s.commit()
    body = _case_with_patient(case_body)
    response = client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM"))
    assert response.status_code == 409 and response.json()["error"] == "conflict"
    _assert_clean(all_logs)


# --- a real server process ----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_process(tmp_path, password_hash):
    """``sas server`` over a fresh SQLite file with one ARM and one Hub account; (url, pid, tokens)."""
    from datetime import datetime, timedelta, timezone

    from app.models import AuthToken, User
    from app.models.db import open_database, sqlite_url
    from app.services.security.auth import new_token

    db_url = sqlite_url(tmp_path / "server.db")
    engine, sessions = open_database(db_url)
    tokens = {}
    with sessions() as s:
        for name, role in (("arm", "ARM"), ("hub", "HUB"), ("mru", "MRU"), ("osnp", "OSNP")):
            user = User(username=name, display_name=name, role=role, password_hash=password_hash)
            s.add(user)
            s.flush()
            token, digest = new_token()
            s.add(AuthToken(token_hash=digest, user_id=user.id,
                            expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
            tokens[name] = token
        s.commit()
    engine.dispose()
    port = _free_port()
    log = open(tmp_path / "server.log", "ab")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-m", "app", "server", "--db", db_url, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            try:
                if httpx.get(url + "/healthz", timeout=0.5, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield url, proc.pid, tokens, tmp_path / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.timeout(180)
def test_eight_parallel_100_mb_puts_get_413_and_the_server_stays_small(server_process):
    url, pid, _tokens, _log = server_process
    chunk = b"x" * MB
    results: list[int | str] = []
    peak = [_rss_mb(pid)]
    done = threading.Event()

    def put(i: int) -> None:
        def body():
            for _ in range(100):
                yield chunk
        # Half declare their length (refused at once), half stream chunked (refused after the first megabyte).
        headers = {"content-length": str(100 * MB)} if i % 2 else {}
        try:
            with httpx.Client(timeout=120, trust_env=False) as client:
                results.append(client.put(f"{url}/api/v1/cases/{uuid.uuid4()}", content=body(),
                                          headers={**headers, "content-type": "application/json"}).status_code)
        except httpx.HTTPError as exc:  # pragma: no cover - reported by the assertion below
            results.append(repr(exc))

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb(pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    assert results == [413] * 8
    assert peak[0] < 300, f"server RSS peaked at {peak[0]:.0f} MB"


def test_hostile_inputs_keep_the_keep_alive_connection(server_process):
    url, _pid, tokens, log_path = server_process
    arm = {"Authorization": f"Bearer {tokens['arm']}"}
    hub = {"Authorization": f"Bearer {tokens['hub']}"}
    mru = {"Authorization": f"Bearer {tokens['mru']}"}
    osnp = {"Authorization": f"Bearer {tokens['osnp']}"}
    case_uuid = str(uuid.uuid4())
    case = {"uuid": case_uuid, "case_id": "fr.health.samu670.DRFR15670241000000001", "owner": "fr.health.samu670",
            "creation": "2024-01-18T10:15:00+01:00"}
    hostile = [
        ("PUT", f"/api/v1/cases/{uuid.uuid4()}", arm, _nested(300).encode(), 422),
        ("PUT", f"/api/v1/cases/{case_uuid}", arm,
         json.dumps({**case, "creation": "9999-12-31T23:59:59-12:00"}).encode(), 422),
        ("GET", "/api/v1/slots/search?lat=48.58&lon=7.74&start=9999-12-29T00:00:00%2B00:00", arm, None, 422),
        ("PUT", f"/api/v1/orientations/{(o := str(uuid.uuid4()))}", mru,
         json.dumps({"uuid": o, "case_uuid": case_uuid, "creation": "2024-01-18T10:30:00+01:00",
                     "decision_key": "CONSEIL", "decision_type": "CONSEIL", "slot_id": 2**63}).encode(), 422),
        ("POST", f"/api/v1/slots/{2**31}/booking", osnp, json.dumps({"orientation_id": o, "case_id": case_uuid}).encode(),
         422),
        *[("POST", "/api/v1/hub/messages", hub, raw, 400) for raw in (b"[]", b"null", b"1", b'"x"',
                                                                      b"[" * 300 + b"]" * 300)],
    ]
    with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
        created = client.put(f"/api/v1/cases/{case_uuid}", json=case, headers=arm)
        assert created.status_code == 201, created.text
        first = created.extensions["network_stream"].get_extra_info("client_addr")
        for method, path, headers, content, expected in hostile:
            response = client.request(method, path, content=content,
                                      headers={**headers, "content-type": "application/json"})
            assert response.status_code == expected, (path, response.status_code, response.text[:300])
            assert response.headers.get("connection", "").lower() != "close"
            after = client.get("/healthz")
            assert after.status_code == 200
            assert after.extensions["network_stream"].get_extra_info("client_addr") == first, path
    assert "Exception in ASGI application" not in log_path.read_text(errors="replace")
