"""Storing cases and orientations: the rules shared by ``PUT`` and the sync batch.

Both :func:`store_case` and :func:`store_orientation` run inside a serialised
write transaction (:meth:`ServerState.write`), return ``(status, stored
document)`` and raise :class:`~app.server.errors.ApiError` for a refusal, so
``PUT /cases/{uuid}``, ``PUT /orientations/{uuid}`` and ``POST /sync/batch``
give the same answer to the same request.

Orientations carry a ``version`` (1 when created).  For a known UUID:

* same content → **200**, a replay;
* content the journal already holds for this UUID (an older version sent
  again, e.g. a delayed duplicate) → **200** with the current document;
* ``version`` above the stored one → the update is applied, journalled as a
  new entry (the journal is append-only: a correction is a new entry) → **200**;
* otherwise the sender edited a stale version.  If only ``freetext`` differs,
  the two texts are merged (nothing typed is lost) as a new version → **200**;
  any other difference → **409** ``version_conflict`` whose body carries the
  server's ``current`` document, so the console can show what changed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, JournalEntry, Orientation
from app.server.deps import Principal, audit
from app.server.errors import ApiError, conflict, invalid
from app.services.regulation import decisions
from app.services.records import journal
from app.services.security import permissions
from app.services.records.documents import (
    CaseDoc, OrientationDoc, case_from_doc, case_to_doc, orientation_from_doc, orientation_to_doc, same_content,
)

Doc = TypeVar("Doc", bound=BaseModel)
VERSION_CONFLICT = "version_conflict"


# --- comparison -------------------------------------------------------------------------

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


def same_document(stored: BaseModel, incoming: BaseModel) -> bool:
    return same_content(canonical(stored), canonical(incoming))


def replayed(stored: Doc, incoming: BaseModel, message: str, *, original: BaseModel | None = None,
             audit_as: tuple[Principal, str] | None = None) -> Doc:
    """``stored`` when ``incoming`` repeats ``original`` (by default ``stored`` itself): a replay.

    Otherwise the UUID was reused for other content: a 409 ``message``, written
    to the audit trail as ``conflict`` under ``audit_as`` (principal, action) if given.
    """
    if not same_document(stored if original is None else original, incoming):
        if audit_as is not None:
            audit(*audit_as, incoming.uuid, "conflict")  # type: ignore[attr-defined]
        raise conflict(message)
    return stored


def flush_new(session: Session, obj: object) -> None:
    """Insert ``obj``; a unique key clash (e.g. a patient UUID reused) is a 409."""
    try:
        with session.begin_nested():  # a savepoint: a refused item of a batch leaves the others intact
            session.add(obj)
            session.flush()
    except IntegrityError:
        raise conflict("Un élément de ce document existe déjà sous un autre dossier") from None
    # Read back what the database holds, so the answer and the journal show stored values.
    session.expire_all()


def _journalled(session: Session, uuid: str, kind: str) -> list[dict]:
    return list(session.scalars(select(JournalEntry.payload).where(JournalEntry.uuid == uuid,
                                                                   JournalEntry.kind == kind)))


# --- cases ------------------------------------------------------------------------------

def store_case(session: Session, doc: CaseDoc, principal: Principal) -> tuple[int, CaseDoc]:
    """Create a case (201) or recognise its replay (200); 409 for other content or a taken ``case_id``."""
    uuid = doc.uuid
    existing = session.get(Case, uuid)
    if existing is not None:
        stored = case_to_doc(existing)
        # Case events change the row since; a replay is compared with the case as first created.
        created = _journalled(session, uuid, journal.KIND_CASE)
        replayed(stored, doc, "Ce dossier existe déjà avec un contenu différent",
                 original=CaseDoc.model_validate(created[0]) if created else None,
                 audit_as=(principal, permissions.CASES_PUT))
        audit(principal, permissions.CASES_PUT, uuid, "replay")
        return 200, stored
    if session.scalar(select(Case.uuid).where(Case.case_id == doc.case_id)) is not None:
        audit(principal, permissions.CASES_PUT, uuid, "case_id taken")
        raise conflict(f"Identifiant de dossier déjà utilisé : {doc.case_id}")
    flush_new(session, case_from_doc(doc, created_by=principal.username))
    stored = case_to_doc(session.get(Case, uuid))
    journal.append(session, uuid=uuid, kind=journal.KIND_CASE, author=principal.username,
                   author_role=principal.role, payload=stored.model_dump(mode="json"))
    audit(principal, permissions.CASES_PUT, uuid, "created")
    return 201, stored


# --- orientations -----------------------------------------------------------------------

def _check_role(principal: Principal, doc: OrientationDoc) -> None:
    if not decisions.may_record(principal.role, doc.decision_key, booking=doc.slot_id is not None):
        audit(principal, permissions.ORIENTATIONS_PUT, doc.uuid, "forbidden medical decision")
        raise ApiError(403, "forbidden", "Décision médicale : réservée aux médecins régulateurs (MRU, MRL)")


def merged_freetext(stored: str | None, incoming: str | None) -> str | None:
    """Both texts, each kept whole: the stored one, then what the other desk typed."""
    stored, incoming = stored or "", incoming or ""
    if incoming in stored:
        return stored or None
    if stored in incoming:
        return incoming
    return f"{stored}\n{incoming}"


def _journal_orientation(session: Session, principal: Principal, stored: OrientationDoc) -> None:
    journal.append(session, uuid=stored.uuid, kind=journal.KIND_ORIENTATION, author=principal.username,
                   author_role=principal.role, payload=stored.model_dump(mode="json"))


def _update(session: Session, row: Orientation, doc: OrientationDoc, principal: Principal) -> OrientationDoc:
    for name, value in doc.model_dump().items():
        setattr(row, name, value)
    row.author, row.author_role = principal.username, principal.role
    session.flush()
    session.expire_all()
    stored = orientation_to_doc(session.get(Orientation, doc.uuid))
    _journal_orientation(session, principal, stored)
    return stored


def store_orientation(session: Session, doc: OrientationDoc, principal: Principal) -> tuple[int, OrientationDoc]:
    """Create, replay, update or merge an orientation; see the module docstring."""
    uuid = doc.uuid
    row = session.get(Orientation, uuid)
    if row is None:
        if session.scalar(select(Case.uuid).where(Case.uuid == doc.case_uuid)) is None:
            raise invalid("case_uuid", "dossier inconnu du serveur")
        _check_role(principal, doc)
        flush_new(session, orientation_from_doc(doc, author=principal.username, author_role=principal.role))
        stored = orientation_to_doc(session.get(Orientation, uuid))
        _journal_orientation(session, principal, stored)
        audit(principal, permissions.ORIENTATIONS_PUT, uuid, "created")
        return 201, stored
    stored = orientation_to_doc(row)
    if same_document(stored, doc) or any(same_document(OrientationDoc.model_validate(p), doc)
                                         for p in _journalled(session, uuid, journal.KIND_ORIENTATION)):
        audit(principal, permissions.ORIENTATIONS_PUT, uuid, "replay")
        return 200, stored
    if doc.case_uuid != stored.case_uuid:
        raise invalid("case_uuid", "une orientation ne change pas de dossier")
    _check_role(principal, doc)
    if doc.version > stored.version:
        audit(principal, permissions.ORIENTATIONS_PUT, uuid, f"updated v{doc.version}")
        return 200, _update(session, row, doc, principal)
    mine, theirs = canonical(doc).model_dump(), canonical(stored).model_dump()
    changed = sorted(k for k in mine if k != "version" and mine[k] != theirs[k])
    if changed == ["freetext"]:
        merged = stored.model_copy(update={"freetext": merged_freetext(stored.freetext, doc.freetext),
                                           "version": stored.version + 1})
        audit(principal, permissions.ORIENTATIONS_PUT, uuid, f"merged v{merged.version}")
        return 200, _update(session, row, merged, principal)
    audit(principal, permissions.ORIENTATIONS_PUT, uuid, "version conflict")
    raise version_conflict(stored, changed)


def version_conflict(current: OrientationDoc, changed: list[str]) -> ApiError:
    error = conflict(f"Orientation modifiée à un autre poste (version {current.version}) : "
                     f"rechargée, votre saisie est conservée", error=VERSION_CONFLICT)
    error.body.current = current.model_dump(mode="json")
    error.body.changed = changed
    return error
