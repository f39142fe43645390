"""French départements, commune INSEE codes and the time zone of a room.

A SAMU serves one département: metropolitan ``01``–``95`` (Corsica is ``2A`` and
``2B``; ``20`` no longer exists) or overseas ``971``–``976``.  A commune's INSEE
code is its département followed by the commune number: five characters,
``67482`` (Strasbourg), ``2A004`` (Ajaccio), ``97411`` (Saint-Denis, La Réunion);
the overseas collectivities use ``975``, ``977``, ``978`` and ``98x``.
"""

from __future__ import annotations

import re

#: Every département a SAMU may serve, in the official order.
DEPARTEMENTS: tuple[str, ...] = (
    *(f"{n:02d}" for n in range(1, 20)), "2A", "2B", *(f"{n:02d}" for n in range(21, 96)),
    "971", "972", "973", "974", "975", "976",
)
_DEPARTEMENT_SET = frozenset(DEPARTEMENTS)
#: What a département code looks like, for a schema (``pattern``) and a regex check.
DEPARTEMENT_PATTERN = r"^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-6])$"
#: A commune code: metropolitan and Corsican départements then three digits, or overseas ``97x``/``98x``.
INSEE_PATTERN = r"^((0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])[0-9]{3}|9[78][0-9]{3})$"
_INSEE = re.compile(INSEE_PATTERN)

#: The IANA time zone of each overseas département; the others are on Paris time.
_OVERSEAS_TIME_ZONES = {
    "971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne",
    "974": "Indian/Reunion", "975": "America/Miquelon", "976": "Indian/Mayotte",
}
METROPOLITAN_TIME_ZONE = "Europe/Paris"


def normalize_departement(code: str | int | None) -> str | None:
    """``"67"`` → ``"67"``, ``"2a"`` → ``"2A"``, ``"1"`` → ``"01"``; None when it is no département."""
    text = str(code if code is not None else "").strip().upper()
    text = text.zfill(2) if text.isdigit() and len(text) < 2 else text
    return text if text in _DEPARTEMENT_SET else None


def is_departement(code: str | None) -> bool:
    """True for a département code written as stored (``"2A"``, ``"974"``), not ``"20"`` nor ``"2a"``."""
    return code in _DEPARTEMENT_SET


def is_insee(code: str | None) -> bool:
    """True for a well-formed commune INSEE code (``"67482"``, ``"2A004"``, ``"97411"``)."""
    return bool(code) and _INSEE.match(code or "") is not None


def departement_of_insee(insee: str | None) -> str | None:
    """``"67482"`` → ``"67"``, ``"97411"`` → ``"974"``, ``"2A004"`` → ``"2A"``; None if unusable."""
    code = (insee or "").strip().upper()
    if len(code) != 5:
        return None
    return code[:3] if code.startswith("97") else code[:2]


def time_zone_of(departement: str | None) -> str:
    """The IANA time zone the room of ``departement`` lives in (Paris unless overseas)."""
    return _OVERSEAS_TIME_ZONES.get(normalize_departement(departement) or "", METROPOLITAN_TIME_ZONE)
