"""The case priorities (Hub Santé list ``priorite``), their colours and which ones are urgent.

The codes, labels and descriptions are the official list's; this module adds what
the list does not say: the swatch colour each desk shows and the urgent ones the
queue counts.
"""

from __future__ import annotations

from app.codes import nomenclatures

#: Every priority in the official order, most urgent first; ``NR`` (non régulé) until a doctor has seen the case.
CODES: tuple[str, ...] = nomenclatures.code_tuple(nomenclatures.PRIORITY)
#: Priorities counted as urgent (the queue's red counter, the wall's alarm).
URGENT: tuple[str, ...] = ("P0", "P1")
DEFAULT = "NR"
#: Swatch colours, the same on every desk: P0 red, P1 orange, P2 yellow, P3 green, NR grey.
COLOURS: dict[str, str] = {"P0": "#d32f2f", "P1": "#f57c00", "P2": "#fbc02d", "P3": "#388e3c", "NR": "#9e9e9e"}


def colour_of(code: str | None) -> str:
    """The swatch colour of a priority; grey for an unknown one."""
    return COLOURS.get(code or "", COLOURS[DEFAULT])
