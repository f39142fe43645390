"""``GET /api/v1/journal/verify``: the journal's chain status for the chef de salle and the admin only."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.server.conftest import (  # noqa: F401  (fixtures)
    app, auth, case_body, client, db_url, password, password_hash, sessions, token_for, users,
)


def _cases(client, auth, case_body, n: int) -> None:
    for _ in range(n):
        body = case_body()
        assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth("ARM")).status_code == 201


@pytest.mark.parametrize("role", ["SUPERVISEUR", "ADMIN"])
def test_supervisor_and_admin_read_an_intact_chain(client, auth, case_body, role):
    _cases(client, auth, case_body, 3)
    response = client.get("/api/v1/journal/verify", headers=auth(role))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "entries": 3, "first_bad_seq": None, "reason": ""}


def test_a_tampered_entry_is_named(client, auth, case_body, app):
    _cases(client, auth, case_body, 4)
    with app.state.sas.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER journal_no_update"))
        conn.execute(text("UPDATE journal SET author = 'mallory' WHERE seq = 2"))
    body = client.get("/api/v1/journal/verify", headers=auth("SUPERVISEUR")).json()
    assert (body["ok"], body["entries"], body["first_bad_seq"]) == (False, 4, 2)
    assert "empreinte" in body["reason"]


@pytest.mark.parametrize("role", ["ARM", "OSNP", "MRL", "MRU"])
def test_desk_roles_get_403(client, auth, role):
    assert client.get("/api/v1/journal/verify", headers=auth(role)).status_code == 403


def test_no_token_gets_401(client):
    assert client.get("/api/v1/journal/verify").status_code == 401
