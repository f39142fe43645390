"""Two SAMU servers exchange a case through the real RabbitMQ and the test Dispatcher."""

from __future__ import annotations

import json
import uuid as uuid_mod

from app.services.interop.hub import envelope, rs_eda
from tests.hub_amqp import rabbit
from tests.hub_amqp.conftest import PEER, SAMU_A, SAMU_B, SAMU_C, case_body, received_case, wait_for
from tests.interop.conftest import base_case


def _open_case(samu, n: int) -> dict:
    body = case_body(n, samu.client_id)
    assert samu.http.put(f"/api/v1/cases/{body['uuid']}", json=body, headers=samu.auth()).status_code == 201
    return body


def _send(samu, case_uuid: str, recipient: str) -> dict:
    response = samu.http.post(f"/api/v1/cases/{case_uuid}/hub/send", json={"recipient": recipient},
                              headers=samu.auth())
    assert response.status_code == 202, response.text
    return response.json()


def _notes(samu, case_uuid: str) -> list[str]:
    events = samu.http.get(f"/api/v1/cases/{case_uuid}/events", headers=samu.auth("mru")).json()
    return [e.get("freetext", "") for e in (events if isinstance(events, list) else events.get("events", []))
            if e.get("type") == "note"]


def _about(sent: dict):
    """Accepts the RS-ERROR that refers to ``sent``."""
    return lambda doc: envelope.read_envelope(doc).payload.get("referencedDistributionID") == sent["distributionID"]


def _acknowledged(samu, case_uuid: str, by: str) -> bool:
    return any(f"accusé de réception de {by}" in note for note in _notes(samu, case_uuid))


def test_case_sent_by_a_is_stored_by_b_and_b_acknowledgement_reaches_a(hub, samus):
    a, b = samus
    case = _open_case(a, 1)

    sent = _send(a, case["uuid"], SAMU_B)
    assert sent["distributionID"].startswith(f"{SAMU_A}_") and sent["recipient"] == SAMU_B

    stored = wait_for(lambda: received_case(b, case["case_id"]), what="the case on SAMU B")
    assert stored["caller_phone"] == "+33612345678" and stored["city_name"] == "Strasbourg"
    assert [p["last_name"] for p in stored["patients"]] == ["Test"]
    wait_for(lambda: _acknowledged(a, case["uuid"], SAMU_B), what="B's acknowledgement on A")
    notes = _notes(a, case["uuid"])
    assert any(sent["distributionID"] in n and "transmis à fr.health.samu680" in n for n in notes)
    assert any("dossier intégré" in n for n in notes)
    # B acknowledged the AMQP message (after its commit): nothing left on its queue; nothing went to A's errors.
    assert rabbit.counts(hub.url, f"{SAMU_B}.message", f"{SAMU_A}.info") == {
        f"{SAMU_B}.message": (0, 1), f"{SAMU_A}.info": (0, 1)}
    journal = b.http.get("/api/v1/journal", headers=b.auth("superviseur")).json()["entries"]
    assert [e["payload"].get("case_id") for e in journal if e["kind"] == "case"].count(case["case_id"]) == 1
    # The broker password never reaches a log; the masked URL does.
    for samu in (a, b):
        assert hub.server_password not in samu.log_text()
    assert f"{hub.server_user}:***@" in a.log_text()


def test_once_b_integrated_the_case_a_sends_its_changes_as_rs_eda_maj(samus):
    a, b = samus
    case = _open_case(a, 2)
    assert _send(a, case["uuid"], SAMU_B)["message"] == "RS-EDA"
    wait_for(lambda: _acknowledged(a, case["uuid"], SAMU_B), what="the first acknowledgement")
    # The doctor on A writes a note and raises the priority; the next send is an update, not a second creation.
    for event in ({"type": "note", "freetext": "Douleur thoracique apparue, rappel du patient"},
                  {"type": "priority", "priority": "P1"}):
        event_uuid = str(uuid_mod.uuid4())
        body = {"uuid": event_uuid, "case_uuid": case["uuid"], "created_at": "2024-01-18T10:40:00+01:00", **event}
        response = a.http.put(f"/api/v1/cases/{case['uuid']}/events/{event_uuid}", json=body, headers=a.auth("mru"))
        assert response.status_code in (200, 201), response.text
    update = _send(a, case["uuid"], SAMU_B)
    assert update["message"] == "RS-EDA-MAJ"
    stored = received_case(b, case["case_id"])
    wait_for(lambda: any("Douleur thoracique" in n for n in _notes(b, stored["uuid"])), what="the note on B")
    assert wait_for(lambda: received_case(b, case["case_id"])["priority"] == "P1", what="the priority on B")
    # B acknowledged the update too, and the exchange's own notes stayed on A.
    wait_for(lambda: sum("accusé de réception de fr.health.samu680" in n for n in _notes(a, case["uuid"])) >= 2,
             what="B's acknowledgement of the update")
    assert not any(n.startswith("Hub Santé") for n in _notes(b, stored["uuid"]))
    assert not any("refus de" in n for n in _notes(a, case["uuid"]))


def test_invalid_envelope_on_b_gets_an_rs_error_and_nothing_is_stored(hub, samus):
    _a, b = samus
    journal_before = b.http.get("/api/v1/journal", headers=b.auth("superviseur")).json()["entries"]
    payload = rs_eda.case_to_rs_eda(base_case("fr.health.samu999.DRFR15999240180001", owner=PEER))
    sent = envelope.build_envelope(PEER, SAMU_B, "createCaseHealth", payload)
    sent["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["createCaseHealth"]["creation"] = "hier"
    rabbit.publish(hub.url, PEER, json.dumps(sent).encode())

    error = rabbit.get(hub.url, f"{PEER}.info", _about(sent))
    assert error is not None, "no RS-ERROR came back"
    read = envelope.read_envelope(error)
    assert read.kind == "Error" and read.sender_id == SAMU_B
    assert read.payload["errorCode"]["statusCode"] == 300
    assert read.payload["referencedDistributionID"] == sent["distributionID"]
    assert "createCaseHealth/creation" in read.payload["errorCause"]
    assert received_case(b, "fr.health.samu999.DRFR15999240180001") is None
    assert b.http.get("/api/v1/journal", headers=b.auth("superviseur")).json()["entries"] == journal_before
    # A body that is not even JSON names no sender: dropped (acknowledged), B keeps serving.
    rabbit.publish(hub.url, f"{SAMU_B}.message", b"{pas du json", exchange="")
    wait_for(lambda: rabbit.depth(hub.url, f"{SAMU_B}.message") == 0, what="the unreadable message consumed")
    assert b.http.get("/healthz").status_code == 200


def test_dispatcher_refuses_a_sender_that_is_not_the_routing_key(hub):
    sent = envelope.build_envelope(SAMU_A, SAMU_B, "createCaseHealth", rs_eda.case_to_rs_eda(
        base_case("fr.health.samu670.DRFR15670240180077")))
    rabbit.publish(hub.url, PEER, json.dumps(sent).encode())
    error = envelope.read_envelope(rabbit.get(hub.url, f"{PEER}.info", _about(sent)))
    assert error.payload["errorCode"]["statusCode"] == 200 and error.sender_id == "fr.health.hub"


def test_broker_away_http_keeps_serving_and_the_outbox_leaves_when_it_returns(hub, samus, start_samu):
    a, b = samus
    hub.cut_off()
    try:
        rabbit.wait_for_consumers(hub.url, {f"{SAMU_A}.message", f"{SAMU_B}.message"}, present=False)
        c = start_samu(SAMU_C)  # born while the broker is away: starts and serves all the same
        case = _open_case(c, 3)
        sent = _send(c, case["uuid"], SAMU_B)
        assert sent["hub_connected"] is False
        assert a.http.get("/healthz").status_code == 200 and _notes(a, _open_case(a, 5)["uuid"]) == []
        assert received_case(b, case["case_id"]) is None
    finally:
        hub.restore()
    wait_for(lambda: received_case(b, case["case_id"]), timeout=60,
             what="the queued case delivered after the broker came back")
    wait_for(lambda: _acknowledged(c, case["uuid"], SAMU_B), what="the acknowledgement")

    # The connections drop while running: every client reconnects by itself and the next case goes through.
    rabbit.ctl("close_all_connections", "--vhost", hub.vhost, "test: connection lost")
    second = _open_case(c, 4)
    _send(c, second["uuid"], SAMU_B)
    wait_for(lambda: received_case(b, second["case_id"]), timeout=60, what="a case sent after a reconnection")
    wait_for(lambda: _acknowledged(c, second["uuid"], SAMU_B), timeout=60, what="its acknowledgement")
    assert hub.server_password not in c.log_text()
