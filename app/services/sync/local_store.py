"""The console's local SQLite cache: cases, orientations, the outbox and the pulled journal.

Open it with ``open_database(sqlite_url(paths.console_cache_path()))`` and
hand the session factory to :class:`LocalStore`.  Rules it keeps:

* **One transaction per local write**: :meth:`LocalStore.save_case` and
  :meth:`LocalStore.save_orientation` write the row(s) *and* the
  :class:`~app.models.OutboxItem` carrying the ``PUT`` together, or nothing.
* **Saving again** an entity that still has a pending (not rejected) outbox
  item updates the row and *replaces that item's body in place* (same id, so
  the queue order — case before its orientations — is kept).  Otherwise a new
  item is queued.  The server refuses changed content for a known UUID (409):
  the sync service then marks the item rejected and the UI shows it.
  :meth:`LocalStore.mark_sent` deletes an item only if its body is still the
  one that was sent, so an edit made while a request was in flight is not lost.
* **Pulled journal entries** are stored by their server ``seq`` (already
  present ones ignored) in the same transaction that moves the cursor.  Cases
  and orientations they carry that this console does not have yet (written at
  other desks) are added to the local tables; local rows are never overwritten.
* :meth:`LocalStore.journal` lists outbox items first, newest first, as rows
  with ``seq=None`` and ``pending=True`` (or ``rejected=True`` with the server's
  ``error``), so an offline decision shows at once as "en attente"; then the
  pulled entries, newest first.  An item leaves the first part when the
  server acknowledges it and appears in the second at the next pull (the same
  sync round).
* **Orientation versions**: re-saving an orientation makes it the next
  version of the local row.  When the server answers ``version_conflict``
  (another desk changed it first), :meth:`LocalStore.resolve_conflict` keeps
  this desk's version in the rejected outbox item (never lost, shown as
  "conflit") and reloads the server's version into the row.

The journal side (storing pulled entries, adding what other desks wrote, the
journal view) lives in :mod:`app.services.sync.local_journal`; :class:`LocalStore`
runs it inside its own transactions.  The outbox's reads and acknowledgements are
:class:`~app.services.sync.outbox_store.OutboxStore`, its base.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Case, Orientation, OutboxItem, Patient, SyncState
from app.models.case import CaseNote
from app.services.regulation import queue
from app.services.sync import case_store, local_journal
from app.services.sync.outbox_store import OutboxStore, PendingItem, assign
from app.services.records.documents import (
    CaseDoc, CaseEventDoc, OrientationDoc, SurgeDoc, case_from_doc, case_to_doc, orientation_from_doc,
    orientation_to_doc,
)

API = "/api/v1"
__all__ = ["API", "LocalStore", "PendingItem"]

_CASE_SCALARS = [n for n in CaseDoc.model_fields if n not in ("patients", "notes")]


def _merge_children(existing: list, docs: list, factory: type) -> list:
    """Children rebuilt from ``docs``, reusing rows by uuid (no delete + insert of one key)."""
    by_uuid = {child.uuid: child for child in existing}
    merged = []
    for doc in docs:
        values = doc.model_dump()
        child = by_uuid.get(doc.uuid)
        if child is None:
            child = factory(**values)
        else:
            assign(child, values)
        merged.append(child)
    return merged


class LocalStore(OutboxStore):
    """Synchronous, short transactions over the console's cache (called from the Qt/asyncio thread)."""

    # --- local writes (row + outbox, one transaction) -----------------------------------------
    def save_new_case(self, counter: str, build: Callable[[int], CaseDoc], *, author: str) -> CaseDoc:
        """Number a new case (``counter``'s next value), build it and store it with its outbox row:
        one transaction, so one durable commit between the typed call and the saved case."""
        with self._sessions() as session, session.begin():
            doc = build(self._next(session, counter))
            session.add(case_from_doc(doc, created_by=author))
            self._queue(session, "case", doc.uuid, f"{API}/cases/{doc.uuid}", doc.model_dump(mode="json"))
        return doc

    def save_case(self, doc: CaseDoc, *, author: str) -> None:
        """Insert or update a case and queue its ``PUT`` in the same transaction."""
        with self._sessions() as session, session.begin():
            case = session.get(Case, doc.uuid)
            if case is None:
                session.add(case_from_doc(doc, created_by=author))
            else:
                for name in _CASE_SCALARS:
                    setattr(case, name, getattr(doc, name))
                case.patients = _merge_children(case.patients, doc.patients, Patient)
                case.notes = _merge_children(case.notes, doc.notes, CaseNote)
                case.version += 1
            self._queue(session, "case", doc.uuid, f"{API}/cases/{doc.uuid}", doc.model_dump(mode="json"))

    def save_orientation(self, doc: OrientationDoc, *, author: str, author_role: str) -> None:
        """Insert or update an orientation and queue its ``PUT`` in the same transaction."""
        with self._sessions() as session, session.begin():
            row = session.get(Orientation, doc.uuid)
            if row is None:
                session.add(orientation_from_doc(doc, author=author, author_role=author_role))
            else:
                # A correction is the next version of what this desk last knew (stale → 409 on the server).
                doc = doc.model_copy(update={"version": row.version + 1})
                assign(row, doc.model_dump())
            self._queue(session, "orientation", doc.uuid, f"{API}/orientations/{doc.uuid}",
                        doc.model_dump(mode="json"))

    def keep_sent_orientation(self, doc: OrientationDoc, *, author: str, author_role: str) -> None:
        """An orientation this desk has just sent itself (the server holds it): stored, never queued.

        The journal may have brought it back already, while the ``PUT`` was answered: then it stays.
        """
        with self._sessions() as session, session.begin():
            if session.get(Orientation, doc.uuid) is None:
                session.add(orientation_from_doc(doc, author=author, author_role=author_role))

    def accept_server_orientation(self, doc: OrientationDoc) -> None:
        """Keep the server's version of an orientation (e.g. after a booking put the slot on it), not queued."""
        with self._sessions() as session, session.begin():
            row = session.get(Orientation, doc.uuid)
            if row is None:
                return
            if doc.version < (row.version or 1):
                return  # this desk changed it since: its own version is on its way
            assign(row, doc.model_dump())
            # The server holds this decision (its booking proves it): the queued PUT is no longer needed.
            for pending in session.scalars(select(OutboxItem).where(OutboxItem.entity == "orientation",
                                                                    OutboxItem.entity_uuid == doc.uuid)):
                session.delete(pending)

    @staticmethod
    def _queue(session: Session, entity: str, uuid: str, path: str, body: dict) -> None:
        pending = session.scalars(
            select(OutboxItem).where(OutboxItem.entity == entity, OutboxItem.entity_uuid == uuid,
                                     OutboxItem.rejected.is_(False)).order_by(OutboxItem.id.desc())
        ).first()
        if pending is not None:
            pending.body = body
        else:
            session.add(OutboxItem(entity=entity, entity_uuid=uuid, method="PUT", path=path, body=body))

    # --- case events and the surge switch (issue 3; rules in app.services.sync.case_store) -------------
    def save_case_event(self, doc: CaseEventDoc, *, author: str, author_role: str) -> None:
        """Apply a case event to the cached case and queue its ``PUT`` in the same transaction."""
        with self._sessions() as session, session.begin():
            case_store.apply_local_event(session, doc, author=author, author_role=author_role)
            self._queue(session, "case_event", doc.uuid, f"{API}/cases/{doc.case_uuid}/events/{doc.uuid}",
                        doc.model_dump(mode="json", exclude_none=True))

    def save_surge(self, doc: SurgeDoc, *, author: str, author_role: str) -> None:
        """Record the surge switch locally and queue its ``PUT`` in the same transaction."""
        with self._sessions() as session, session.begin():
            case_store.add_surge(session, doc, author=author, author_role=author_role)
            self._queue(session, "surge", doc.uuid, f"{API}/surge/{doc.uuid}", doc.model_dump(mode="json"))

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._sessions

    def next_counter(self, name: str) -> int:
        """1, 2, 3… per ``name``, persisted (used for case numbers of this desk)."""
        with self._sessions() as session, session.begin():
            return self._next(session, name)

    @staticmethod
    def _next(session: Session, name: str) -> int:
        key = f"counter:{name}"
        state = session.get(SyncState, key)
        if state is None:
            state = SyncState(key=key, value="0")
            session.add(state)
        value = int(state.value) + 1
        state.value = str(value)
        return value

    # --- local reads ----------------------------------------------------------------------
    def get_case(self, uuid: str) -> CaseDoc | None:
        with self._sessions() as session:
            case = session.get(Case, uuid)
            return case_to_doc(case) if case is not None else None

    def cases(self, limit: int = 100) -> list[CaseDoc]:
        """Cases newest first (by creation time)."""
        with self._sessions() as session:
            rows = session.scalars(select(Case).order_by(Case.creation.desc()).limit(limit)).all()
            return [case_to_doc(c) for c in rows]

    def open_cases(self) -> list:
        """Every case still waiting for a decision, whatever its age: the queue's rows, by one query.

        Light rows (the case columns :func:`app.services.regulation.queue.build` reads), not whole
        documents: the queue is refreshed at every keystroke that routes a case.
        """
        with self._sessions() as session:
            return list(session.execute(
                select(*(getattr(Case, name) for name in queue.ROW_FIELDS))
                .where(Case.decided_at.is_(None), Case.status.not_in(queue.ENDED_STATUSES))
                .order_by(Case.creation)).all())

    def urgent_waiting(self) -> int:
        """How many P0/P1 cases wait (the routing suggestion's input), by one indexed count."""
        with self._sessions() as session:
            return session.scalar(
                select(func.count()).select_from(Case)
                .where(Case.decided_at.is_(None), Case.status.not_in(queue.ENDED_STATUSES),
                       Case.priority.in_(queue.URGENT_PRIORITIES))) or 0

    def orientations_for_case(self, case_uuid: str) -> list[OrientationDoc]:
        with self._sessions() as session:
            rows = session.scalars(select(Orientation).where(Orientation.case_uuid == case_uuid)
                                   .order_by(Orientation.creation)).all()
            return [orientation_to_doc(o) for o in rows]

    # --- journal (rules in app.services.sync.local_journal) ---------------------------------------
    def journal_cursor(self) -> int:
        with self._sessions() as session:
            return local_journal.cursor(session)

    def store_journal(self, entries: list[dict], next_after: int) -> list[dict]:
        """Store pulled entries and move the cursor, in one transaction; returns the new entries."""
        with self._sessions() as session, session.begin():
            return local_journal.store_entries(session, entries, next_after)

    def journal(self, limit: int = 200) -> list[dict]:
        """Outbox items (pending or rejected) first, then pulled entries; each part newest first."""
        with self._sessions() as session:
            return local_journal.journal_rows(session, limit)
