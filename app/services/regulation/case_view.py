"""The case view's read model: everything known about one case, as a desk shows it, without Qt.

:func:`build` turns a case (with its events applied), its events, its orientations,
who holds it and the earlier cases of the same number or address into a
:class:`CaseView` of plain French lines; the widget
(:mod:`app.ui.case.case_view`) only lays them out.  What each role may change is
asked of the rules (:mod:`app.services.regulation.rules`), so a disabled control
says the same reason the server would give.

The status reads as the room thinks of it (« Décidé — créneau à réserver », « Clôturé »),
never « En cours » for a decided case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.codes import nomenclatures
from app.services.intake.duplicates import Duplicate
from app.services.records.documents import CaseDoc, CaseEventDoc, OrientationDoc
from app.services.regulation import decisions, queue, rules
from app.codes import room_time as room_clock
from app.services.regulation.actor import Actor
from app.services.records import journal_text
from app.services.intake.phones import format_phone

#: Closed statuses as a user reads them.
STATUS_LABELS = {"CLOTURE": "Clôturé", "CLASSE": "Classé sans suite", "ARCHIVE": "Archivé",
                 "ACHEVE": "Régulation achevée"}
#: The acts the case view offers, and the event type whose rule decides each.
ACTS = {"priority": "priority", "note": "note", "handover": "handover", "close": "status",
        "take_charge": "take_charge", "release": "release"}
NOTE_REFUSED = "Seuls les rôles qui traitent le dossier y ajoutent une note"
CLOSED_CASE = "Dossier clôturé"
#: Said of a case whose presented and answered times were typed at the desk (no call of the room's telephone).
TYPED_CLOCKS = "heures saisies à la main"


@dataclass(frozen=True)
class Holder:
    """Who has the case in hand (the prise en charge)."""

    username: str
    name: str
    since: datetime | None


@dataclass(frozen=True)
class Clock:
    """One clock of the case: its French name, when it was reached, the delay from presentation."""

    name: str
    at: datetime | None
    delay: str


@dataclass(frozen=True)
class CaseView:
    """One case as the case view shows it; every text is French and ready to show."""

    uuid: str
    case_id: str
    status: str
    caller: str
    callback: str
    address: str
    commune: str
    lat: float | None
    lon: float | None
    motive: str
    priority: str
    route: str
    access: str
    clocks: list[Clock]
    #: Seconds the case has waited (or waited until its decision), for the running timer.
    presented: datetime
    running: bool
    notes: list[str]
    patients: list[str]
    earlier: list[str]
    events: list[tuple[datetime, str]]
    holder: Holder | None
    #: act → None when the user may do it, else the French reason (the control's tooltip).
    refusals: dict[str, str | None] = field(default_factory=dict)
    #: Where the clocks come from (issue 15): ``phone`` (a call of the room's telephone) or ``typed``.
    clock_source: str = "typed"
    #: What the view says of typed clocks (« heures saisies à la main »), "" for the phone's.
    clock_note: str = ""

    def held_by_other(self, username: str) -> bool:
        return self.holder is not None and self.holder.username != username


def status_label(case: CaseDoc, orientations: Iterable[OrientationDoc]) -> str:
    """The case's state in French: closed, decided (booked or not), handed over, or waiting."""
    if case.status in STATUS_LABELS:
        return STATUS_LABELS[case.status]
    latest = list(orientations)[-1:] or None
    if case.decided_at is not None or latest:
        if not latest:
            return "Décidé"
        o = latest[0]
        label = decisions.label_of(o.decision_key, o.decision_type, o.resource_type, o.orientation_type)
        kind = decisions.BY_KEY.get(o.decision_key)
        if o.slot_id is not None:
            return f"Décidé : {label} — rendez-vous réservé"
        if kind is not None and kind.books_slot:
            return f"Décidé : {label} — créneau à réserver"
        return f"Décidé : {label}"
    if case.accompanied or case.priority == "P0":
        return "En cours — transfert accompagné (MRU)"
    if case.handed_over_at is not None:
        return "En cours — transmis, attend le médecin"
    return "En cours — à transmettre"


def refusals(role: str, username: str, case: CaseDoc, holder: Holder | None) -> dict[str, str | None]:
    """For each act of :data:`ACTS`: None when ``role`` may do it on this case now, else why not."""
    actor = Actor(username, role)
    closed = case.status in queue.ENDED_STATUSES
    out: dict[str, str | None] = {}
    for act, event_type in ACTS.items():
        reason = rules.event_refusal(actor, event_type=event_type, case_status=case.status,
                                     status="CLOTURE" if act == "close" else None, attribution=None,
                                     case_attribution=case.attribution)
        if reason is None and closed and act != "note":
            reason = CLOSED_CASE
        out[act] = reason
    if role not in rules.ROUTING_ROLES | rules.TAKE_CHARGE_ROLES:
        out["note"] = NOTE_REFUSED
    if holder is None:
        out["release"] = out["release"] or "Personne n'a pris ce dossier en charge"
    elif holder.username == username:
        out["take_charge"] = out["take_charge"] or "Vous avez déjà ce dossier en charge"
    if case.handed_over_at is not None and out["handover"] is None:
        out["handover"] = "Dossier déjà transmis"
    return out


def room_time(t: datetime | None, seconds: bool = True) -> str:
    """``14:05:09`` (or ``14:05``) in the room's time zone; ``—`` for no time."""
    if t is None:
        return "—"
    return room_clock.clock_seconds(t) if seconds else room_clock.clock(t)


_hm = room_time


def _patient(p) -> str:
    name = " ".join(x for x in (p.first_name, (p.last_name or p.birth_name or "").upper()) if x) or "Patient"
    bits = [name]
    if p.birth_date:
        bits.append(f"né(e) le {p.birth_date:%d/%m/%Y}")
    elif p.age:
        bits.append(f"{p.age.lstrip('P').replace('Y', ' ans').replace('M', ' mois')}")
    if p.sex:
        bits.append(p.sex)
    if p.general_practitioner_name:
        bits.append(f"médecin traitant : {p.general_practitioner_name}")
    return ", ".join(bits)


def _orientation_line(o: OrientationDoc) -> str:
    label = decisions.label_of(o.decision_key, o.decision_type, o.resource_type, o.orientation_type)
    if o.slot_id is not None and o.appointment_start is not None:
        return f"Décision : {label} — rendez-vous {o.effecteur_name or ''} à {_hm(o.appointment_start)[:5]}"
    return f"Décision : {label}"


def build(case: CaseDoc, *, events: Iterable[CaseEventDoc], orientations: Iterable[OrientationDoc],
          holder: Holder | None, earlier: Iterable[Duplicate], role: str, username: str,
          now: datetime, clock_source: str | None = None) -> CaseView:
    """The case view of ``case`` for a user of ``role`` (see the module docstring); ``clock_source`` is the
    case's (``phone`` when a call gave its clocks, anything else: typed by hand)."""
    orientations = list(orientations)
    start = queue.presented_at(case)
    clocks = [Clock("Présenté", start, "0:00")]
    for name, at in (("Décroché", case.answered_at), ("Transmis", case.handed_over_at),
                     ("Décidé", case.decided_at)):
        clocks.append(Clock(name, at, queue.format_duration(None if at is None else (at - start).total_seconds())))
    caller_type = nomenclatures.label(nomenclatures.CALLER_TYPE, case.caller_type) or case.caller_type or ""
    caller = " — ".join(x for x in (case.caller_name or "", caller_type) if x) or "—"
    callback = format_phone(case.callback_phone or case.caller_phone) or "—"
    if case.caller_phone and case.callback_phone and case.caller_phone != case.callback_phone:
        callback = f"{format_phone(case.callback_phone)} (appel depuis le {format_phone(case.caller_phone)})"
    elif case.callback_phone and not case.caller_phone:
        callback = f"{format_phone(case.callback_phone)} (numéro de l'appelant masqué)"
    commune = " ".join(x for x in (case.city_name or "", f"({case.city_insee_code})" if case.city_insee_code else "")
                       if x) or "—"
    access = ", ".join(x for x in (case.access_building and f"bât. {case.access_building}",
                                   case.access_floor and f"étage {case.access_floor}",
                                   case.access_code and f"code {case.access_code}",
                                   case.access_intercom and f"interphone {case.access_intercom}",
                                   case.access_details) if x)
    motive = " ".join(x for x in (case.health_motive_label or "", f"({case.health_motive_code})"
                                  if case.health_motive_code else "") if x) or "—"
    route = " — ".join(x for x in (case.perimeter or "", case.attribution or "") if x) or "—"
    # Notes first: the intake's note is written with the case, before any event of the same instant.
    timeline = [(n.creation, f"Note ({n.author_role}) : {n.freetext}") for n in case.notes]
    timeline += [(e.created_at, journal_text.event_text(e.model_dump(mode="json", exclude_none=True)))
                 for e in events if e.type != "note"]
    timeline += [(o.creation, _orientation_line(o)) for o in orientations]
    timeline.sort(key=lambda item: item[0])
    earlier_lines = [f"{d.case.case_id.rsplit('.', 1)[-1]} du {room_clock.day_clock(d.case.creation)} — "
                     f"{d.case.health_motive_label or 'motif non précisé'} ({', '.join(d.reasons)})" for d in earlier]
    return CaseView(
        uuid=case.uuid, case_id=case.case_id, status=status_label(case, orientations), caller=caller,
        callback=callback, address=case.address_complete or "—", commune=commune, lat=case.lat, lon=case.lon,
        motive=motive, priority=case.priority, route=route, access=access, clocks=clocks, presented=start,
        running=queue.is_open(case), notes=[f"{_hm(n.creation)[:5]} {n.author_role} : {n.freetext}"
                                            for n in case.notes],
        patients=[_patient(p) for p in case.patients], earlier=earlier_lines, events=timeline, holder=holder,
        refusals=refusals(role, username, case, holder),
        clock_source="phone" if clock_source == "phone" else "typed",
        clock_note="" if clock_source == "phone" else TYPED_CLOCKS,
    )
