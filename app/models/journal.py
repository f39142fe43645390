"""The shared journal and the audit trail: append-only records of what happened in the room.

``JournalEntry.seq`` is assigned by the server (increasing, without gaps); the
console keeps a copy of the entries it has pulled, with the same ``seq``.

Each entry is chained: ``prev_hash`` is the ``entry_hash`` of entry ``seq - 1``
(:data:`GENESIS_HASH` for the first) and ``entry_hash`` is the SHA-256 of
``prev_hash`` followed by the entry's own canonical content (:func:`content_bytes`).
Changing, inserting or removing any entry therefore breaks the chain at that
entry, which ``sas journal verify`` reports.  Corrections are new entries;
the database refuses UPDATE and DELETE on the table (triggers, migration 0003).

:class:`AuditEvent` is the security trail: who read or wrote which record
(uuids only, never patient data), also append-only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, utcnow

#: ``prev_hash`` of the first entry.
GENESIS_HASH = "0" * 64


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
    #: ``entry_hash`` of the previous entry (hex SHA-256); empty on rows pulled before migration 0003.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: SHA-256 of ``prev_hash`` + this entry's canonical content.
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


def _utc_text(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def content_bytes(*, seq: int, uuid: str, kind: str, author: str, author_role: str, created_at: datetime,
                  payload: dict) -> bytes:
    """The canonical bytes of an entry's content (stable across SQLite and PostgreSQL)."""
    content = {"seq": seq, "uuid": uuid, "kind": kind, "author": author, "author_role": author_role,
               "created_at": _utc_text(created_at), "payload": payload}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    """``entry_hash`` of an entry whose predecessor's hash is ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


def hash_of(entry: JournalEntry) -> str:
    """The hash ``entry`` should carry given its ``prev_hash`` and content."""
    return chain_hash(entry.prev_hash, content_bytes(
        seq=entry.seq, uuid=entry.uuid, kind=entry.kind, author=entry.author, author_role=entry.author_role,
        created_at=entry.created_at, payload=entry.payload))


class AuditEvent(Base):
    """One security-relevant access: ``alice (MRL) cases.get <uuid> -> read``."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    #: Route name of :mod:`app.services.security.permissions` (``cases.get``...) or ``auth.login``.
    action: Mapped[str] = mapped_column(String(32))
    object_uuid: Mapped[str] = mapped_column(String(64), default="", index=True)
    outcome: Mapped[str] = mapped_column(String(32), default="")
