"""The records of the room: cases and orientations (idempotent ``PUT``, ``GET``) and the journal.

Consoles write locally first and push their outbox later, possibly twice, so
every ``PUT`` is keyed by the client-generated UUID:

* unknown UUID → stored, journalled, **201** with the stored document;
* same UUID, same content → **200** with the stored document (a replay);
* a case: same UUID, different content → **409** ``conflict`` (nothing is
  overwritten); a Hub ``case_id`` already used by another UUID → **409**;
* an orientation: a higher ``version`` is a correction (a new journal entry),
  a stale one **409** ``version_conflict`` with the server's document, unless
  only the free text differs (merged) — see :mod:`app.server.records`.

"Same content" compares documents after putting every time in UTC and
patients and notes in their stored order, so a replay is recognised whatever
offset the client wrote.  The author recorded is always the token's user.
Every read of a case is written to the audit trail (``audit_events``).

Each accepted write appends its journal entry in the same transaction, and
``GET /api/v1/journal?after=SEQ&limit=N`` gives entries back by cursor in
ascending ``seq`` without gaps (see :mod:`app.services.records.journal`): a console
that stores each page and then moves its cursor to ``next_after`` never
misses nor repeats an entry, even if interrupted between two pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.models import Case, Orientation
from app.server import records
from app.server.deps import Principal, ServerState, get_state, record_access, require
from app.server.errors import ERROR_RESPONSES, ErrorOut, invalid, not_found
from app.server.schemas import JournalEntryOut, JournalPage
from app.services.records import journal
from app.services.security import permissions
from app.services.records.documents import CaseDoc, OrientationDoc, case_to_doc, orientation_to_doc

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

UuidPath = Annotated[str, Path(min_length=1, max_length=36, description="UUID créé par le poste client")]

#: OpenAPI ``responses=`` of every idempotent ``PUT`` (also those of :mod:`app.server.routes.case_events`).
PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Rejeu identique : le document déjà enregistré"},
    409: {"model": ErrorOut, "description": "UUID déjà utilisé avec un autre contenu, identifiant déjà pris, "
                                            "ou version d'orientation périmée (version_conflict, avec `current`)"},
}


Doc = TypeVar("Doc", bound=BaseModel)


# --- helpers -------------------------------------------------------------------------------

def check_path_uuid(path_uuid: str, doc: BaseModel, of: str = "du document") -> None:
    """422 on ``uuid`` when the document's UUID is not the one of the address."""
    if doc.uuid != path_uuid:  # type: ignore[attr-defined]
        raise invalid("uuid", f"l'UUID {of} diffère de celui de l'adresse")


def _put(path_uuid: str, doc: Doc, response: Response, principal: Principal, state: ServerState,
         store: Callable[[Session, Doc, Principal], tuple[int, Doc]]) -> Doc:
    """The idempotent ``PUT`` of a document stored by ``store`` (see :mod:`app.server.records`)."""
    check_path_uuid(path_uuid, doc)
    with state.write() as session:
        response.status_code, stored = store(session, doc, principal)
    return stored


# --- cases ----------------------------------------------------------------------------------

@router.put("/cases/{uuid}", status_code=status.HTTP_201_CREATED, response_model=CaseDoc,
            tags=["dossiers"], summary="Créer un dossier (idempotent)", responses=PUT_RESPONSES)
def put_case(
    uuid: UuidPath,
    doc: CaseDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.CASES_PUT)),
    state: ServerState = Depends(get_state),
) -> CaseDoc:
    """Store a new case; a replay of the same content answers 200."""
    return _put(uuid, doc, response, principal, state, records.store_case)


@router.get("/cases/{uuid}", response_model=CaseDoc, tags=["dossiers"], summary="Lire un dossier",
            responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def get_case(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.CASES_GET)),
    state: ServerState = Depends(get_state),
) -> CaseDoc:
    with state.read() as session:
        case = session.get(Case, uuid)
        doc = case_to_doc(case) if case is not None else None
    record_access(state, principal, permissions.CASES_GET, uuid, "read" if doc else "not found")
    if doc is None:
        raise not_found("Dossier inconnu")
    return doc


# --- orientations ---------------------------------------------------------------------------

@router.put("/orientations/{uuid}", status_code=status.HTTP_201_CREATED, response_model=OrientationDoc,
            tags=["orientations"], summary="Enregistrer une orientation (idempotent)", responses=PUT_RESPONSES)
def put_orientation(
    uuid: UuidPath,
    doc: OrientationDoc,
    response: Response,
    principal: Principal = Depends(require(permissions.ORIENTATIONS_PUT)),
    state: ServerState = Depends(get_state),
) -> OrientationDoc:
    """Store a new orientation of a known case, or its next version (see :mod:`app.server.records`)."""
    return _put(uuid, doc, response, principal, state, records.store_orientation)


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
