"""Ranked slot search on the national dataset: index load, memory, latency, exactness.

1. Builds the national dataset (:mod:`app.demo.national`, ~100,000
   effecteurs, ~1,000,000 slots) in a temporary SQLite file, unless
   ``SAS_BENCH_NATIONAL_DB`` names an existing one (built by
   ``sas demo-data --national``; its slots must still be ahead).
2. Loads the index: time, and memory kept (tracemalloc over a second load).
3. 10,000 random queries placed by population (patients live where people do),
   the département's default radius, random filters and médecin traitant:
   in-process p95, and every answer compared with the brute-force reference.
4. 1,000 of them through ``GET /api/v1/slots/search`` on a ``sas server``
   subprocess (keep-alive client): p95, and the same comparison.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from app.models import utcnow
from app.models.db import open_database, sqlite_url
from app.demo.territory import floor_quarter_hour, placement_communes
from app.demo.national import all_departements, build_national
from app.services.search.model import MODES, STRUCTURES, WINDOWS, SearchQuery
from app.services.search.radius import rule_for
from app.services.search.service import SearchService
from tests.helpers.search_reference import ReferenceData, answer_differences, reference_search

QUERIES, HTTP_QUERIES, PORT = 10_000, 1_000, 8797


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _queries(rng: random.Random, now, rpps: list[str], n: int, *, http: bool) -> list[SearchQuery]:
    communes = [c for dep in all_departements() for c in placement_communes(dep)]
    weights = [max(c.population, 1) for c in communes]
    out = []
    for commune in rng.choices(communes, weights=weights, k=n):
        r, theta = 2.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        lat = commune.lat + r * math.cos(theta) / 111.2
        lon = commune.lon + r * math.sin(theta) / (111.2 * math.cos(math.radians(commune.lat)))
        rule = rule_for(insee=commune.insee)
        out.append(SearchQuery(
            lat=lat, lon=lon, radius_km=rule.widened(rule.radius_km, rng.choice((0, 0, 0, 1))), now=now,
            start=now if http else None, end=now + timedelta(hours=72) if http else None,
            windows=tuple(rng.sample(list(WINDOWS), 2)) if not http and rng.random() < 0.2 else (),
            modes=(rng.choice(MODES),) if rng.random() < 0.2 else (),
            structures=(rng.choice(STRUCTURES),) if rng.random() < 0.1 else (),
            sas_only=rng.random() < 0.15, extra_only=rng.random() < 0.1,
            practitioner_rpps=rng.choice(rpps) if rng.random() < 0.5 else None, limit=50,
        ))
    return out


def _params(q: SearchQuery) -> list[tuple[str, str]]:
    params = [("lat", repr(q.lat)), ("lon", repr(q.lon)), ("radius_km", repr(q.radius_km)), ("limit", "50"),
              ("start", q.start.isoformat()), ("end", q.end.isoformat())]
    params += [("mode", m) for m in q.modes] + [("structure", s) for s in q.structures]
    params += [("sas_only", "true")] * q.sas_only + [("en_sus", "true")] * q.extra_only
    return params + ([("practitioner", q.practitioner_rpps)] if q.practitioner_rpps else [])


def _http(db_url: str, queries: list[SearchQuery], expected: list) -> tuple[list[float], int, float]:
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "server", "--db", db_url, "--port", str(PORT)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, t0 = f"http://127.0.0.1:{PORT}", time.perf_counter()
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            startup = time.perf_counter() - t0
            token = client.post("/api/v1/auth/login", json={"username": "osnp", "password": "osnp-demo"}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            timings, mismatches = [], 0
            for q, want in zip(queries, expected):
                t = time.perf_counter()
                body = client.get("/api/v1/slots/search", params=_params(q), headers=headers).json()
                timings.append((time.perf_counter() - t) * 1000)
                got = ([r["slot_id"] for r in body["results"]], [c["effecteur"]["id"] for c in body["to_call"]])
                mismatches += got != want.keys() or body["total"] != want.total
    finally:
        server.terminate()
        server.wait(30)
    return timings, mismatches, startup


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="sas-bench-national-") as tmp:
        db_url = os.environ.get("SAS_BENCH_NATIONAL_DB") or sqlite_url(Path(tmp) / "national.db")
        now = floor_quarter_hour(utcnow())
        build_s = None
        if "SAS_BENCH_NATIONAL_DB" not in os.environ:
            build_s = build_national(db_url, now=now).seconds
        engine, factory = open_database(db_url)
        service = SearchService()
        with factory() as session:
            index = service.load(session)
            load_s = service.last_load.seconds
            service.load(session, trace_memory=True)
            memory_mb = service.last_load.traced_bytes / 2**20
            index = service.index(session)
            reference = ReferenceData.load(session)
        engine.dispose()
        rng = random.Random(2026)
        rpps = [e[3] for e in reference.effecteurs.values() if e[3]]
        queries = _queries(rng, now, rpps, QUERIES, http=False)
        timings, mismatches, slots_seen = [], 0, 0
        for q in queries:
            t = time.perf_counter()
            got = index.search(q)
            timings.append((time.perf_counter() - t) * 1000)
            slots_seen += got.total
            want = reference_search(reference, q)
            mismatches += bool(answer_differences(got, want))
        http_queries = _queries(rng, now, rpps, HTTP_QUERIES, http=True)
        http_ms, http_mismatches, startup_s = _http(db_url, http_queries,
                                                    [reference_search(reference, q) for q in http_queries])
    dataset = f"{len(reference.effecteurs)} effecteurs, {len(index)} free slots"
    results = {
        "national_search_p95_ms": {"value": round(_p95(timings), 3), "unit": "ms", "goal": 10,
                                   "queries": QUERIES, "mismatches_vs_reference": mismatches,
                                   "mean_matching_slots": round(slots_seen / QUERIES, 1), "dataset": dataset},
        "national_search_http_p95_ms": {"value": round(_p95(http_ms), 3), "unit": "ms", "goal": 50,
                                        "queries": HTTP_QUERIES, "mismatches_vs_reference": http_mismatches},
        "national_index_load_s": {"value": round(load_s, 2), "unit": "s", "goal": 30,
                                  "server_start_to_ready_s": round(startup_s, 2)},
        "national_index_memory_mb": {"value": round(memory_mb, 1), "unit": "MB", "goal": 500,
                                     "arrays_mb": round(service.last_load.array_bytes / 2**20, 1)},
    }
    if build_s is not None:
        results["national_dataset_build_s"] = {"value": round(build_s, 1), "unit": "s", "goal": 180}
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
