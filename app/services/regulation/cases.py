"""Open a case, and record an orientation (a decision) on it: the core's commands for documents.

* :func:`open_case` — the case as the ARM typed it (``PUT /cases/{uuid}``, the sync
  batch, an RS-EDA from the Hub).  The author of the case and of every note is the
  actor, whatever the document claims; a case cannot be opened already closed or
  decided by a role that could not close or decide it (:mod:`.rules`).
* :func:`record_orientation` — a decision (``PUT /orientations/{uuid}``, the sync
  batch, a Hub decision).  Orientations carry a ``version`` (1 when created); for a
  known UUID: same content, whatever its version number → 200 (a replay); content the journal already holds for
  this UUID (a delayed duplicate) → 200 with the current document; a higher version
  → the correction, journalled as a new entry; a stale version → merged when only
  ``freetext`` differs, else 409 ``version_conflict`` carrying the server's document.
  The slot of an orientation is set by the booking command only
  (:mod:`app.services.booking.slots`), never by a document.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, Orientation
from app.services.calls import clocks
from app.services.records import journal
from app.services.records.documents import (
    CaseDoc, OrientationDoc, case_from_doc, case_to_doc, orientation_from_doc, orientation_to_doc,
)
from app.services.regulation import rules, storage
from app.services.regulation.actor import Actor
from app.services.regulation.change import ChangeRecord
from app.services.regulation.errors import Refused, conflict, forbidden, invalid
from app.services.security import audit, permissions

VERSION_CONFLICT = "version_conflict"


def _as_written_by(doc: CaseDoc, actor: Actor) -> CaseDoc:
    """``doc`` with every note signed by ``actor`` (the server ignores the authors a client claims)."""
    notes = [n.model_copy(update={"author": actor.author[:64], "author_role": actor.role[:16]}) for n in doc.notes]
    return doc.model_copy(update={"notes": notes})


def open_case(session: Session, actor: Actor, doc: CaseDoc) -> ChangeRecord:
    """Create a case (201) or recognise its replay (200); 409 for other content or a taken ``case_id``."""
    doc = _as_written_by(doc, actor)
    uuid = doc.uuid
    existing = session.get(Case, uuid)
    if existing is not None:
        stored = case_to_doc(existing)
        # Case events change the row since; a replay is compared with the case as first created.
        created = storage.journalled(session, uuid, journal.KIND_CASE)
        storage.replayed(stored, doc, "Ce dossier existe déjà avec un contenu différent", actor=actor,
                         action=permissions.CASES_PUT,
                         original=CaseDoc.model_validate(created[0]) if created else None)
        audit.log(actor.author, actor.role, permissions.CASES_PUT, uuid, "replay")
        return ChangeRecord("case.opened", uuid, uuid, 200, actor.author, stored)
    reason = rules.case_opening_refusal(actor, status=doc.status, attribution=doc.attribution,
                                        decided_at=doc.decided_at)
    if reason is not None:
        audit.log(actor.author, actor.role, permissions.CASES_PUT, uuid, "forbidden")
        raise forbidden(reason)
    if session.scalar(select(Case.uuid).where(Case.case_id == doc.case_id)) is not None:
        audit.log(actor.author, actor.role, permissions.CASES_PUT, uuid, "case_id taken")
        raise conflict(f"Identifiant de dossier déjà utilisé : {doc.case_id}")
    storage.flush_new(session, case_from_doc(doc, created_by=actor.author[:64]))
    stored = case_to_doc(session.get(Case, uuid))
    storage.append(session, actor, uuid=uuid, kind=journal.KIND_CASE, payload=stored.model_dump(mode="json"))
    # A call linked before the case arrived gives it its clocks now (after the case's own entry: a replay
    # of the document as typed is still recognised).
    clocks.on_case_opened(session, actor, uuid)
    audit.log(actor.author, actor.role, permissions.CASES_PUT, uuid, "created")
    return ChangeRecord("case.opened", uuid, uuid, 201, actor.author, stored)


# --- orientations -----------------------------------------------------------------------------

def _check_decision(actor: Actor, doc: OrientationDoc, case_attribution: str | None,
                    stored: OrientationDoc | None) -> None:
    reason = rules.decision_refusal(actor, doc.decision_key, case_attribution)
    if reason is not None:
        audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, doc.uuid, "forbidden decision")
        raise forbidden(reason)
    if not actor.is_hub and doc.slot_id != (stored.slot_id if stored else None):
        raise invalid("slot_id", "le créneau d'une orientation est posé par la réservation, pas par le document")


def merged_freetext(stored: str | None, incoming: str | None) -> str | None:
    """Both texts, each kept whole: the stored one, then what the other desk typed."""
    stored, incoming = stored or "", incoming or ""
    if incoming in stored:
        return stored or None
    if stored in incoming:
        return incoming
    return f"{stored}\n{incoming}"


def _write(session: Session, actor: Actor, row: Orientation, doc: OrientationDoc) -> OrientationDoc:
    for name, value in doc.model_dump().items():
        setattr(row, name, value)
    row.author, row.author_role = actor.author[:64], actor.role[:16]
    session.flush()
    session.expire_all()
    stored = orientation_to_doc(session.get(Orientation, doc.uuid))
    storage.append(session, actor, uuid=stored.uuid, kind=journal.KIND_ORIENTATION,
                   payload=stored.model_dump(mode="json"))
    return stored


def record_orientation(session: Session, actor: Actor, doc: OrientationDoc) -> ChangeRecord:
    """Create, replay, update or merge an orientation; see the module docstring."""
    uuid = doc.uuid
    row = session.get(Orientation, uuid)
    if row is None:
        case = session.get(Case, doc.case_uuid)
        if case is None:
            raise invalid("case_uuid", "dossier inconnu du serveur")
        _check_decision(actor, doc, case.attribution, None)
        storage.flush_new(session, orientation_from_doc(doc, author=actor.author[:64], author_role=actor.role[:16]))
        stored = orientation_to_doc(session.get(Orientation, uuid))
        storage.append(session, actor, uuid=uuid, kind=journal.KIND_ORIENTATION, payload=stored.model_dump(mode="json"))
        audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, uuid, "created")
        return ChangeRecord("orientation.recorded", doc.case_uuid, uuid, 201, actor.author, stored)
    stored = orientation_to_doc(row)
    # The same decision under a higher version number is no change (a desk's cache numbered it again).
    if storage.same_document(stored, doc.model_copy(update={"version": stored.version})) or any(
            storage.same_document(OrientationDoc.model_validate(p), doc)
            for p in storage.journalled(session, uuid, journal.KIND_ORIENTATION)):
        audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, uuid, "replay")
        return ChangeRecord("orientation.recorded", stored.case_uuid, uuid, 200, actor.author, stored)
    if doc.case_uuid != stored.case_uuid:
        raise invalid("case_uuid", "une orientation ne change pas de dossier")
    case = session.get(Case, stored.case_uuid)
    _check_decision(actor, doc, case.attribution if case else None, stored)
    if doc.version > stored.version:
        audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, uuid, f"updated v{doc.version}")
        return ChangeRecord("orientation.recorded", stored.case_uuid, uuid, 200, actor.author,
                            _write(session, actor, row, doc))
    mine, theirs = storage.canonical(doc).model_dump(), storage.canonical(stored).model_dump()
    changed = sorted(k for k in mine if k != "version" and mine[k] != theirs[k])
    if changed == ["freetext"]:
        merged = stored.model_copy(update={"freetext": merged_freetext(stored.freetext, doc.freetext),
                                           "version": stored.version + 1})
        audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, uuid, f"merged v{merged.version}")
        return ChangeRecord("orientation.recorded", stored.case_uuid, uuid, 200, actor.author,
                            _write(session, actor, row, merged))
    audit.log(actor.author, actor.role, permissions.ORIENTATIONS_PUT, uuid, "version conflict")
    raise version_conflict(stored, changed)


def version_conflict(current: OrientationDoc, changed: list[str]) -> Refused:
    error = conflict(f"Orientation modifiée à un autre poste (version {current.version}) : "
                     f"rechargée, votre saisie est conservée", error=VERSION_CONFLICT)
    error.current = current.model_dump(mode="json")
    error.changed = changed
    return error
