"""The real local RabbitMQ for the AMQP tests: a throw-away vhost with the Hub Santé queue layout.

Administration goes through ``rabbitmqctl`` (the management HTTP API is not enabled on the
machines; CI runs as root, as ``rabbitmqctl`` needs).  Each test run gets its own vhost,
deleted at teardown with everything in it.  Queue depths and consumers are read with passive
declares (a ``rabbitmqctl`` call costs a second or more).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from urllib.parse import quote

import aio_pika

from tests.hub_amqp.dispatcher import DISPATCH_QUEUE

HOST, PORT = "127.0.0.1", 5672
EXCHANGE = "hubsante"
#: The Hub's default message lifetime on client queues (ms).
QUEUE_TTL_MS = 86_400_000


def broker_reachable(timeout: float = 60.0) -> bool:
    """True once something listens on the AMQP port (CI starts RabbitMQ just before the tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, PORT), timeout=1.0):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def ctl(*args: str) -> str:
    """Run ``rabbitmqctl`` and return its output (raises on failure)."""
    exe = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def url(vhost: str) -> str:
    return f"amqp://guest:guest@{HOST}:{PORT}/{quote(vhost, safe='')}"


def create_vhost(vhost: str) -> None:
    ctl("add_vhost", vhost)
    allow(vhost)


def delete_vhost(vhost: str) -> None:
    ctl("delete_vhost", vhost)


def allow(vhost: str) -> None:
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")


async def _counts(amqp_url: str, names: list[str]) -> dict[str, tuple[int, int]]:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        counts = {}
        for name in names:
            result = (await channel.get_queue(name, ensure=True)).declaration_result
            counts[name] = (result.message_count, result.consumer_count)
        return counts


def counts(amqp_url: str, *names: str) -> dict[str, tuple[int, int]]:
    """(ready messages, consumers) of each queue (passive declare: cheap, unlike ``rabbitmqctl``)."""
    return asyncio.run(_counts(amqp_url, list(names)))


def depth(amqp_url: str, queue_name: str) -> int:
    """Messages ready on ``queue_name``."""
    return counts(amqp_url, queue_name)[queue_name][0]


def wait_for_consumers(amqp_url: str, queues: set[str], *, present: bool = True, timeout: float = 60.0) -> None:
    """Until each queue has a consumer (``present=False``: has none)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = counts(amqp_url, *sorted(queues))
        if all((c > 0) == present for _m, c in found.values()):
            return
        time.sleep(0.2)
    raise TimeoutError(f"consumers on {sorted(queues)}: {counts(amqp_url, *sorted(queues))}")


async def _declare(amqp_url: str, client_ids: list[str]) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        dispatch = await channel.declare_queue(DISPATCH_QUEUE, durable=True)
        await dispatch.bind(exchange, routing_key="#")
        for client_id in client_ids:
            for kind in ("message", "ack", "info"):
                await channel.declare_queue(f"{client_id}.{kind}", durable=True,
                                            arguments={"x-message-ttl": QUEUE_TTL_MS})


def declare_layout(amqp_url: str, client_ids: list[str]) -> None:
    """The Hub's exchange, the dispatcher's queue and each client's three queues."""
    asyncio.run(_declare(amqp_url, client_ids))


async def _publish(amqp_url: str, routing_key: str, body: bytes, exchange: str, persistent: bool) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        target = channel.default_exchange if exchange == "" else await channel.get_exchange(exchange, ensure=False)
        mode = aio_pika.DeliveryMode.PERSISTENT if persistent else aio_pika.DeliveryMode.NOT_PERSISTENT
        await target.publish(aio_pika.Message(body, delivery_mode=mode), routing_key=routing_key)


def publish(amqp_url: str, routing_key: str, body: bytes, *, exchange: str = EXCHANGE, persistent: bool = True) -> None:
    """Publish one raw message, as a client would (on ``hubsante``) or straight to a queue (``exchange=""``)."""
    asyncio.run(_publish(amqp_url, routing_key, body, exchange, persistent))


async def _get(amqp_url: str, queue_name: str, match, timeout: float) -> bytes | None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            await message.ack()
            if match(json.loads(message.body)):
                return message.body
    return None


def get(amqp_url: str, queue_name: str, match=lambda _doc: True, timeout: float = 30.0) -> dict | None:
    """The first message of ``queue_name`` that ``match`` accepts, as JSON (all read are acknowledged);
    None after ``timeout`` seconds."""
    body = asyncio.run(_get(amqp_url, queue_name, match, timeout))
    return None if body is None else json.loads(body)
