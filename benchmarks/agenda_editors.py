"""Synthetic agenda editors for the live-agenda benchmarks (issue 14, item 7): no preloading.

Each editor is a real ``python -m tests.agendas.editor_server`` process in synthetic mode: any
asked practitioner has ``per_practitioner`` deterministic free slots per 72 hours on a fixed time
grid, placed inside ``bbox`` (the nearest of a few real communes gives the city and postal code).
With ``--synthetic-share i/n`` editor *i* of *n* answers only its share of the identifiers, so
asking every editor about :func:`national_rpps` (100,000 practitioners) gives about 1,000,000
slots in all, each practitioner at exactly one editor.  Delays spread from 50 to 2,000 ms, as the
issue's search benchmark asks; :func:`booking_spec` is an editor answering in 200 ms.

    with synthetic_fleet(Path(tmp)) as fleet:
        fleet.write_registry(Path(tmp) / "editors.toml")   # for ``sas server --editors``
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.agendas.fleet import EditorSpec, Fleet, running_fleet

NATIONAL_PRACTITIONERS = 100_000
EDITORS = 19
SLOTS_PER_PRACTITIONER = 10
#: Metropolitan France (lat_min, lon_min, lat_max, lon_max).
FRANCE = (42.3, -4.8, 51.1, 8.2)


def national_rpps(count: int = NATIONAL_PRACTITIONERS) -> list[str]:
    """``count`` distinct, deterministic 11-digit RPPS numbers."""
    return [f"{10_100_000_000 + 7 * n}" for n in range(count)]


def delays_ms(count: int = EDITORS, low: int = 50, high: int = 2000) -> list[int]:
    """``count`` answer delays spread evenly from ``low`` to ``high`` milliseconds."""
    if count == 1:
        return [low]
    return [round(low + (high - low) * i / (count - 1)) for i in range(count)]


def synthetic_specs(count: int = EDITORS, *, per_practitioner: int = SLOTS_PER_PRACTITIONER,
                    delays: list[int] | None = None, bbox: tuple[float, float, float, float] = FRANCE,
                    seed: int = 1, shared: bool = True, time_limit_s: float = 7.0) -> tuple[EditorSpec, ...]:
    """Editors ``synth-00`` … each answering its share (``shared``) or every identifier."""
    delays = delays or delays_ms(count)
    box = ",".join(str(v) for v in bbox)
    return tuple(EditorSpec(
        f"synth-{i:02d}", delay_ms=delays[i], page_size=1000, time_limit_s=time_limit_s,
        push_token=f"token-synth-{i:02d}",
        extra=("--synthetic-per-practitioner", str(per_practitioner), "--seed", str(seed), "--bbox", box,
               "--synthetic-share", f"{i}/{count}" if shared else "0/1"),
    ) for i in range(count))


def booking_spec(delay_ms: int = 200) -> EditorSpec:
    """One synthetic editor that takes bookings and answers every FHIR request in ``delay_ms``."""
    return EditorSpec("synth-booking", delay_ms=delay_ms, page_size=1000, push_token="token-synth-booking",
                      extra=("--synthetic-per-practitioner", str(SLOTS_PER_PRACTITIONER)))


@contextlib.contextmanager
def synthetic_fleet(folder: Path, specs: tuple[EditorSpec, ...] | None = None,
                    platform_url: str | None = None) -> Iterator[Fleet]:
    """The editors of ``specs`` (default :func:`synthetic_specs`) as processes, killed at the end."""
    with running_fleet(folder, specs or synthetic_specs(), platform_url) as fleet:
        yield fleet
