"""A rig for the durable outbox tests: a throw-away vhost whose exchange feeds the recipient's queue directly,
and ``sas server`` processes that can be killed with SIGKILL and started again on the same database.

The vhost has the ``hubsante`` exchange and the three queues of :data:`SENDER` and of :data:`RECIPIENT`;
the recipient's ``.message`` queue is bound to the exchange with the sender's routing key, so it holds
exactly what the server published — body, ``message_id``, delivery mode — with no Dispatcher in between
(the Dispatcher's own behaviour is covered by ``test_hub_transport``).  The servers use their own broker
account; :meth:`OutboxVhost.cut_off` takes its permissions away (every connection refused) and
:meth:`OutboxVhost.restore` gives them back.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import httpx
from sqlalchemy import select

from app.models import HubOutboxMessage
from app.models.db import open_database
from tests.hub_amqp import rabbit
from tests.hub_amqp.conftest import PASSWORD, ROOT, _free_port, _seed, case_body

SENDER, RECIPIENT = "fr.health.samu670", "fr.health.samu999"


@dataclass
class Published:
    """One message as it reached the recipient's queue."""

    document: dict
    message_id: str | None
    persistent: bool


class OutboxVhost:
    """A vhost laid out for :data:`SENDER` → :data:`RECIPIENT`, deleted by :meth:`close`."""

    def __init__(self) -> None:
        self.vhost = f"sas-outbox-{uuid.uuid4().hex[:12]}"
        # "pw" first: a password starting with "-" would be read by rabbitmqctl as an option
        self.user, self.password = f"sas-{uuid.uuid4().hex[:8]}", "pw" + secrets.token_urlsafe(18)
        self.url = rabbit.url(self.vhost)
        rabbit.create_vhost(self.vhost)
        rabbit.ctl("add_user", self.user, self.password)
        rabbit.declare_layout(self.url, [SENDER, RECIPIENT])
        asyncio.run(self._bind())

    async def _bind(self) -> None:
        connection = await aio_pika.connect(self.url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.get_queue(f"{RECIPIENT}.message")
            await queue.bind(rabbit.EXCHANGE, routing_key=SENDER)

    @property
    def server_url(self) -> str:
        return self.url.replace("guest:guest", f"{self.user}:{self.password}")

    def cut_off(self) -> None:
        rabbit.ctl("clear_permissions", "-p", self.vhost, self.user)
        rabbit.ctl("close_all_connections", "--vhost", self.vhost, "test: broker away")

    def restore(self) -> None:
        rabbit.ctl("set_permissions", "-p", self.vhost, self.user, ".*", ".*", ".*")

    def close(self) -> None:
        rabbit.delete_vhost(self.vhost)
        rabbit.ctl("delete_user", self.user)

    def take_all(self, expected: int, timeout: float = 60.0, settle_s: float = 2.0) -> list[Published]:
        """What reached the recipient's queue, in order: once ``expected`` are there, and ``settle_s`` more
        seconds for any duplicate (all acknowledged)."""
        return asyncio.run(self._take(expected, timeout, settle_s))

    async def _take(self, expected: int, timeout: float, settle_s: float) -> list[Published]:
        connection = await aio_pika.connect(self.url)
        taken: list[Published] = []
        async with connection:
            channel = await connection.channel()
            queue = await channel.get_queue(f"{RECIPIENT}.message")
            deadline, settled = time.monotonic() + timeout, None
            while time.monotonic() < deadline and (settled is None or time.monotonic() < settled):
                message = await queue.get(fail=False)
                if message is None:
                    await asyncio.sleep(0.1)
                    continue
                await message.ack()
                taken.append(Published(json.loads(message.body), message.message_id,
                                       message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT))
                if len(taken) >= expected and settled is None:
                    settled = time.monotonic() + settle_s
        return taken


class Server:
    """``sas server`` over ``db_url`` connected to the vhost as :data:`SENDER`; stop, kill -9, start again."""

    def __init__(self, db_url: str, rig: OutboxVhost, workdir: Path, name: str = "server", workers: int = 1):
        self.db_url, self.rig, self.workers = db_url, rig, workers
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self._token: str | None = None

    def start(self, timeout: float = 60.0) -> None:
        command = [sys.executable, "-m", "app", "server", "--db", self.db_url, "--port", self.url.rsplit(":", 1)[1],
                   "--hub-url", self.rig.server_url, "--hub-client-id", SENDER, "--workers", str(self.workers)]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=open(self.log_path, "ab"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=0.5, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not answer /healthz")

    def sent_in_log(self) -> list[str]:
        """The distributionIDs this server logged as confirmed by the broker."""
        marker = "Hub Santé: sent "
        return [line.split(marker, 1)[1].split(" ", 1)[0] for line in self.log_path.read_text().splitlines()
                if marker in line]

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            response = httpx.post(f"{self.url}/api/v1/auth/login", json={"username": "arm", "password": PASSWORD},
                                  trust_env=False, timeout=10)
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def open_and_send(self, n: int) -> dict:
        """Open case ``n`` and send it to :data:`RECIPIENT`; the 202 answer."""
        body = case_body(n, SENDER)
        put = httpx.put(f"{self.url}/api/v1/cases/{body['uuid']}", json=body, headers=self._auth(), trust_env=False,
                        timeout=10)
        assert put.status_code == 201, put.text
        sent = httpx.post(f"{self.url}/api/v1/cases/{body['uuid']}/hub/send", json={"recipient": RECIPIENT},
                          headers=self._auth(), trust_env=False, timeout=10)
        assert sent.status_code == 202, sent.text
        return sent.json()


def seed(db_url: str) -> None:
    _seed(db_url)


def outbox_rows(db_url: str) -> list[HubOutboxMessage]:
    """The ``hub_outbox`` table, in id order (read straight from the database)."""
    engine, sessions = open_database(db_url)
    try:
        with sessions() as session:
            rows = session.scalars(select(HubOutboxMessage).order_by(HubOutboxMessage.id)).all()
            session.expunge_all()
            return list(rows)
    finally:
        engine.dispose()
