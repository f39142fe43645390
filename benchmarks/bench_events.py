"""Desk-to-desk latency of the live room: 20 desks on ``GET /api/v1/events`` (issue 13, item 5).

A real server process (``python -m app server``, as deployed) on a fresh SQLite database — and,
when the PostgreSQL of ``.ci/services.sh`` answers, a second run on PostgreSQL — with one account
per desk. Twenty desks then run on one asyncio loop in this process:

* **the writing desk** is a console without its window: an ARM's real sync service
  (:class:`app.services.sync.worker.SyncService`) over its own cache. It writes as an ARM does,
  through the cache only (nobody calls ``wake()``; the sync wakes on the local commit): a new case
  (``save_case``), then two notes on it (``save_case_event``), and again — one write every
  :data:`WRITE_GAP_S` seconds on average (exponential gaps): about 30 journal entries a minute, the
  whole room's rate of :mod:`benchmarks.bench_room` (24 calls a minute, a few entries each)
  funnelled through one desk;
* **19 reading desks** (MRL, MRU, OSNP, supervisor in turn: every role that reads patient data, so
  every batch they receive is audited on the server) each follow the stream with the console's own
  client (:class:`app.services.sync.live_events.LiveEvents`) and note when each entry arrives.

The latency of one entry at one desk runs from the writing desk's **local commit** (the moment the
ARM's case or note is saved on her desk, before any network) to the moment the reading desk's
stream hands the entry over: the push woken by the commit, the server's transaction, the
in-process wake-up of the 20 streams, each stream's audited read and the network. It does not
include the reading desk storing the entry in its own cache (a few milliseconds on a desk of its
own; here 19 caches in one process would only measure this process's queue).

Results (``_pg`` for the PostgreSQL run): ``events_desk_to_desk_p50_ms`` / ``_p95_ms`` / ``_p99_ms``
(goal: a change shows on the other desks within 1 s, p95) and ``events_missed`` (entries a desk
never received; goal 0). ``SAS_BENCH_EVENTS_S`` sets the writing time (default 90 s).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_room import ServerProcess  # noqa: E402
from tests.helpers.databases import postgres_database, postgres_unavailable  # noqa: E402

DURATION_S = float(os.environ.get("SAS_BENCH_EVENTS_S", "90"))
WRITE_GAP_S = 2.0
DESKS = 20
PASSWORD = "bench-desk"
READER_ROLES = ("MRL", "MRU", "OSNP", "SUPERVISEUR")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of ``values`` (0 when empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * q / 100) - 1)] if ordered else 0.0


def _seed(url: str) -> None:
    """The schema and one account per desk: ``desk00`` the ARM who writes, ``desk01``… the readers."""
    from app.models import User
    from app.models.db import open_database
    from app.services.security.auth import hash_password

    engine, sessions = open_database(url)
    digest = hash_password(PASSWORD)
    with sessions() as session, session.begin():
        for n in range(DESKS):
            role = "ARM" if n == 0 else READER_ROLES[n % len(READER_ROLES)]
            session.add(User(username=f"desk{n:02d}", display_name=f"Poste {n}", role=role, password_hash=digest))
    engine.dispose()


class Room:
    """The writing desk and the reading desks, and when each entry was written and received."""

    def __init__(self, base_url: str, tmp: Path, rng: random.Random):
        self.base_url, self.tmp, self.rng = base_url, tmp, rng
        self.written: dict[str, float] = {}
        self.received: dict[tuple[int, str], float] = {}
        self.readers: list = []

    async def run(self, duration: float) -> None:
        from app.services.sync.api_client import ApiClient
        from app.services.sync.live_events import LiveEvents

        clients = [ApiClient(self.base_url, timeout=30.0) for _ in range(DESKS)]
        for n, client in enumerate(clients):
            await client.login(f"desk{n:02d}", PASSWORD, desk_id=f"bench-{n}")
        for n, client in enumerate(clients[1:], start=1):
            self.readers.append(self._reader(n, client, LiveEvents))
        writer = self._writer(clients[0])
        tasks = [asyncio.create_task(r.run()) for r in self.readers]
        try:
            deadline = time.monotonic() + 20
            while not all(r.up for r in self.readers) or not writer.live.up:
                assert time.monotonic() < deadline, "the desks' streams did not open"
                await asyncio.sleep(0.05)
            await self._write(writer, duration)
            await asyncio.sleep(3.0)  # the last entries reach every desk
        finally:
            writer.stop()
            for r in self.readers:
                r.stop()
            tasks.append(self._writer_task)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for client in clients:
                await client.aclose()
            self._engine.dispose()

    def _reader(self, n: int, client, live_events):
        """A reading desk: the console's stream client, resumed after the last entry it got, noting arrivals."""
        last = [0]

        def deliver(entries: list[dict]) -> None:
            now = time.perf_counter()
            for entry in entries:
                self.received.setdefault((n, entry["uuid"]), now)
                last[0] = max(last[0], entry["seq"])

        return live_events(client, lambda: last[0], deliver)

    def _writer(self, client):
        from sqlalchemy.orm import sessionmaker

        from app.models.db import make_engine, sqlite_url, upgrade
        from app.services.sync.local_store import LocalStore
        from app.services.sync.worker import SyncService

        self._engine = make_engine(sqlite_url(self.tmp / "desk00.db"))
        upgrade(self._engine)
        self.store = LocalStore(sessionmaker(self._engine, expire_on_commit=False))
        sync = SyncService(self.store, client)
        self._writer_task = asyncio.create_task(sync.run())
        return sync

    async def _write(self, sync, duration: float) -> None:
        from app.services.records.documents import CaseDoc, CaseEventDoc

        end = time.monotonic() + duration
        case: CaseDoc | None = None
        n = 0
        while time.monotonic() < end:
            await asyncio.sleep(self.rng.expovariate(1 / WRITE_GAP_S))
            now = datetime.now(timezone.utc)
            if n % 3 == 0:
                case = CaseDoc(uuid=str(uuid.uuid4()), owner="fr.health.samu670", creation=now, priority="P2",
                               case_id=f"fr.health.samu670.DRFR15670{uuid.uuid4().int % 10**10:010d}",
                               caller_phone="+33612345678", caller_name="Appelant Banc")
                self.store.save_case(case, author="desk00")
                key = case.uuid
            else:
                note = CaseEventDoc(uuid=str(uuid.uuid4()), case_uuid=case.uuid, created_at=now, type="note",
                                    freetext=f"Note n° {n}")
                self.store.save_case_event(note, author="desk00", author_role="ARM")
                key = note.uuid
            self.written[key] = time.perf_counter()  # the local commit: the sync wakes by itself
            n += 1

    def latencies(self) -> tuple[list[float], int]:
        ms, missed = [], 0
        for n in range(1, DESKS):
            for key, t0 in self.written.items():
                got = self.received.get((n, key))
                if got is None:
                    missed += 1
                else:
                    ms.append((got - t0) * 1000)
        return ms, missed


def _run_on(url: str, tmp: Path, suffix: str) -> dict:
    _seed(url)
    with ServerProcess(url, tmp) as server:
        room = Room(server.base_url, tmp, random.Random(13))
        load = os.getloadavg()[0]
        asyncio.run(room.run(DURATION_S))
        ms, missed = room.latencies()
        print(f"  {suffix or 'sqlite'}: {len(room.written)} writes × {DESKS - 1} desks = {len(ms)} deliveries, "
              f"{missed} missed; p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
              f"p99 {percentile(ms, 99):.0f} ms, max {max(ms, default=0):.0f} ms; "
              f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
    return {
        f"events_desk_to_desk_p50_ms{suffix}": {"value": round(percentile(ms, 50), 1), "unit": "ms", "goal": 1000},
        f"events_desk_to_desk_p95_ms{suffix}": {"value": round(percentile(ms, 95), 1), "unit": "ms", "goal": 1000},
        f"events_desk_to_desk_p99_ms{suffix}": {"value": round(percentile(ms, 99), 1), "unit": "ms", "goal": 1000},
        f"events_missed{suffix}": {"value": missed, "unit": "entries", "goal": 0},
    }


def run() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="sas-bench-events-") as tmp:
        from app.models.db import sqlite_url

        results.update(_run_on(sqlite_url(Path(tmp) / "server.db"), Path(tmp), ""))
    if postgres_unavailable():
        print(f"  (no PostgreSQL run: {postgres_unavailable()})")
        return results
    with tempfile.TemporaryDirectory(prefix="sas-bench-events-pg-") as tmp, postgres_database() as url:
        results.update(_run_on(url, Path(tmp), "_pg"))
    return results


if __name__ == "__main__":
    for name, r in run().items():
        print(f"{name}: {r['value']} {r['unit']} (goal {r['goal']})")
