"""Running the server (embedded thread, foreground process), OpenAPI, and errors never being 500s."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from app.server.run import EmbeddedServer, RedactQueryString

EXPECTED_ROUTES = {
    ("get", "/healthz"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/territory/effecteurs"), ("post", "/api/v1/addresses/geocode"),
    ("post", "/api/v1/admin/users/{username}/unlock"),
    ("get", "/api/v1/slots/search"),
    ("post", "/api/v1/slots/{slot_id}/booking"),
    ("delete", "/api/v1/slots/bookings/{case_uuid}"),
    ("put", "/api/v1/cases/{uuid}"),
    ("get", "/api/v1/cases/{uuid}"),
    ("put", "/api/v1/orientations/{uuid}"),
    ("get", "/api/v1/orientations/{uuid}"),
    ("get", "/api/v1/journal"),
    ("put", "/api/v1/cases/{case_uuid}/events/{uuid}"),
    ("get", "/api/v1/cases/{case_uuid}/events"),
    ("put", "/api/v1/surge/{uuid}"),
    ("post", "/api/v1/sync/batch"),
    ("get", "/api/v1/stats"),
    ("post", "/api/v1/hub/messages"),
    ("get", "/api/v1/cases/{uuid}/hub/rs-eda"),
    ("post", "/api/v1/cases/{uuid}/hub/send"),
    ("get", "/api/v1/appointments"),
    ("post", "/api/v1/appointments/{uuid}/attach"),
    ("post", "/api/v1/appointments/{uuid}/followed-up"),
    ("get", "/api/v1/journal/verify"),
    ("get", "/api/v1/desk/cache-key"),
    ("get", "/api/v1/editors"),
    # The room's telephone (issue 15).
    ("post", "/api/v1/calls/events"), ("post", "/api/v1/calls/{call_id}/case"), ("get", "/api/v1/calls"),
    ("get", "/api/v1/calls/lookup"),
    # The agenda editors' FHIR endpoint (INT_R03), authenticated by the registry's push tokens.
    ("post", "/fhir/Appointment"), ("put", "/fhir/Appointment"), ("get", "/fhir/Appointment/{id}"),
}


def test_openapi_lists_every_route_with_response_models(client):
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "SAS — serveur central"
    routes = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert routes == EXPECTED_ROUTES
    for method, path in routes:
        op = spec["paths"][path][method]
        success = op["responses"].get("201") or op["responses"].get("200") or op["responses"].get("202")
        if success is None:  # logout: 204, no body
            assert "204" in op["responses"], (method, path)
        elif path == "/api/v1/events":  # server-sent events, not JSON
            assert "text/event-stream" in success["content"], (method, path)
        elif path.startswith("/fhir/"):  # FHIR resources, for the agenda editors
            assert "$ref" in success["content"]["application/fhir+json"]["schema"], (method, path)
            assert op["security"] == [{"EditorBearer": []}], (method, path)
        else:
            assert "$ref" in success["content"]["application/json"]["schema"], (method, path)
        if path.startswith("/api/v1") and path != "/api/v1/auth/login":
            assert op["security"] == [{"HTTPBearer": []}], (method, path)
            assert op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    booking = spec["paths"]["/api/v1/slots/{slot_id}/booking"]["post"]["responses"]
    assert {"200", "201", "404", "409", "422"} <= set(booking)


def test_embedded_server_start_serve_stop(db_url, users, password):
    server = EmbeddedServer(db_url)
    with pytest.raises(RuntimeError):
        server.url
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.running
        with httpx.Client(base_url=server.url, trust_env=False) as http:
            assert http.get("/healthz").json() == {"status": "ok"}
            login = http.post("/api/v1/auth/login", json={"username": "arm", "password": password})
            assert login.status_code == 200
            me = http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
            assert me.json()["role"] == "ARM"
        with pytest.raises(RuntimeError):
            server.start()
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url + "/healthz", timeout=2, trust_env=False)
    server.stop()  # idempotent


def test_embedded_server_small_answers_are_not_delayed(db_url):
    """Regression: without TCP_NODELAY each small answer waited ~40 ms for a delayed ACK."""
    with EmbeddedServer(db_url) as server, httpx.Client(base_url=server.url, trust_env=False) as http:
        http.get("/healthz")
        timings = []
        for _ in range(15):
            start = time.perf_counter()
            http.put("/api/v1/cases/x", json={"uuid": "x"})  # 401, a small body both ways
            timings.append(time.perf_counter() - start)
    assert sorted(timings)[len(timings) // 2] < 0.030


def test_embedded_servers_get_distinct_ports_and_work_as_context_managers(tmp_path):
    from app.models.db import sqlite_url

    with EmbeddedServer(sqlite_url(tmp_path / "a.db")) as a, EmbeddedServer(sqlite_url(tmp_path / "b.db")) as b:
        assert a.port != b.port
        for server in (a, b):
            assert httpx.get(server.url + "/healthz", trust_env=False).status_code == 200
    assert not a.running and not b.running


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_in_the_foreground_until_terminated(db_url):
    port = _free_port()
    code = f"from app.server.run import serve; serve({db_url!r}, port={port})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "NO_PROXY": "*"})
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz?lat=48.5", timeout=1, trust_env=False)
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start")
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    # uvicorn exits cleanly, then re-raises the signal it handled (so -SIGTERM is a clean stop).
    assert proc.returncode in (0, -15), output
    assert b"Application shutdown complete" in output
    text = output.decode()
    assert "/healthz?…" in text and "lat=48.5" not in text  # query strings are not logged


def test_redact_query_string_filter():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/api/v1/slots/search?lat=48.5&lon=7.7", "1.1", 200), None)
    assert RedactQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /api/v1/slots/search?… HTTP/1.1" 200'


@pytest.mark.parametrize("method, url, body", [
    ("PUT", "/api/v1/cases/x", b"\xff\xfe not json"),
    ("PUT", "/api/v1/cases/x", b"[]"),
    ("PUT", "/api/v1/cases/x", b"null"),
    ("PUT", "/api/v1/cases/" + "x" * 40, b"{}"),
    ("PUT", "/api/v1/orientations/x", b'{"uuid": 1e999}'),
    ("POST", "/api/v1/slots/-5/booking", b"{}"),
    ("GET", "/api/v1/journal?after=99999999999999999999999", None),
    ("GET", "/api/v1/slots/search?lat=nan&lon=inf&radius_km=-inf", None),
])
def test_bad_input_is_never_a_500(client, auth, method, url, body):
    response = client.request(method, url, content=body, headers={**auth("MRL"), "content-type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] == ("bad_request" if response.status_code == 400 else "validation")


def test_unknown_route_and_method_are_structured(client, auth):
    assert client.get("/api/v1/nothing", headers=auth("ARM")).json() == {
        "error": "not_found", "message": "Ressource introuvable"}
    response = client.delete("/api/v1/journal", headers=auth("ARM"))
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
