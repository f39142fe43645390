"""How the core stores what a command made: replays recognised, inserts in savepoints, journal entries.

Every write of the room is idempotent by a client-generated UUID: the same
document sent again is a replay (200), other content under the same UUID a
conflict (409).  "Same" compares documents with every time in UTC and patients
and notes in a stable order, so a replay is recognised whatever offset the
client wrote.  Each insert runs in a savepoint, so a refused item of a sync batch
leaves the others intact.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import JournalEntry
from app.services.records import journal
from app.services.records.documents import CaseDoc, same_content
from app.services.regulation.actor import Actor
from app.services.regulation.errors import conflict
from app.services.security import audit

Doc = TypeVar("Doc", bound=BaseModel)


def _in_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value
    if isinstance(value, dict):
        return {k: _in_utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_utc(v) for v in value]
    return value


def canonical(doc: Doc) -> Doc:
    """``doc`` with times in UTC and patients / notes in a stable order."""
    data = _in_utc(doc.model_dump())
    if isinstance(doc, CaseDoc):
        data["patients"].sort(key=lambda p: (p["rank"], p["uuid"]))
        data["notes"].sort(key=lambda n: (n["creation"], n["uuid"]))
    return type(doc).model_validate(data)


def _unsigned(doc: BaseModel) -> BaseModel:
    """A case without its notes' authors: the server signs them, so they never tell two documents apart."""
    if not isinstance(doc, CaseDoc):
        return doc
    return doc.model_copy(update={"notes": [n.model_copy(update={"author": "", "author_role": ""})
                                            for n in doc.notes]})


def same_document(stored: BaseModel, incoming: BaseModel) -> bool:
    return same_content(canonical(_unsigned(stored)), canonical(_unsigned(incoming)))


def replayed(stored: Doc, incoming: BaseModel, message: str, *, actor: Actor, action: str,
             original: BaseModel | None = None) -> Doc:
    """``stored`` when ``incoming`` repeats ``original`` (by default ``stored`` itself): a replay.

    Otherwise the UUID was reused for other content: a 409 ``message``, logged as ``conflict``.
    """
    if not same_document(stored if original is None else original, incoming):
        audit.log(actor.author, actor.role, action, getattr(incoming, "uuid", "-"), "conflict")
        raise conflict(message)
    return stored


def flush_new(session: Session, obj: object) -> None:
    """Insert ``obj``; a unique key clash (e.g. a patient UUID reused) is a 409."""
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError:
        raise conflict("Un élément de ce document existe déjà sous un autre dossier") from None
    # Read back what the database holds, so the answer and the journal show stored values.
    session.expire_all()


def journalled(session: Session, uuid: str, kind: str) -> list[dict]:
    """The payloads the journal holds for ``uuid`` of ``kind``, oldest first."""
    return list(session.scalars(select(JournalEntry.payload).where(JournalEntry.uuid == uuid, JournalEntry.kind == kind)
                                .order_by(JournalEntry.seq)))


def append(session: Session, actor: Actor, *, uuid: str, kind: str, payload: dict) -> None:
    """Append one journal entry written by ``actor`` (in the caller's transaction)."""
    journal.append(session, uuid=uuid, kind=kind, author=actor.author, author_role=actor.role, payload=payload)
