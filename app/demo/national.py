"""A whole-country demo dataset: every département, about 100,000 effecteurs and 1,000,000 slots.

Same generator as the département demo (:mod:`app.demo.territory`),
placed by commune population, with the effecteur density scaled so that the
country totals ``target_effecteurs``.  Rows go in by bulk inserts, one
transaction per département, so ``sas demo-data --national`` takes a minute
or two on SQLite.  Used by the national benchmark; CI builds a two-département
sample with the same code (:func:`build_national`'s ``departements``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.models import Effecteur, utcnow
from app.models.db import open_database
from app.services.reference.communes import default_index
from app.demo.territory import _PROFILES, build_demo_territory, floor_quarter_hour, placement_communes
from app.demo.names import create_demo_users

log = logging.getLogger(__name__)

TARGET_EFFECTEURS = 100_000
#: Slots per effecteur relative to the département demo: brings the country to about 1,000,000.
RICHNESS = 1.17


@dataclass
class NationalSummary:
    """What a national build made."""

    departements: list[str] = field(default_factory=list)
    effecteurs: int = 0
    slots: int = 0
    seconds: float = 0.0
    density: float = 1.0

    def describe(self) -> str:
        return (f"Jeu national : {len(self.departements)} départements, {self.effecteurs} effecteurs, "
                f"{self.slots} créneaux libres, construit en {self.seconds:.0f} s.")


def all_departements() -> list[str]:
    """Every département with geolocated communes, in code order."""
    return [code for code in default_index().departements() if _placeable(code)]


def _placeable(code: str) -> bool:
    try:
        placement_communes(code)
    except ValueError:
        return False
    return True


def density_for(departements: Iterable[str], target_effecteurs: int = TARGET_EFFECTEURS) -> float:
    """The density multiplier that gives about ``target_effecteurs`` over these départements."""
    population = sum(c.population for dep in departements for c in placement_communes(dep))
    per_inhabitant = sum(p.per_100k for kind, p in _PROFILES.items() if kind != "SOS") / 100_000
    return target_effecteurs / max(1.0, population * per_inhabitant)


def build_national(
    db_url: str,
    *,
    now: datetime | None = None,
    seed: int = 0,
    departements: list[str] | None = None,
    target_effecteurs: int = TARGET_EFFECTEURS,
    hash_password: Callable[[str], str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> NationalSummary:
    """Fill an empty database at ``db_url`` with the national dataset (plus the demo accounts).

    ``departements`` defaults to all of them; the density is computed on the
    whole country either way, so a sample has national densities.

    Raises:
        ValueError: the database already holds effecteurs.
    """
    if hash_password is None:
        from app.services.security.auth import hash_password
    started = time.perf_counter()
    now_r = floor_quarter_hour(now or utcnow())
    everywhere = all_departements()
    chosen = departements or everywhere
    summary = NationalSummary(density=density_for(everywhere, target_effecteurs))
    engine, factory = open_database(db_url)
    try:
        with factory() as session, session.begin():
            if session.scalar(select(func.count()).select_from(Effecteur)):
                raise ValueError("La base contient déjà des effecteurs : jeu national impossible (base vide requise)")
            create_demo_users(session, hash_password)
        for dep in chosen:
            with factory() as session, session.begin():
                built = build_demo_territory(session, dep, now_r, seed, density=summary.density,
                                             richness=RICHNESS)
            summary.departements.append(dep)
            summary.effecteurs += built.effecteurs
            summary.slots += built.slots
            if progress is not None:
                progress(f"{dep}: {built.effecteurs} effecteurs, {built.slots} créneaux")
    finally:
        engine.dispose()
    summary.seconds = time.perf_counter() - started
    log.info("%s", summary.describe())
    return summary
