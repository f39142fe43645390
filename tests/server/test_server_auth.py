"""Login, bearer tokens and the structured 401s."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.models import AuthToken, User
from app.services.security.auth import TOKEN_TTL_HOURS, token_hash

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_returns_a_working_token(client, users, sessions, password):
    response = client.post(LOGIN, json={"username": "osnp", "password": password})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert (body["role"], body["username"], body["display_name"]) == ("OSNP", "osnp", "Agent OSNP")
    expires = datetime.fromisoformat(body["expires_at"])
    expected = datetime.now(timezone.utc) + timedelta(hours=TOKEN_TTL_HOURS)
    assert abs((expires - expected).total_seconds()) < 60

    me = client.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {"username": "osnp", "role": "OSNP", "display_name": "Agent OSNP"}

    with sessions() as s:
        stored = s.scalars(select(AuthToken.token_hash)).all()
    assert stored == [token_hash(body["access_token"])]  # only the hash is kept


@pytest.mark.parametrize("username, given", [("osnp", "wrong"), ("nobody", None), ("OSNP", None)],
                         ids=["wrong-password", "unknown-user", "case-differs"])
def test_bad_credentials_get_the_same_401(client, users, password, username, given):
    response = client.post(LOGIN, json={"username": username, "password": given or password})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_credentials", "message": "Identifiant ou mot de passe incorrect"}


def test_inactive_user_cannot_log_in_nor_use_a_token(client, users, sessions, token_for, password):
    token = token_for("MRL")
    with sessions() as s:
        s.get(User, users["MRL"].id).active = False
        s.commit()
    response = client.post(LOGIN, json={"username": "mrl", "password": password})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_login_validation_names_the_field(client):
    response = client.post(LOGIN, json={"username": "osnp"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation"
    assert body["fields"] == [{"field": "password", "message": "champ obligatoire"}]


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Basic b3NucDpwdw=="},
    {"Authorization": "garbage"},
], ids=["missing", "empty", "unknown", "basic", "garbage"])
def test_missing_or_unknown_token_is_401(client, users, headers):
    response = client.get(ME, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthorized"
    assert body["message"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401(client, token_for):
    token = token_for("ARM", expires_in=timedelta(seconds=-1))
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "expirée" in response.json()["message"]


def test_login_purges_expired_tokens(client, users, sessions, token_for, password):
    old = token_for("ARM", expires_in=timedelta(hours=-2))
    assert client.post(LOGIN, json={"username": "arm", "password": password}).status_code == 200
    with sessions() as s:
        hashes = s.scalars(select(AuthToken.token_hash)).all()
    assert token_hash(old) not in hashes
    assert len(hashes) == 1


def test_passwords_and_tokens_never_logged(client, users, caplog, password):
    caplog.set_level(logging.DEBUG)
    ok = client.post(LOGIN, json={"username": "mru", "password": password}).json()
    client.post(LOGIN, json={"username": "mru", "password": "typo-" + password})
    client.post(LOGIN, json={"username": password, "password": password})  # typed in the wrong field
    client.get(ME, headers={"Authorization": f"Bearer {ok['access_token']}"})
    text = caplog.text
    assert "mru (MRU) logged in" in text
    assert password not in text
    assert ok["access_token"] not in text
    assert token_hash(ok["access_token"]) not in text
