"""The console's cache side of issue 3: case events, the surge switch and intake drafts.

:class:`~app.services.sync.local_store.LocalStore` keeps its rule (row + outbox item
in one transaction) and calls the functions here inside its transactions
(:func:`apply_local_event`, :func:`add_surge`, :func:`apply_remote`);
:class:`CaseStore` reads what they wrote and keeps the drafts, which never
leave the desk: an intake that does not validate yet is saved as typed, so
nothing is lost.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Case, CaseDraft, CaseEvent, JournalEntry, Orientation, SurgeSwitch, utcnow
from app.services.regulation import case_events, decisions, queue
from app.services.records.documents import CaseDoc, CaseEventDoc, SurgeDoc, case_to_doc
from app.services.intake.form import IntakeForm
from app.services.intake.patients import PatientForm

log = logging.getLogger(__name__)


def apply_local_event(session: Session, doc: CaseEventDoc, *, author: str, author_role: str) -> None:
    """Apply an event typed at this desk to the cached case (once: a second save changes nothing)."""
    if session.get(CaseEvent, doc.uuid) is not None:
        return
    case = session.get(Case, doc.case_uuid)
    if case is None:
        raise KeyError(f"unknown case {doc.case_uuid}")
    session.add(case_events.apply(case, doc, author=author, author_role=author_role))


def add_surge(session: Session, doc: SurgeDoc, *, author: str, author_role: str) -> None:
    if session.get(SurgeSwitch, doc.uuid) is None:
        session.add(SurgeSwitch(uuid=doc.uuid, active=doc.active, reason=doc.reason, created_at=doc.created_at,
                                author=author, author_role=author_role))


def apply_remote(session: Session, entry: JournalEntry) -> None:
    """A case event or surge switch pulled from the journal (written at another desk, or ours coming back)."""
    try:
        if entry.kind == "case_event":
            doc = CaseEventDoc.model_validate(entry.payload)
            if session.get(CaseEvent, doc.uuid) is None and session.get(Case, doc.case_uuid) is not None:
                apply_local_event(session, doc, author=entry.author, author_role=entry.author_role)
        elif entry.kind == "surge":
            add_surge(session, SurgeDoc.model_validate(entry.payload), author=entry.author,
                      author_role=entry.author_role)
    except ValidationError:
        log.warning("journal entry %s (%s): payload not understood, kept as is", entry.seq, entry.kind)


def form_to_json(form: IntakeForm) -> dict:
    data = dataclasses.asdict(form)
    for key in ("reception", "answered"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def form_from_json(data: dict) -> IntakeForm:
    known = {f.name for f in dataclasses.fields(IntakeForm)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("reception", "answered"):
        values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
    values["patients"] = [PatientForm(**p) for p in values.get("patients") or []]
    return IntakeForm(**values)


@dataclasses.dataclass(frozen=True)
class SurgeState:
    active: bool
    reason: str = ""
    author: str = ""
    since: datetime | None = None


class CaseStore:
    """Reads of events, holders, earlier cases, the OSNP's worklist and surge state, and the desk's drafts."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self._sessions = session_factory

    def events(self, case_uuid: str) -> list[CaseEventDoc]:
        with self._sessions() as session:
            rows = session.scalars(select(CaseEvent).where(CaseEvent.case_uuid == case_uuid)
                                   .order_by(CaseEvent.created_at)).all()
            return [case_events.event_to_doc(e) for e in rows]

    def case_holder(self, uuid: str) -> tuple[str, str, datetime | None] | None:
        """Who has the case in hand (username, display name, since when), or None."""
        with self._sessions() as session:
            row = session.execute(select(Case.holder, Case.holder_name, Case.held_since)
                                  .where(Case.uuid == uuid)).first()
            return (row.holder, row.holder_name or row.holder, row.held_since) if row and row.holder else None

    def booking_worklist(self) -> list:
        """The OSNP's worklist: decided cases, not ended, whose latest decision books a slot that is not booked.

        Queue rows (:data:`app.services.regulation.queue.ROW_FIELDS`) with ``decision_key``, oldest decision first.
        """
        slot_keys = [d.key for d in decisions.DECISIONS if d.books_slot]
        with self._sessions() as session:
            latest = (select(Orientation.case_uuid, func.max(Orientation.creation).label("at"))
                      .group_by(Orientation.case_uuid).subquery())
            rows = session.execute(
                select(*(getattr(Case, name) for name in queue.ROW_FIELDS), Orientation.decision_key)
                .join(Orientation, Orientation.case_uuid == Case.uuid)
                .join(latest, (latest.c.case_uuid == Orientation.case_uuid) & (latest.c.at == Orientation.creation))
                .where(Case.decided_at.is_not(None), Case.status.not_in(queue.ENDED_STATUSES),
                       Orientation.decision_key.in_(slot_keys), Orientation.slot_id.is_(None))
                .order_by(Case.decided_at)).all()
            return list(rows)

    def cases_sharing(self, *, phones: list[str], insee: str | None, same_place: Callable[[str | None], bool],
                      limit: int = 50) -> list[CaseDoc]:
        """Cases, newest first, with one of ``phones`` (caller or callback) or in commune ``insee`` at an address
        ``same_place`` accepts: the candidates for "the same number or address".  Light columns first, whole
        documents only for those (a commune may hold thousands of cases)."""
        wanted = [p for p in phones if p]
        with self._sessions() as session:
            uuids: set[str] = set()
            if wanted:
                uuids.update(session.scalars(select(Case.uuid).where(
                    or_(Case.caller_phone.in_(wanted), Case.callback_phone.in_(wanted)))))
            if insee:
                in_commune = session.execute(select(Case.uuid, Case.address_complete)
                                             .where(Case.city_insee_code == insee))
                uuids.update(uuid for uuid, address in in_commune if same_place(address))
            if not uuids:
                return []
            rows = session.scalars(select(Case).where(Case.uuid.in_(uuids)).order_by(Case.creation.desc())
                                   .limit(limit)).all()
            return [case_to_doc(c) for c in rows]

    def surge(self) -> SurgeState:
        with self._sessions() as session:
            row = session.scalars(select(SurgeSwitch).order_by(SurgeSwitch.created_at.desc()).limit(1)).first()
            if row is None:
                return SurgeState(False)
            return SurgeState(row.active, row.reason, row.author, row.created_at)

    # --- drafts -----------------------------------------------------------------------------
    def save_draft(self, form: IntakeForm, *, author: str, uuid: str | None = None) -> str:
        """Save (or overwrite) a draft; returns its uuid."""
        with self._sessions() as session, session.begin():
            row = session.get(CaseDraft, uuid) if uuid else None
            if row is None:
                row = CaseDraft(author=author, **({"uuid": uuid} if uuid else {}))
                session.add(row)
            row.form, row.saved_at = form_to_json(form), utcnow()
            session.flush()
            return row.uuid

    def drafts(self, author: str) -> list[tuple[str, datetime, IntakeForm]]:
        """This user's drafts, newest first."""
        with self._sessions() as session:
            rows = session.scalars(select(CaseDraft).where(CaseDraft.author == author)
                                   .order_by(CaseDraft.saved_at.desc())).all()
            return [(r.uuid, r.saved_at, form_from_json(r.form)) for r in rows]

    def delete_draft(self, uuid: str) -> None:
        with self._sessions() as session, session.begin():
            row = session.get(CaseDraft, uuid)
            if row is not None:
                session.delete(row)
