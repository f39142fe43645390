"""Login throttling and lock-out, the audit trail of case reads, and HTTPS with a given certificate."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from app.models import LoginThrottle, utcnow
from app.models.journal import AuditEvent
from app.server.routes.auth import LOCK_AFTER, THROTTLE_AFTER
from app.services.security.login_throttle import account_key
from app.server.run import EmbeddedServer
from app.services.sync.api_client import ApiClient, Offline
from tests.helpers.databases import BACKENDS

LOGIN = "/api/v1/auth/login"


def _login(client, password):
    return client.post(LOGIN, json={"username": "mrl", "password": password})


# Since issue 12 the count lives in login_throttle (per account name and per address), no longer on users.
_MRL = (LoginThrottle.kind == "account", LoginThrottle.key == account_key("mrl"))


def _unlock_clock(sessions) -> None:
    """Let the current delay pass (instead of sleeping through it)."""
    with sessions() as s:
        s.execute(update(LoginThrottle).where(*_MRL).values(locked_until=utcnow() - timedelta(seconds=1)))
        s.commit()


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def _retry_at_once(sessions) -> None:
    """The user retries within the delay the server set (stretched, so a slow machine can't miss it)."""
    with sessions() as s:
        row = s.scalar(select(LoginThrottle).where(*_MRL))
        assert row.locked_until is not None, "the server set no delay"
        row.locked_until = row.locked_until + timedelta(seconds=30)
        s.commit()


def test_failed_logins_are_slowed_then_locked(client, users, password, sessions):
    for _ in range(THROTTLE_AFTER):
        assert _login(client, "wrong").status_code == 401
    _retry_at_once(sessions)
    throttled = _login(client, password)  # even the right password waits its turn
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts" and int(throttled.headers["Retry-After"]) >= 1
    assert "réessayez dans" in throttled.json()["message"]

    for _ in range(LOCK_AFTER - THROTTLE_AFTER):
        _unlock_clock(sessions)
        assert _login(client, "wrong").status_code == 401
    locked = _login(client, password)
    assert locked.status_code == 429 and "verrouillé" in locked.json()["message"]
    with sessions() as s:
        row = s.scalar(select(LoginThrottle).where(*_MRL))
        assert row.failures == LOCK_AFTER
        assert row.locked_until - utcnow() > timedelta(minutes=14)

    _unlock_clock(sessions)
    assert _login(client, password).status_code == 200
    with sessions() as s:
        assert s.scalar(select(LoginThrottle.failures).where(*_MRL)) == 0


def test_a_success_resets_the_count(client, users, password):
    for _ in range(THROTTLE_AFTER - 1):
        assert _login(client, "wrong").status_code == 401
    assert _login(client, password).status_code == 200
    for _ in range(THROTTLE_AFTER - 1):
        assert _login(client, "wrong").status_code == 401
    assert _login(client, password).status_code == 200


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_every_case_read_is_in_the_audit_trail(client, auth, case_body, sessions):
    body = case_body()
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201
    assert client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("SUPERVISEUR")).status_code == 200
    assert client.get(f"/api/v1/cases/{body['uuid']}", headers=auth("MRL")).status_code == 200
    assert client.get("/api/v1/cases/unknown", headers=auth("MRL")).status_code == 404
    with sessions() as s:
        events = s.execute(select(AuditEvent.username, AuditEvent.role, AuditEvent.action, AuditEvent.object_uuid,
                                  AuditEvent.outcome).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [
        ("superviseur", "SUPERVISEUR", "cases.get", body["uuid"], "read"),
        ("mrl", "MRL", "cases.get", body["uuid"], "read"),
        ("mrl", "MRL", "cases.get", "unknown", "not found"),
    ]


# --- TLS ---------------------------------------------------------------------------------

def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, and a server certificate for 127.0.0.1 signed by it (openssl CLI)."""
    d = tmp_path_factory.mktemp("pki")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=SAS test CA",
             "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"))
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"))
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"), "-CAkey", str(d / "ca.key"),
             "-CAcreateserial", "-days", "2", "-extfile", str(d / "ext.cnf"), "-out", str(d / "server.pem"))
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Other CA",
             "-keyout", str(d / "other.key"), "-out", str(d / "other.pem"))
    return d


def test_https_with_certificate_and_console_checking_the_ca(db_url, users, password, pki):
    with EmbeddedServer(db_url, tls_cert=str(pki / "server.pem"), tls_key=str(pki / "server.key"),
                        ca_file=str(pki / "ca.pem")) as server:
        assert server.url.startswith("https://")

        async def scenario() -> None:
            async with ApiClient(server.url, verify=str(pki / "ca.pem")) as trusted:
                assert (await trusted.login("mrl", password)).role == "MRL"
            async with ApiClient(server.url, verify=str(pki / "other.pem")) as wrong_ca:
                with pytest.raises(Offline):
                    await wrong_ca.login("mrl", password)

        asyncio.run(scenario())
        with pytest.raises(httpx.TransportError):  # plain HTTP is not served
            httpx.get(server.url.replace("https", "http") + "/healthz", trust_env=False)
