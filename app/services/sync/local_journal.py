"""The pulled journal in the console's cache: entries by ``seq``, what other desks wrote, the journal view.

:class:`~app.services.sync.local_store.LocalStore` opens the transactions and calls
these functions inside them:

* :func:`store_entries` stores pulled entries by their server ``seq`` (already
  present ones ignored) and moves the cursor (:func:`cursor`) in the same
  transaction; :func:`apply_remote` adds the cases and orientations they carry
  that this console does not have yet (written at other desks) — local rows
  are never overwritten — hands case events and surge switches to
  :func:`app.services.sync.case_store.apply_remote`, and mirrors SAS appointments
  (:func:`mirror_appointment`) so the wall's no-show rate is the server's, and the room's calls
  (:func:`app.services.calls.mirror.mirror_call`) so its QS60 is the phone's;
* :func:`journal_rows` lists outbox items first (pending or rejected), then
  the pulled entries, each part newest first, each naming its case and patient
  (:func:`app.services.records.case_refs.annotate`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Appointment, Case, JournalEntry, Orientation, OutboxItem, SyncState, utcnow
from app.services.calls import mirror
from app.services.records import case_refs
from app.services.sync import case_store
from app.services.records.documents import CaseDoc, OrientationDoc, case_from_doc, orientation_from_doc

log = logging.getLogger(__name__)

#: Key of the :class:`~app.models.SyncState` row holding the last ``seq`` pulled.
CURSOR_KEY = "journal_cursor"
#: The uuid stored for an entry that names no object (e.g. a ``slots`` entry of a server that sends none).
NIL_UUID = "00000000-0000-0000-0000-000000000000"


def cursor(session: Session) -> int:
    """The last ``seq`` pulled (0 before the first pull)."""
    state = session.get(SyncState, CURSOR_KEY)
    return int(state.value) if state is not None else 0


def entry_dict(e: JournalEntry) -> dict:
    """A stored entry as a row of the journal view."""
    return {"seq": e.seq, "uuid": e.uuid, "kind": e.kind, "author": e.author, "author_role": e.author_role,
            "created_at": e.created_at, "payload": e.payload, "pending": False, "rejected": False, "error": None}


def store_entries(session: Session, entries: list[dict], next_after: int) -> list[dict]:
    """Store pulled entries not seen yet and move the cursor; returns the new entries."""
    added: list[dict] = []
    top = next_after
    for raw in sorted(entries, key=lambda e: e["seq"]):
        top = max(top, raw["seq"])
        if session.get(JournalEntry, raw["seq"]) is not None:
            continue
        created = raw.get("created_at")
        created = datetime.fromisoformat(created) if isinstance(created, str) else created or utcnow()
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        entry = JournalEntry(
            # A kind this console does not know yet (a newer server) is stored as is, never applied.
            seq=raw["seq"], uuid=str(raw.get("uuid") or NIL_UUID), kind=str(raw.get("kind") or "")[:24],
            author=raw.get("author") or "",
            author_role=raw.get("author_role") or "", payload=raw.get("payload") or {},
            created_at=created, prev_hash=raw.get("prev_hash") or "", entry_hash=raw.get("entry_hash") or "",
        )
        session.add(entry)
        apply_remote(session, entry)
        session.flush()
        added.append(entry_dict(entry))
    state = session.get(SyncState, CURSOR_KEY)
    if state is None:
        session.add(SyncState(key=CURSOR_KEY, value=str(top)))
    elif top > int(state.value):
        state.value = str(top)
    return added


def apply_remote(session: Session, entry: JournalEntry) -> None:
    """Add a case or orientation written at another desk; never overwrite a local row."""
    try:
        if entry.kind == "case" and session.get(Case, entry.uuid) is None:
            doc = CaseDoc.model_validate(entry.payload)
            if session.scalar(select(Case.uuid).where(Case.case_id == doc.case_id)) is None:
                session.add(case_from_doc(doc, created_by=entry.author))
        elif entry.kind in ("case_event", "surge"):
            case_store.apply_remote(session, entry)
        elif entry.kind == "appointment":
            mirror_appointment(session, entry)
        elif entry.kind == "call":  # the room's telephone (issue 15): the wall and the review read the calls
            mirror.mirror_call(session, entry)
        elif entry.kind == "orientation":
            decision = OrientationDoc.model_validate(entry.payload)
            row = session.get(Orientation, entry.uuid)
            if row is None and session.get(Case, decision.case_uuid) is not None:
                session.add(orientation_from_doc(decision, author=entry.author, author_role=entry.author_role))
            elif row is not None and decision.version >= (row.version or 1) and not _queued(session, entry.uuid):
                # A newer version made elsewhere (a booking put the slot on this decision): take it.  The same
                # number counts too: with nothing of ours on its way, the server's document is the truth (it
                # kept our earlier number when we sent it the same decision again).
                for name, value in decision.model_dump().items():
                    setattr(row, name, value)
    except ValidationError:
        log.warning("journal entry %s (%s): payload not understood, kept as is", entry.seq, entry.kind)


def _queued(session: Session, uuid: str) -> bool:
    """True while this desk still has its own version of ``uuid`` to send."""
    return session.scalar(select(OutboxItem.id).where(OutboxItem.entity_uuid == uuid).limit(1)) is not None


def mirror_appointment(session: Session, entry: JournalEntry) -> None:
    """The cache's copy of a SAS appointment from its journal entry: case, status, time, effecteur.

    Enough for the supervisor's wall (no-show and cancellation rates) and the timeline; the
    worklists themselves are read from the server.  Entries come in ``seq`` order, so the
    latest status wins.
    """
    p = entry.payload or {}
    if not (p.get("uuid") and p.get("appointment_id") and p.get("start") and p.get("status")):
        return
    try:
        start = datetime.fromisoformat(p["start"])
    except (TypeError, ValueError):
        log.warning("journal entry %s: appointment time not understood", entry.seq)
        return
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    case_uuid = p.get("case_uuid") if p.get("case_uuid") and session.get(Case, p["case_uuid"]) else None
    row = session.get(Appointment, p["uuid"])
    if row is None:
        session.add(Appointment(uuid=p["uuid"], appointment_id=str(p["appointment_id"])[:128], case_uuid=case_uuid,
                                effecteur_name=p.get("effecteur_name"), regulator_id="",
                                orientation_category=p.get("orientation_category"), booked_at=entry.created_at,
                                start=start, status=str(p["status"])[:12], received_at=entry.created_at,
                                updated_at=entry.created_at))
        return
    row.status = str(p["status"])[:12]
    row.case_uuid = case_uuid or row.case_uuid
    row.updated_at = entry.created_at


def journal_rows(session: Session, limit: int) -> list[dict]:
    """Outbox items (pending or rejected) first, then pulled entries; each part newest first."""
    items = session.scalars(select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)).all()
    rows: list[dict] = []
    for item in items:
        author, role = "", ""
        if item.entity == "case" and (case := session.get(Case, item.entity_uuid)) is not None:
            author = case.created_by
        elif item.entity == "orientation" and (o := session.get(Orientation, item.entity_uuid)) is not None:
            author, role = o.author, o.author_role
        rows.append({"seq": None, "uuid": item.entity_uuid, "kind": item.entity, "author": author,
                     "author_role": role, "created_at": item.created_at, "payload": dict(item.body),
                     "pending": not item.rejected, "rejected": item.rejected,
                     "error": item.last_error if item.rejected else None})
    left = limit - len(rows)
    if left > 0:
        pulled = session.scalars(select(JournalEntry).order_by(JournalEntry.seq.desc()).limit(left)).all()
        rows.extend(entry_dict(e) for e in pulled)
    return case_refs.annotate(session, rows)  # each row names its case and patient (issue 13)
