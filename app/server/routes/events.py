"""``GET /api/v1/events``: the shared journal pushed to the desks as server-sent events (issue 13, item 5).

``text/event-stream``, the same bearer token as every route.  Each journal entry is one event::

    id: 42
    event: journal
    data: {"seq": 42, "uuid": …, "kind": "case", …}

``id`` is the entry's ``seq`` and ``data`` the entry exactly as ``GET /api/v1/journal`` gives it
to that role — read by the same core function (:func:`app.services.regulation.commands.journal_page`),
so a role that may not read cases (``ADMIN``) gets the payload withheld, as in the journal.
``Last-Event-ID: N`` resumes after entry ``N``, exactly like the journal's cursor ``after=N``
(``0``: the whole journal); without it the stream starts at the journal's current head.
``max_seconds`` ends the stream after that long (``0``: send what follows ``Last-Event-ID``, then
end) for clients whose network cuts long responses.

The stream opens with ``retry: 1000`` and a comment; a comment (``: ping``) follows every
:data:`HEARTBEAT_S` without an entry, so proxies and the desk see the line alive.  It ends with
an ``end`` event whose data names the reason — ``shutdown`` (the server process stops: reconnect,
another process may answer), ``token`` (the token was revoked, expired or its account disabled:
log in again), ``replaced`` (a newer stream of the same token) or ``max_seconds`` — then closes.
The token is checked again in the database every :data:`TOKEN_CHECK_S` (:func:`app.server.live.token_holds`,
never from a cache).

New entries are found as :mod:`app.server.live` says: at once for commits of this process, within
a quarter of a second for those of other processes on the same database.  A stream holds at most
one page (:data:`PAGE`) of entries in memory and reads the next only once the previous was sent.

**Audit.**  Every batch of entries sent to a role that reads patient data writes one audit row,
as a journal page does (``journal.list``, the range of ``seq`` sent, in the transaction that
reads them): per batch, not per entry, and nothing is ever sent that was not audited.  The
streams woken by one commit share that transaction (:meth:`app.server.live.JournalFeed.read_together`),
each with its own read and its own row.  The
opening and the end of each stream are logged in the audit log (who, from which ``seq``, how it
ended), without a row.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.server.deps import Principal, ServerState, audit, bearer_token_hash, get_state, require
from app.server.errors import ERROR_RESPONSES, invalid
from app.server.live import JournalFeed, Subscription, token_holds
from app.server.schemas import JournalEntryOut
from app.services.records import journal
from app.services.regulation import commands
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", tags=["journal"], responses=ERROR_RESPONSES)

#: A comment line after this many seconds without an event.
HEARTBEAT_S = 15.0
#: How often the stream checks that its token still holds.
TOKEN_CHECK_S = 5.0
#: Entries read and sent at once (the memory a stream holds).
PAGE = 200
MEDIA_TYPE = "text/event-stream"


def _last_event_id(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if not value.isdigit() or len(value) > 18:
        raise invalid("Last-Event-ID", "doit être le numéro (seq) d'une entrée du journal, entier positif")
    return int(value)


def _frame(entry: dict) -> str:
    data = JournalEntryOut(**entry).model_dump_json()
    return f"id: {entry['seq']}\nevent: journal\ndata: {data}\n\n"


def _end(reason: str) -> str:
    return f'event: end\ndata: {{"reason": "{reason}"}}\n\n'


class _Stream:
    """One client's stream: its cursor, its user, its token, its subscription to the feed."""

    def __init__(self, state: ServerState, feed: JournalFeed, principal: Principal, token: str, after: int,
                 max_seconds: float | None):
        self.state, self.feed, self.principal, self.token = state, feed, principal, token
        self.after, self.first = after, after
        self.stop_at = None if max_seconds is None else time.monotonic() + max_seconds

    def _read_all(self, after: int, principals: Sequence[Principal]) -> list[list[dict]]:
        """The page after ``after`` for each of ``principals`` (redacted and audited each), in one transaction."""
        with self.state.write(journal_lock=False) as session:
            return [commands.journal_page(session, p, after=after, limit=PAGE) for p in principals]

    async def events(self) -> AsyncIterator[str]:
        reason = "?"
        sub: Subscription = await self.feed.subscribe(self.token)
        audit(self.principal, permissions.EVENTS_STREAM, self.after, "open")
        try:
            yield "retry: 1000\n: flux du journal\n\n"
            beat = check = time.monotonic()
            while True:
                if sub.ended is None and time.monotonic() - check >= TOKEN_CHECK_S:  # also while entries flow
                    check = time.monotonic()
                    if not await run_in_threadpool(token_holds, self.state.sessions, self.token):
                        sub.ended = "token"
                if self.feed.head > self.after and sub.ended is None:
                    entries = await self.feed.read_together(self.after, self.principal, self._read_all)
                    if entries:
                        self.after = entries[-1]["seq"]
                        beat = time.monotonic()
                        yield "".join(_frame(e) for e in entries)
                        continue
                    await asyncio.sleep(self.feed.poll_s)  # a head not visible to this read yet
                now = time.monotonic()
                if sub.ended is None and self.stop_at is not None and now >= self.stop_at:
                    sub.ended = "max_seconds"
                if sub.ended is not None:
                    reason = sub.ended
                    yield _end(reason)
                    return
                if now - beat >= HEARTBEAT_S:
                    beat = now
                    yield ": ping\n\n"
                deadlines = [beat + HEARTBEAT_S, check + TOKEN_CHECK_S]
                if self.stop_at is not None:
                    deadlines.append(self.stop_at)
                await self.feed.wait(sub, self.after, min(deadlines) - time.monotonic())
        finally:
            self.feed.unsubscribe(sub)
            audit(self.principal, permissions.EVENTS_STREAM, f"{self.first}-{self.after}", f"closed ({reason})")


@router.get("/events", summary="Suivre le journal partagé en direct (server-sent events)",
            response_class=StreamingResponse,
            responses={200: {"content": {MEDIA_TYPE: {"schema": {"type": "string"}}},
                             "description": "Flux text/event-stream : une entrée du journal par événement"}})
async def stream_events(
    request: Request,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=40,
                                                description="Dernier seq reçu (reprise) ; absent : "
                                                            "à partir de maintenant")] = None,
    max_seconds: Annotated[float | None, Query(ge=0, le=86400, description="Fin du flux après ce délai "
                                                                          "(0 : l'arriéré puis fin)")] = None,
    principal: Principal = Depends(require(permissions.EVENTS_STREAM)),
    token: str = Depends(bearer_token_hash),
    state: ServerState = Depends(get_state),
) -> StreamingResponse:
    """Journal entries after ``Last-Event-ID`` as they are committed, in ``seq`` order, without gaps."""
    after = _last_event_id(last_event_id)
    if after is None:
        after = await run_in_threadpool(_head, state)
    feed: JournalFeed = request.app.state.live
    stream = _Stream(state, feed, principal, token, after, max_seconds)
    return StreamingResponse(stream.events(), media_type=MEDIA_TYPE,
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _head(state: ServerState) -> int:
    with state.read() as session:
        return journal.last_seq(session)
