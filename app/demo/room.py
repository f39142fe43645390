"""A lived-in demo room for the panel screenshots: a shift under way and a few SAS appointments.

The embedded demo territory starts with effecteurs and slots but no history, so
the supervisor's wall, the shift review and the appointment worklists would be
empty in ``sas console --screenshot … --panel``.  :func:`stage_room` fills the
current shift with a deterministic demo shift (:mod:`app.demo.shift`,
dressed with patients and searches by :mod:`app.demo.review`) and
receives a few RS-SAS-RDV appointments through the same
:func:`app.services.booking.appointments.receive` the Hub route uses: some that no case
matches (the "non rattachés" worklist) and a cancellation and a no-show on
cases (the "à rappeler" worklist).  It runs once per database: a room that
already has appointments is left as it is.  Plain Python, no Qt.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Appointment, Case, Effecteur
from app.services.booking import appointments
from app.demo import review as demo_review, shift as demo_shift
from app.services.supervision import stats
from app.services.interop.hub.rs_sas_rdv import read_appointment

#: Cases in the staged shift: a busy day room, small enough for a quick first sync.
SHIFT_CASES = 240
_AUTHOR, _ROLE = "hub-sante", "ADMIN"


def _message(appointment_id: str, method: str, status: str, effecteur: Effecteur, start: datetime,
             created: datetime) -> dict:
    """An RS-SAS-RDV ``appointment`` object as the national platform sends it (schema shape)."""
    surname, _, first = (effecteur.name.removeprefix("Dr ").partition(" ")[::-1]
                         if " " in effecteur.name else (effecteur.name, "", ""))
    return {
        "appointmentId": appointment_id, "method": method, "status": status,
        "created": created.isoformat(timespec="seconds"), "start": start.isoformat(timespec="seconds"),
        "end": (start + timedelta(minutes=20)).isoformat(timespec="seconds"),
        "orientationCategory": "SNP",
        "practitioner": {"rppsId": effecteur.rpps_id, "lastName": surname or effecteur.name,
                         "firstName": first or "-"},
        "regulator": {"regulatorId": "demo-regulateur", "regulatorName": "Muller", "regulatorFirstname": "Claire"},
    }


def stage_room(session: Session, now: datetime | None = None, *, seed: int = 3) -> bool:
    """Fill the current shift and the appointment worklists; False when the room was already staged.

    The shift is committed as it is written (:func:`app.demo.shift.fill_shift`); the
    caller commits the appointments.
    """
    if session.scalar(select(func.count()).select_from(Appointment)):
        return False
    now = now or datetime.now(timezone.utc)
    start, _end = stats.current_shift(now)
    demo_shift.fill_shift(session, start.astimezone(timezone.utc), SHIFT_CASES, now=now)
    demo_review.dress_shift(session)
    rng = random.Random(seed)
    doctors = session.scalars(select(Effecteur).where(Effecteur.kind == "MG", Effecteur.rpps_id.is_not(None))
                              .order_by(Effecteur.id).limit(40)).all()
    cases = session.scalars(select(Case.uuid).where(Case.perimeter == "SNP").order_by(Case.creation.desc())
                            .limit(10)).all()
    if not doctors:
        return True
    local = now.astimezone().replace(minute=0, second=0, microsecond=0)
    for i in range(4):  # booked on the platform, no case of ours matches
        doctor = rng.choice(doctors)
        payload = _message(f"demo-rdv-{i + 1:03d}", "CreateAppointment", "booked", doctor,
                           local + timedelta(hours=2 + 3 * i), now - timedelta(minutes=5 + 9 * i))
        appointments.receive(session, read_appointment(payload), author=_AUTHOR, author_role=_ROLE, now=now)
    for i, status in enumerate(("cancelled", "noshow")):  # on one of our cases, then cancelled / missed
        doctor = rng.choice(doctors)
        created = now - timedelta(hours=3 + i)
        payload = _message(f"demo-rdv-{i + 101:03d}", "CreateAppointment", "booked", doctor,
                           local - timedelta(hours=1 + i), created)
        received = appointments.receive(session, read_appointment(payload), author=_AUTHOR, author_role=_ROLE,
                                        now=created)
        if received.appointment.case_uuid is None and i < len(cases):
            appointments.attach(session, received.appointment, cases[i], author=_AUTHOR, author_role=_ROLE,
                                now=created)
        update = dict(payload, method="UpdateAppointment", status=status)
        appointments.receive(session, read_appointment(update), author=_AUTHOR, author_role=_ROLE, now=now)
    return True
