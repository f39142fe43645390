"""Pulling the editors' free slots into our database: the live agendas' refresh (issue 14, item 2).

:func:`pull` asks one editor (its own time limit, :class:`~app.services.interop.fhir.client.AgendaClient`:
25 IDNPS per request, 10 SIRET for SOS Médecins, ``next`` links followed) about its
targets (:mod:`app.services.agendas.targets`) over a window; :func:`store` writes the
answer in one transaction:

* **success** — every slot is upserted through
  :func:`~app.services.interop.fhir.importer.import_slots` (``source`` = the editor's
  name, ``fetched_at`` = now, ``external_id`` = the editor's Slot id), then the editor's
  *free* slots of the effecteurs asked, inside the window, that it no longer returned are
  deleted — booked or held slots are never touched;
* **failure or timeout** — what did come back is upserted, nothing is deleted: the
  editor's slots stay, and age (their ``fetched_at`` says since when);

and records the editor's health (:mod:`app.services.agendas.health`).  On PostgreSQL
a transaction-scoped advisory lock per editor keeps two processes from writing the same
editor's slots at once.  :func:`refresh_editor` serves a search (the whole editor within
its limit, one transaction); the periodic refresh streams instead
(:mod:`app.services.agendas.stream`: a limit per request, each page stored as it lands).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.models import Slot, utcnow
from app.services.agendas import health
from app.services.agendas.targets import EditorTargets
from app.services.interop.fhir.client import AgendaClient, EditorFailure, SearchResult
from app.services.interop.fhir.importer import import_slots

log = logging.getLogger(__name__)
#: The live window: the next 72 hours (domain.md A.2 step 6).
WINDOW = timedelta(hours=72)
_CHUNK = 500
#: Above this many effecteurs asked, :func:`_gone` scans the editor's slots instead.
_WHOLE_SCAN = 20_000
_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_GUARD = threading.Lock()


@dataclass
class EditorOutcome:
    """What one pull of one editor did."""

    editor: str
    effecteur_ids: set[str]
    error: str | None = None
    timed_out: bool = False
    latency_ms: int = 0
    added: int = 0
    removed: int = 0
    kept: int = 0
    stored: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Pulled:
    """An editor's answer before it is stored."""

    result: SearchResult = field(default_factory=SearchResult)
    latency_ms: int = 0


async def pull(targets: EditorTargets, start: datetime, end: datetime, *, time_limit: float | None = None,
               transport: httpx.AsyncBaseTransport | None = None) -> Pulled:
    """Ask the editor about its targets; never raises for the editor's own failures (they are in ``failures``)."""
    editor = targets.editor
    client_editor = editor.client_editor()
    t0 = time.perf_counter()
    async with AgendaClient(time_limit=time_limit or editor.time_limit_s, transport=transport) as client:
        calls = []
        if targets.practitioners:
            calls.append(client.search_slots([client_editor], list(targets.practitioners.values()), start, end))
        if targets.sos:
            calls.append(client.search_sos([client_editor], list(targets.sos.values()), start, end))
        parts = await asyncio.gather(*calls)
    merged = SearchResult()
    for part in parts:
        merged.slots.extend(part.slots)
        merged.failures.extend(part.failures)
        merged.warnings.extend(part.warnings)
        merged.requests += part.requests
    return Pulled(merged, int((time.perf_counter() - t0) * 1000))


def _lock_editor(session: Session, name: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"sas-editor\n{name}".encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _gone(session: Session, name: str, effecteur_ids: set[str], start: datetime, end: datetime,
          kept: set[int]) -> list[int]:
    """The editor's free slots of these effecteurs, in the window, not in ``kept``.

    Only ``effecteur_id`` goes to SQL: with ``status``/``start`` there, SQLite walks the
    (status, start) index over every free slot of the window, once per chunk.  For a very
    large set (an editor asked about a whole national territory) one scan of the editor's
    slots costs less than reading every slot of every effecteur asked.
    """
    ids = sorted(effecteur_ids)
    found: list[int] = []
    if len(ids) > _WHOLE_SCAN:
        rows = session.execute(select(Slot.id, Slot.effecteur_id, Slot.status, Slot.start).where(Slot.source == name))
        return [r.id for r in rows if r.status == "free" and start <= r.start <= end and r.id not in kept
                and r.effecteur_id in effecteur_ids]
    for i in range(0, len(ids), _CHUNK):
        rows = session.execute(select(Slot.id, Slot.source, Slot.status, Slot.start).where(
            Slot.effecteur_id.in_(ids[i:i + _CHUNK])))
        found += [r.id for r in rows if r.source == name and r.status == "free" and start <= r.start <= end
                  and r.id not in kept]
    return found


def store(session: Session, targets: EditorTargets, pulled: Pulled, *, start: datetime, end: datetime,
          now: datetime, full: bool) -> EditorOutcome:
    """Write one editor's answer (see the module docstring); the caller commits."""
    name = targets.editor.name
    _lock_editor(session, name)
    result = pulled.result
    outcome = EditorOutcome(name, targets.effecteur_ids, latency_ms=pulled.latency_ms, stored=True)
    if result.failures:
        outcome.error = " ; ".join(dict.fromkeys(f.reason for f in result.failures))
        outcome.timed_out = any(f.timed_out for f in result.failures)
    counts = import_slots(session, result.slots, source=name, fetched_at=now)
    outcome.added, outcome.kept = counts.slots_added + counts.slots_updated, len(counts.slot_ids)
    if outcome.ok:
        gone = _gone(session, name, targets.effecteur_ids, start, end, counts.slot_ids)
        for i in range(0, len(gone), _CHUNK):
            session.execute(delete(Slot).where(Slot.id.in_(gone[i:i + _CHUNK]), Slot.status == "free"))
        outcome.removed = len(gone)
    health.record(session, name, now=now, latency_ms=pulled.latency_ms, error=outcome.error, full=full,
                  changed=bool(outcome.added or outcome.removed or outcome.kept))
    log.info("agenda editor %s: %d slot(s) kept, %d added or changed, %d removed%s", name, outcome.kept,
             outcome.added, outcome.removed, f" (failed: {health.clean_error(outcome.error)})" if outcome.error
             else "")
    return outcome


def _writer(bind) -> contextlib.AbstractContextManager:
    """SQLite: one store at a time in this process (a national store holds the write lock longer than
    the busy timeout the others would wait in ``BEGIN IMMEDIATE``); PostgreSQL: no wait here."""
    if bind.dialect.name != "sqlite":
        return contextlib.nullcontext()
    with _WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(str(bind.url), threading.Lock())


def store_in(sessions: sessionmaker[Session], targets: EditorTargets, pulled: Pulled, *, start: datetime,
             end: datetime, full: bool) -> EditorOutcome:
    """:func:`store` in its own committed transaction (SQLite: its write lock taken up front)."""
    with sessions() as session, _writer(session.get_bind()):
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        outcome = store(session, targets, pulled, start=start, end=end, now=utcnow(), full=full)
        session.commit()
        return outcome


async def refresh_editor(sessions: sessionmaker[Session], targets: EditorTargets, *, full: bool,
                         time_limit: float | None = None, now: datetime | None = None,
                         transport: httpx.AsyncBaseTransport | None = None) -> EditorOutcome:
    """Pull one editor over now..now+72 h and store its answer (the database work off the event loop)."""
    start = now or utcnow()
    end = start + WINDOW
    try:
        pulled = await pull(targets, start, end, time_limit=time_limit, transport=transport)
    except Exception as exc:  # a bug or an unexpected answer: recorded, never fatal to the refresh
        log.exception("agenda editor %s: pull failed", targets.editor.name)
        pulled = Pulled()
        pulled.result.failures.append(EditorFailure(targets.editor.name, f"erreur inattendue ({type(exc).__name__})"))
    return await asyncio.to_thread(store_in, sessions, targets, pulled, start=start, end=end, full=full)

