"""Supervisor indicators over a busy shift: load and filter 5,000 cases.

* ``shift_5000_cases_load_filter_ms`` — a 12-hour shift of 5,000 cases (with
  their hand-overs, decisions and ~12,000 journal entries) in a console's
  SQLite cache; one measure is loading the shift's rows once
  (:func:`app.services.supervision.stats_rows.load_rows`, what the wall does when the
  journal grows) then computing the indicators for the whole room, the SNP
  stream and P1 from them (what it does when the supervisor changes a filter).  Median of 7 runs after 2 warm-ups,
  in milliseconds; the goal 200 ms keeps the wall's refresh invisible.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models.db import open_database, sqlite_url  # noqa: E402
from app.demo import shift as demo_shift
from app.services.supervision import stats
from app.services.supervision.stats_rows import load_rows  # noqa: E402

CASES = 5000
START = datetime(2024, 1, 18, 7, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=12)
NOW = START + timedelta(hours=11)
FILTERS = [(None, None), ("SNP", None), (None, "P1")]


def _once(factory) -> float:
    t0 = time.perf_counter()
    with factory() as session:
        rows = load_rows(session, START, END, NOW)
    for stream, priority in FILTERS:
        assert stats.compute(rows, START, END, NOW, stream=stream, priority=priority).calls > 0
    return (time.perf_counter() - t0) * 1000


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="sas-bench-stats-") as tmp:
        engine, factory = open_database(sqlite_url(Path(tmp) / "cache.db"))
        try:
            with factory() as session:
                demo_shift.fill_shift(session, START, CASES, now=NOW)
            for _ in range(2):
                _once(factory)
            timings = [_once(factory) for _ in range(7)]
        finally:
            engine.dispose()
    return {"shift_5000_cases_load_filter_ms": {"value": statistics.median(timings), "unit": "ms", "goal": 200}}


if __name__ == "__main__":
    print(run())
