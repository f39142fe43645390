"""The journal's head as this server process sees it, and the event streams waiting for it to move.

``GET /api/v1/events`` (:mod:`app.server.routes.events`) pushes each new journal entry to
the desks.  The server is stateless over its database (several processes may share one
PostgreSQL), so a stream learns of new entries in two ways:

* **in-process, at once**: :func:`watch_commits` hooks the server's session factory; when a
  transaction that added journal entries commits (in a thread of the request pool),
  :meth:`JournalFeed.committed` is called with the highest ``seq`` and wakes every stream
  of this process through the event loop (``call_soon_threadsafe``);
* **from the database, every** :data:`POLL_S`: one task per process (running only while a
  stream is open) reads ``max(seq)``, which catches what the other processes committed.

:class:`JournalFeed` holds the head and who waits for it.  Each stream reads its own entries
(with its user's redaction and audit), but the streams woken by one commit that ask for the same
entries read them together (:meth:`JournalFeed.read_together`): one transaction for all of them,
one read per stream inside it, so a commit costs one database write for its audit rows, not one
per desk (on SQLite they would be twenty fsyncs in a row).  Streams are counted per bearer token: a
desk that reconnects while its old stream still looks alive ends the oldest beyond
:data:`MAX_STREAMS_PER_TOKEN` (``replaced``).  :meth:`JournalFeed.close` ends every stream
(``shutdown``); :class:`Server` calls it when uvicorn starts to stop, because uvicorn waits
for open responses to finish before the app's own shutdown runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.models import AuthToken, JournalEntry, User, utcnow
from app.services.records import journal

log = logging.getLogger(__name__)

#: How often a process reads the journal's head while streams are open (what other processes committed).
POLL_S = 0.25
#: Streams kept per bearer token; a newer one ends the oldest (a desk's reconnection replaces its old stream).
MAX_STREAMS_PER_TOKEN = 2
_SEQ_KEY = "sas_journal_seq"


def watch_commits(sessions: sessionmaker[Session], committed: Callable[[int], None]) -> None:
    """Call ``committed(max seq)`` after each commit of a session of ``sessions`` that added journal entries."""

    @event.listens_for(sessions, "after_flush")
    def _flushed(session: Session, _context: object) -> None:
        seqs = [o.seq for o in session.new if isinstance(o, JournalEntry) and o.seq is not None]
        if seqs:
            session.info[_SEQ_KEY] = max(session.info.get(_SEQ_KEY, 0), *seqs)

    @event.listens_for(sessions, "after_commit")
    def _committed(session: Session) -> None:
        seq = session.info.pop(_SEQ_KEY, None)
        if seq is not None:
            committed(seq)

    @event.listens_for(sessions, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_SEQ_KEY, None)


@dataclass(eq=False)
class Subscription:
    """One open stream: whose token it serves, and why it must end (None while it may go on)."""

    token: str
    ended: str | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class _Batch:
    """Streams asking for the entries after one ``seq``, read in one transaction."""

    readers: list[Any]
    done: asyncio.Future


class JournalFeed:
    """The head of the journal for this process; streams wait on it (see the module docstring)."""

    def __init__(self, read_head: Callable[[], int], *, poll_s: float = POLL_S):
        self._read_head = read_head
        self.poll_s = poll_s
        self.head = 0
        self.closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subs: list[Subscription] = []
        self._poller: asyncio.Task | None = None
        self._batches: dict[int, _Batch] = {}
        self._running: set[asyncio.Task] = set()

    # --- head -----------------------------------------------------------------------------------
    def committed(self, seq: int) -> None:
        """This process committed journal entries up to ``seq`` (any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._advance, seq)

    def _advance(self, seq: int) -> None:
        if seq > self.head:
            self.head = seq
            for sub in self._subs:
                sub._wake.set()

    async def _poll(self) -> None:
        while self._subs and not self.closed:
            try:
                self._advance(await run_in_threadpool(self._read_head))
            except Exception as exc:  # the database away for a moment: streams keep their heartbeat
                log.warning("journal head not read: %s", type(exc).__name__)
            await asyncio.sleep(self.poll_s)
        self._poller = None

    # --- streams --------------------------------------------------------------------------------
    async def subscribe(self, token: str) -> Subscription:
        """Register a stream (ending the token's oldest beyond the cap) and make sure the head is fresh."""
        self._loop = asyncio.get_running_loop()
        sub = Subscription(token)
        if self.closed:
            sub.ended = "shutdown"
            return sub
        same = [s for s in self._subs if s.token == token and s.ended is None]
        for old in same[:max(0, len(same) - MAX_STREAMS_PER_TOKEN + 1)]:
            self.end(old, "replaced")
        self._subs.append(sub)
        self._advance(await run_in_threadpool(self._read_head))
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll(), name="journal-head-poll")
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subs:
            self._subs.remove(sub)

    def end(self, sub: Subscription, reason: str) -> None:
        if sub.ended is None:
            sub.ended = reason
        sub._wake.set()

    @property
    def streams(self) -> int:
        return len(self._subs)

    async def wait(self, sub: Subscription, after: int, timeout: float) -> None:
        """Return when the head passes ``after``, the stream must end, or ``timeout`` seconds have passed."""
        if self.head > after or sub.ended is not None or timeout <= 0:
            return
        sub._wake.clear()
        try:
            await asyncio.wait_for(sub._wake.wait(), timeout)
        except TimeoutError:
            pass

    # --- reads ----------------------------------------------------------------------------------
    async def read_together(self, after: int, reader: Any,
                            read_all: Callable[[int, Sequence[Any]], Sequence[Any]]) -> Any:
        """``reader``'s share of ``read_all(after, readers)``, run once in the thread pool for every stream that
        asked for the entries after ``after`` before it started (those woken by the same commit)."""
        batch = self._batches.get(after)
        if batch is None:
            batch = self._batches[after] = _Batch([], asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._read(after, batch, read_all))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        index = len(batch.readers)
        batch.readers.append(reader)
        return (await asyncio.shield(batch.done))[index]

    async def _read(self, after: int, batch: _Batch, read_all: Callable[[int, Sequence[Any]], Sequence[Any]]) -> None:
        await asyncio.sleep(0)  # the other streams woken in this turn of the loop join first
        if self._batches.get(after) is batch:
            del self._batches[after]  # later askers start the next batch
        try:
            batch.done.set_result(await run_in_threadpool(read_all, after, list(batch.readers)))
        except BaseException as exc:  # every waiting stream gets it (and ends; its desk reconnects)
            batch.done.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise

    def close(self) -> None:
        """End every stream (server shutdown); later subscriptions end at once."""
        self.closed = True
        for sub in list(self._subs):
            self.end(sub, "shutdown")


def install(app, sessions: sessionmaker[Session]) -> JournalFeed:
    """Give ``app`` its feed (``app.state.live``), fed by the commits of ``sessions`` and the database's head."""

    def read_head() -> int:
        with sessions() as session:
            return journal.last_seq(session)

    feed = JournalFeed(read_head)
    watch_commits(sessions, feed.committed)
    app.state.live = feed
    return feed


def token_holds(sessions: sessionmaker[Session], digest: str) -> bool:
    """Whether the token of hash ``digest`` still opens a session: known, not revoked, not expired, account active.

    Read from the database each time (never from a cache), so a stream ends soon after a logout
    or a new login on its desk made in any server process.
    """
    with sessions() as session:
        row = session.execute(select(AuthToken.expires_at, AuthToken.revoked_at, User.active)
                              .join(User, User.id == AuthToken.user_id)
                              .where(AuthToken.token_hash == digest)).first()
    return row is not None and row.revoked_at is None and row.expires_at > utcnow() and bool(row.active)


def close_streams(app) -> None:
    """End the event streams of ``app`` (if it has any): what a stopping server does first.

    ``app`` may be wrapped in middleware (uvicorn's ``loaded_app``): the feed is looked for down the chain.
    """
    for _ in range(16):
        feed = getattr(getattr(app, "state", None), "live", None)
        if isinstance(feed, JournalFeed):
            feed.close()
            return
        app = getattr(app, "app", None)
        if app is None:
            return


class Server(uvicorn.Server):
    """uvicorn's server, ending the app's event streams as soon as it is asked to stop.

    uvicorn waits for open responses before it runs the app's shutdown; an event stream never
    finishes by itself, so without this a stopping server would wait for its graceful timeout.
    """

    async def shutdown(self, sockets=None) -> None:
        close_streams(getattr(self.config, "loaded_app", None) or self.config.app)
        await super().shutdown(sockets)
