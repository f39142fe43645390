"""What a journal entry says, in French: one reader for the journal view, the CSV export and the timeline.

:func:`describe` turns an entry's kind and payload into one line a person
reads — labels from the code lists (:mod:`app.codes`,
:func:`app.services.regulation.decisions.label_of`), never codes such as
``CONSULTATION_48H`` or ``DRM.MRL.MG``, and times in room time
(:mod:`app.codes.room_time`)::

    Décision : Consultation en ville sous 48 h — Dr Weber — RDV lun. 24/11 14:30
    Transmis au médecin régulateur libéral (MRL)
    Statut : Clôturé — Régulation ML

:func:`case_uuid_of` says which case an entry is about (bookings name it
``case_id``, holding the case's UUID); :func:`short_number` is the case number
people quote (the last segment of ``fr.health.samu670.DRFR15…``) and
:func:`patient_names` the patients of a case document.  A payload withheld from
a role that may not read cases, or erased by a retention purge, says so.
Plain Python, no Qt.
"""

from __future__ import annotations

from datetime import tzinfo

from app.codes import case_codes
from app.codes import nomenclatures, room_time
from app.services.intake.form import PRIORITY_LABELS
from app.services.intake.phones import format_phone
from app.services.regulation.queue import format_duration
from app.services.regulation import case_events, decisions

#: What each kind of entry is, as the journal's « Type » column says it.
KIND_LABELS = {"case": "Dossier", "orientation": "Orientation", "booking": "Réservation", "case_event": "Suivi",
               "surge": "Afflux", "appointment": "RDV SAS", "purge": "Purge",
               "slots": "Créneaux", "call": "Appel"}
#: Case statuses (Hub Santé ``etat`` codes) as people read them.
STATUS_LABELS = {"PROGRAM": "Programmé", "ACTIF": "En cours", "ACHEVE": "Achevé", "VALIDE": "Validé",
                 "CLOTURE": "Clôturé", "CLASSE": "Classé sans suite", "ARCHIVE": "Archivé"}
#: Whom a case is handed over to.
ROLE_LABELS = {"MRU": "médecin régulateur urgentiste (MRU)", "MRL": "médecin régulateur libéral (MRL)",
               "OSNP": "opérateur de soins non programmés (OSNP)", "ARM": "assistant de régulation (ARM)"}
APPOINTMENT_ACTIONS = {"received": "Rendez-vous reçu", "updated": "Rendez-vous mis à jour",
                       "attached": "Rendez-vous rattaché", "followed_up": "Patient rappelé"}
APPOINTMENT_STATUS = {"booked": "réservé", "fulfilled": "honoré", "noshow": "non honoré", "cancelled": "annulé",
                      "pending": "en attente"}
BOOKING_STATUS = {"booked": "Créneau réservé", "cancelled": "Réservation annulée"}
WITHHELD_TEXT = "Contenu réservé aux rôles de régulation"
REDACTED_TEXT = "Contenu effacé (durée de conservation)"


def short_number(case_id: str | None) -> str:
    """The case's short number (:func:`app.codes.case_codes.short_number`)."""
    return case_codes.short_number(case_id)


def patient_names(case_payload: dict | None) -> str:
    """``Zoé Martin, Léo Martin``: the patients of a case document, first name then name."""
    names = []
    for p in (case_payload or {}).get("patients") or []:
        if isinstance(p, dict):
            name = " ".join(x for x in (p.get("first_name"), p.get("last_name") or p.get("birth_name")) if x)
            if name:
                names.append(name)
    return ", ".join(names)


def case_uuid_of(kind: str | None, uuid: str | None, payload: dict | None) -> str | None:
    """The UUID of the case an entry is about; None for room-wide entries (surge, purge) and loose appointments."""
    p = payload or {}
    if kind == "case":
        return uuid
    if kind == "booking":  # the booking names the case's UUID ``case_id``
        ref = p.get("case_uuid") or p.get("case_id")
        return str(ref) if ref and not str(ref).startswith("fr.") else None
    ref = p.get("case_uuid")
    return str(ref) if ref else None


def priority_text(code: str | None) -> str:
    """``P2 Non urgent``."""
    return " ".join(x for x in (code, PRIORITY_LABELS.get(code or "")) if x)


def perimeter_text(code: str | None) -> str:
    """``Soins Non Programmés (SNP)``."""
    label = nomenclatures.label(nomenclatures.PERIMETER, code) if code else None
    return f"{label} ({code})" if label else code or ""


def attribution_text(code: str | None) -> str:
    """``Régulation ML`` for ``DRM.MRL.MG``."""
    return (nomenclatures.label(nomenclatures.ATTRIBUTION, code) or code or "") if code else ""


def search_text(payload: dict) -> str:
    """``Recherche de créneaux : 4 résultat(s)`` or ``Recherche sans résultat``."""
    found, _criteria = case_events.search_record(payload)
    if found == 0:
        return "Recherche sans résultat"
    return f"Recherche de créneaux : {found} résultat(s)" if isinstance(found, int) else "Recherche de créneaux"


def call_text(payload: dict) -> str:
    """One ``call`` entry in French: what happened to the call, its number (or « numéro masqué »), the wait."""
    p = payload
    number = format_phone(p.get("number")) or p.get("number") or "numéro masqué"
    if p.get("direction") == "out":
        head = f"Appel sortant vers {format_phone(p.get('target')) or p.get('target') or number}"
    else:
        head = f"Appel de {number}"
    wait = p.get("wait_s")
    waited = f" après {format_duration(wait)} d'attente" if isinstance(wait, (int, float)) else ""
    event = p.get("event")
    if event == "answered":
        text = f"{head} décroché par {p.get('answered_by') or '?'}{waited}"
    elif event in ("ended", "abandoned") and p.get("abandoned"):
        text = f"{head} abandonné avant décroché{waited}"
    elif event == "ended":
        text = f"{head} terminé"
    elif event == "transferred":
        last = (p.get("transfers") or [{}])[-1]
        text = f"{head} transféré vers {last.get('target') or '?'}"
    elif event == "handed_over":
        text = f"{head} repris par {p.get('holder') or '?'}"
    elif event == "linked":
        text = f"{head} rattaché au dossier"
    elif event == "dialled":
        text = head
    else:
        text = f"{head} présenté"
    if p.get("case_clocks"):
        text += " — heures du dossier prises du téléphone"
    return text + (" (heures saisies à la main)" if p.get("typed") else "")


def event_text(payload: dict) -> str:
    """One case event (``type`` in the payload) in French, with labels."""
    kind = payload.get("type")
    if kind == "status":
        status = STATUS_LABELS.get(payload.get("status") or "", payload.get("status") or "?")
        who = attribution_text(payload.get("attribution"))
        return f"Statut : {status}" + (f" — {who}" if who else "")
    if kind == "attribution":
        return f"Attribution : {attribution_text(payload.get('attribution'))}"
    if kind == "routing_override":
        return (f"Filière {perimeter_text(payload.get('perimeter'))} au lieu de la suggestion : "
                f"{payload.get('freetext', '')}")
    if kind == "handover":
        role = payload.get("to_role") or ""
        return f"Transmis au {ROLE_LABELS.get(role, role)}" + (" (accompagné)" if payload.get("accompanied") else "")
    if kind == "decision":
        return "Décision médicale prise"
    if kind == "priority":
        return f"Priorité {priority_text(payload.get('priority'))}"
    if kind == "search":
        return search_text(payload)
    if kind == "take_charge":
        taken = f"Pris en charge par {payload.get('holder_name') or '?'}"
        return taken + (f" ({payload['freetext']})" if payload.get("freetext") else "")
    if kind == "release":
        return "Prise en charge libérée"
    if kind == "location":
        return "Position du patient : " + case_events.LOCATION_LABELS.get(payload.get("coord_precision"), "mise à jour")
    return f"Note : {payload.get('freetext', '')}"


def describe(kind: str | None, payload: dict | None, zone: tzinfo | None = None) -> str:
    """What the entry records, in one French line; times on the room's clock (``zone``, the room's by default)."""
    p = payload or {}
    if set(p) == {"withheld"}:
        return WITHHELD_TEXT
    if set(p) == {"redacted"}:
        return REDACTED_TEXT

    def when(key: str) -> str:
        return room_time.slot_time(p[key], zone) if p.get(key) else ""

    if kind == "case":
        parts = ["Dossier ouvert", p.get("health_motive_label") or "", priority_text(p.get("priority")),
                 perimeter_text(p.get("perimeter"))]
    elif kind == "orientation":
        label = decisions.label_of(p.get("decision_key"), p.get("decision_type"), p.get("resource_type"),
                                   p.get("orientation_type"))
        rdv = when("appointment_start")
        parts = [f"Décision : {label}", p.get("effecteur_name") or "", f"RDV {rdv}" if rdv else ""]
    elif kind == "booking":
        head = BOOKING_STATUS.get(p.get("status") or "", "Créneau")
        parts = [f"{head} n° {p.get('slot_id', '?')}", when("start")]
    elif kind == "case_event":
        parts = [event_text(p)]
    elif kind == "surge":
        parts = ["Mode afflux activé" if p.get("active") else "Mode afflux terminé", p.get("reason") or ""]
    elif kind == "appointment":
        action, status = p.get("action") or "", p.get("status") or ""
        parts = [APPOINTMENT_ACTIONS.get(action, action), APPOINTMENT_STATUS.get(status, status),
                 p.get("effecteur_name") or "", when("start")]
    elif kind == "slots":
        names = ", ".join(str(n) for n in p.get("editors") or [])
        parts = [f"Nouveaux créneaux de l'agenda {names}" if names else "Nouveaux créneaux"]
    elif kind == "call":
        parts = [call_text(p)]
    elif kind == "purge":
        cutoff = room_time.to_room(p["cutoff"], zone).strftime("%d/%m/%Y") if p.get("cutoff") else "?"
        parts = [f"Dossiers antérieurs au {cutoff} purgés (durée de conservation)"]
    elif kind == "slots":  # late slots from the agenda editors (issue 14): no patient data
        editors = [str(e) for e in p.get("editors") or [] if e]
        count = len(p.get("effecteur_ids") or [])
        parts = ["Créneaux arrivés en retard", ", ".join(editors), f"{count} effecteur(s)" if count else ""]
    else:
        parts = [str(kind or "")]
    return " — ".join(x for x in parts if x)
