"""A case's booking as a desk knows it: from its decisions in the cache, no Qt, no network.

The booking lives on the decision it carries out: the server's answer to a booking
(and, for the other desks, the decision's next version in the journal) puts the
slot on the orientation in the console's cache (``Orientation.slot_id``,
``appointment_start``, ``effecteur_name``).  So the cache alone tells:

* :func:`active_booking` — the case's booked decision, if any;
* :func:`awaiting_booking` — the SQL condition "decided for a slot, not booked
  yet", for a worklist query over :class:`app.models.Case` (the OSNP's cases
  leave it when their booking lands);
* :func:`booking_row` — the booking as a row of the slot list, marked ``booked``;
* :func:`describe`, :func:`slot_time`, :func:`patient_of` — the words a
  confirmation or a refusal uses (times in room time, through
  :func:`app.services.search.presentation.format_slot_time`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, select

from app.models import Case, Orientation
from app.services.records.documents import CaseDoc, OrientationDoc
from app.services.regulation import decisions
from app.services.search.presentation import format_slot_time

#: Decisions carried out by booking a slot.
SLOT_DECISION_KEYS = tuple(k.key for k in decisions.DECISIONS if k.books_slot)


def active_booking(orientations: list[OrientationDoc]) -> OrientationDoc | None:
    """The case's decision holding a slot (the latest, should there be several), or None."""
    booked = [o for o in orientations if o.slot_id is not None]
    return max(booked, key=lambda o: o.creation) if booked else None


def awaiting_booking() -> ColumnElement[bool]:
    """SQL condition on :class:`~app.models.Case`: a slot decision was taken and no slot is booked for it yet."""
    decided = exists(select(Orientation.uuid).where(Orientation.case_uuid == Case.uuid,
                                                    Orientation.decision_key.in_(SLOT_DECISION_KEYS)))
    booked = exists(select(Orientation.uuid).where(Orientation.case_uuid == Case.uuid,
                                                   Orientation.slot_id.is_not(None)))
    return and_(decided, ~booked)


def slot_time(value: str | datetime) -> str:
    """``lun. 07/12 à 14:30``, in room time."""
    day, _, clock = format_slot_time(value).rpartition(" ")
    return f"{day} à {clock}"


def describe(booking: OrientationDoc) -> str:
    """``Dr Y, lun. 07/12 à 14:30``: whom and when (the slot number when the time is unknown)."""
    when = slot_time(booking.appointment_start) if booking.appointment_start else f"créneau {booking.slot_id}"
    return ", ".join(p for p in (booking.effecteur_name, when) if p)


def booking_row(booking: OrientationDoc) -> dict:
    """The booking as a slot-list row (the shape of a search result), marked ``booked``."""
    return {
        "slot_id": booking.slot_id, "booked": True, "group": None, "distance_km": None,
        "start": booking.appointment_start.isoformat() if booking.appointment_start else None,
        "end": booking.appointment_end.isoformat() if booking.appointment_end else None,
        "mode": booking.appointment_mode,
        "effecteur": {"id": booking.effecteur_id or "", "name": booking.effecteur_name or ""},
    }


def patient_of(case: CaseDoc) -> tuple[str | None, str]:
    """(sex code, name) of the case's first patient with a name; else (None, the caller's name, or "")."""
    for patient in sorted(case.patients, key=lambda p: p.rank):
        name = " ".join(n for n in (patient.first_name, patient.last_name or patient.birth_name) if n)
        if name:
            return patient.sex, name
    return None, case.caller_name or ""
