"""The desk's call events on their way to the server (``/api/v1/calls``), in order, retried, never blocking.

The softphone reports a call's life (presented, answered, ended…) while the ARM
works; each fact becomes one ``POST /api/v1/calls/events`` (or a ``POST
/api/v1/calls/{id}/case`` linking the call to its case) queued here and sent by
one worker task in the order it happened, so « answered » never reaches the
server before « presented ».  A request without answer (offline, 5xx) is tried
again after :data:`RETRY_DELAYS`; a link to a case the sync has not yet pushed
(404) too.  A refusal is logged by its code (never the number: patient data)
and dropped, except 409 ``call_taken`` which :attr:`CallEventQueue.on_taken` hears.
The queue lives in memory: what it still holds when the console stops is lost,
and the server then counts those clocks as missing, not as typed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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


def event_body(call_id: str, event: str, at: datetime, *, number: str | None = None, hidden: bool = False,
               case_id: str | None = None, target: str | None = None, typed: bool = False) -> dict:
    """The JSON of ``POST /api/v1/calls/events`` (TEL.md): ``at`` an aware instant, sent with its offset."""
    if at.tzinfo is None:
        raise ValueError("call event time without a time zone")
    return {"call_id": call_id, "event": event, "at": at.isoformat(), "number": number, "hidden": hidden,
            "case_id": case_id, "target": target, "typed": typed}


class CallEventQueue:
    """Sends queued call events one by one through ``client``; :meth:`start` runs its worker on the loop."""

    def __init__(self, client: ApiClient, *, retry_delays: Sequence[float] = RETRY_DELAYS):
        self._client = client
        self._delays = tuple(retry_delays)
        self._items: deque[Pending] = deque()
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

    def _push(self, item: Pending) -> None:
        if self._stopped:
            log.warning("call %s after the desk phone stopped: not sent", item.kind)
            return
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
            log.warning("%d call event(s) not sent before the softphone stopped", len(self._items))

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
                continue
            item.tries += 1
            await asyncio.sleep(retry)

    async def _send(self, item: Pending) -> float | None:
        """Send ``item``; None when done with it (sent or refused), else the delay before the next try."""
        delay = self._delays[min(item.tries, len(self._delays) - 1)] if self._delays else 1.0
        try:
            if item.kind == "event":
                await self._client.call_event(item.body)
                self.sent.append(("event", item.call_id, item.body["event"]))
            else:
                await self._client.link_call(item.call_id, item.body["case_id"])
                self.sent.append(("link", item.call_id, item.body["case_id"]))
            return None
        except (Offline, ServerError):
            return delay
        except NotFound as exc:
            if item.kind == "link" and item.tries + 1 < LINK_TRIES:
                return delay  # the case is still on its way to the server
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
