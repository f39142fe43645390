"""``GET /api/v1/journal/verify``: whether the shared journal's hash chain holds (issue 7).

Walks the server's journal with :func:`app.services.records.journal.verify` (the same
check as ``sas journal verify --db``) and answers ``{ok, entries,
first_bad_seq, reason}``: ``entries`` is how many entries the journal holds,
``first_bad_seq`` the first one whose link, number or content does not hold
(None when the chain is intact).  Reserved to the chef de salle
(``SUPERVISEUR``) and ``ADMIN``; each check is logged with who asked.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES
from app.services.security import permissions
from app.services.supervision.shift_review import chain_status

router = APIRouter(prefix="/api/v1", tags=["journal"], responses=ERROR_RESPONSES)


class ChainStatusOut(BaseModel):
    ok: bool = Field(description="La chaîne de hachage est intacte")
    entries: int = Field(description="Nombre d'entrées du journal")
    first_bad_seq: int | None = Field(description="Première entrée rompue (null si la chaîne est intacte)")
    reason: str = Field(default="", description="Pourquoi cette entrée ne tient pas (français)")


@router.get("/journal/verify", response_model=ChainStatusOut, summary="Vérifier la chaîne de hachage du journal",
            response_description="L'état de la chaîne et la première entrée rompue")
def verify_journal(
    principal: Principal = Depends(require(permissions.JOURNAL_VERIFY)),
    state: ServerState = Depends(get_state),
) -> ChainStatusOut:
    """Check every entry's number, link and hash, in ``seq`` order."""
    with state.read() as session:
        status = chain_status(session)
    audit(principal, permissions.JOURNAL_VERIFY, "-", "ok" if status.ok else f"broken at {status.first_bad_seq}")
    return ChainStatusOut(**status.to_dict())
