"""The desk's encrypted offline cache for one logged-in session: opened with the server's key, closed on logout.

The console (:mod:`app.ui.shell.console`) holds one :class:`DeskCache` per
session and never an engine or a session factory: it asks the cache for

* :attr:`DeskCache.store`, the :class:`app.services.sync.local_store.LocalStore`
  the desk and the sync write through;
* :meth:`DeskCache.call_outbox`, where the desk phone keeps the user's call facts
  until the server has them (:class:`app.services.desk.call_outbox.CallOutbox`);
* :meth:`DeskCache.supervision_reads`, what the chef de salle's panels read
  (:class:`app.services.supervision.desk_reads.SupervisionReads`);
* :meth:`DeskCache.purge_expired`, the retention purge run at each login (the
  server purges its own database; the desk forgets what it no longer may keep);
* :meth:`DeskCache.close`, which disposes the engine, the only holder of the
  key (:mod:`app.services.sync.cache_crypto`): no pooled, decrypted connection
  outlives the session.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.services.desk.call_outbox import CallOutbox
from app.services.records import retention
from app.services.supervision.desk_reads import SupervisionReads
from app.services.sync import cache_crypto
from app.services.sync.local_store import LocalStore

log = logging.getLogger(__name__)


class DeskCache:
    """One open cache: its engine (and key), its session factory and the store over it."""

    def __init__(self, engine: Engine | None, session_factory: sessionmaker[Session]):
        self._engine = engine
        self._sessions = session_factory
        self.store = LocalStore(session_factory)

    @classmethod
    def open(cls, path: Path, key: bytes) -> DeskCache:
        """Open (migrating, converting a plain file) the encrypted cache at ``path`` with ``key``."""
        engine, factory = cache_crypto.open_cache(path, key)
        return cls(engine, factory)

    @property
    def engine(self) -> Engine | None:
        """The cache's engine while open (None once closed): for checks that nothing stays connected."""
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def call_outbox(self, user: str) -> CallOutbox:
        """The call facts ``user``'s desk phone reported and the server has not acknowledged yet."""
        return CallOutbox(self._sessions, author=user)

    def supervision_reads(self) -> SupervisionReads:
        """The reads of the supervisor's wall, review, timelines and report, over this cache."""
        return SupervisionReads(self._sessions)

    def purge_expired(self, user: str) -> None:
        """Drop the cases past the retention period (``SAS_RETENTION_DAYS``); never raises.

        A dry run first, so a login with nothing to purge takes no write lock.  The cache's
        journal mirrors the server's: its entries are redacted, no checkpoint is added.
        """
        try:
            days = retention.retention_days()
            with self._sessions() as session:
                if not retention.purge(session, older_than_days=days, who=user, dry_run=True,
                                       checkpoint=False).cases:
                    return
            with self._sessions() as session:
                report = retention.purge(session, older_than_days=days, who=user, checkpoint=False)
            log.info("local cache: %s", report.describe())
        except Exception:  # never keep a user from working over housekeeping
            log.exception("local cache: retention purge failed")

    def close(self) -> None:
        """Dispose the engine: its pooled connections, and with them the key, are gone."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
