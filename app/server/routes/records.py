"""The records of the room: cases and orientations (idempotent ``PUT``, ``GET``) and the journal.

Consoles write locally first and push their outbox later, possibly twice, so
every ``PUT`` is keyed by the client-generated UUID:

* unknown UUID → stored, journalled, **201** with the stored document;
* same UUID, same content → **200** with the stored document (a replay);
* a case: same UUID, different content → **409** ``conflict`` (nothing is
  overwritten); a Hub ``case_id`` already used by another UUID → **409**;
* an orientation: a higher ``version`` is a correction (a new journal entry),
  a stale one **409** ``version_conflict`` with the server's document, unless
  only the free text differs (merged) — see :mod:`app.services.regulation.cases`.

"Same content" compares documents after putting every time in UTC and
patients and notes in their stored order, so a replay is recognised whatever
offset the client wrote.  The author recorded is always the token's user.
Every read of a case, an orientation or a journal page is written to the audit trail
(``audit_events``); roles that may not read cases get journal entries without their payload.
The rules are the regulation core's (:mod:`app.services.regulation`); these routes only call it.

Each accepted write appends its journal entry in the same transaction, and
``GET /api/v1/journal?after=SEQ&limit=N`` gives entries back by cursor in
ascending ``seq`` without gaps (see :mod:`app.services.records.journal`): a console
that stores each page and then moves its cursor to ``next_after`` never
misses nor repeats an entry, even if interrupted between two pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel

from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES, ErrorOut, invalid, not_found
from app.server.schemas import JournalEntryOut, JournalPage
from app.services.records import journal
from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.regulation import commands
from app.services.security import permissions

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

UuidPath = Annotated[str, Path(min_length=1, max_length=36, description="UUID créé par le poste client")]

#: OpenAPI ``responses=`` of every idempotent ``PUT`` (also those of :mod:`app.server.routes.case_events`).
PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Rejeu identique : le document déjà enregistré"},
    403: {"model": ErrorOut, "description": "Interdit pour ce rôle dans l'état du dossier (raison donnée)"},
    409: {"model": ErrorOut, "description": "UUID déjà utilisé avec un autre contenu, identifiant déjà pris, "
                                            "ou version d'orientation périmée (version_conflict, avec `current`)"},
}


def check_path_uuid(path_uuid: str, doc: BaseModel, of: str = "du document") -> None:
    """422 on ``uuid`` when the document's UUID is not the one of the address."""
    if doc.uuid != path_uuid:  # type: ignore[attr-defined]
        raise invalid("uuid", f"l'UUID {of} diffère de celui de l'adresse")


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
    check_path_uuid(uuid, doc)
    with state.write() as session:
        change = commands.open_case(session, principal, doc)
    response.status_code = change.status
    return change.document


@router.get("/cases/{uuid}", response_model=CaseDoc, tags=["dossiers"], summary="Lire un dossier",
            responses={404: {"model": ErrorOut, "description": "Dossier inconnu"}})
def get_case(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.CASES_GET)),
    state: ServerState = Depends(get_state),
) -> CaseDoc:
    with state.write(journal_lock=False) as session:
        doc = commands.read_case(session, principal, uuid)
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
    """Store a new orientation of a known case, or its next version (see :mod:`app.services.regulation.cases`)."""
    check_path_uuid(uuid, doc)
    with state.write() as session:
        change = commands.record_orientation(session, principal, doc)
    response.status_code = change.status
    return change.document


@router.get("/orientations/{uuid}", response_model=OrientationDoc, tags=["orientations"],
            summary="Lire une orientation",
            responses={404: {"model": ErrorOut, "description": "Orientation inconnue"}})
def get_orientation(
    uuid: UuidPath,
    principal: Principal = Depends(require(permissions.ORIENTATIONS_GET)),
    state: ServerState = Depends(get_state),
) -> OrientationDoc:
    with state.write(journal_lock=False) as session:
        doc = commands.read_orientation(session, principal, uuid)
    if doc is None:
        raise not_found("Orientation inconnue")
    return doc


# --- journal ------------------------------------------------------------------------------

@router.get("/journal", response_model=JournalPage, tags=["journal"], summary="Lire le journal partagé par curseur")
def list_journal(
    after: Annotated[int, Query(ge=0, le=2**62, description="Dernier seq déjà reçu (0 : depuis le début)")] = 0,
    limit: Annotated[int, Query(ge=1, le=journal.MAX_PAGE)] = journal.DEFAULT_PAGE,
    principal: Principal = Depends(require(permissions.JOURNAL_LIST)),
    state: ServerState = Depends(get_state),
) -> JournalPage:
    """Entries with ``seq > after`` in ascending order; ``next_after`` is the cursor to send next."""
    with state.write(journal_lock=False) as session:
        entries = [JournalEntryOut(**e) for e in commands.journal_page(session, principal, after=after, limit=limit)]
    return JournalPage(entries=entries, next_after=entries[-1].seq if entries else after)
