"""The periodic refresh, streamed: each editor's slots stored page by page as they arrive (issue 14, items 2, 7).

A national refresh brings about a million slots from about twenty editors: held whole
until written, they would not fit a modest server.  :func:`refresh_editors` (the periodic
refresh of :class:`~app.services.agendas.live.LiveAgendas`) therefore:

* gives **each request** (a batch of 25 IDNPS, 10 SIRET for SOS Médecins, and each ``next``
  page) the editor's ``time_limit_s`` on its own — the guide's 7 s is per request; a request
  that fails or does not answer in time makes that editor's refresh *partial*
  (after :data:`MAX_FAILURES_IN_A_ROW` failed requests in a row the editor is left alone);
* bounds the **whole pull** of an editor by ``period_s`` (the refresh period): what is not
  back by then is dropped, and the refresh is partial;
* **stores each page as it lands** before that worker asks its next request: at most the
  editor's ``concurrency`` (its registry entry, default 4) requests per editor and
  :data:`OVERALL` in all are in flight or waiting to be written, which bounds memory.  One
  writer (:class:`_Writer`) stores the pages waiting at that moment, of any editor, in one
  short transaction (:func:`store_pages`, at most :data:`GROUP_SLOTS` slots): one commit,
  one disk flush, for several pages;
* at the end (:func:`finish`, one transaction) deletes, **only when the pull is complete**,
  the editor's free slots of the effecteurs asked, in the window, that no page confirmed
  (only their ids are kept meanwhile); booked or held slots are never touched; failure or
  not, it records the editor's health (:mod:`app.services.agendas.health`).

A failed or partial editor's slots thus stay, and age: the rules of
:mod:`app.services.agendas.refresh`, whose one-transaction :func:`~app.services.agendas.refresh.refresh_editor`
still serves a search (the whole editor within its limit).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy import delete, text
from sqlalchemy.orm import Session, sessionmaker

from app.models import Slot, utcnow
from app.services.agendas import health
from app.services.agendas.refresh import _CHUNK, WINDOW, EditorOutcome, _gone, _lock_editor, _writer
from app.services.agendas.targets import EditorTargets
from app.services.interop.fhir.client import AgendaClient, FhirRequestError
from app.services.interop.fhir.importer import ImportCounts, import_slots
from app.services.interop.fhir.model import AgendaSlot

log = logging.getLogger(__name__)
#: Requests of all editors in flight (or waiting to be written) at once: a request waiting on a slow editor
#: costs neither memory nor CPU, so this is room for twenty editors' default share (20 × 4), or fewer
#: editors allowed more each; the pages waiting to be written stay bounded by it.
OVERALL = 80
#: At most this many slots in one write transaction (short: a search's own write waits for it).
GROUP_SLOTS = 5_000
#: Failed requests in a row after which an editor is not asked anything more this time.
MAX_FAILURES_IN_A_ROW = 5


@dataclass
class _Pull:
    """What one editor's streamed pull brought so far."""

    kept: set[int] = field(default_factory=set)
    added: int = 0
    errors: list[str] = field(default_factory=list)
    timed_out: bool = False
    latencies_ms: list[float] = field(default_factory=list)
    failures_in_a_row: int = 0

    def fail(self, reason: str, timed_out: bool = False) -> None:
        self.errors.append(reason)
        self.timed_out = self.timed_out or timed_out
        self.failures_in_a_row += 1


def _begin(session: Session, name: str) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    _lock_editor(session, name)


def store_pages(sessions: sessionmaker[Session], pages: list[tuple[str, list[AgendaSlot]]]
                ) -> list[ImportCounts | Exception]:
    """Upsert pages of editors' slots, ``(editor, slots)``, in one committed transaction.

    If that fails, each page is tried again in its own, and what still fails is its error.
    """
    def write(group: list[tuple[str, list[AgendaSlot]]]) -> list[ImportCounts | Exception]:
        with sessions() as session, _writer(session.get_bind()):
            _begin(session, group[0][0])
            found: list[ImportCounts | Exception] = []
            for name, slots in group:
                _lock_editor(session, name)
                counts = import_slots(session, slots, source=name, fetched_at=utcnow())
                counts.warnings.clear()
                found.append(counts)
            session.commit()
        return found

    try:
        return write(pages)
    except Exception as exc:  # noqa: BLE001 - tried again one by one below
        if len(pages) == 1:
            return [exc]
    found: list[ImportCounts | Exception] = []
    for page in pages:
        try:
            found += write([page])
        except Exception as exc:  # noqa: BLE001 - that page's worker records it
            found.append(exc)
    return found


class _Writer:
    """The pages waiting to be stored, written by one task in groups (:func:`store_pages`)."""

    def __init__(self, sessions: sessionmaker[Session], executor: Executor) -> None:
        self.sessions, self.executor = sessions, executor
        self.waiting: list[tuple[str, list[AgendaSlot], asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def store(self, name: str, slots: list[AgendaSlot]) -> ImportCounts:
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.waiting.append((name, slots, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.waiting:
            size, count = 0, 0
            while count < len(self.waiting) and (count == 0 or size + len(self.waiting[count][1]) <= GROUP_SLOTS):
                size += len(self.waiting[count][1])
                count += 1
            group, self.waiting = self.waiting[:count], self.waiting[count:]
            try:
                answers = await _run(self.executor, store_pages, self.sessions, [(n, s) for n, s, _ in group])
            except Exception as exc:  # noqa: BLE001 - given to every waiting worker
                answers = [exc] * len(group)
            for (_name, _slots, future), answer in zip(group, answers):
                if future.done():
                    continue
                if isinstance(answer, Exception):
                    future.set_exception(answer)
                else:
                    future.set_result(answer)


def finish(sessions: sessionmaker[Session], targets: EditorTargets, pull: _Pull, *, start: datetime,
           end: datetime, full: bool) -> EditorOutcome:
    """Delete what a complete pull no longer returned and record the editor's health (one transaction)."""
    name = targets.editor.name
    latency = int(statistics.median(pull.latencies_ms)) if pull.latencies_ms else None
    outcome = EditorOutcome(name, targets.effecteur_ids, latency_ms=latency or 0, added=pull.added,
                            kept=len(pull.kept), stored=True, timed_out=pull.timed_out)
    if pull.errors:
        outcome.error = " ; ".join(dict.fromkeys(pull.errors))
    with sessions() as session, _writer(session.get_bind()):
        _begin(session, name)
        if outcome.ok:
            gone = _gone(session, name, targets.effecteur_ids, start, end, pull.kept)
            for i in range(0, len(gone), _CHUNK):
                session.execute(delete(Slot).where(Slot.id.in_(gone[i:i + _CHUNK]), Slot.status == "free"))
            outcome.removed = len(gone)
        health.record(session, name, now=utcnow(), latency_ms=latency, error=outcome.error, full=full,
                      changed=bool(outcome.added or outcome.removed or outcome.kept))
        session.commit()
    log.info("agenda editor %s (streamed): %d slot(s) kept, %d added or changed, %d removed%s", name,
             outcome.kept, outcome.added, outcome.removed,
             f" (failed: {health.clean_error(outcome.error)})" if outcome.error else "")
    return outcome


async def _pull(targets: EditorTargets, pull: _Pull, *, start: datetime, end: datetime,
                transport: httpx.AsyncBaseTransport | None, overall: asyncio.Semaphore, writer: _Writer,
                per_editor: int) -> None:
    editor = targets.editor
    client_editor, limit = editor.client_editor(), editor.time_limit_s
    async with AgendaClient(time_limit=limit, transport=transport) as client:
        queries = [("Slot", q) for q in client.slot_requests(client_editor, list(targets.practitioners.values()),
                                                              start, end)]
        queries += [("Schedule", q) for q in client.sos_requests(list(targets.sos.values()), start, end)]
        todo = iter(queries)

        async def worker() -> None:
            for path, query in todo:  # shared by the workers: each takes the next request
                if pull.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
                    return
                async with overall:
                    t0 = time.perf_counter()
                    try:
                        async for page in client.pages(client_editor, path, query, request_limit=limit):
                            pull.latencies_ms.append((time.perf_counter() - t0) * 1000)
                            counts = await writer.store(editor.name, page.slots)
                            pull.added += counts.slots_added + counts.slots_updated
                            pull.kept |= counts.slot_ids
                            t0 = time.perf_counter()
                        pull.failures_in_a_row = 0
                    except FhirRequestError as exc:
                        pull.fail(str(exc), exc.timed_out)
                    except Exception as exc:  # noqa: BLE001 - a bug or the database: recorded, the refresh goes on
                        log.exception("agenda editor %s: a page could not be read or stored", editor.name)
                        pull.fail(f"erreur inattendue ({type(exc).__name__})")

        await asyncio.gather(*(worker() for _ in range(min(per_editor, len(queries)))))


async def refresh_editor(sessions: sessionmaker[Session], targets: EditorTargets, *, full: bool, period_s: float,
                         overall: asyncio.Semaphore, writer: _Writer, per_editor: int | None = None,
                         transport: httpx.AsyncBaseTransport | None = None) -> EditorOutcome:
    """One editor's streamed pull over now..now+72 h (see the module docstring); never raises for its failures."""
    start = utcnow()
    end = start + WINDOW
    pull = _Pull()
    try:
        await asyncio.wait_for(_pull(targets, pull, start=start, end=end, transport=transport, overall=overall,
                                     writer=writer, per_editor=per_editor or targets.editor.concurrency), period_s)
    except asyncio.TimeoutError:
        pull.fail(f"pas de réponse complète dans les {period_s:g} s", True)
    except Exception as exc:  # a bug or an unexpected answer: recorded, never fatal to the refresh
        log.exception("agenda editor %s: pull failed", targets.editor.name)
        pull.fail(f"erreur inattendue ({type(exc).__name__})")
    return await _run(writer.executor, finish, sessions, targets, pull, start=start, end=end, full=full)


async def _run(executor: Executor, func, *args, **kwargs):
    """``func(*args, **kwargs)`` in ``executor``, awaited."""
    return await asyncio.get_running_loop().run_in_executor(executor, lambda: func(*args, **kwargs))


async def refresh_editors(sessions: sessionmaker[Session], targets: dict[str, EditorTargets], *, full: bool,
                          period_s: float = 300.0, per_editor: int | None = None, overall: int = OVERALL,
                          transport: httpx.AsyncBaseTransport | None = None,
                          landed: Callable[[EditorOutcome], None] | None = None) -> list[EditorOutcome]:
    """Every editor at once, streamed (``landed`` called as each one ends).

    ``per_editor`` overrides every editor's own ``concurrency`` (tests and benchmarks).
    """
    with sessions() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
    gate = asyncio.Semaphore(overall)
    with ThreadPoolExecutor(max_workers=1 if sqlite else 4, thread_name_prefix="sas-agendas-store") as executor:
        writer = _Writer(sessions, executor)

        async def one(t: EditorTargets) -> EditorOutcome:
            outcome = await refresh_editor(sessions, t, full=full, period_s=period_s, overall=gate, writer=writer,
                                           per_editor=per_editor, transport=transport)
            if landed is not None:
                landed(outcome)
            return outcome

        return list(await asyncio.gather(*(one(t) for t in targets.values())))
