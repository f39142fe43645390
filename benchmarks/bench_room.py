"""The whole API under a busy regulation room: 20 desks on a PostgreSQL server (issue 12, item 9).

A real server process (``python -m app server``, one uvicorn worker, access log
on, as deployed; ``SAS_BENCH_ROOM_WORKERS=2`` runs ``--workers 2`` instead: on the
shared, loaded 2-core machine neither was clearly faster side by side) on a fresh PostgreSQL
database holding the demo territory of
the Bas-Rhin (67), the demo accounts and a day shift already 10 hours in
(:func:`app.demo.shift.fill_shift`, 1,500 cases: a big SAMU's day so far).
Twenty desks then work for :data:`DURATION_S` seconds, each its own
``httpx.AsyncClient`` and token (the demo account of its role, its own
``desk_id``), all on one asyncio loop in this process:

* **8 ARM desks.** A call every 20 s on average per desk (exponential gaps):
  3 cases a minute per desk, 24 a minute in the room, ~1,400 an hour — about
  three times a big SAMU's peak hour (a few thousand calls a day, a tenth of
  them in the busiest hour; domain.md puts the DREES average at 5.5 files an
  hour per ARM). Per call: ~4 s of interview, ``PUT /cases/{uuid}`` (a patient,
  an address in a commune of the 67 weighted by population), ~3 s later a note
  event, ~2 s later the hand-over to the MRL (``PUT /cases/{uuid}/events/{uuid}``).
* **5 MRL desks.** Take the handed-over cases in turn: read the case and its
  events (audited reads), 1–3 s later one slot search around the patient, 3–6 s
  on the phone, then the decision (``PUT /orientations/{uuid}``), 70 %
  ``CONSULTATION_48H`` — passed to the OSNP — and 30 % ``CONSEIL``, closed by
  the MRL (status ``CLOTURE``); each followed by its ``decision`` event.
* **5 OSNP desks.** Take the slot decisions: read the case, two or three slot
  searches (radius, then by kind or time window: with the MRL's, about the 4
  platform searches per call of domain.md), the ``search`` event, then
  ``POST /slots/{id}/booking`` with the MRL's orientation. Desk *k* tries the
  results *k, k+5, k+10…* so desks rarely race for a slot; a 409 ``slot_taken``
  is expected (counted apart, not an error) and the next candidate is tried.
* **2 supervisor desks.** ``GET /stats`` over the shift every 30 s, the wall's
  refresh (whole room, then the SNP stream, then P1). This request alone costs
  ~180 ms of server CPU on a 1,500-case shift before issue 12's last stop (about
  50 ms since the stats read their rows without per-value conversions), and while
  it runs the other requests of its process wait for the GIL: in 40 s trials on the
  shared 2-core machine, with one worker, p99 was ~575 ms with stats every 5 s per
  desk and ~265 ms with no supervisor at all.
* **Every desk** polls ``GET /journal?after=<cursor>`` every second (the
  console's sync runs every 2 s), from the journal's head at the start, paging
  on while a page is full.

Each request's latency (from the client's send to the full answer) and status
are recorded by route. Results:

* ``room_api_p99_ms`` / ``room_api_p50_ms`` — every request of the run (goal 150 ms);
* ``room_write_p99_ms`` — ``PUT`` and ``POST`` only (goal 150 ms);
* ``room_api_errors`` — answers ≥ 500, transport errors, and any 4xx other than a
  booking's 409 ``slot_taken`` (goal 0).

The per-route table is printed. The database is dropped and the temporary
directory (journal key, anchors, server log) removed at the end. ``SAS_BENCH_PROFILE=FILE``
also records the server with py-spy during the traffic (``FILE.svg`` flame graph, or
``FILE.txt`` collapsed stacks; ``--gil``: where the server's CPU goes). Needs the PostgreSQL of ``.ci/services.sh``.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.room_desks import Room, summarise  # noqa: E402
from tests.helpers.databases import postgres_database, postgres_unavailable  # noqa: E402

DURATION_S = float(os.environ.get("SAS_BENCH_ROOM_S", "75"))  # shorter for a trial run
WORKERS = int(os.environ.get("SAS_BENCH_ROOM_WORKERS", "1"))  # server processes
SHIFT_CASES = 1500
SHIFT_SO_FAR = timedelta(hours=10)


def _seed(url: str, now: datetime) -> int:
    """Territory, accounts and the shift so far; returns the journal's head."""
    from app.demo import review as demo_review, shift as demo_shift
    from app.demo.territory import build_demo_database
    from app.models.db import open_database
    from app.services.records import journal

    build_demo_database(url, "67", now=now)
    engine, sessions = open_database(url)
    try:
        with sessions() as session:
            demo_shift.fill_shift(session, now - SHIFT_SO_FAR, SHIFT_CASES, now=now)
            demo_review.dress_shift(session)
            session.commit()
            return journal.last_seq(session)
    finally:
        engine.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``python -m app server`` on ``url`` in a child process, its log in ``tmp``."""

    def __init__(self, url: str, tmp: Path):
        self.url, self.tmp, self.port = url, tmp, _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT), SAS_DATA_DIR=str(self.tmp),
                   SAS_JOURNAL_ANCHOR_FILE=str(self.tmp / "anchors.jsonl"))
        self.log = open(self.tmp / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "server", "--db", self.url, "--port", str(self.port),
             "--journal-key", str(self.tmp / "journal.key"), "--workers", str(WORKERS)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False, timeout=2) as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_tail()}")
                try:
                    if http.get(self.base_url + "/healthz").status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        self.__exit__()
        raise TimeoutError("server did not start")

    def log_tail(self, lines: int = 20) -> str:
        self.log.flush()
        return "\n".join((self.tmp / "server.log").read_text(errors="replace").splitlines()[-lines:])

    def __exit__(self, *exc_info: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: uvicorn finishes its requests and anchors the journal
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


def _profiler(pid: int, out: str, seconds: float) -> subprocess.Popen | None:
    """py-spy recording ``pid`` for ``seconds`` into ``out`` (.svg flame graph, else collapsed stacks)."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print(f"  (no {spy}: no profile)")
        return None
    fmt = "flamegraph" if out.endswith(".svg") else "raw"
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--subprocesses",
                             "--rate", "100", "--gil", "--format", fmt, "--output", out, "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live children (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_s(int(child)) for child in children)


def run() -> dict:
    if postgres_unavailable():
        raise RuntimeError(f"bench_room needs PostgreSQL: {postgres_unavailable()}")
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="sas-bench-room-") as tmp, postgres_database() as url:
        t0 = time.perf_counter()
        head = _seed(url, now)
        print(f"  seeded in {time.perf_counter() - t0:.1f} s (journal head {head})", flush=True)
        with ServerProcess(url, Path(tmp)) as server:
            room = Room(server.base_url, head, shift=(now - SHIFT_SO_FAR, now - SHIFT_SO_FAR + timedelta(hours=12)),
                        rng=random.Random(12))
            spy = None
            if os.environ.get("SAS_BENCH_PROFILE"):
                spy = _profiler(server.proc.pid, os.environ["SAS_BENCH_PROFILE"], DURATION_S)
            load, server_cpu, client_cpu = os.getloadavg()[0], _cpu_s(server.proc.pid), time.process_time()
            asyncio.run(room.run(DURATION_S))
            server_cpu, client_cpu = _cpu_s(server.proc.pid) - server_cpu, time.process_time() - client_cpu
            print(f"  load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; CPU of the server "
                  f"{server_cpu / DURATION_S:.0%} of a core, of the desks {client_cpu / DURATION_S:.0%}", flush=True)
            if spy is not None:
                spy.wait(30)
            if room.server_errors():
                print(server.log_tail(), flush=True)
    return summarise(room.samples, room.notes)
