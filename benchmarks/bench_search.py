"""Slot search latency and demo territory build time on the Bas-Rhin (67) demo territory.

Builds the 67 territory in a temporary SQLite database (deleted afterwards),
loads the server's search service (:class:`app.services.search.service.SearchService`:
the in-memory :class:`~app.services.search.slot_index.SlotIndex`), then times
:meth:`SearchService.search` — what ``GET /api/v1/slots/search`` runs: the
ranked index search plus the check of the returned slots against the
database — over about 1,000 queries around random communes of the
département (a point up to 2 km from the commune centre, a radius among the
SAS platform's usual values, the route's default 72 h window and limits),
with a fixed seed so runs are comparable.  The index search alone is reported
beside it.  Nothing is written outside the temp dir.
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
from app.services.reference.communes import default_index
from app.demo.territory import build_demo_territory, placement_communes
from app.services.search.geo import offset_km
from app.services.search.model import SearchQuery, StalePolicy
from app.services.search.service import SearchService

DEPARTEMENT = "67"
QUERIES = 1000
RADII_KM = (5.0, 10.0, 15.0, 20.0, 30.0)
#: The route's defaults: the next 72 hours, 50 slots, 50 effecteurs to phone.
WINDOW = timedelta(hours=72)
LIMIT = CALL_LIMIT = 50
#: A fixed Tuesday morning, so the volume of slots does not depend on the day the bench runs.
NOW = datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(q * len(ordered)) - 1)
    return ordered[rank]


def _queries(rng: random.Random) -> list[SearchQuery]:
    communes = placement_communes(DEPARTEMENT)
    queries = []
    for _ in range(QUERIES):
        commune = rng.choice(communes)
        r, theta = 2.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        lat, lon = offset_km(commune.lat, commune.lon, r * math.cos(theta), r * math.sin(theta))
        now = NOW + timedelta(minutes=rng.randrange(0, 24 * 60))
        queries.append(SearchQuery(lat=lat, lon=lon, radius_km=rng.choice(RADII_KM), now=now, start=now,
                                   end=now + WINDOW, limit=LIMIT, call_limit=CALL_LIMIT))
    return queries


def run() -> dict:
    default_index()  # the communes CSV is loaded once per process: not part of either measure
    queries = _queries(random.Random(2026))
    with tempfile.TemporaryDirectory(prefix="sas-bench-search-") as tmp:
        engine, factory = open_database(sqlite_url(Path(tmp) / "bench.db"))
        try:
            with factory() as session, session.begin():
                t0 = time.perf_counter()
                summary = build_demo_territory(session, DEPARTEMENT, now=NOW)
                build_s = time.perf_counter() - t0
            service = SearchService(StalePolicy())
            timings_ms: list[float] = []
            index_ms: list[float] = []
            matching = 0
            with factory() as session:
                index = service.load(session)
                load_s = service.last_load.seconds
                for query in queries[:20]:  # warm the connection, statement cache and page cache
                    service.search(session, query)
                for query in queries:
                    t0 = time.perf_counter()
                    answer = service.search(session, query)
                    timings_ms.append((time.perf_counter() - t0) * 1000.0)
                    matching += answer.total
                    t0 = time.perf_counter()
                    index.search(query)
                    index_ms.append((time.perf_counter() - t0) * 1000.0)
        finally:
            engine.dispose()
    return {
        "slot_search_demo_p95_ms": {
            "value": round(_percentile(timings_ms, 0.95), 3), "unit": "ms", "goal": 10,
            "p50": round(statistics.median(timings_ms), 3), "queries": QUERIES,
            "index_only_p50": round(statistics.median(index_ms), 3),
            "index_only_p95": round(_percentile(index_ms, 0.95), 3),
            "index_load_s": round(load_s, 3),
            "mean_total_slots": round(matching / QUERIES, 1),
            "territory": f"{summary.effecteurs} effecteurs, {summary.slots} slots",
        },
        "demo_territory_build_s": {"value": round(build_s, 3), "unit": "s", "goal": 5},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
