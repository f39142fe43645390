"""The server's connection to a Hub Santé broker (AMQP 0-9-1, aio-pika): consume, publish, reconnect.

Layout of the Hub (domain.md B.7): each client owns three queues, ``<clientId>.message``
(use-case messages), ``<clientId>.ack`` (final acknowledgements) and ``<clientId>.info``
(errors); a client publishes to the exchange ``hubsante`` with routing key = its own
client id, in persistent delivery mode, and the Hub's Dispatcher routes by the envelope's
recipient.  The Hub's technical ack is the AMQP consumer acknowledgement.

:class:`HubBroker` runs on the server's event loop:

* it consumes the three queues and hands each body to its ``handler`` (the server's
  :mod:`app.server.hub.inbox`), which stores what it must (committed before it returns)
  and returns the envelopes to send back (the RC-REF ack or the RS-ERROR); those go to
  the outbox, and only then is the AMQP message acknowledged.  A handler failure
  (database away…) requeues the message once, then rejects it (the Hub dead-letters it
  and tells the sender);
* :meth:`HubBroker.publish` puts an envelope in the **outbox**, an in-memory FIFO that is
  drained while connected, each publish confirmed by the broker (publisher confirms)
  before it leaves the outbox.  Decision: in memory, not in the database — every send is
  already recorded in the case's journal (its distributionID in a note) so a user sees
  what left and what was acknowledged; messages still queued when the *server process*
  stops are lost and must be sent again (the log says how many);
* when the broker is away (refused, closed, credentials refused…) it retries with an
  exponential backoff (:attr:`HubConfig.retry_initial_s` doubling up to
  :attr:`HubConfig.retry_max_s`); HTTP keeps being served meanwhile.

The queues and the exchange are the Hub's: they are checked (passive declare), never
created.  The broker URL's password never reaches the log (:func:`mask_url`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote, urlsplit, urlunsplit

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage

log = logging.getLogger(__name__)

EXCHANGE = "hubsante"
QUEUE_KINDS = ("message", "ack", "info")

#: (queue kind, raw body) → envelopes to publish in answer (stored data committed before it returns).
Handler = Callable[[str, bytes], Awaitable[list[dict]]]


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for logs and messages)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class HubConfig:
    """Where the Hub is and who we are on it."""

    url: str
    client_id: str
    retry_initial_s: float = 0.5
    retry_max_s: float = 10.0
    prefetch: int = 8
    connect_timeout_s: float = 10.0

    def describe(self) -> str:
        return f"{self.client_id} via {mask_url(self.url)}"


class HubBroker:
    """One client of the Hub: consumes our three queues, publishes through an outbox, reconnects."""

    def __init__(self, config: HubConfig, handler: Handler):
        self.config = config
        self._handler = handler
        self._outbox: deque[dict] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.connected = False
        self._was_connected = False
        #: Envelopes confirmed by the broker since start.
        self.sent = 0

    # --- life cycle --------------------------------------------------------------------
    def start(self) -> None:
        """Start connecting in the background (on the running loop); returns at once."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="hub-broker")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._outbox:
            log.warning("Hub Santé: %d message(s) not sent at shutdown", len(self._outbox))

    # --- outbox ------------------------------------------------------------------------
    def publish(self, envelope: dict) -> None:
        """Queue ``envelope`` for the Hub; it leaves as soon as the broker is there."""
        if envelope.get("senderID") != self.config.client_id:
            raise ValueError("senderID must be this client's id (the Dispatcher checks it)")
        self._outbox.append(envelope)
        self._wake.set()

    @property
    def pending(self) -> int:
        """Envelopes waiting in the outbox."""
        return len(self._outbox)

    # --- connection loop ---------------------------------------------------------------
    async def _run(self) -> None:
        delay, failures = self.config.retry_initial_s, 0
        while True:
            try:
                await self._session()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure means: retry later
                if self._was_connected:  # a working connection was lost: start the backoff afresh
                    self._was_connected, delay, failures = False, self.config.retry_initial_s, 0
                failures += 1
                reason = str(exc).replace(self.config.url, mask_url(self.config.url)) or type(exc).__name__
                password = urlsplit(self.config.url).password
                for secret in (password, unquote(password or "")):
                    if secret:
                        reason = reason.replace(secret, "***")
                level = logging.WARNING if failures == 1 else logging.DEBUG
                log.log(level, "Hub Santé %s unreachable (%s: %s); retrying every ≤ %gs",
                         mask_url(self.config.url), type(exc).__name__, reason, self.config.retry_max_s)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.config.retry_max_s)

    async def _session(self) -> None:
        """One connection: consume and drain the outbox until it is lost (then raise)."""
        connection = await aio_pika.connect(self.config.url, timeout=self.config.connect_timeout_s)
        lost = asyncio.Event()
        connection.close_callbacks.add(lambda *_: lost.set())
        try:
            channel = await connection.channel(publisher_confirms=True)
            channel.close_callbacks.add(lambda *_: lost.set())
            await channel.set_qos(prefetch_count=self.config.prefetch)
            exchange = await channel.get_exchange(EXCHANGE, ensure=False)
            for kind in QUEUE_KINDS:
                queue = await channel.get_queue(f"{self.config.client_id}.{kind}", ensure=True)
                await queue.consume(partial(self._on_message, kind))
            self.connected = self._was_connected = True
            log.info("Hub Santé connected: %s (%d message(s) waiting to be sent)", self.config.describe(),
                     len(self._outbox))
            await self._drain(exchange, lost)
        finally:
            self.connected = False
            if not connection.is_closed:
                await asyncio.shield(connection.close())

    async def _drain(self, exchange: AbstractExchange, lost: asyncio.Event) -> None:
        while not lost.is_set():
            self._wake.clear()
            while self._outbox and not lost.is_set():
                await self._send(exchange, self._outbox[0])
                self._outbox.popleft()
                self.sent += 1
            if self._outbox:
                continue
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(lost.wait())]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
        raise ConnectionError("connexion au Hub Santé perdue")

    async def _send(self, exchange: AbstractExchange, envelope: dict) -> None:
        message = aio_pika.Message(
            json.dumps(envelope, ensure_ascii=False).encode("utf-8"),
            content_type="application/json", content_encoding="utf-8",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=envelope.get("distributionID"),
        )
        await exchange.publish(message, routing_key=self.config.client_id, timeout=self.config.connect_timeout_s)
        log.info("Hub Santé: sent %s (%s) to %s", envelope.get("distributionID"), envelope.get("distributionKind"),
                 (envelope.get("descriptor") or {}).get("explicitAddress", {}).get("explicitAddressValue"))

    # --- consuming ---------------------------------------------------------------------
    async def _on_message(self, kind: str, message: AbstractIncomingMessage) -> None:
        try:
            replies = await self._handler(kind, message.body)
        except Exception:  # noqa: BLE001 - the message stays with the Hub
            log.exception("Hub Santé: %s message could not be processed%s", kind,
                          " again; rejected" if message.redelivered else "; requeued")
            if not message.redelivered:
                await asyncio.sleep(1.0)
            await message.nack(requeue=not message.redelivered)
            return
        for reply in replies:
            self.publish(reply)
        await message.ack()
