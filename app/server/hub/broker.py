"""The server's connection to a Hub Santé broker (AMQP 0-9-1, aio-pika): consume, publish, reconnect.

Layout of the Hub (domain.md B.7): each client owns three queues, ``<clientId>.message``
(use-case messages), ``<clientId>.ack`` (final acknowledgements) and ``<clientId>.info``
(errors); a client publishes to the exchange ``hubsante`` with routing key = its own
client id, in persistent delivery mode, and the Hub's Dispatcher routes by the envelope's
recipient.  The Hub's technical ack is the AMQP consumer acknowledgement.

:class:`HubBroker` runs on the server's event loop:

* it consumes the three queues and hands each body to its ``handler`` (the server's
  :mod:`app.server.hub.inbox`), which stores what it must and puts its answers (the RC-REF
  ack or the RS-ERROR) in the outbox, all committed before it returns; only then is the
  AMQP message acknowledged.  A handler failure (database away…) requeues the message
  once, then rejects it (the Hub dead-letters it and tells the sender);
* it drains the **outbox**, the ``hub_outbox`` table (:mod:`app.services.regulation.hub_outbox`):
  every message for the Hub is a row there, committed with the change that causes it.
  While connected, it claims the oldest unsent rows (a lease, so several server processes
  over one database never send one row at the same time), publishes each in id order —
  persistent, ``message_id`` = its distributionID, confirmed by the broker (publisher
  confirms) — and only then sets its ``sent_at`` (a short transaction).  It drains at once
  when this process adds a row (:meth:`HubBroker.wake`) and reads the table every
  :attr:`HubConfig.poll_s` for rows other processes added.  Rows wait through a broker
  outage and a server restart.  The one window left — confirmed, then the process dies
  before ``sent_at`` is committed — sends the row again with the same distributionID,
  which the receiver recognises (see :mod:`app.services.regulation.hub_outbox`);
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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage

from app.services.regulation.hub_outbox import Claimed

log = logging.getLogger(__name__)

EXCHANGE = "hubsante"
QUEUE_KINDS = ("message", "ack", "info")

#: (queue kind, raw body): stores what it must, its answers in the outbox, committed before it returns.
Handler = Callable[[str, bytes], Awaitable[object]]


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
    #: How often the outbox is read for rows other server processes added.
    poll_s: float = 1.0

    def describe(self) -> str:
        return f"{self.client_id} via {mask_url(self.url)}"


class Outbox(Protocol):
    """Where the messages wait (:class:`app.server.hub.inbox.DatabaseOutbox`); blocking calls, run in threads."""

    def claim(self) -> list[Claimed]: ...

    def mark_sent(self, row_id: int) -> None: ...

    def release(self, row_ids: list[int], error: str | None) -> None: ...

    def pending(self) -> int: ...


class HubBroker:
    """One client of the Hub: consumes our three queues, drains the outbox, reconnects."""

    def __init__(self, config: HubConfig, handler: Handler, outbox: Outbox):
        self.config = config
        self._handler = handler
        self._outbox = outbox
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.connected = False
        self._was_connected = False
        #: Envelopes confirmed by the broker since start (by this process).
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
        try:
            waiting = await asyncio.to_thread(self._outbox.pending)
        except Exception:  # noqa: BLE001 - the database may be gone already
            return
        if waiting:
            log.warning("Hub Santé: %d message(s) wait in the outbox, sent once a server runs again", waiting)

    # --- outbox ------------------------------------------------------------------------
    def wake(self) -> None:
        """A row was just committed to the outbox (call on the event loop): drain now, not at the next poll."""
        self._wake.set()

    def pending(self) -> int:
        """Messages not sent yet, by any process (a database read: call off the event loop)."""
        return self._outbox.pending()

    # --- connection loop ---------------------------------------------------------------
    def _reason(self, exc: BaseException) -> str:
        """``exc`` described without the broker's password."""
        reason = str(exc).replace(self.config.url, mask_url(self.config.url)) or type(exc).__name__
        password = urlsplit(self.config.url).password
        for secret in (password, unquote(password or "")):
            if secret:
                reason = reason.replace(secret, "***")
        return reason

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
                level = logging.WARNING if failures == 1 else logging.DEBUG
                log.log(level, "Hub Santé %s unreachable (%s: %s); retrying every ≤ %gs",
                         mask_url(self.config.url), type(exc).__name__, self._reason(exc), self.config.retry_max_s)
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
            log.info("Hub Santé connected: %s", self.config.describe())
            await self._drain(exchange, lost)
        finally:
            self.connected = False
            if not connection.is_closed:
                await asyncio.shield(connection.close())

    async def _drain(self, exchange: AbstractExchange, lost: asyncio.Event) -> None:
        """Send the outbox's rows in id order, woken by :meth:`wake` or every ``poll_s`` (other processes' rows)."""
        while not lost.is_set():
            self._wake.clear()
            try:
                batch = await asyncio.to_thread(self._outbox.claim)
            except Exception as exc:  # noqa: BLE001 - the database is away: try again at the next poll
                log.warning("Hub Santé: outbox unreadable (%s); retrying", type(exc).__name__)
                batch = []
            if batch:
                await self._send_batch(exchange, batch, lost)
                continue
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(lost.wait())]
            try:
                await asyncio.wait(waiters, timeout=self.config.poll_s, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
        raise ConnectionError("connexion au Hub Santé perdue")

    async def _send_batch(self, exchange: AbstractExchange, batch: list[Claimed], lost: asyncio.Event) -> None:
        """Publish each claimed row and mark it sent once confirmed; release the rest on any failure."""
        done = 0
        error: str | None = "interrompu"
        try:
            for item in batch:
                if lost.is_set():
                    raise ConnectionError("connexion au Hub Santé perdue")
                await self._send(exchange, item.envelope)
                done += 1
                self.sent += 1
                # Confirmed: a crash before this commit sends it again, with the same distributionID.
                await asyncio.to_thread(self._outbox.mark_sent, item.id)
            error = None
        except Exception as exc:
            error = f"{type(exc).__name__}: {self._reason(exc)}"
            raise
        finally:
            rest = [item.id for item in batch[done:]]
            if rest:
                try:
                    await asyncio.shield(asyncio.to_thread(self._outbox.release, rest, error))
                except Exception as exc:  # noqa: BLE001 - their lease expires by itself
                    log.warning("Hub Santé: outbox rows not released (%s)", type(exc).__name__)

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
            await self._handler(kind, message.body)
        except Exception:  # noqa: BLE001 - the message stays with the Hub
            log.exception("Hub Santé: %s message could not be processed%s", kind,
                          " again; rejected" if message.redelivered else "; requeued")
            if not message.redelivered:
                await asyncio.sleep(1.0)
            await message.nack(requeue=not message.redelivered)
            return
        self.wake()  # its answer, if any, is committed to the outbox
        await message.ack()
