"""The console's outbox and sync state.

Every local write of a case or an orientation adds an :class:`OutboxItem` in
the same transaction; the sync service sends items in ``id`` order and deletes
each one only once the server has acknowledged it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, utcnow


class OutboxItem(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: case or orientation
    entity: Mapped[str] = mapped_column(String(16))
    entity_uuid: Mapped[str] = mapped_column(UUIDStr, index=True)
    method: Mapped[str] = mapped_column(String(8), default="PUT")
    path: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    #: Set when the server refused the item for good (409, 422): kept, shown, not retried.
    rejected: Mapped[bool] = mapped_column(default=False)


class SyncState(Base):
    """Small key/value store: the journal pull cursor and similar markers."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
