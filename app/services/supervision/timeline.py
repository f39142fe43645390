"""One case's timeline for the shift review: everything that happened to it, in time order, in French.

:func:`case_timeline` gathers, from any database of the schema (the server's or
a console's cache):

* the **call** (presented, answered) and the **intake** (case opened, by whom, with
  priority, stream, motive and commune);
* the **case events**: routing (attribution, hand-over, stream override),
  priority and status changes, notes, decisions, and **slot searches** (``search``
  events: how many results, with which criteria);
* the **decisions** (orientations) and the **bookings** they carry;
* the **appointments** the national platform reported for the case (RS-SAS-RDV:
  booked, fulfilled, no-show, cancelled; attached, followed up) when the
  database has the ``appointments`` table — skipped otherwise;
* the **Hub Santé messages**: decisions received from the Hub (author
  ``hub-sante``) and, on the server, the audited RS-EDA / RS-EDA-MAJ receipts.

Each item is a :class:`TimelineItem` ``(at, kind, who, text)``; times in the texts are room
time (:mod:`app.codes.room_time`), whatever the computer's clock.  Plain Python, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select

from app.codes import room_time
from sqlalchemy.orm import Session

import app.models as models
from app.models import Case, CaseEvent, CaseNote, JournalEntry, Orientation
from app.models.effecteur import SLOT_MODES
from app.models.journal import AuditEvent
from app.services.records import journal_text
from app.services.regulation import case_events, decisions
from app.services.regulation.actor import HUB_AUTHOR_PREFIX
from app.services.security import permissions
from app.services.interop.hub.rs_eda_import import HUB_AUTHOR
from app.services.regulation.queue import format_duration

#: Kinds of timeline items (French, as shown).
CALL, INTAKE, ROUTING, STATUS, NOTE, SEARCH, DECISION, BOOKING, APPOINTMENT, HUB = (
    "Appel", "Dossier", "Orientation", "Statut", "Note", "Recherche", "Décision", "Réservation", "Rendez-vous",
    "Hub Santé")
#: Order of kinds at the same instant (the call before the case, the decision before its booking).
_ORDER = {k: i for i, k in enumerate((CALL, INTAKE, ROUTING, STATUS, NOTE, SEARCH, DECISION, BOOKING, APPOINTMENT,
                                      HUB))}
APPOINTMENT_STATUS_LABELS = {"pending": "en attente", "booked": "réservé", "fulfilled": "honoré",
                             "noshow": "patient non présenté", "cancelled": "annulé"}
#: Search criteria (``search`` event payload) worth a word in the timeline.
_CRITERIA = {"radius_km": "rayon {} km", "window": "disponible sous {} h", "mode": "mode {}",
             "structure": "structure {}", "sas_only": "SAS uniquement", "en_sus": "en sus"}


@dataclass(frozen=True, slots=True)
class TimelineItem:
    at: datetime
    kind: str
    who: str
    text: str


def _who(author: str | None, role: str | None) -> str:
    return f"{author} ({role})" if author and role else (author or role or "")


def _when(t: datetime) -> str:
    """``18/01 à 14:30`` on the room's clock."""
    local = room_time.to_room(t)
    return f"{local:%d/%m} à {local:%H:%M}"


def search_text(payload: dict) -> str:
    """``Recherche de créneaux : 4 résultat(s) — rayon 10 km`` or ``Recherche sans résultat — …``."""
    n, criteria = case_events.search_record(payload)
    head = "Recherche sans résultat" if n == 0 else f"Recherche de créneaux : {n} résultat(s)" \
        if isinstance(n, int) else "Recherche de créneaux"
    words = [fmt.format(criteria[k]) for k, fmt in _CRITERIA.items()
             if isinstance(criteria, dict) and criteria.get(k) not in (None, "", False)]
    return head + (" — " + ", ".join(words) if words else "")


def _event_item(e: CaseEvent) -> TimelineItem:
    p = e.payload or {}
    kind = {"search": SEARCH, "note": NOTE, "status": STATUS, "priority": STATUS, "decision": DECISION}.get(
        e.type, ROUTING)
    text = search_text(p) if e.type == "search" else journal_text.event_text({**p, "type": e.type})
    if e.type == "answered":
        kind, text = CALL, "Appel décroché"
    if p.get("freetext") == "Mise à jour reçue du Hub Santé":
        kind = HUB
    return TimelineItem(e.created_at, kind, _who(e.author, e.author_role), text)


def _orientation_items(o: Orientation) -> list[TimelineItem]:
    hub = o.author == HUB_AUTHOR or o.author.startswith(HUB_AUTHOR_PREFIX)
    who = _who(o.author, o.author_role)
    text = ("Décision reçue du Hub Santé : " if hub else "Décision : ") + decisions.label_of(
        o.decision_key, o.decision_type, o.resource_type, o.orientation_type)
    if o.freetext:
        text += f" — {o.freetext}"
    items = [TimelineItem(o.creation, HUB if hub else DECISION, who, text)]
    if o.slot_id is not None or o.appointment_start is not None:
        where = o.effecteur_name or "effecteur"
        when = f" le {_when(o.appointment_start)}" if o.appointment_start else ""
        mode = f" ({SLOT_MODES[o.appointment_mode].lower()})" if o.appointment_mode in SLOT_MODES else ""
        items.append(TimelineItem(o.creation, BOOKING, who, f"Créneau réservé : {where}{when}{mode}"))
    return items


def _appointment_items(session: Session, case_uuid: str) -> list[TimelineItem]:
    appointment = getattr(models, "Appointment", None)
    if appointment is None or not inspect(session.get_bind()).has_table(appointment.__tablename__):
        return []
    items = []
    for a in session.scalars(select(appointment).where(appointment.case_uuid == case_uuid)).all():
        where = a.effecteur_name or "effecteur"
        items.append(TimelineItem(a.booked_at, APPOINTMENT, a.regulator_id or "",
                                  f"RDV pris sur la plateforme SAS : {where} le {_when(a.start)}"))
        if a.attached_at is not None:
            how = "automatiquement" if a.attach_method == "auto" else "à la main"
            items.append(TimelineItem(a.attached_at, APPOINTMENT, a.attached_by or "",
                                      f"RDV rattaché au dossier ({how})"))
        if a.status != "booked" and a.updated_at is not None:
            label = APPOINTMENT_STATUS_LABELS.get(a.status, a.status)
            items.append(TimelineItem(a.updated_at, APPOINTMENT, "", f"Suivi du RDV : {label}"))
        if a.followed_up_at is not None:
            items.append(TimelineItem(a.followed_up_at, APPOINTMENT, a.followed_up_by or "", "Patient rappelé"))
    return items


def _hub_items(session: Session, case_uuid: str) -> list[TimelineItem]:
    """Hub Santé messages the server received for the case (audit trail; empty in a console's cache)."""
    stmt = select(AuditEvent).where(AuditEvent.object_uuid == case_uuid,
                                    AuditEvent.action == permissions.HUB_MESSAGES_POST)
    texts = {"rs-eda imported": "Dossier reçu du Hub Santé (RS-EDA)"}
    return [TimelineItem(a.at, HUB, _who(a.username, a.role),
                         texts.get(a.outcome, f"Mise à jour reçue du Hub Santé (RS-EDA-MAJ) : {a.outcome}"))
            for a in session.scalars(stmt).all()]


def case_timeline(session: Session, case_uuid: str) -> list[TimelineItem]:
    """Everything recorded about the case, oldest first; an unknown case gives an empty list."""
    case = session.get(Case, case_uuid)
    if case is None:
        return []
    opener = session.execute(select(JournalEntry.author, JournalEntry.author_role)
                             .where(JournalEntry.uuid == case_uuid, JournalEntry.kind == "case")).first()
    who = _who(opener.author, opener.author_role) if opener else case.created_by or ""
    presented = case.reception or case.creation
    items = [TimelineItem(presented, CALL, "", f"Appel présenté ({case.origin or '15'})")]
    if case.answered_at is not None:
        delay = format_duration((case.answered_at - presented).total_seconds())
        items.append(TimelineItem(case.answered_at, CALL, who, f"Appel décroché en {delay}"))
    opened = ", ".join(x for x in (case.priority, case.perimeter, case.health_motive_label, case.city_name) if x)
    items.append(TimelineItem(case.creation, INTAKE, who, f"Dossier ouvert : {opened}" if opened else
                              "Dossier ouvert"))
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_uuid == case_uuid)).all()
    items += [_event_item(e) for e in events if e.type != "answered" or case.answered_at is None]
    seen = {e.uuid for e in events}
    items += [TimelineItem(n.creation, NOTE, _who(n.author, n.author_role), f"Note : {n.freetext}")
              for n in session.scalars(select(CaseNote).where(CaseNote.case_uuid == case_uuid)).all()
              if n.uuid not in seen]  # notes added as case events are already there
    for o in session.scalars(select(Orientation).where(Orientation.case_uuid == case_uuid)).all():
        items += _orientation_items(o)
    items += _appointment_items(session, case_uuid)
    items += _hub_items(session, case_uuid)
    items.sort(key=lambda i: (i.at, _ORDER.get(i.kind, 99)))
    return items
