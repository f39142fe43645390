"""Appointments of the SAS platform in the room: store them, find their case, keep the two worklists.

An RS-SAS-RDV message (:mod:`app.services.interop.hub.rs_sas_rdv`) does not name the case:
the regulator searched slots for a patient in the console, then booked on the
national platform.  :func:`candidates` finds the case that launched that search:

* **same effecteur** — one of the appointment's national ids (practitioner IDNPS,
  structure id) is the effecteur of a booked orientation of the case, or was among
  the effecteurs shown by a slot search of the case (case event ``search``);
* **time** — the orientation's slot starts at the appointment's start (± 1 min), or the
  orientation / search happened in the :data:`MATCH_WINDOW` (2 h) before the booking
  (plus :data:`CLOCK_SKEW` after it, for clocks that disagree a little);
* **same regulator** — the orientation or search was made by a console user whose
  ``regulator_id`` is the appointment's ``regulatorId``.  A room that has not yet
  entered its users' platform ids gets no regulator filter (the effecteur and the
  time still must match) rather than no match at all.

Exactly one matching case → attached automatically; none or several → the
"unattached" worklist, with the candidates best first (orientation with the same
slot, then the latest search) for a regulator to choose.  A cancelled or missed
(noshow) appointment puts its case on the "follow-up" worklist (« rappeler le
patient ») until a regulator marks it done.  Every real change is journalled (kind
``appointment``): one entry per change of status, times or effecteur, none for a repeat
nor for details another source adds (names, category).  Plain Python over a SQLAlchemy
session, no Qt; the caller holds the journal's write transaction and audits.

One row per ``appointmentId``, whichever way it arrives — RS-SAS-RDV from the Hub,
or an agenda editor's FHIR Appointment (:mod:`app.services.booking.appointment_updates`)
for an appointment the room booked there or one it never saw:

* **order** — ``status_at`` is when the sender says the state was set (Hub
  ``dateTimeSent``, FHIR ``meta.lastUpdated``); an update older than the stored one
  changes nothing (:func:`is_stale`);
* **transitions** (:data:`TRANSITIONS`, :func:`transition_problem`) — ``pending`` may
  become anything; ``booked`` may become ``fulfilled``, ``noshow`` or ``cancelled`` (or
  stay booked at another time); of the final statuses only ``fulfilled`` ⇄ ``noshow``
  may be corrected (the doctor fixes the attendance mark); a cancelled appointment
  stays cancelled (a new booking is a new appointment) and nothing goes back to
  ``booked`` or ``pending``.  An editor sending such a change is refused (422); the same
  from the Hub is an echo arriving late and is ignored (acknowledged, nothing stored);
* a Hub ``CreateAppointment`` for an id the Hub already created is 701; for a row that
  only the room's booking or an editor made it is the Hub's first word on it, merged;
* an update leaves what it does not carry as it was (a FHIR Appointment names no
  practitioner, structure nor category).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FOLLOW_UP_STATUSES, Appointment, Case, CaseEvent, Orientation, User
from app.services.records import journal
from app.services.interop.hub.rs_sas_rdv import AppointmentMessage, check_sequence

MATCH_WINDOW = timedelta(hours=2)
CLOCK_SKEW = timedelta(minutes=5)
START_TOLERANCE = timedelta(minutes=1)
WORKLIST_LIMIT = 200
AUTO, MANUAL = "auto", "manual"
#: Status → the statuses an update may bring (the same status is always allowed: a change of time).
TRANSITIONS = {"pending": frozenset({"booked", "fulfilled", "noshow", "cancelled"}),
               "booked": frozenset({"fulfilled", "noshow", "cancelled"}),
               "fulfilled": frozenset({"noshow"}), "noshow": frozenset({"fulfilled"}), "cancelled": frozenset()}


@dataclass(frozen=True)
class Candidate:
    """A case an appointment may belong to, and why (``orientation``: same slot or effecteur; ``search``)."""

    case_uuid: str
    reason: str
    at: datetime
    author: str
    orientation_uuid: str | None = None

    @property
    def rank(self) -> tuple:
        return (0 if self.reason == "orientation" else 1, -self.at.timestamp())


@dataclass(frozen=True)
class Received:
    """What :func:`receive` did: the row, whether it was new, whether it got attached or must be called back."""

    appointment: Appointment
    created: bool
    changed: bool
    attached: bool
    follow_up: bool
    #: Why nothing was stored: ``stale`` (older than the stored state), ``transition`` (not allowed).
    ignored: str | None = None

    def outcome(self) -> str:
        """What happened, for the audit trail (``created, attached``, ``updated noshow, follow-up``, ``replay``…)."""
        if self.ignored:
            return f"ignored ({self.ignored})"
        if not self.changed:
            return "replay"
        return (("created" if self.created else f"updated {self.appointment.status}")
                + (", attached" if self.attached else "") + (", follow-up" if self.follow_up else ""))


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _regulator_users(session: Session, regulator_id: str) -> set[str] | None:
    """Usernames linked to ``regulator_id``; None when no user is linked to it (no regulator filter)."""
    names = set(session.scalars(select(User.username).where(User.regulator_id == regulator_id)))
    return names or None


def candidates(session: Session, appt: Appointment) -> list[Candidate]:
    """The cases ``appt`` may belong to, one per case, best first."""
    ids = appt.effecteur_ids
    if not ids:
        return []
    booked = _utc(appt.booked_at)
    low, high = booked - MATCH_WINDOW, booked + CLOCK_SKEW
    authors = _regulator_users(session, appt.regulator_id)
    found: dict[str, Candidate] = {}

    def offer(c: Candidate) -> None:
        if authors is not None and c.author not in authors:
            return
        if c.case_uuid not in found or c.rank < found[c.case_uuid].rank:
            found[c.case_uuid] = c

    rows = session.execute(select(Orientation.uuid, Orientation.case_uuid, Orientation.creation, Orientation.author,
                                  Orientation.appointment_start).where(Orientation.effecteur_id.in_(sorted(ids))))
    for r in rows:
        same_slot = r.appointment_start is not None and abs(r.appointment_start - appt.start) <= START_TOLERANCE
        if same_slot or low <= r.creation <= high:
            offer(Candidate(r.case_uuid, "orientation", r.creation, r.author, r.uuid))
    events = session.execute(select(CaseEvent.case_uuid, CaseEvent.created_at, CaseEvent.author, CaseEvent.payload)
                             .where(CaseEvent.type == "search", CaseEvent.created_at >= low,
                                    CaseEvent.created_at <= high))
    for e in events:
        shown = set(((e.payload or {}).get("search") or {}).get("effecteur_ids") or [])
        if shown & ids:
            offer(Candidate(e.case_uuid, "search", e.created_at, e.author))
    return sorted(found.values(), key=lambda c: c.rank)


def summary(appt: Appointment, action: str) -> dict:
    """The journal payload of an appointment change (ids, status, times, effecteur: no patient data)."""
    return {"action": action, "uuid": appt.uuid, "appointment_id": appt.appointment_id, "status": appt.status,
            "start": appt.start.isoformat(), "effecteur_name": appt.effecteur_name, "case_uuid": appt.case_uuid,
            "orientation_category": appt.orientation_category, **({"editor": appt.editor} if appt.editor else {})}


def _journal(session: Session, appt: Appointment, action: str, author: str, author_role: str, now: datetime) -> None:
    journal.append(session, uuid=appt.uuid, kind=journal.KIND_APPOINTMENT, author=author, author_role=author_role,
                   payload=summary(appt, action), now=now)


def _fill(appt: Appointment, message: AppointmentMessage) -> None:
    """Copy what ``message`` carries; what it leaves out (names, category, structure) stays as it was."""
    appt.practitioner_id = (message.practitioner.rpps_id if message.practitioner else None) or appt.practitioner_id
    appt.organization_id = (message.organization.organization_id if message.organization else None) \
        or appt.organization_id
    appt.effecteur_name = message.effecteur_name or appt.effecteur_name
    appt.regulator_id = message.regulator.regulator_id or appt.regulator_id or ""
    appt.orientation_category = message.orientation_category or appt.orientation_category
    appt.booked_at = appt.booked_at or message.created
    appt.start, appt.end = message.start, message.end or appt.end
    appt.status = message.status
    appt.message = message.raw


def _state(appt: Appointment) -> tuple:
    """What a journal entry is worth: status, times, effecteur ids (names, category, regulator are only details)."""
    return appt.status, appt.start, appt.end, appt.practitioner_id, appt.organization_id


def is_stale(appt: Appointment | None, status_at: datetime | None) -> bool:
    """True when the stored state is newer than an update set at ``status_at`` (both times known)."""
    return (appt is not None and status_at is not None and appt.status_at is not None
            and _utc(status_at) < _utc(appt.status_at))


def transition_problem(appt: Appointment | None, status: str) -> str | None:
    """Why ``appt`` may not take ``status`` (French), or None (:data:`TRANSITIONS`)."""
    if appt is None or appt.status == status or status in TRANSITIONS.get(appt.status, frozenset(TRANSITIONS)):
        return None
    return f"un rendez-vous « {appt.status} » ne peut pas devenir « {status} »"


def _hub_created(appt: Appointment | None) -> bool:
    """Whether the Hub already created ``appt`` (a row only the room's booking or an editor made: not yet)."""
    return appt is not None and (appt.editor is None or "appointmentId" in (appt.message or {}))


def receive(session: Session, message: AppointmentMessage, *, author: str, author_role: str,
            now: datetime | None = None, editor: str | None = None, status_at: datetime | None = None) -> Received:
    """Store a received appointment, try to attach it, open (or close) its follow-up.

    ``editor``: the agenda editor that sent it (FHIR), None for the Hub (701 for a repeated
    creation); ``status_at``: when the sender set that state.  A stale update or a transition
    :func:`transition_problem` refuses changes nothing (``ignored``).
    """
    now = now or datetime.now(timezone.utc)
    appt = session.scalar(select(Appointment).where(Appointment.appointment_id == message.appointment_id))
    if editor is None:
        check_sequence(message, known=_hub_created(appt))
    created = appt is None
    if appt is None:
        appt = Appointment(appointment_id=message.appointment_id, received_at=now, booked_at=message.created)
    elif appt.message == message.raw:  # the same message again: nothing changes twice
        return Received(appt, created=False, changed=False, attached=False, follow_up=False)
    elif is_stale(appt, status_at) or transition_problem(appt, message.status):
        ignored = "stale" if is_stale(appt, status_at) else "transition"
        return Received(appt, created=False, changed=False, attached=False, follow_up=False, ignored=ignored)
    previous = None if created else appt.status
    before = None if created else _state(appt)
    _fill(appt, message)
    appt.editor = appt.editor or editor
    if status_at is not None and (appt.status_at is None or _utc(status_at) >= _utc(appt.status_at)):
        appt.status_at = status_at
    if created:
        session.add(appt)
    elif _state(appt) == before:  # another source, or a repeat in other words: stored, not journalled
        session.flush()
        return Received(appt, created=False, changed=False, attached=False, follow_up=False)
    appt.updated_at = now
    session.flush()
    _journal(session, appt, "received" if created else "updated", author, author_role, now)
    attached = False
    if appt.case_uuid is None:
        found = candidates(session, appt)
        if len(found) == 1:
            attach(session, appt, found[0].case_uuid, author=author, author_role=author_role, method=AUTO,
                   orientation_uuid=found[0].orientation_uuid, now=now)
            attached = True
    follow_up = appt.status in FOLLOW_UP_STATUSES and appt.status != previous
    if follow_up:
        appt.follow_up_since, appt.followed_up_by, appt.followed_up_at = now, None, None
    elif appt.status not in FOLLOW_UP_STATUSES and appt.followed_up_at is None:
        appt.follow_up_since = None  # noshow corrected to fulfilled: nobody to call back
    session.flush()
    return Received(appt, created=created, changed=True, attached=attached, follow_up=follow_up)


def attach(session: Session, appt: Appointment, case_uuid: str, *, author: str, author_role: str,
           method: str = MANUAL, orientation_uuid: str | None = None, now: datetime | None = None) -> bool:
    """Attach ``appt`` to a case; False when it already was (to that case).  ValueError for another case."""
    if appt.case_uuid == case_uuid:
        return False
    if appt.case_uuid is not None:
        raise ValueError("Rendez-vous déjà rattaché à un autre dossier")
    now = now or datetime.now(timezone.utc)
    if orientation_uuid is None and method == MANUAL:
        orientation_uuid = next((c.orientation_uuid for c in candidates(session, appt)
                                 if c.case_uuid == case_uuid and c.orientation_uuid), None)
    appt.case_uuid, appt.orientation_uuid = case_uuid, orientation_uuid
    appt.attached_by, appt.attached_at, appt.attach_method = author, now, method
    session.flush()
    _journal(session, appt, "attached", author, author_role, now)
    return True


def mark_followed_up(session: Session, appt: Appointment, *, author: str, author_role: str,
                     now: datetime | None = None) -> bool:
    """The patient was called back; False when it already was marked.  ValueError when nothing is to do."""
    if appt.follow_up_since is None or appt.case_uuid is None:
        raise ValueError("Ce rendez-vous n'est pas sur la liste « rappeler le patient »")
    if appt.followed_up_at is not None:
        return False
    now = now or datetime.now(timezone.utc)
    appt.followed_up_by, appt.followed_up_at = author, now
    session.flush()
    _journal(session, appt, "followed_up", author, author_role, now)
    return True


def unattached(session: Session, limit: int = WORKLIST_LIMIT) -> list[Appointment]:
    """Appointments no case could be found for, newest first."""
    return list(session.scalars(select(Appointment).where(Appointment.case_uuid.is_(None))
                                .order_by(Appointment.received_at.desc()).limit(limit)))


def follow_up(session: Session, limit: int = WORKLIST_LIMIT) -> list[Appointment]:
    """Cancelled or missed appointments of a case whose patient has not been called back yet, oldest first."""
    return list(session.scalars(select(Appointment).where(
        Appointment.case_uuid.is_not(None), Appointment.follow_up_since.is_not(None),
        Appointment.followed_up_at.is_(None)).order_by(Appointment.follow_up_since).limit(limit)))


def cases_by_uuid(session: Session, uuids: set[str]) -> dict[str, Case]:
    """The cases of ``uuids`` (for the worklists' case columns)."""
    if not uuids:
        return {}
    return {c.uuid: c for c in session.scalars(select(Case).where(Case.uuid.in_(sorted(uuids))))}
