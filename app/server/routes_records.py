"""The records of the room: cases and orientations (idempotent ``PUT``, ``GET``) and the journal.

Consoles write locally first and push their outbox later, possibly twice, so
every ``PUT`` is keyed by the client-generated UUID:

* unknown UUID → stored, journalled, **201** with the stored document;
* same UUID, same content → **200** with the stored document (a replay);
* same UUID, different content → **409** ``conflict`` (nothing is overwritten);
* a case whose Hub ``case_id`` is already used by another UUID → **409**.

"Same content" compares documents after putting every time in UTC and
patients and notes in their stored order, so a replay is recognised whatever
offset the client wrote.  The author recorded is always the token's user.

Each accepted write appends its journal entry in the same transaction, and
``GET /api/v1/journal?after=SEQ&limit=N`` gives entries back by cursor in
ascending ``seq`` without gaps (see :mod:`app.services.journal`): a console
that stores each page and then moves its cursor to ``next_after`` never
misses nor repeats an entry, even if interrupted between two pages.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, Orientation
from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES, ErrorOut, conflict, invalid, not_found
from app.server.schemas import JournalEntryOut, JournalPage
from app.services import journal, permissions
from app.services.documents import (
    CaseDoc,
    OrientationDoc,
    case_from_doc,
    case_to_doc,
    orientation_from_doc,
    orientation_to_doc,
    same_content,
)

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

Doc = TypeVar("Doc", bound=BaseModel)
UuidPath = Annotated[str, Path(min_length=1, max_length=36, description="UUID créé par le poste client")]

_PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Rejeu identique : le document déjà enregistré"},
    409: {"model": ErrorOut, "description": "UUID déjà utilisé avec un autre contenu, ou identifiant déjà pris"},
}


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


def _check_path_uuid(path_uuid: str, doc: BaseModel) -> None:
    if doc.uuid != path_uuid:  # type: ignore[attr-defined]
        raise invalid("uuid", "l'UUID du document diffère de celui de l'adresse")


def _flush_new(session: Session, obj: object) -> None:
    """Insert ``obj``; a unique key clash (e.g. a patient UUID reused) is a 409."""
    session.add(obj)
    try:
        session.flush()
    except IntegrityError:
        raise conflict("Un élément de ce document existe déjà sous un autre dossier") from None
    # Read back what the database holds, so the answer and the journal show stored values.
    session.expire_all()


# --- cases ----------------------------------------------------------------------------------

@router.put("/cases/{uuid}", status_code=status.HTTP_201_CREATED, response_model=CaseDoc,
            tags=["dossiers"], summary="Créer un dossier (idempotent)", responses=_PUT_RESPONSES)
def put_case(
    uuid: UuidPath,
    doc: CaseDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.CASES_PUT)),
    state: ServerState = Depends(get_state),
) -> CaseDoc:
    """Store a new case; a replay of the same content answers 200."""
    _check_path_uuid(uuid, doc)
    with state.write() as session:
        existing = session.get(Case, uuid)
        if existing is not None:
            stored = case_to_doc(existing)
            if not same_document(stored, doc):
                audit(principal, permissions.CASES_PUT, uuid, "conflict")
                raise conflict("Ce dossier existe déjà avec un contenu différent")
            response.status_code = status.HTTP_200_OK
            audit(principal, permissions.CASES_PUT, uuid, "replay")
            return stored
        if session.scalar(select(Case.uuid).where(Case.case_id == doc.case_id)) is not None:
            audit(principal, permissions.CASES_PUT, uuid, "case_id taken")
            raise conflict(f"Identifiant de dossier déjà utilisé : {doc.case_id}")
        _flush_new(session, case_from_doc(doc, created_by=principal.username))
        stored = case_to_doc(session.get(Case, uuid))
        journal.append(session, uuid=uuid, kind=journal.KIND_CASE, author=principal.username,
                       author_role=principal.role, payload=stored.model_dump(mode="json"))
    audit(principal, permissions.CASES_PUT, uuid, "created")
    return stored


@router.get("/cases/{uuid}", response_model=CaseDoc, tags=["dossiers"], summary="Lire un dossier",
            responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def get_case(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.CASES_GET)),
    state: ServerState = Depends(get_state),
) -> CaseDoc:
    with state.read() as session:
        case = session.get(Case, uuid)
        if case is None:
            raise not_found("Dossier inconnu")
        return case_to_doc(case)


# --- orientations ---------------------------------------------------------------------------

@router.put("/orientations/{uuid}", status_code=status.HTTP_201_CREATED, response_model=OrientationDoc,
            tags=["orientations"], summary="Enregistrer une orientation (idempotent)", responses=_PUT_RESPONSES)
def put_orientation(
    uuid: UuidPath,
    doc: OrientationDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.ORIENTATIONS_PUT)),
    state: ServerState = Depends(get_state),
) -> OrientationDoc:
    """Store a new orientation of a known case; a replay of the same content answers 200."""
    _check_path_uuid(uuid, doc)
    with state.write() as session:
        existing = session.get(Orientation, uuid)
        if existing is not None:
            stored = orientation_to_doc(existing)
            if not same_document(stored, doc):
                audit(principal, permissions.ORIENTATIONS_PUT, uuid, "conflict")
                raise conflict("Cette orientation existe déjà avec un contenu différent")
            response.status_code = status.HTTP_200_OK
            audit(principal, permissions.ORIENTATIONS_PUT, uuid, "replay")
            return stored
        if session.scalar(select(Case.uuid).where(Case.uuid == doc.case_uuid)) is None:
            raise invalid("case_uuid", "dossier inconnu du serveur")
        _flush_new(session, orientation_from_doc(doc, author=principal.username, author_role=principal.role))
        stored = orientation_to_doc(session.get(Orientation, uuid))
        journal.append(session, uuid=uuid, kind=journal.KIND_ORIENTATION, author=principal.username,
                       author_role=principal.role, payload=stored.model_dump(mode="json"))
    audit(principal, permissions.ORIENTATIONS_PUT, uuid, "created")
    return stored


@router.get("/orientations/{uuid}", response_model=OrientationDoc, tags=["orientations"],
            summary="Lire une orientation",
            responses={404: {"model": ErrorOut, "description": "Orientation inconnue"}})
def get_orientation(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.ORIENTATIONS_GET)),
    state: ServerState = Depends(get_state),
) -> OrientationDoc:
    with state.read() as session:
        orientation = session.get(Orientation, uuid)
        if orientation is None:
            raise not_found("Orientation inconnue")
        return orientation_to_doc(orientation)


# --- journal ------------------------------------------------------------------------------

@router.get("/journal", response_model=JournalPage, tags=["journal"], summary="Lire le journal partagé par curseur")
def list_journal(
    after: Annotated[int, Query(ge=0, le=2**62, description="Dernier seq déjà reçu (0 : depuis le début)")] = 0,
    limit: Annotated[int, Query(ge=1, le=journal.MAX_PAGE)] = journal.DEFAULT_PAGE,
    principal: Principal = Depends(require(permissions.JOURNAL_LIST)),
    state: ServerState = Depends(get_state),
) -> JournalPage:
    """Entries with ``seq > after`` in ascending order; ``next_after`` is the cursor to send next."""
    with state.read() as session:
        entries = [JournalEntryOut(**journal.entry_to_dict(e)) for e in journal.page(session, after=after, limit=limit)]
    return JournalPage(entries=entries, next_after=entries[-1].seq if entries else after)
