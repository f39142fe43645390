"""The supervisor's shift review over a busy shift: load 5,000 cases, search them as one types, verify the journal.

The shift of :mod:`benchmarks.bench_stats` (5,000 cases, their hand-overs and
decisions, ~15,000 journal entries) dressed with a patient, a motive, an
address, notes and slot searches per case (:mod:`app.demo.review`),
in a console's SQLite cache:

* ``review_5000_cases_load_ms`` — :func:`app.services.supervision.shift_review.load_review`
  of the whole shift (what the panel does, off the GUI thread, when the period
  changes).  Goal 1,000 ms.
* ``review_5000_cases_search_ms`` — :func:`app.services.supervision.shift_review.apply_filter`
  for one keystroke of the live search (accent- and case-insensitive words,
  with a priority and a role filter on top), the mean over several queries.
  It runs on the GUI thread after a 250 ms pause in typing, so the goal is
  50 ms (no visible stutter).
* ``journal_verify_15000_entries_ms`` — :func:`app.services.supervision.shift_review.chain_status`
  over the cache's whole journal (hash chain walk).  Goal 2,000 ms.

Medians of 5 runs after one warm-up, in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models.db import open_database, sqlite_url  # noqa: E402
from app.demo import review as demo_review, shift as demo_shift
from app.services.supervision import shift_review

from benchmarks.bench_stats import CASES, END, NOW, START  # noqa: E402 (the same shift as the wall's benchmark)

QUERIES = [("helene", None, None), ("Sélestat douleur", "P2", None), ("penicilline", None, "ARM"),
           ("HOARAU", None, "MRL"), ("rue de l'eglise", "P1", None)]


def _median_ms(fn, runs: int = 5) -> float:
    fn()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t0) * 1000)
    return statistics.median(timings)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="sas-bench-review-") as tmp:
        engine, factory = open_database(sqlite_url(Path(tmp) / "cache.db"))
        try:
            with factory() as session:
                demo_shift.fill_shift(session, START, CASES, now=NOW)
                demo_review.dress_shift(session)

            def load():
                with factory() as session:
                    return shift_review.load_review(session, START, END)

            def verify():
                with factory() as session:
                    assert shift_review.chain_status(session).ok

            rows = load()
            assert len(rows) == CASES

            def search():
                for text, priority, role in QUERIES:
                    shift_review.apply_filter(rows, shift_review.ReviewFilter(START, END, text=text,
                                                                              priority=priority, role=role))

            load_ms, search_ms, verify_ms = _median_ms(load), _median_ms(search) / len(QUERIES), _median_ms(verify)
        finally:
            engine.dispose()
    return {
        "review_5000_cases_load_ms": {"value": round(load_ms, 1), "unit": "ms", "goal": 1000},
        "review_5000_cases_search_ms": {"value": round(search_ms, 2), "unit": "ms", "goal": 50},
        "journal_verify_15000_entries_ms": {"value": round(verify_ms, 1), "unit": "ms", "goal": 2000},
    }


if __name__ == "__main__":
    print(run())
