"""The ranges the databases can hold: integers and instants, checked once before anything is stored.

PostgreSQL ``INTEGER`` columns hold −2³¹ … 2³¹−1 (SQLite's hold 2⁶³, the stricter
bound wins), so an identifier such as ``slot_id`` beyond it is refused here with a
422 naming the field instead of an ``OverflowError`` or a ``NumericValueOutOfRange``
at the INSERT.  Instants are stored in UTC and the server computes with them
(a search window adds 72 hours, retention subtracts years): an instant whose UTC
conversion or arithmetic leaves Python's calendar (``9999-12-31T23:59:59-12:00``)
used to crash.  Every instant is kept between :data:`EARLIEST` and :data:`LATEST`.

The annotated types are used by the wire documents
(:mod:`app.services.records.documents`), the server's request bodies
(:mod:`app.server.schemas`) and query parameters (:func:`instant_problem`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, Field

#: PostgreSQL ``INTEGER`` (and so every integer column of the schema).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: Instants the console stores and computes with (UTC); far enough from year 9999 for any arithmetic.
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
INSTANT_RANGE_MESSAGE = "date et heure hors des limites acceptées (entre 1900 et 9000)"

#: Any value of an ``INTEGER`` column.
DbInt = Annotated[int, Field(ge=INT_MIN, le=INT_MAX)]
#: A count or a version: never negative.
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
#: A database identifier (``slots.id``…): positive.
RowId = Annotated[int, Field(ge=1, le=INT_MAX)]


def instant_problem(value: datetime) -> str | None:
    """Why ``value`` cannot be stored (a French message), or None; naive values are the caller's business."""
    if value.tzinfo is None:
        return None
    try:
        utc = value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return INSTANT_RANGE_MESSAGE
    if not EARLIEST <= utc <= LATEST:
        return INSTANT_RANGE_MESSAGE
    return None


def _in_range(value: datetime | None) -> datetime | None:
    if value is not None and (problem := instant_problem(value)) is not None:
        raise ValueError(problem)
    return value


#: Apply to an aware ``datetime`` field: a 422 naming the field when out of range.
InstantInRange = AfterValidator(_in_range)
