"""The field types and checks of the wire documents (:mod:`app.services.records.documents`, :mod:`.event_docs`).

Patterns and bounds (phone numbers, case ids, INSEE codes, ages, France's boxes),
the closed code lists as ``Literal`` types, the annotated types that check a code
against its Hub Santé list or a text against a pattern with a French message,
and :class:`WireDoc`, the base of every document: extra fields forbidden, text
stripped, and control characters or lone surrogates refused with a 422 naming the field.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from app.codes import case_codes, effecteurs, nomenclatures, places, priorities
from app.codes.fields import MAX_LENGTH as L
from app.services.records.bounds import InstantInRange

E164 = re.compile(r"^\+[0-9]{5,18}$")  # ASCII digits: \d would take ٣ or ３
CASE_ID = re.compile(r"^([a-zA-Z0-9_-]+\.?){4,10}$")
INSEE = re.compile(places.INSEE_PATTERN)
#: Oldest age the console accepts (years).
MAX_AGE_YEARS = 120
#: (lat min, lat max, lon min, lon max) of metropolitan France, Corsica and the overseas départements.
FRANCE_BOXES = (
    (41.2, 51.2, -5.3, 9.7), (15.8, 16.6, -61.9, -60.9), (14.3, 14.95, -61.3, -60.7), (2.0, 5.9, -54.7, -51.5),
    (-21.5, -20.8, 55.1, 55.9), (-13.1, -12.6, 44.9, 45.4), (17.8, 18.2, -63.2, -62.7), (46.7, 47.2, -56.5, -56.1),
)
# Each closed list is a Literal of its one source (:mod:`app.codes`), so the OpenAPI declares it as an enum.
CaseStatus = Literal[case_codes.CASE_STATUSES]  # type: ignore[valid-type]
Perimeter = Literal[case_codes.PERIMETERS]  # type: ignore[valid-type]
Priority = Literal[priorities.CODES]  # type: ignore[valid-type]
SlotMode = Literal[effecteurs.SLOT_MODE_CODES]  # type: ignore[valid-type]


def in_france(lat: float, lon: float) -> bool:
    """True when the point lies in France (metropolitan or overseas départements)."""
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES)


def age_years(age: str | None) -> float | None:
    """``"P45Y"`` → 45, ``"P6M"`` → 0.5 (an ISO 8601 duration in one unit)."""
    m = re.fullmatch(r"P(\d{1,3})([YMWD])", age or "")
    if not m:
        return None
    return int(m.group(1)) / {"Y": 1, "M": 12, "W": 52, "D": 365}[m.group(2)]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("l'heure doit porter un fuseau horaire")
    return value


#: An aware instant within the range the database stores and the server computes with (:mod:`.bounds`).
AwareDatetime = Annotated[datetime, AfterValidator(_aware), InstantInRange]


def known_code(list_name: str, message: str) -> AfterValidator:
    """A check that a code is in the Hub Santé list ``list_name``; ``message`` is followed by the code."""
    def check(v: str) -> str:
        if not nomenclatures.is_known(list_name, v):
            raise ValueError(f"{message} : {v}")
        return v
    return AfterValidator(check)


def matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """A check that a text matches ``pattern``, with a French ``message`` instead of the regex."""
    def check(v: str) -> str:
        if not pattern.match(v):
            raise ValueError(message)
        return v
    return AfterValidator(check)


def enum_schema(codes: tuple[str, ...]) -> dict:
    """The schema of a code checked by :func:`known_code`: its list as an enum, for clients of ``/openapi.json``."""
    return {"enum": list(codes)}


Attribution = Annotated[str, Field(max_length=L["attribution"], json_schema_extra=enum_schema(case_codes.ATTRIBUTIONS)),
                        known_code(nomenclatures.ATTRIBUTION, "attribution inconnue")]
Phone = Annotated[str, Field(max_length=L["caller_phone"]),
                  matching(E164, "numéro attendu au format international (+33…)")]


#: Control characters no text field takes (C0 but tab, newline, carriage return): PostgreSQL refuses NUL,
#: XML and CSV exports choke on the rest, and nobody types them.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a French message), or None: control characters, broken Unicode."""
    if (bad := _FORBIDDEN_CONTROLS.search(text)) is not None:
        return f"caractère de contrôle interdit (U+{ord(bad.group()):04X})"
    if (bad := _LONE_SURROGATE.search(text)) is not None:
        return f"texte Unicode invalide (U+{ord(bad.group()):04X} isolé)"
    return None


class WireDoc(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _plain_text(cls, v):
        """Every text field: a 422 naming it for control characters or lone surrogates (hostile input)."""
        if isinstance(v, str) and (problem := text_problem(v)) is not None:
            raise ValueError(problem)
        return v
