"""A full refresh of the national dataset from 19 agenda editors (issue 14, item 7), time and memory.

The base is the national dataset (:mod:`app.demo.national`: ~100,000 effecteurs, ~80,000 of
them practitioners with an RPPS) in a SQLite file, its demo slots removed: every slot then
comes from the editors.  19 synthetic editors (:func:`benchmarks.agenda_editors.synthetic_specs`,
50–2,000 ms per answer) each hold the agendas of their 1/19 share of the practitioners, 10 slots
per 72 hours each: about 800,000 slots.  The per-effecteur editor list is imported (as
``sas agendas import-editors`` would: each practitioner at the editor holding its agenda), so
each editor is asked only about its own practitioners (~4,200 IDNPS, ~170 requests of 25).
``SAS_BENCH_AGENDAS_NATIONAL_TARGETING=default`` drops that list first: every editor is then
asked about every practitioner (~3,200 requests each, 61,000 in all).  The refresh is the
project's code: :func:`app.services.agendas.targets.targets_for` then
:func:`app.services.agendas.stream.refresh_editors` (each request within the editor's 7 s,
each page stored as it lands, the whole pull within the period), as the periodic refresh of
:class:`~app.services.agendas.live.LiveAgendas` does.

It runs in a child process (``python -m benchmarks.agendas_national DB EDITORS``) so that its
peak resident memory (``ru_maxrss``) is its own.  Measured:

* ``agendas_national_refresh_s`` — the first full refresh (every slot written); goal 300 s: a
  full refresh must end within the refresh period (``refresh_s``, 5 minutes), or the next one
  would start before it ends;
* ``agendas_national_refresh_again_s`` — a second full refresh, nothing changed at the editors;
  same goal;
* ``agendas_national_refresh_peak_mb`` — the child's peak RSS over both; goal 2,048 MB: the
  server process also holds the slot index (~300 MB at this scale, ``national_index_memory_mb``)
  and must fit a modest 4 GB machine.

The editors' time limit is the default 7 s (:data:`TIME_LIMIT_S`), per request.
``SAS_BENCH_AGENDAS_PROFILE=FILE`` writes a cProfile of the child's refreshes to ``FILE``.
``python -m benchmarks.agendas_national --build FILE`` makes a base that
``SAS_BENCH_AGENDAS_NATIONAL_DB=FILE`` reuses (copied, so it stays pristine).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from benchmarks.agenda_editors import EDITORS, synthetic_fleet, synthetic_specs
from tests.agendas.editor_data import _hash as editor_hash

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT_S = 7.0
PERIOD_S = 300.0


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def editor_of(rpps: str, seed: int = 1) -> str:
    """The synthetic editor that holds this practitioner's agenda (the editors' own share rule)."""
    return f"synth-{editor_hash(seed, 'share', '8' + rpps) % EDITORS:02d}"


def _build(db_url: str, small: bool) -> dict:
    from app.demo.national import build_national
    from app.models import Effecteur, Slot
    from app.models.agenda import EffecteurEditor
    from app.models.db import open_database

    summary = build_national(db_url, departements=["67", "68"] if small else None)
    engine, factory = open_database(db_url)
    with factory() as session, session.begin():
        session.execute(delete(Slot))
        rows = session.execute(select(Effecteur.id, Effecteur.rpps_id).where(Effecteur.rpps_id.is_not(None))).all()
        session.execute(insert(EffecteurEditor),
                        [{"effecteur_id": eff, "editor": editor_of(rpps)} for eff, rpps in rows])
    engine.dispose()
    return {"build_s": round(summary.seconds, 1), "effecteurs": summary.effecteurs}


def refresh_child(db_url: str, editors: list[tuple[str, str]]) -> dict:
    """Two full refreshes in this process: times, slot counts and peak RSS."""
    from app.demo.national import all_departements
    from app.models import Slot
    from app.models.db import open_database
    from app.models.agenda import EffecteurEditor
    from app.services.agendas.stream import refresh_editors
    from app.services.agendas.registry import EditorConfig, Registry
    from app.services.agendas.targets import targets_for

    registry = Registry(editors=tuple(EditorConfig(name=n, base_url=u, serves=frozenset({"ps"}), booking=True,
                                                   time_limit_s=TIME_LIMIT_S) for n, u in editors))
    engine, factory = open_database(db_url)
    targeting = os.environ.get("SAS_BENCH_AGENDAS_NATIONAL_TARGETING", "imported")
    if targeting == "default":
        with factory() as session, session.begin():
            session.execute(delete(EffecteurEditor))
    found: dict = {"rss_before_mb": round(_rss_mb(), 1), "targeting": targeting,
                   "load_before": [round(x, 2) for x in os.getloadavg()]}
    for label in ("first", "again"):
        t0 = time.perf_counter()
        with factory() as session:
            targets = targets_for(session, registry, departements=all_departements())
        targets_s = time.perf_counter() - t0
        outcomes = asyncio.run(refresh_editors(factory, targets, full=True, period_s=PERIOD_S))
        with factory() as session:
            slots = session.scalar(select(func.count()).select_from(Slot).where(Slot.status == "free"))
        found[label] = {"seconds": round(time.perf_counter() - t0, 1), "targets_s": round(targets_s, 1),
                        "asked": sum(len(t.practitioners) for t in targets.values()),
                        "failed": sorted(o.editor for o in outcomes if not o.ok),
                        "errors": sorted({o.error[:120] for o in outcomes if o.error}),
                        "load": [round(x, 2) for x in os.getloadavg()],
                        "added": sum(o.added for o in outcomes), "removed": sum(o.removed for o in outcomes),
                        "kept": sum(o.kept for o in outcomes), "slots": slots, "peak_mb": round(_peak_mb(), 1)}
    engine.dispose()
    return found


def run(*, small: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="sas-bench-national-agendas-") as tmp:
        folder = Path(tmp)
        db_url, pristine = f"sqlite:///{folder / 'national.db'}", os.environ.get("SAS_BENCH_AGENDAS_NATIONAL_DB")
        if pristine:  # a file made by _build (``python -m benchmarks.agendas_national --build FILE``)
            shutil.copy(pristine, folder / "national.db")
        built = {"build_s": None} if pristine else _build(db_url, small)
        with synthetic_fleet(folder / "fleet", synthetic_specs(time_limit_s=TIME_LIMIT_S)) as fleet:
            editors = [(e.name, e.base_url) for e in fleet]
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
            done = subprocess.run([sys.executable, "-m", "benchmarks.agendas_national", db_url, json.dumps(editors)],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        if done.returncode:
            raise RuntimeError(f"national refresh failed: {done.stderr[-3000:]}")
        got = json.loads(done.stdout.strip().splitlines()[-1])
    first, again = got["first"], got["again"]
    context = {**built, "editors": len(editors), "time_limit_s": TIME_LIMIT_S, "small": small, **got}
    return {
        "agendas_national_refresh_s": {"value": first["seconds"], "unit": "s", "goal": 300, **context},
        "agendas_national_refresh_again_s": {"value": again["seconds"], "unit": "s", "goal": 300},
        "agendas_national_refresh_peak_mb": {"value": max(first["peak_mb"], again["peak_mb"]), "unit": "MB",
                                             "goal": 2048},
    }


if __name__ == "__main__":
    if sys.argv[1] == "--build":
        print(json.dumps(_build(f"sqlite:///{Path(sys.argv[2]).resolve()}", small=len(sys.argv) > 3)))
    else:
        profile = os.environ.get("SAS_BENCH_AGENDAS_PROFILE")
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            got = profiler.runcall(refresh_child, sys.argv[1], json.loads(sys.argv[2]))
            profiler.dump_stats(profile)
        else:
            got = refresh_child(sys.argv[1], json.loads(sys.argv[2]))
        print(json.dumps(got))
