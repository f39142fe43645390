"""The desk's call facts kept in its local cache until the server has them (no Qt).

:class:`CallOutbox` is what :class:`app.services.desk.call_events.CallEventQueue` writes
through: :meth:`CallOutbox.add` stores one request (a call event or a call-to-case link) the
moment the softphone reports it, in its own short transaction; :meth:`CallOutbox.done`
deletes it once the server answered it for good (acknowledged, or refused for good);
:meth:`CallOutbox.failed` counts a try that got no such answer.  :meth:`CallOutbox.pending`
gives back, in the order they happened (``id``), what a console that stopped (crash, kill,
closed offline) still held, so the next session sends it first.

One outbox serves one user (``author``): the server credits a call report to the token's user,
so a fact seen by one user's desk is only ever sent under that user's session; another user's
leftovers wait for them.  The bodies hold the caller's number: they stay in the encrypted cache,
and the errors kept and logged are codes only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models.call_outbox import CALL_OUTBOX_KINDS, CallOutboxItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredFact:
    """A detached copy of one :class:`~app.models.call_outbox.CallOutboxItem`."""

    id: int
    kind: str
    call_id: str
    body: dict
    attempts: int
    last_error: str | None


class CallOutbox:
    """The call facts of ``author``'s desk not yet answered by the server, over the cache's sessions."""

    def __init__(self, session_factory: sessionmaker[Session], *, author: str):
        if not author:
            raise ValueError("call outbox without a user")
        self._sessions = session_factory
        self.author = author

    def add(self, kind: str, call_id: str, body: dict) -> int:
        """Store one request (committed when this returns); its id, which orders it after every earlier one."""
        if kind not in CALL_OUTBOX_KINDS:
            raise ValueError(f"call request kind {kind!r} is not one of {CALL_OUTBOX_KINDS}")
        with self._sessions() as session, session.begin():
            row = CallOutboxItem(kind=kind, call_id=call_id, body=dict(body), author=self.author)
            session.add(row)
            session.flush()
            return row.id

    def pending(self) -> list[StoredFact]:
        """This user's stored requests, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(CallOutboxItem).where(CallOutboxItem.author == self.author)
                                   .order_by(CallOutboxItem.id)).all()
            return [StoredFact(r.id, r.kind, r.call_id, dict(r.body), r.attempts, r.last_error) for r in rows]

    def count(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(CallOutboxItem)
                                  .where(CallOutboxItem.author == self.author)) or 0

    def done(self, fact_id: int) -> None:
        """The server answered this request for good: it is never sent again."""
        with self._sessions() as session, session.begin():
            session.execute(delete(CallOutboxItem).where(CallOutboxItem.id == fact_id))

    def failed(self, fact_id: int, error: str) -> None:
        """One more try without a final answer; ``error`` a code (``offline``, ``503``, ``not_found``)."""
        with self._sessions() as session, session.begin():
            session.execute(update(CallOutboxItem).where(CallOutboxItem.id == fact_id)
                            .values(attempts=CallOutboxItem.attempts + 1, last_error=error[:200]))
