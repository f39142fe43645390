"""The Hub outbox's rules on SQLite and PostgreSQL, without a broker (the broker side: tests/hub_amqp).

* a send and its outbox row commit together, or neither does;
* a message received over AMQP is stored and its RC-REF queued in one transaction; received
  again (a redelivery, or a resend after the sender crashed), it changes nothing and is not
  acknowledged twice — the Ack keeps its distributionID;
* rows are claimed in id order, by one holder at a time, until sent, released or their lease expires,
  even when several threads claim at once.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.models import Case, CaseEvent, HubOutboxMessage
from app.server.app import create_app
from app.server.hub import inbox
from app.services.interop.hub import ack, envelope, rs_eda
from app.services.regulation import cases, hub_outbox, hub_send
from app.services.regulation.actor import Actor
from tests.helpers.databases import BACKENDS, database_url
from tests.interop.conftest import base_case

PEER, US = "fr.health.samu440", "fr.health.samu670"
REGULATOR = Actor(username="arm-test", role="ARM", display_name="ARM de test")


@pytest.fixture(params=BACKENDS)
def state(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        app = create_app(url)
        yield app.state.sas
        app.state.sas.engine.dispose()


def _rows(state) -> list[HubOutboxMessage]:
    with state.read() as session:
        return list(session.scalars(select(HubOutboxMessage).order_by(HubOutboxMessage.id)).all())


def _queue_acks(state, count: int) -> list[str]:
    ids = []
    with state.write(journal_lock=False) as session:
        for n in range(count):
            sent = ack.ack_envelope(f"{PEER}_{n}", sender=US, recipient=PEER)
            hub_outbox.add(session, sent, sender=US)
            ids.append(sent["distributionID"])
    return ids


def test_a_send_and_its_outbox_row_commit_together_or_not_at_all(state):
    doc = base_case(f"{US}.DRFR15670240180001")
    with state.write() as session:
        cases.open_case(session, REGULATOR, doc)
    with pytest.raises(RuntimeError), state.write() as session:
        hub_send.prepare_send(session, REGULATOR, doc.uuid, US, PEER)
        raise RuntimeError("the transaction fails after the send was prepared")
    with state.read() as session:
        assert session.scalar(select(func.count()).select_from(CaseEvent)) == 0
    assert _rows(state) == []

    with state.write() as session:
        sent, name = hub_send.prepare_send(session, REGULATOR, doc.uuid, US, PEER)
    [row] = _rows(state)
    assert (row.distribution_id, row.recipient, row.kind, row.case_uuid) == (sent["distributionID"], PEER, "Report",
                                                                             doc.uuid)
    assert row.envelope == sent and row.sent_at is None and name == "RS-EDA"
    with state.read() as session:
        assert session.get(CaseEvent, hub_send.sent_note_uuid(sent["distributionID"])) is not None


def test_a_message_received_twice_is_stored_and_acknowledged_once(state):
    payload = rs_eda.case_to_rs_eda(base_case(f"{PEER}.DRFR15440240180002", owner=PEER))
    body = json.dumps(envelope.build_envelope(PEER, US, "createCaseHealth", payload)).encode()
    first = inbox.handle(state, US, "message", body)
    again = inbox.handle(state, US, "message", body)
    assert [a["distributionKind"] for a in first] == ["Ack"] and again[0]["distributionID"] == \
        first[0]["distributionID"]
    assert first[0]["distributionID"].startswith(f"{US}_")
    assert [(r.distribution_id, r.kind, r.recipient) for r in _rows(state)] == [
        (first[0]["distributionID"], "Ack", PEER)]
    with state.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_an_invalid_message_gets_its_rs_error_through_the_outbox(state):
    sent = envelope.build_envelope(PEER, US, "createCaseHealth", {"caseId": "x"})
    [answer] = inbox.handle(state, US, "message", json.dumps(sent).encode())
    assert answer["distributionKind"] == "Error" and answer["senderID"] == US
    assert [(r.distribution_id, r.kind) for r in _rows(state)] == [(answer["distributionID"], "Error")]


def test_claims_follow_id_order_and_hold_a_row_until_sent_released_or_expired(state):
    ids = _queue_acks(state, 3)
    with state.write(journal_lock=False) as session:
        first = hub_outbox.claim(session, limit=2)
    assert [c.distribution_id for c in first] == ids[:2]
    with state.write(journal_lock=False) as session:
        assert [c.distribution_id for c in hub_outbox.claim(session)] == ids[2:]
        assert hub_outbox.claim(session) == []
        hub_outbox.release(session, [first[1].id], "ConnectionError: perdue")
        assert hub_outbox.mark_sent(session, first[0].id) and not hub_outbox.mark_sent(session, first[0].id)
        assert hub_outbox.pending_count(session) == 2
    with state.write(journal_lock=False) as session:
        assert [c.distribution_id for c in hub_outbox.claim(session)] == [ids[1]]
        later = datetime.now(timezone.utc) + hub_outbox.LEASE * 2
        assert [c.distribution_id for c in hub_outbox.claim(session, now=later)] == ids[1:]
    rows = _rows(state)
    assert [r.attempts for r in rows] == [1, 3, 2] and rows[1].last_error == "ConnectionError: perdue"
    assert rows[0].sent_at is not None and rows[0].claimed_until is None


def test_threads_claiming_at_once_never_share_a_row(state):
    ids = _queue_acks(state, 60)

    def drain(_worker: int) -> list[str]:
        taken = []
        while True:
            with state.write(journal_lock=False) as session:
                batch = hub_outbox.claim(session, limit=4)
            if not batch:
                return taken
            taken += [c.distribution_id for c in batch]

    with ThreadPoolExecutor(4) as pool:
        taken = [d for part in pool.map(drain, range(4)) for d in part]
    assert sorted(taken) == sorted(ids)
