"""The durable Hub outbox with real ``sas server`` processes and the real RabbitMQ.

* messages sent while the broker is away leave once it is back, each exactly once, in order;
* kill -9 of the server while they wait (SQLite and PostgreSQL): they are in ``hub_outbox``,
  unsent, and the restarted server delivers each exactly once — its distributionID
  ``<senderID>_…`` as AMQP ``message_id``, persistent — and marks it ``sent_at``;
* two server processes over one PostgreSQL database drain one outbox without sending a row twice.
"""

from __future__ import annotations

import pytest

from tests.helpers.databases import BACKENDS, database_url, postgres_database
from tests.hub_amqp import rabbit
from tests.hub_amqp.conftest import wait_for
from tests.hub_amqp.outbox_rig import SENDER, OutboxVhost, Server, outbox_rows, seed


@pytest.fixture
def rig():
    if not rabbit.broker_reachable(60):
        pytest.fail("RabbitMQ ne répond pas sur 127.0.0.1:5672 (.ci/services.sh le démarre)")
    vhost = OutboxVhost()
    try:
        yield vhost
    finally:
        vhost.close()


@pytest.fixture
def servers():
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def _assert_delivered_once(rig: OutboxVhost, sent: list[dict], *, ordered: bool = True):
    published = rig.take_all(len(sent))
    ids = [p.document["distributionID"] for p in published]
    expected = [s["distributionID"] for s in sent]
    if ordered:
        assert ids == expected
    else:
        assert sorted(ids) == sorted(expected)
    for message in published:
        assert message.document["senderID"] == SENDER
        assert message.document["distributionID"].startswith(f"{SENDER}_")
        assert message.message_id == message.document["distributionID"]
        assert message.persistent


def _all_marked_sent(db_url: str, count: int) -> bool:
    rows = outbox_rows(db_url)
    return len(rows) == count and all(r.sent_at is not None for r in rows)


def test_sent_while_the_broker_is_away_they_leave_once_it_is_back_once_each_in_order(rig, servers, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    seed(db_url)
    server = Server(db_url, rig, tmp_path)
    servers.append(server)
    rig.restore()
    server.start()
    first = server.open_and_send(1)
    _assert_delivered_once(rig, [first])
    rig.cut_off()
    sent = [server.open_and_send(n) for n in range(2, 7)]
    assert all(s["hub_connected"] is False for s in sent)
    rig.restore()
    _assert_delivered_once(rig, sent)
    wait_for(lambda: _all_marked_sent(db_url, 6), what="sent_at on every row")
    assert rig.password not in server.log_path.read_text()


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_with_messages_waiting_the_restarted_server_delivers_each_exactly_once(rig, servers, tmp_path,
                                                                                      backend):
    with database_url(backend, tmp_path) as db_url:
        seed(db_url)
        server = Server(db_url, rig, tmp_path, name=backend)
        servers.append(server)
        server.start()  # the broker refuses its account: the sends wait
        sent = [server.open_and_send(n) for n in range(1, 5)]
        assert [s["hub_connected"] for s in sent] == [False] * 4
        server.kill9()

        rows = outbox_rows(db_url)
        assert [r.distribution_id for r in rows] == [s["distributionID"] for s in sent]
        assert all(r.sent_at is None and r.kind == "Report" and r.case_uuid for r in rows)
        assert [r.envelope["distributionID"] for r in rows] == [r.distribution_id for r in rows]

        rig.restore()
        server.start()
        _assert_delivered_once(rig, sent)
        wait_for(lambda: _all_marked_sent(db_url, 4), what="sent_at on every row")
        server.stop()


@pytest.mark.parametrize("layout", ["two-processes", "workers-2"])
def test_server_processes_over_one_database_send_each_row_once(rig, servers, tmp_path, layout):
    with postgres_database() as db_url:
        seed(db_url)
        if layout == "two-processes":
            one, two = Server(db_url, rig, tmp_path, name="one"), Server(db_url, rig, tmp_path, name="two")
            servers.extend([one, two])
            two.start()
        else:  # sas server --workers 2: the kernel spreads the requests over both workers
            one = two = Server(db_url, rig, tmp_path, name="workers", workers=2)
            servers.append(one)
        one.start()
        # Waiting rows are claimed by both at once when the broker comes back; then each adds more while running.
        waiting = [(one if n % 2 else two).open_and_send(n) for n in range(1, 13)]
        rig.restore()
        wait_for(lambda: rabbit.counts(rig.url, f"{SENDER}.message")[f"{SENDER}.message"][1] == 2, timeout=60,
                 what="both processes connected")
        running = [(two if n % 2 else one).open_and_send(n) for n in range(13, 25)]
        _assert_delivered_once(rig, waiting + running, ordered=False)
        wait_for(lambda: _all_marked_sent(db_url, 24), what="sent_at on every row")
        logged = one.sent_in_log() + (two.sent_in_log() if two is not one else [])
        assert sorted(logged) == sorted(s["distributionID"] for s in waiting + running)
        if two is not one:  # each process drained rows: the claims really competed
            assert one.sent_in_log() and two.sent_in_log()
        for server in servers:
            server.stop()
