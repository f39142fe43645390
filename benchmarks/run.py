"""Run every benchmark and write ``benchmarks/results.json`` and the table in ``benchmarks/README.md``.

Each benchmark module has ``run() -> {name: {"value", "unit", "goal"}}``.
A goal is met when the value is at most the goal (all our goals are ceilings).
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ["benchmarks.bench_search", "benchmarks.bench_startup", "benchmarks.bench_map", "benchmarks.bench_national",
           "benchmarks.bench_sync", "benchmarks.bench_stats", "benchmarks.bench_review",
           "benchmarks.bench_room", "benchmarks.bench_desk", "benchmarks.bench_events",
           "benchmarks.bench_agendas", "benchmarks.bench_telephony"]


def _table(results: dict) -> str:
    lines = [
        "| benchmark | value | unit | goal | met |",
        "|---|---:|---|---:|:---:|",
    ]
    for name, r in sorted(results.items()):
        met = "✔" if r["value"] <= r["goal"] else "✘"
        lines.append(f"| `{name}` | {r['value']:.2f} | {r['unit']} | {r['goal']} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for mod_name in MODULES:
        if only and mod_name.rsplit(".", 1)[-1] not in only:
            continue
        print(f"bench: {mod_name} ...", flush=True)
        t0 = time.perf_counter()
        module = importlib.import_module(mod_name)
        got = module.run()
        for name, r in got.items():
            print(f"  {name}: {r['value']:.2f} {r['unit']} (goal {r['goal']})")
        results.update(got)
        print(f"  done in {time.perf_counter() - t0:.1f} s")
    results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    readme = (
        "# Benchmarks\n\n"
        "`make bench` runs every module listed in `benchmarks/run.py` and rewrites this table and "
        "`results.json`. Goals are ceilings (lower is better).\n\n"
        f"Last run on a 2-core machine ({machine}).\n\n" + _table(results) + "\n"
    )
    (HERE / "README.md").write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
