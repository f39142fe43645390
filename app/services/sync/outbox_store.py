"""The outbox side of the console's local cache: the ``PUT``s still to send, and what the server answered.

:class:`OutboxStore` is a base of :class:`app.services.sync.local_store.LocalStore`: it lists the
items to send (:class:`PendingItem`, detached copies, in id order, rejected ones apart), deletes an
acknowledged item only if its body is still the one that was sent, counts failed attempts, keeps
rejected items for the user, and on a ``version_conflict`` keeps this desk's version in the rejected
item while reloading the server's into the row.  Each call is one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Orientation, OutboxItem
from app.services.records.documents import OrientationDoc


@dataclass(frozen=True)
class PendingItem:
    """A detached copy of an outbox row."""

    id: int
    entity: str
    entity_uuid: str
    method: str
    path: str
    body: dict
    created_at: datetime
    attempts: int
    last_error: str | None
    rejected: bool


def _item(row: OutboxItem) -> PendingItem:
    return PendingItem(row.id, row.entity, row.entity_uuid, row.method, row.path, dict(row.body),
                       row.created_at, row.attempts, row.last_error, row.rejected)


def assign(row: object, values: dict) -> None:
    """Set each of ``values`` on ``row`` (a model row)."""
    for name, value in values.items():
        setattr(row, name, value)


class OutboxStore:
    """The outbox rows of the cache behind ``session_factory``."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self._sessions = session_factory

    def pending_outbox(self, limit: int = 100, after_id: int = 0) -> list[PendingItem]:
        """Items still to send, in id order (rejected ones excluded)."""
        with self._sessions() as session:
            rows = session.scalars(select(OutboxItem).where(OutboxItem.rejected.is_(False), OutboxItem.id > after_id)
                                   .order_by(OutboxItem.id).limit(limit)).all()
            return [_item(r) for r in rows]

    def outbox_count(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(OutboxItem)
                                  .where(OutboxItem.rejected.is_(False))) or 0

    def rejected_items(self) -> list[PendingItem]:
        with self._sessions() as session:
            rows = session.scalars(select(OutboxItem).where(OutboxItem.rejected.is_(True))
                                   .order_by(OutboxItem.id)).all()
            return [_item(r) for r in rows]

    def mark_sent(self, item_id: int, sent_body: dict | None = None) -> bool:
        """Delete an acknowledged item; kept (False) if its body changed since ``sent_body`` was read."""
        with self._sessions() as session, session.begin():
            row = session.get(OutboxItem, item_id)
            if row is None:
                return False
            if sent_body is not None and row.body != sent_body:
                return False
            session.delete(row)
            return True

    def mark_sent_many(self, sent: list[tuple[int, dict]]) -> int:
        """:meth:`mark_sent` for many ``(item id, body sent)`` in one transaction; returns how many left."""
        deleted = 0
        with self._sessions() as session, session.begin():
            for item_id, body in sent:
                row = session.get(OutboxItem, item_id)
                if row is not None and row.body == body:
                    session.delete(row)
                    deleted += 1
        return deleted

    def resolve_conflict(self, item_id: int, error: str, current: dict | None) -> None:
        """A stale orientation: keep our version in the rejected item, reload the server's in the row."""
        with self._sessions() as session, session.begin():
            self._failed(session, item_id, error, reject=True)
            try:
                doc = OrientationDoc.model_validate(current) if current else None
            except ValidationError:
                doc = None
            local = session.get(Orientation, doc.uuid) if doc is not None else None
            if local is not None:
                assign(local, doc.model_dump())

    def mark_failed(self, item_id: int, error: str) -> None:
        with self._sessions() as session, session.begin():
            self._failed(session, item_id, error, reject=False)

    def mark_rejected(self, item_id: int, error: str) -> None:
        """The server refused the item for good: keep it for the user, never retry it."""
        with self._sessions() as session, session.begin():
            self._failed(session, item_id, error, reject=True)

    @staticmethod
    def _failed(session: Session, item_id: int, error: str, *, reject: bool) -> None:
        """Count one more failed attempt of an item (if still there); ``reject``: never retry it."""
        row = session.get(OutboxItem, item_id)
        if row is not None:
            row.attempts += 1
            row.last_error = error
            if reject:
                row.rejected = True
