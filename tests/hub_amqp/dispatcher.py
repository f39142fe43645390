"""A tiny Hub Santé Dispatcher, for tests only: ``python -m tests.hub_amqp.dispatcher AMQP_URL``.

What the real Dispatcher does that matters to a client (domain.md B.7,
``hub/dispatcher/.../MessageUtils.java``), on the layout :func:`tests.hub_amqp.rabbit.declare_layout`
sets up:

* it consumes :data:`DISPATCH_QUEUE`, bound to the ``hubsante`` topic exchange for every routing key;
* a message not in persistent delivery mode → RS-ERROR 100 DELIVERY_MODE_INCONSISTENCY, not JSON →
  102, a routing key other than the envelope's ``senderID`` → 200 SENDER_INCONSISTENCY, each sent
  to ``<routing key>.info`` (the routing key is the authenticated client);
* otherwise it forwards the body unchanged to ``<recipient>.message``, ``.ack`` for an Ack or
  ``.info`` for an Error (recipient = ``descriptor.explicitAddress.explicitAddressValue``),
  persistent, through the default exchange.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import aio_pika
import aio_pika.exceptions

from app.services.interop.hub import ack, envelope

log = logging.getLogger("tests.hub_amqp.dispatcher")

DISPATCH_QUEUE = "hubsante.dispatch"
HUB_ID = "fr.health.hub"
SUFFIX = {"Ack": "ack", "Error": "info"}


def verdict(routing_key: str, body: bytes, persistent: bool) -> tuple[str, dict | bytes]:
    """(queue to deliver to, body): the message forwarded, or an RS-ERROR for the sender."""
    document = None
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        pass
    distribution_id, sender, recipient = envelope.header_fields(document)
    if not persistent:
        code, cause = 100, "Mode de livraison non persistant"
    elif not isinstance(document, dict):
        code, cause = 102, "Message illisible : JSON attendu"
    elif sender != routing_key:
        code, cause = 200, f"senderID {sender!r} différent de la clé de routage {routing_key!r}"
    elif not recipient:
        code, cause = 501, "Destinataire absent"
    else:
        return f"{recipient}.{SUFFIX.get(document.get('distributionKind'), 'message')}", body
    error = ack.error_envelope(code, cause, sender=HUB_ID, recipient=routing_key,
                               referenced_distribution_id=distribution_id or "inconnu", source=document)
    return f"{routing_key}.info", error


async def run(url: str) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.get_queue(DISPATCH_QUEUE)
        print("dispatcher ready", flush=True)
        async with queue.iterator() as messages:
            async for message in messages:
                persistent = message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
                target, body = verdict(message.routing_key or "", message.body, persistent)
                if isinstance(body, dict):
                    body = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    await _forward(channel, target, body)
                except aio_pika.exceptions.DeliveryError:  # no such queue: unknown recipient
                    distribution_id, _sender, _recipient = envelope.header_fields(json.loads(body))
                    await _forward(channel, f"{message.routing_key}.info", json.dumps(ack.error_envelope(
                        501, f"Destinataire inconnu : {target}", sender=HUB_ID, recipient=message.routing_key,
                        referenced_distribution_id=distribution_id or "inconnu")).encode("utf-8"))
                log.info("%s -> %s", message.routing_key, target)
                await message.ack()


async def _forward(channel, queue_name: str, body: bytes) -> None:
    await channel.default_exchange.publish(
        aio_pika.Message(body, content_type="application/json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        routing_key=queue_name)


async def serve_forever(url: str) -> None:
    """:func:`run`, again after each lost connection (tests close the vhost's connections)."""
    while True:
        try:
            await run(url)
        except Exception as exc:  # noqa: BLE001 - the broker went away: reconnect
            log.info("connection lost (%s); reconnecting", type(exc).__name__)
        await asyncio.sleep(0.3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s dispatcher %(message)s")
    asyncio.run(serve_forever(sys.argv[1]))
