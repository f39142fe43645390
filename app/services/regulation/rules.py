"""The rules of the room, in one place: what a role may do to a case in its current state.

Pure functions over plain values (role, the case as stored, the document asked
for); each returns the French reason of a refusal, or None when the act is
allowed.  The server's commands (:mod:`app.services.regulation.commands`) raise
them as 403, and the console asks the same functions before it writes to its
cache, so a desk refuses at once what the server would refuse.

* Only MRU and MRL take a medical decision, stop the decision clock, or close a
  case attributed to a doctor (``DRM.*``); the ARM and the OSNP close only
  ``DR.*`` and ``D.*`` cases (domain.md A.4).
* The one exception: an OSNP books the slot an MRL decided.  It never writes a
  medical decision itself: the booking command (:mod:`app.services.booking`)
  puts the slot on the doctor's existing decision.
* The ARM and the doctors route (attribution, override, hand-over) and change
  the priority; the chef de salle and the doctors switch the surge mode.
* A doctor (MRU, MRL) or an OSNP takes a case in charge ("prise en charge") when
  opening it, and releases it; never on a closed case.  Taking a case another
  user holds is a take-over, journalled like any event.  A hand-over, a decision
  and a closing release it too, and so does a booking for the account that booked
  (the server's own ``release`` event, :mod:`app.services.booking.slots`).
* The ARM and the doctors set the patient's place (a ``location`` event: the
  address found, or the exact point chosen on the map), never on a closed case.
* What a neighbouring SAMU sent through the Hub Santé was decided there: its
  content is stored as that SAMU's (see :mod:`app.services.regulation.actor`),
  and only the Hub connector's account may post it.
"""

from __future__ import annotations

from app.services.regulation import decisions
from app.services.regulation.actor import Actor

#: Statuses that end a case (it leaves the queue).
CLOSED_STATUSES = ("CLOTURE", "CLASSE", "ARCHIVE")
#: Roles that may route (attribution, override) and hand over a case, and change its priority.
ROUTING_ROLES = frozenset({"ARM", "MRU", "MRL"})
DOCTOR_ROLES = decisions.DOCTOR_ROLES
#: Roles that switch the surge mode (it suspends the MRU / MRL split).
SURGE_ROLES = frozenset({"MRU", "MRL", "SUPERVISEUR"})
#: Roles that take a case in charge (and release it): the regulating doctors and the OSNP.
TAKE_CHARGE_ROLES = frozenset({"MRU", "MRL", "OSNP"})
#: Events that end a prise en charge (besides a closing): released, handed over, or decided (the doctor's part
#: is done; a slot to book goes to the OSNP's worklist, free for the OSNP to take).
RELEASING_EVENTS = ("handover", "release", "decision")

DECISION_REFUSED = "Décision médicale : réservée aux médecins régulateurs (MRU, MRL)"
CLOSE_REFUSED = ("Un dossier de régulation médicale (DRM) est clos par un médecin régulateur ; "
                 "l'ARM ne clôt que les attributions DR.* et D.*")
ROUTING_REFUSED = "Seuls l'ARM et les médecins régulateurs orientent un dossier"
PRIORITY_REFUSED = "Seuls l'ARM et les médecins régulateurs changent la priorité"
LOCATION_REFUSED = "Seuls l'ARM et les médecins régulateurs placent le patient"
CLOSED_CASE_REFUSED = "Dossier clos : sa position ne change plus"
HUB_DECISION_REFUSED = ("Une décision « reçue du Hub Santé » ne vient que du Hub : "
                        "choisissez la décision prise parmi celles du poste")
TAKE_CHARGE_REFUSED = "Seuls les médecins régulateurs et l'OSNP prennent un dossier en charge"
TAKE_CLOSED_REFUSED = "Dossier clôturé : il ne se prend plus en charge"
OSNP_DECISION_REFUSED = ("L'OSNP ne saisit pas de décision médicale : il réserve le créneau "
                         "décidé par le médecin régulateur")


def may_close(role: str, attribution: str | None) -> bool:
    """May ``role`` close a case attributed ``attribution``?"""
    return str(role) in DOCTOR_ROLES or decisions.is_non_medical_attribution(attribution)


def case_opening_refusal(actor: Actor, *, status: str, attribution: str | None,
                         decided_at: object | None) -> str | None:
    """Why ``actor`` may not open a case already in this state (closed, decided), or None."""
    if actor.is_hub and actor.hub_sender:
        return None  # a neighbouring SAMU's case, as it is there
    if status in CLOSED_STATUSES and not may_close(actor.role, attribution):
        return CLOSE_REFUSED
    if decided_at is not None and actor.role not in DOCTOR_ROLES:
        return DECISION_REFUSED
    return None


def may_take_charge(role: str) -> bool:
    """May ``role`` take a case in charge (and release it)?"""
    return str(role) in TAKE_CHARGE_ROLES


def event_refusal(actor: Actor, *, event_type: str, status: str | None, attribution: str | None,
                  case_attribution: str | None, case_status: str | None = None) -> str | None:
    """Why ``actor`` may not apply an event of ``event_type`` to a case (now in ``case_status``), or None."""
    if actor.is_hub and actor.hub_sender:
        return None
    role = str(actor.role)
    if event_type in ("take_charge", "release") and not may_take_charge(role):
        return TAKE_CHARGE_REFUSED
    if event_type == "take_charge" and case_status in CLOSED_STATUSES:
        return TAKE_CLOSED_REFUSED
    if event_type in ("attribution", "routing_override", "handover") and role not in ROUTING_ROLES:
        return ROUTING_REFUSED
    if event_type == "decision" and role not in DOCTOR_ROLES:
        return DECISION_REFUSED
    if event_type == "status" and status in CLOSED_STATUSES and not may_close(role, attribution or case_attribution):
        return CLOSE_REFUSED
    if event_type == "priority" and role not in ROUTING_ROLES:
        return PRIORITY_REFUSED
    if event_type == "location":
        if role not in ROUTING_ROLES:
            return LOCATION_REFUSED
        if case_status in CLOSED_STATUSES:
            return CLOSED_CASE_REFUSED
    return None


def decision_refusal(actor: Actor, decision_key: str, case_attribution: str | None) -> str | None:
    """Why ``actor`` may not record an orientation to ``decision_key`` on a case, or None."""
    if actor.is_hub and actor.hub_sender:
        return None
    if decision_key == decisions.HUB_DECISION.key:
        return HUB_DECISION_REFUSED
    role = str(actor.role)
    if role in DOCTOR_ROLES:
        return None
    kind = decisions.get(decision_key)
    if kind.medical:
        return OSNP_DECISION_REFUSED if role == "OSNP" else DECISION_REFUSED
    if role in ("ARM", "OSNP"):
        return None
    return DECISION_REFUSED


#: Roles that load an agenda editor's free slots (``sas fhir import``): the technical administrator.
AGENDA_IMPORT_ROLES = frozenset({"ADMIN"})
AGENDA_IMPORT_REFUSED = "Import des agendas : réservé à l'administrateur technique (ADMIN)"


def agenda_import_refusal(actor: Actor) -> str | None:
    """Why ``actor`` may not load editors' slots into the server's search, or None."""
    return None if actor.role in AGENDA_IMPORT_ROLES else AGENDA_IMPORT_REFUSED
