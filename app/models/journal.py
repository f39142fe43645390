"""The shared journal: every case and orientation of the room, in the server's order.

``seq`` is assigned by the server (increasing, without gaps); the console keeps
a copy of the entries it has pulled, with the same ``seq``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, utcnow


class JournalEntry(Base):
    __tablename__ = "journal"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: UUID of the object the entry records (case, orientation).
    uuid: Mapped[str] = mapped_column(UUIDStr, index=True)
    #: case, orientation, booking
    kind: Mapped[str] = mapped_column(String(24))
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict]
