"""``GET /api/v1/journal/verify``: whether the shared journal holds (issue 7), and its seal (issue 12).

Walks the server's journal with :func:`app.services.records.journal.verify` (the same
check as ``sas journal verify --db``) and answers ``{ok, entries,
first_bad_seq, reason}``: ``entries`` is how many entries the journal holds,
``first_bad_seq`` the first one whose link, number, content, key or anchor does
not hold — for a truncated tail, the first missing entry — (None when all
hold), ``reason`` says what is wrong, in French.  Reserved to the chef de salle
(``SUPERVISEUR``) and ``ADMIN``; each check is logged with who asked.

:func:`install_seal` is how a running server keys its journal: it loads (or
creates) the server key, binds it to the app's database
(:mod:`app.services.records.journal_key`) and anchors the head at start and at
stop (:mod:`app.services.records.journal_anchor`).  :mod:`app.server.run` calls
it for ``sas server`` and the embedded server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app.server.deps import Principal, ServerState, audit, get_state, require
from app.server.errors import ERROR_RESPONSES
from app.services.records import journal_anchor, journal_key
from app.services.security import permissions
from app.services.supervision.shift_review import chain_status

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["journal"], responses=ERROR_RESPONSES)


class ChainStatusOut(BaseModel):
    ok: bool = Field(description="La chaîne du journal et ses points d'ancrage tiennent")
    entries: int = Field(description="Nombre d'entrées du journal")
    first_bad_seq: int | None = Field(description="Première entrée rompue ou manquante (null si tout tient)")
    reason: str = Field(default="", description="Ce qui ne tient pas (français)")


@router.get("/journal/verify", response_model=ChainStatusOut, summary="Vérifier la chaîne de hachage du journal",
            response_description="L'état de la chaîne et la première entrée rompue")
def verify_journal(
    principal: Principal = Depends(require(permissions.JOURNAL_VERIFY)),
    state: ServerState = Depends(get_state),
) -> ChainStatusOut:
    """Check every entry's number, link and keyed hash, in ``seq`` order, then the signed anchors."""
    with state.read() as session:
        status = chain_status(session)
    audit(principal, permissions.JOURNAL_VERIFY, "-", "ok" if status.ok else f"broken at {status.first_bad_seq}")
    return ChainStatusOut(**status.to_dict())


def _checkpoint(state: ServerState, seal: journal_key.JournalSeal, when: str) -> None:
    try:
        with state.sessions() as session:
            anchor = journal_anchor.checkpoint(session, seal)
        if anchor is not None:
            log.info("journal anchored at %s: entry %d", when, anchor.seq)
    except Exception as exc:  # never keep the server from starting or stopping; say so
        log.error("journal anchor at %s failed: %s", when, type(exc).__name__)


def install_seal(app: FastAPI, key_file: str | os.PathLike[str] | None = None,
                 anchors: str | os.PathLike[str] | None = None) -> journal_key.JournalSeal:
    """Key ``app``'s journal (key file created on first start) and anchor its head at start and stop."""
    state: ServerState = app.state.sas
    seal = journal_key.bind(state.engine, journal_key.load_seal(key_file, anchors=anchors, create=True))
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(outer: FastAPI) -> AsyncIterator[object]:
        await run_in_threadpool(_checkpoint, state, seal, "start")
        async with inner(outer) as value:
            yield value
            await run_in_threadpool(_checkpoint, state, seal, "stop")

    app.router.lifespan_context = lifespan
    return seal
