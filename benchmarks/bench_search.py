"""Slot search latency and demo territory build time on the Bas-Rhin (67) demo territory.

Builds the 67 territory in a temporary SQLite database (deleted afterwards),
then times :func:`app.services.slot_search.search_slots` over about 1,000
queries around random communes of the département (a point up to 2 km from
the commune centre, a radius among the SAS platform's usual values), with a
fixed seed so runs are comparable.  Nothing is written outside the temp dir.
"""

from __future__ import annotations

import math
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.models.db import open_database, sqlite_url
from app.services.communes import default_index
from app.services.demo_data import build_demo_territory, placement_communes
from app.services.geo import offset_km
from app.services.slot_search import search_slots

DEPARTEMENT = "67"
QUERIES = 1000
RADII_KM = (5.0, 10.0, 15.0, 20.0, 30.0)
#: A fixed Tuesday morning, so the volume of slots does not depend on the day the bench runs.
NOW = datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(q * len(ordered)) - 1)
    return ordered[rank]


def run() -> dict:
    default_index()  # the communes CSV is loaded once per process: not part of either measure
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="sas-bench-search-") as tmp:
        engine, factory = open_database(sqlite_url(Path(tmp) / "bench.db"))
        try:
            with factory() as session, session.begin():
                t0 = time.perf_counter()
                summary = build_demo_territory(session, DEPARTEMENT, now=NOW)
                build_s = time.perf_counter() - t0
            communes = placement_communes(DEPARTEMENT)
            timings_ms: list[float] = []
            hits = 0
            with factory() as session:
                for _ in range(20):  # warm the connection, statement cache and page cache
                    search_slots(session, lat=48.58, lon=7.75, radius_km=10.0, now=NOW)
                for _ in range(QUERIES):
                    commune = rng.choice(communes)
                    r, theta = 2.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
                    lat, lon = offset_km(commune.lat, commune.lon, r * math.cos(theta), r * math.sin(theta))
                    now = NOW + timedelta(minutes=rng.randrange(0, 24 * 60))
                    t0 = time.perf_counter()
                    result = search_slots(session, lat=lat, lon=lon, radius_km=rng.choice(RADII_KM), now=now)
                    timings_ms.append((time.perf_counter() - t0) * 1000.0)
                    hits += result.total
        finally:
            engine.dispose()
    return {
        "slot_search_demo_p95_ms": {
            "value": round(_percentile(timings_ms, 0.95), 3), "unit": "ms", "goal": 10,
            "p50": round(statistics.median(timings_ms), 3), "queries": QUERIES,
            "mean_total_slots": round(hits / QUERIES, 1),
            "territory": f"{summary.effecteurs} effecteurs, {summary.slots} slots",
        },
        "demo_territory_build_s": {"value": round(build_s, 3), "unit": "s", "goal": 5},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
