"""The closed lists of a case, an orientation and a case event.

The Hub Santé lists (status, perimeter, communication, decision and orientation
types, location precision) come from the shipped official code lists; the
console's own lists (event types, hand-over targets) are declared here.  The
wire documents turn each into a ``Literal`` so the OpenAPI shows it as an enum.
"""

from __future__ import annotations

from app.codes import nomenclatures as nom

CASE_STATUSES: tuple[str, ...] = nom.code_tuple(nom.STATUS)
PERIMETERS: tuple[str, ...] = nom.code_tuple(nom.PERIMETER)
COMMUNICATIONS: tuple[str, ...] = nom.code_tuple(nom.COMMUNICATION)
COORD_PRECISIONS: tuple[str, ...] = nom.code_tuple(nom.PRECISION)
DECISION_TYPES: tuple[str, ...] = nom.code_tuple(nom.DECISION_TYPE)
ORIENTATION_TYPES: tuple[str, ...] = nom.code_tuple(nom.ORIENTATION_TYPE)
SEXES: tuple[str, ...] = nom.code_tuple(nom.SEX)
ATTRIBUTIONS: tuple[str, ...] = nom.code_tuple(nom.ATTRIBUTION)
CALLER_TYPES: tuple[str, ...] = nom.code_tuple(nom.CALLER_TYPE)

#: What a case event records (``PUT /api/v1/cases/{case}/events/{uuid}``).
EVENT_TYPES: tuple[str, ...] = (
    "status", "attribution", "routing_override", "handover", "note", "decision", "priority", "search",
    "take_charge", "release", "location",
)
#: Whom an ARM hands a case over to.
HANDOVER_ROLES: tuple[str, ...] = ("MRU", "MRL")


#: How many trailing characters of a case id the room quotes: day of the year, desk, counter (``340200001``).
SHORT_NUMBER_LENGTH = 9


def case_number(case_id: str | None) -> str:
    """The case's number as the Hub writes it: ``fr.health.samu670.DRFR1567026340200001`` → ``DRFR1567026340200001``.

    Unique across SAMUs and years; exports carry it.
    """
    return (case_id or "").rsplit(".", 1)[-1]


def short_number(case_id: str | None) -> str:
    """The number the room quotes for a case: ``fr.health.samu670.DRFR1567026340200001`` → ``340200001``.

    The last segment of the Hub case id ends with the day of the year, the desk and the day's counter;
    every queue, journal, review and case view shows these nine characters (the whole id in tooltips).
    """
    return (case_id or "").rsplit(".", 1)[-1][-SHORT_NUMBER_LENGTH:]
