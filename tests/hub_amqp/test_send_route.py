"""``POST /api/v1/cases/{uuid}/hub/send`` without a broker, and the broker URL kept out of logs."""

from __future__ import annotations

import uuid
import warnings

import pytest

from app.models import AuthToken, User
from app.models.db import sqlite_url
from app.server.app import create_app
from app.server.hub.broker import HubConfig, mask_url
from app.services.security.auth import new_token
from tests.hub_amqp.conftest import case_body

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def client_and_token(tmp_path):
    from datetime import datetime, timedelta, timezone

    app = create_app(sqlite_url(tmp_path / "server.db"))
    token, digest = new_token()
    with app.state.sas.sessions() as session:
        user = User(username="arm", display_name="Agent ARM", role="ARM", password_hash="x")
        session.add(user)
        session.flush()
        session.add(AuthToken(token_hash=digest, user_id=user.id, created_at=datetime.now(timezone.utc),
                              expires_at=datetime.now(timezone.utc) + timedelta(hours=1)))
        session.commit()
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    app.state.sas.engine.dispose()


def test_without_a_hub_connection_a_send_is_503_and_names_the_cause(client_and_token):
    client, auth = client_and_token
    body = case_body(9)
    assert client.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=auth).status_code == 201
    response = client.post(f"/api/v1/cases/{body['uuid']}/hub/send", json={"recipient": "fr.health.samu690"},
                           headers=auth)
    assert response.status_code == 503
    assert response.json()["error"] == "hub_unavailable" and "Hub Santé" in response.json()["message"]
    unknown = client.post(f"/api/v1/cases/{uuid.uuid4()}/hub/send", json={"recipient": "fr.health.samu690"},
                          headers=auth)
    assert unknown.status_code == 404


@pytest.mark.parametrize("recipient", ["", "samu690", "fr.health.SAMU 690", "x" * 80])
def test_a_recipient_that_is_not_a_hub_client_id_is_a_422_naming_it(client_and_token, recipient):
    client, auth = client_and_token
    response = client.post(f"/api/v1/cases/{uuid.uuid4()}/hub/send", json={"recipient": recipient}, headers=auth)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["recipient"]


def test_broker_url_password_is_masked():
    assert mask_url("amqp://lrm:s3cr%40t@hub.example:5671/15-15_v2.0") == "amqp://lrm:***@hub.example:5671/15-15_v2.0"
    assert mask_url("amqp://127.0.0.1/vh") == "amqp://127.0.0.1/vh"
    assert "s3cr" not in HubConfig("amqps://lrm:s3cr@h/v", "fr.health.samu670").describe()


def test_the_outbox_refuses_an_envelope_sent_as_someone_else(client_and_token):
    client, _auth = client_and_token
    from app.services.interop.hub import envelope
    from app.services.regulation import hub_outbox

    theirs = envelope.build_envelope("fr.health.samu680", "fr.health.samu690", "reference",
                                     {"distributionID": "fr.health.samu690_1", "step": "RECU"}, kind="Ack")
    with client.app.state.sas.write(journal_lock=False) as session, pytest.raises(ValueError):
        hub_outbox.add(session, theirs, sender="fr.health.samu670")
    with client.app.state.sas.read() as session:
        assert hub_outbox.pending_count(session) == 0
