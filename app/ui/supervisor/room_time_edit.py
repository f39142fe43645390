"""Date-time pickers on the room's wall clock (:mod:`app.codes.room_time`), whatever the computer's zone.

The edit counts in UTC, and shows the room's wall-clock time: so the computer's own zone never
shifts an hour nor refuses one (a DST change).  :func:`show_time` puts an instant in an edit,
:func:`picked_time` reads the instant back.  Used by the shift review's period
(:class:`app.ui.supervisor.shift_review.ShiftReviewPanel`).
"""

from __future__ import annotations

from datetime import datetime

from app.codes import room_time
from app.ui.qt import QDate, QDateTime, QDateTimeEdit, QTime, QTimeZone


def show_time(edit: QDateTimeEdit, value: datetime) -> None:
    """Show ``value`` in ``edit`` as the room's wall clock (the edit counts in UTC, so the computer's zone never
    shifts or refuses an hour)."""
    local = room_time.wall_clock(value)
    edit.setTimeZone(QTimeZone.utc())
    edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute),
                               QTimeZone.utc()))


def picked_time(edit: QDateTimeEdit) -> datetime:
    """The instant (UTC) of the room's wall-clock time ``edit`` shows."""
    d, t = edit.dateTime().date(), edit.dateTime().time()
    return room_time.at_room_time(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))
