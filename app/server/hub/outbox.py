"""The Hub outbox as the broker drains it: the ``hub_outbox`` table through short transactions.

:class:`DatabaseOutbox` gives :class:`app.server.hub.broker.HubBroker` the calls it makes
(from a worker thread, never on the event loop): claim the next rows, mark one sent once
the broker confirmed it, release what could not be sent, count what waits.  The rules
(leases, order, what ``sent_at`` means) are the core's: :mod:`app.services.regulation.hub_outbox`.
Writes take no journal lock (they touch no journal), so on PostgreSQL they never wait for
a case being written; SQLite serialises them as it does every write.
"""

from __future__ import annotations

from app.server.deps import ServerState
from app.services.regulation import hub_outbox
from app.services.regulation.hub_outbox import Claimed


class DatabaseOutbox:
    """The outbox rows of the server's database (shared by every server process on it)."""

    def __init__(self, state: ServerState, *, batch: int = hub_outbox.BATCH):
        self._state = state
        self._batch = batch

    def claim(self) -> list[Claimed]:
        """The next rows to send, held by this process for :data:`hub_outbox.LEASE`."""
        with self._state.write(journal_lock=False) as session:
            return hub_outbox.claim(session, limit=self._batch)

    def mark_sent(self, row_id: int) -> None:
        with self._state.write(journal_lock=False) as session:
            hub_outbox.mark_sent(session, row_id)

    def release(self, row_ids: list[int], error: str | None) -> None:
        with self._state.write(journal_lock=False) as session:
            hub_outbox.release(session, row_ids, error)

    def pending(self) -> int:
        with self._state.read() as session:
            return hub_outbox.pending_count(session)
