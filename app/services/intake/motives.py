"""The code lists the intake offers: the Hub Santé motives (« motifs de recours ») and the priorities.

Motives come from the shipped ``HubSante.motif.csv`` (every sub-motive, and the groups that have
none): listed, labelled, grouped and searched by code prefix or words.  Priorities come from
``HubSante.priorite.csv``, with their French labels and swatch colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.codes import nomenclatures, priorities


@dataclass(frozen=True)
class Priority:
    """One priority code, as the intake shows it."""

    code: str
    label: str
    description: str
    colour: str


@lru_cache(maxsize=1)
def _motives() -> tuple[nomenclatures.Code, ...]:
    """Selectable motives: every sub-motive, and the groups that have none ("Non renseigné")."""
    entries = nomenclatures.codes(nomenclatures.MOTIVE)
    parents = {c.code[:3] for c in entries if c.level > 0}
    return tuple(c for c in entries if c.level > 0 or c.code[:3] not in parents)


def load_motives() -> list[tuple[str, str]]:
    """``[("M01.01", "M01.01 — Suspicion d’arrêt cardiaque, mort subite"), …]`` (official labels)."""
    return [(c.code, c.display) for c in _motives()]


def motive_label(code: str) -> str | None:
    """The official label of a motive code (without the code), or None if unknown."""
    return next((c.label for c in _motives() if c.code == code), None)


def motive_group(code: str) -> str | None:
    """The level-1 group of a motive ("Détresse vitale" for M01.01), or None."""
    return next((c.group for c in _motives() if c.code == code), None)


def search_motives(text: str, limit: int | None = None) -> list[tuple[str, str]]:
    """Motives matching a code prefix (``M03.0``, ``m0306``, ``0306``) or words of the label/group."""
    found = nomenclatures.search(nomenclatures.MOTIVE, text, limit, entries=_motives())
    return [(c.code, c.display) for c in found]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


PRIORITIES: tuple[Priority, ...] = tuple(
    Priority(c.code, _sentence_case(c.label), c.description, priorities.colour_of(c.code))
    for c in nomenclatures.codes(nomenclatures.PRIORITY)
)
#: ``{"P0": "Urgence vitale", "P1": "Prioritaire", "P2": "Non urgent", "P3": "Différé", "NR": "Non régulé"}``
PRIORITY_LABELS: dict[str, str] = {p.code: p.label for p in PRIORITIES}
#: Swatch colours: P0 red, P1 orange, P2 yellow, P3 green, NR grey.
PRIORITY_COLOURS: dict[str, str] = {p.code: p.colour for p in PRIORITIES}
