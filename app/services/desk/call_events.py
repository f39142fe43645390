"""The desk's call events on their way to the server (``/api/v1/calls``), in order, retried, never blocking, never lost.

The softphone reports a call's life (presented, answered, ended…) while the ARM
works; each fact becomes one ``POST /api/v1/calls/events`` (or a ``POST
/api/v1/calls/{id}/case`` linking the call to its case) queued here and sent by
one worker task in the order it happened, so « answered » never reaches the
server before « presented ».  A request without answer (offline, 5xx) is tried
again after :data:`RETRY_DELAYS`; a link to a case the sync has not yet pushed
(404) too.  A refusal is logged by its code (never the number: patient data)
and dropped, except 409 ``call_taken`` which :attr:`CallEventQueue.on_taken` hears.

With a :class:`app.services.desk.call_outbox.CallOutbox` (the console gives the one
of its encrypted cache, for the logged-in user) every fact is stored the moment it
is reported and deleted only once the server answered it for good; the queue sends
from that store, oldest first.  What a console still held when it stopped (crash,
kill, closed offline) is therefore sent first by the next session of the same user
on that desk, in order; a fact the server had already recorded comes back as a
replay, which the server recognises (200, nothing written).  Without an outbox
(tests) the queue lives in memory only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.services.desk.call_outbox import CallOutbox
from app.services.sync.api_client import ApiClient, ApiError, Conflict, NotFound, Offline, ServerError

log = logging.getLogger(__name__)

#: Seconds between tries of one request that got no answer (the last one repeats until sent).
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: A link to a case the server does not know yet is tried this many times (the sync pushes it meanwhile).
LINK_TRIES = 20


@dataclass
class Pending:
    """One request to send: a call event (``kind`` "event") or a link (``kind`` "link")."""

    kind: str
    call_id: str
    body: dict = field(default_factory=dict)
    tries: int = 0
    #: Its row in the cache's call outbox (None: in memory only).
    stored: int | None = None


def event_body(call_id: str, event: str, at: datetime, *, number: str | None = None, hidden: bool = False,
               case_id: str | None = None, target: str | None = None, typed: bool = False) -> dict:
    """The JSON of ``POST /api/v1/calls/events`` (TEL.md): ``at`` an aware instant, sent with its offset."""
    if at.tzinfo is None:
        raise ValueError("call event time without a time zone")
    return {"call_id": call_id, "event": event, "at": at.isoformat(), "number": number, "hidden": hidden,
            "case_id": case_id, "target": target, "typed": typed}


class CallEventQueue:
    """Sends queued call events one by one through ``client``; :meth:`start` runs its worker on the loop."""

    def __init__(self, client: ApiClient, *, retry_delays: Sequence[float] = RETRY_DELAYS,
                 outbox: CallOutbox | None = None):
        self._client = client
        self._delays = tuple(retry_delays)
        self._outbox = outbox
        #: What is still to send, oldest first: the outbox's rows (their mirror) when there is one.
        self._items: deque[Pending] = deque(self._leftovers())
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopped = False
        #: Called with the room call id when the server says another desk answered it (409 ``call_taken``).
        self.on_taken: Callable[[str], None] = lambda _call_id: None
        #: What was sent, in order (``(kind, call_id, event or case_id)``): for tests and the log.
        self.sent: list[tuple[str, str, str]] = []

    def post_event(self, body: dict) -> None:
        self._push(Pending("event", body["call_id"], body))

    def link(self, call_id: str, case_uuid: str) -> None:
        self._push(Pending("link", call_id, {"case_id": case_uuid}))

    def _leftovers(self) -> list[Pending]:
        """What the last session of this user left in the cache, in the order it happened."""
        if self._outbox is None:
            return []
        try:
            facts = self._outbox.pending()
        except Exception as exc:  # noqa: BLE001 - the phone works even when the cache does not
            log.error("stored call facts unreadable (%s): not sent", type(exc).__name__)
            return []
        if facts:
            log.info("%d call fact(s) left by the last session: sent first", len(facts))
        return [Pending(f.kind, f.call_id, f.body, stored=f.id) for f in facts]

    def _push(self, item: Pending) -> None:
        if self._stopped:
            log.warning("call %s after the desk phone stopped: not sent", item.kind)
            return
        if self._outbox is not None:
            try:
                item.stored = self._outbox.add(item.kind, item.call_id, item.body)
            except Exception as exc:  # noqa: BLE001 - still sent from memory, only a restart would lose it
                log.error("call %s not stored in the cache (%s): kept in memory", item.kind, type(exc).__name__)
        self._items.append(item)
        self._wake.set()
        if self._task is None or self._task.done():
            self.start()

    def pending(self) -> int:
        return len(self._items)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
            self._task.set_name("call-events")

    async def stop(self, *, flush_s: float = 2.0) -> None:
        """Give what is queued ``flush_s`` seconds to leave, then stop the worker (for good)."""
        self._stopped = True
        if self._task is None:
            return
        loop = asyncio.get_running_loop()
        end = loop.time() + flush_s
        while self._items and loop.time() < end and not self._task.done():
            await asyncio.sleep(0.05)
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
        if self._items:
            kept = sum(1 for item in self._items if item.stored is not None)
            if kept:
                log.info("%d call fact(s) kept in the cache for the next session", kept)
            if kept < len(self._items):
                log.warning("%d call event(s) not sent before the softphone stopped", len(self._items) - kept)
        self._outbox = None  # the cache closes with the session: nothing touches it any more

    async def _run(self) -> None:
        while True:
            if not self._items:
                self._wake.clear()
                await self._wake.wait()
                continue
            item = self._items[0]
            retry = await self._send(item)
            if retry is None:
                self._items.popleft()
                self._store("done", item)
                continue
            item.tries += 1
            self._store("failed", item, retry[1])
            await asyncio.sleep(retry[0])

    def _store(self, what: str, item: Pending, error: str = "") -> None:
        """Tell the outbox ``item`` is ``done`` (never sent again) or ``failed`` once more."""
        if self._outbox is None or item.stored is None:
            return
        try:
            if what == "done":
                self._outbox.done(item.stored)
            else:
                self._outbox.failed(item.stored, error)
        except Exception as exc:  # noqa: BLE001 - at worst the server sees a replay next session
            log.error("call outbox not updated (%s)", type(exc).__name__)

    async def _send(self, item: Pending) -> tuple[float, str] | None:
        """Send ``item``; None when done with it (sent or refused), else the delay before the next try
        and why (a code, never patient data)."""
        delay = self._delays[min(item.tries, len(self._delays) - 1)] if self._delays else 1.0
        try:
            if item.kind == "event":
                await self._client.call_event(item.body)
                self.sent.append(("event", item.call_id, item.body["event"]))
            else:
                await self._client.link_call(item.call_id, item.body["case_id"])
                self.sent.append(("link", item.call_id, item.body["case_id"]))
            return None
        except Offline:
            return delay, "offline"
        except ServerError as exc:
            return delay, str(exc.code or exc.status or "server_error")
        except NotFound as exc:
            if item.kind == "link" and item.tries + 1 < LINK_TRIES:
                return delay, "not_found"  # the case is still on its way to the server
            log.warning("call %s refused by the server: %s", item.kind, exc.code or exc.status)
            return None
        except Conflict as exc:
            if exc.code == "call_taken":
                self.on_taken(item.call_id)
            else:
                log.warning("call %s refused by the server: %s", item.kind, exc.code or exc.status)
            return None
        except ApiError as exc:
            log.warning("call %s refused by the server: %s", item.kind, exc.code or exc.status)
            return None
