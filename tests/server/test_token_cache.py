"""Verified tokens remembered a few seconds per server process, with revocation still honoured.

Two apps over one database stand for two server processes behind a load balancer:
each has its own token cache (``SAS_TOKEN_CACHE_S``).  A logout on one process ends
the token there at once, and on the other within the cache's lifetime, never later.
Expected delays are written here from the documented bound, not read from the code.
"""

from __future__ import annotations

import time
import warnings
from datetime import datetime, timedelta, timezone

import pytest

from app.models import AuthToken, User
from app.server.app import create_app
from app.services.security.auth import new_token
from tests.helpers.databases import BACKENDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
LOGOUT = "/api/v1/auth/logout"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def two_processes(db_url, monkeypatch, password_hash):
    """Factory: two apps over the same database, each with a token cache of ``ttl`` seconds."""
    made = []

    def make(ttl: float):
        monkeypatch.setenv("SAS_TOKEN_CACHE_S", str(ttl))
        first, second = create_app(db_url), create_app(db_url)
        made.extend((first, second))
        with first.state.sas.sessions() as s:
            if s.query(User).filter_by(username="mrl").first() is None:
                s.add(User(username="mrl", display_name="Dr Régul", role="MRL", password_hash=password_hash))
                s.commit()
        return TestClient(first), TestClient(second)

    yield make
    for app in made:
        app.state.sas.engine.dispose()


def _login(client: TestClient, password: str, desk: str | None = None) -> str:
    body = {"username": "mrl", "password": password} | ({"desk_id": desk} if desk else {})
    answer = client.post(LOGIN, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def _seconds_until_refused(client: TestClient, token: str, limit: float) -> float:
    """Poll ``/me`` with ``token`` until 401; the seconds it took (fails past ``limit``)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        status = client.get(ME, headers=_bearer(token)).status_code
        if status == 401:
            return time.monotonic() - t0
        assert status == 200
        time.sleep(0.05)
    raise AssertionError(f"token still accepted {limit} s after its revocation")


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_logout_on_one_process_ends_the_token_on_the_other_within_the_cache_lifetime(two_processes, password):
    a, b = two_processes(ttl=1.0)
    token = _login(a, password)
    assert b.get(ME, headers=_bearer(token)).status_code == 200  # b has now verified (and cached) it
    assert a.post(LOGOUT, headers=_bearer(token)).status_code == 204
    assert a.get(ME, headers=_bearer(token)).status_code == 401  # the process that revoked: at once
    waited = _seconds_until_refused(b, token, limit=5.0)
    assert waited <= 1.0 + 0.75  # the documented bound, plus the time of one request on a busy machine


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_a_newer_login_on_the_desk_ends_the_older_token_on_every_process(two_processes, password):
    a, b = two_processes(ttl=1.0)
    older = _login(a, password, desk="12")
    assert a.get(ME, headers=_bearer(older)).status_code == 200
    assert b.get(ME, headers=_bearer(older)).status_code == 200
    newer = _login(a, password, desk="12")
    assert a.get(ME, headers=_bearer(older)).status_code == 401  # cached here, forgotten by the login
    assert _seconds_until_refused(b, older, limit=5.0) <= 1.75
    assert b.get(ME, headers=_bearer(newer)).status_code == 200


def test_without_a_cache_the_other_process_refuses_at_once(two_processes, password):
    a, b = two_processes(ttl=0)
    token = _login(a, password)
    assert b.get(ME, headers=_bearer(token)).status_code == 200
    assert a.post(LOGOUT, headers=_bearer(token)).status_code == 204
    assert b.get(ME, headers=_bearer(token)).status_code == 401


def test_a_deactivated_account_is_refused_within_the_cache_lifetime(two_processes, password):
    a, b = two_processes(ttl=1.0)
    token = _login(a, password)
    assert b.get(ME, headers=_bearer(token)).status_code == 200
    with a.app.state.sas.sessions() as s:
        s.query(User).filter_by(username="mrl").one().active = False
        s.commit()
    assert _seconds_until_refused(b, token, limit=5.0) <= 1.75
    assert b.get(ME, headers=_bearer(token)).json()["message"] == "Compte désactivé"


def test_a_cached_token_still_expires_on_time(two_processes):
    a, _b = two_processes(ttl=30.0)  # a cache far longer than the token's life
    token, digest = new_token()
    with a.app.state.sas.sessions() as s:
        user = s.query(User).filter_by(username="mrl").one()
        s.add(AuthToken(token_hash=digest, user_id=user.id,
                        expires_at=datetime.now(timezone.utc) + timedelta(seconds=1.5)))
        s.commit()
    assert a.get(ME, headers=_bearer(token)).status_code == 200
    time.sleep(1.6)
    refused = a.get(ME, headers=_bearer(token))
    assert refused.status_code == 401 and "expirée" in refused.json()["message"]


def test_a_bad_cache_setting_stops_the_server_from_starting(db_url, monkeypatch):
    monkeypatch.setenv("SAS_TOKEN_CACHE_S", "une heure")
    with pytest.raises(ValueError):
        create_app(db_url)
