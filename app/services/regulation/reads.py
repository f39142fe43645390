"""Reading the room's records: every read of patient data is audited, and only its readers get it.

* :func:`read_case`, :func:`read_orientation`, :func:`case_events` — one case's data, for the
  roles of :data:`~app.services.regulation.change.CASE_READERS`; each read writes an audit row.
* :func:`journal_page` — the shared journal by cursor.  Its entries carry patient data (the
  case as opened, notes, bookings), so a role that may not read cases (the technical
  ``ADMIN``, the Hub connector) gets each entry's number, kind, author, time and hashes
  with its payload withheld; a reader's page writes one audit row naming the range read.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Orientation
from app.services.records import journal
from app.services.records.documents import CaseDoc, CaseEventDoc, OrientationDoc, case_to_doc, orientation_to_doc
from app.services.regulation import case_events as events
from app.services.regulation.actor import Actor
from app.services.regulation.change import CASE_READERS
from app.services.regulation.errors import forbidden
from app.services.security import audit, permissions

#: What replaces the payload of a journal entry for a role that may not read patient data.
WITHHELD = {"withheld": "données patient réservées aux rôles de régulation"}


def _reader(actor: Actor) -> None:
    if actor.role not in CASE_READERS:
        raise forbidden()


def read_case(session: Session, actor: Actor, uuid: str) -> CaseDoc | None:
    """The case ``uuid`` (None when unknown), its read audited either way."""
    _reader(actor)
    case = session.get(Case, uuid)
    audit.record(session, actor.author, actor.role, permissions.CASES_GET, uuid, "read" if case else "not found")
    return case_to_doc(case) if case is not None else None


def read_orientation(session: Session, actor: Actor, uuid: str) -> OrientationDoc | None:
    """The orientation ``uuid`` (None when unknown), its read audited either way."""
    _reader(actor)
    row = session.get(Orientation, uuid)
    audit.record(session, actor.author, actor.role, permissions.ORIENTATIONS_GET, uuid, "read" if row else "not found")
    return orientation_to_doc(row) if row is not None else None


def case_events(session: Session, actor: Actor, case_uuid: str) -> list[CaseEventDoc] | None:
    """The events of a case, oldest first (None when the case is unknown), their read audited either way."""
    _reader(actor)
    known = session.get(Case, case_uuid) is not None
    audit.record(session, actor.author, actor.role, permissions.CASE_EVENTS_GET, case_uuid,
                 "read" if known else "not found")
    if not known:
        return None
    rows = session.scalars(select(CaseEvent).where(CaseEvent.case_uuid == case_uuid)
                           .order_by(CaseEvent.created_at)).all()
    return [events.event_to_doc(e) for e in rows]


def journal_page(session: Session, actor: Actor, *, after: int, limit: int) -> list[dict]:
    """Entries with ``seq > after`` (see the module docstring for what non-readers get)."""
    entries = [journal.entry_to_dict(e) for e in journal.page(session, after=after, limit=limit)]
    if actor.role not in CASE_READERS:
        return [{**e, "payload": dict(WITHHELD)} for e in entries]
    if entries:
        audit.record(session, actor.author, actor.role, permissions.JOURNAL_LIST,
                     f"{entries[0]['seq']}-{entries[-1]['seq']}", "read")
    return entries
