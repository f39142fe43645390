"""Waking the sync on every local write: a hook on the commits of the console's cache.

:func:`watch_outbox` listens to a session factory of the cache and calls ``wake`` after each
commit that added an outbox item or changed the body of one (a write to send), whichever
screen or service made it; the sync's own bookkeeping (attempts, deletions) does not wake it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from app.models import OutboxItem

_FLAG = "sas_outbox_queued"


def watch_outbox(sessions: sessionmaker[Session], wake: Callable[[], None]) -> Callable[[], None]:
    """Call ``wake()`` after each commit of ``sessions`` that queued a write; returns the function that stops it."""

    def flushed(session: Session, _context: object) -> None:
        if any(isinstance(o, OutboxItem) for o in session.new) or any(
                isinstance(o, OutboxItem) and inspect(o).attrs.body.history.has_changes() for o in session.dirty):
            session.info[_FLAG] = True

    def committed(session: Session) -> None:
        if session.info.pop(_FLAG, False):
            wake()

    def rolled_back(session: Session) -> None:
        session.info.pop(_FLAG, None)

    hooks = (("after_flush", flushed), ("after_commit", committed), ("after_rollback", rolled_back))
    for name, fn in hooks:
        event.listen(sessions, name, fn)

    def unwatch() -> None:
        for name, fn in hooks:
            if event.contains(sessions, name, fn):
                event.remove(sessions, name, fn)

    return unwatch
