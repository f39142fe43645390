"""Following the server's journal live (``GET /api/v1/events``, server-sent events) for the sync service.

Plain asyncio over httpx (no Qt).  :class:`LiveEvents` keeps one stream open, resumed with
``Last-Event-ID`` set to the desk's journal cursor, and hands each batch of journal entries
(what one network read brought: several entries arrive together after a burst) to
``deliver`` — :meth:`app.services.sync.worker.SyncService.take_live_entries` stores them like a
pulled page.  When the stream drops it reconnects after an exponential back-off with full
jitter (reset once a stream has worked), and tells ``on_change`` whether it is up, so the
sync service polls only while it is down.  The server's ``end`` event says why a stream
ended: ``shutdown`` (reconnect soon, another server process may answer), ``token`` (the
session is over: retry slowly, the sync round reports the 401), ``replaced``, ``max_seconds``.

:class:`SseParser` reads the ``text/event-stream`` format (fields ``id``, ``event``, ``data``,
comments, any line ending) incrementally, holding at most :data:`MAX_PENDING` characters of an
unfinished event.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from app.services.sync.api_client import ApiClient, ApiError, Unauthorized
from app.services.sync.report import backoff_delay

log = logging.getLogger(__name__)

#: The most text an unfinished event may hold (an entry is a few kilobytes; a page of 200 never one event).
MAX_PENDING = 4 * 1024 * 1024
#: A stream that lasted this long is counted as having worked (the back-off starts again from its base).
HEALTHY_S = 5.0


class StreamError(Exception):
    """The stream broke the event-stream format (an event too long, data that is not an entry)."""


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str
    id: str | None = None


class SseParser:
    """Incremental ``text/event-stream`` parser: :meth:`feed` text, get the events it completed."""

    def __init__(self) -> None:
        self._buffer = ""
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._size = 0
        #: The last event id seen (kept across events, as the format says).
        self.last_id: str | None = None

    def feed(self, text: str) -> list[SseEvent]:
        self._buffer += text
        done: list[SseEvent] = []
        while True:
            cut = min((i for i in (self._buffer.find("\n"), self._buffer.find("\r")) if i >= 0), default=-1)
            if cut < 0 or (self._buffer[cut] == "\r" and cut == len(self._buffer) - 1):
                break  # no whole line yet (a lone CR at the end may be the first half of CRLF)
            line = self._buffer[:cut]
            skip = 2 if self._buffer.startswith("\r\n", cut) else 1
            self._buffer = self._buffer[cut + skip:]
            event = self._line(line)
            if event is not None:
                done.append(event)
        if len(self._buffer) + self._size > MAX_PENDING:
            raise StreamError("event too long")
        return done

    def _line(self, line: str) -> SseEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._data.append(value)
            self._size += len(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None

    def _dispatch(self) -> SseEvent | None:
        if self._id is not None:
            self.last_id = self._id
        if not self._data:
            self._event, self._id = "", None
            return None
        event = SseEvent(self._event or "message", "\n".join(self._data), self._id)
        self._event, self._data, self._id, self._size = "", [], None, 0
        return event


class LiveEvents:
    """One live stream of the journal, reconnected until :meth:`stop`; see the module docstring."""

    def __init__(self, client: ApiClient, cursor: Callable[[], int], deliver: Callable[[list[dict]], None], *,
                 on_change: Callable[[bool], None] = lambda _up: None, backoff_base: float = 0.5,
                 backoff_max: float = 30.0, rng: random.Random | None = None,
                 clock: Callable[[], float] | None = None):
        self.client = client
        self._cursor = cursor
        self._deliver = deliver
        self._on_change = on_change
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self._rng = rng or random.Random()
        self._clock = clock
        self.up = False
        self.failures = 0
        #: Why the last stream ended (the server's ``end`` reason, or the error's type).
        self.last_end: str | None = None
        self._stopping = False
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stopping = True
        self._stop.set()

    def _set_up(self, up: bool) -> None:
        if up != self.up:
            self.up = up
            try:
                self._on_change(up)
            except Exception as exc:  # a listener's bug must not stop the stream
                log.error("live stream listener failed: %s", type(exc).__name__)

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    async def run(self) -> None:
        """Follow the stream until :meth:`stop`; never raises on a lost stream."""
        try:
            while not self._stopping:
                started = self._now()
                reason = await self._follow()
                self._set_up(False)
                if self._stopping:
                    return
                worked = self._now() - started >= HEALTHY_S
                self.failures = 1 if worked else self.failures + 1
                self.last_end = reason
                if reason == "token":
                    delay = self.backoff_max
                elif reason in ("shutdown", "replaced", "max_seconds"):
                    delay = self._rng.uniform(0.1, 1.0)  # another process (or this one, restarted) answers
                else:
                    delay = backoff_delay(self.failures, self.backoff_base, self.backoff_max, self._rng)
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=delay)
                except TimeoutError:
                    pass
        finally:
            self._set_up(False)

    async def _follow(self) -> str:
        """One stream, from open to end; the reason it ended."""
        try:
            async with self.client.event_stream(self._cursor()) as response:
                self._set_up(True)
                parser = SseParser()
                ended = "closed"
                # Read to the end, never break out: a generator of httpx left suspended would be closed later by
                # the garbage collector, outside this task.  The server closes the stream after its ``end``.
                async for chunk in response.aiter_text():
                    entries: list[dict] = []
                    for event in parser.feed(chunk):
                        if event.event == "journal" and ended == "closed":
                            entries.append(_entry(event.data))
                        elif event.event == "end":
                            ended = _reason(event.data)
                    if entries:
                        self._deliver(entries)
                return ended
        except Unauthorized:
            return "token"
        except (ApiError, StreamError) as exc:
            return type(exc).__name__
        except Exception as exc:  # a store or listener failure: log where, never the data
            log.error("live stream failed: %s", type(exc).__name__)
            return type(exc).__name__


def _entry(data: str) -> dict:
    try:
        entry = json.loads(data)
    except ValueError:
        raise StreamError("data is not JSON") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        raise StreamError("data is not a journal entry")
    return entry


def _reason(data: str) -> str:
    try:
        reason = json.loads(data).get("reason")
    except (ValueError, AttributeError):
        return "end"
    return reason if isinstance(reason, str) else "end"
