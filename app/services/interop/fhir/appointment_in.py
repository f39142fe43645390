"""Read a ``FrAppointmentSAS`` an agenda editor sends us (INT_R03, domain.md B.4) into plain values.

The editor creates (``POST [base]/Appointment``) or updates (conditional ``PUT``) an
appointment; :func:`read_editor_appointment` checks the resource and returns an
:class:`EditorAppointment`, or raises :class:`AppointmentInvalid` naming the element in
French:

* **400** (malformed): not an ``Appointment`` object; ``identifier``, ``status``,
  ``start`` or ``end`` missing or of the wrong type; a time that is not a FHIR instant
  with its offset; a value too long for the room's columns;
* **422** (business refusal): a status outside the SAS guide's
  (``booked``, ``fulfilled``, ``noshow``, ``cancelled``, ``pending``); ``end`` not after
  ``start``; a time outside the range the room stores.

The appointment's key is the value of its identifier under the SAS OID
(``urn:oid:1.2.250.1.213.3.6``: the UUID the room or the platform chose, the RS-SAS-RDV
``appointmentId``), else the first identifier's value (the editor's own system).
Plain Python, no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services.interop.fhir import codes
from app.services.interop.fhir.appointment import STATUSES
from app.services.records.bounds import instant_problem

#: Longest values the ``appointments`` columns hold.
MAX_ID, MAX_PRACTITIONER, MAX_REGULATOR = 128, 16, 64


class AppointmentInvalid(ValueError):
    """The resource cannot be taken: ``status`` 400 (malformed) or 422 (refused), the element, a French text."""

    def __init__(self, status: int, element: str, message: str):
        super().__init__(f"{element} : {message}")
        self.status = status
        self.element = element
        self.message = message


def _bad(element: str, message: str) -> AppointmentInvalid:
    return AppointmentInvalid(400, element, message)


@dataclass(frozen=True)
class EditorAppointment:
    """What the room takes from an editor's Appointment."""

    identifiers: tuple[tuple[str, str], ...]
    status: str
    start: datetime
    end: datetime
    created: datetime | None
    last_updated: datetime | None
    practitioner_id: str | None
    regulator_id: str | None
    resource: dict

    @property
    def key(self) -> str:
        """The appointment id the room files it under (SAS OID first)."""
        return next((v for s, v in self.identifiers if s == codes.OID_SAS), self.identifiers[0][1])

    @property
    def values(self) -> set[str]:
        return {v for _s, v in self.identifiers}

    def matches(self, token: str) -> bool:
        """True when a search token ``system|value`` (or ``value``, ``|value``) names one of its identifiers."""
        system, bar, value = token.partition("|")
        if not bar:
            return token in self.values
        return any(v == value and (not system or s == system) for s, v in self.identifiers)


def _instant(resource: dict, key: str, *, required: bool) -> datetime | None:
    element = f"Appointment.{key}" if key != "lastUpdated" else "Appointment.meta.lastUpdated"
    value = resource.get(key)
    if value is None:
        if required:
            raise _bad(element, "élément obligatoire absent")
        return None
    if not isinstance(value, str) or "T" not in value:
        raise _bad(element, "date et heure attendues (instant FHIR avec fuseau, ex. 2025-06-17T14:00:00+02:00)")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(element, "date et heure invalides") from None
    if parsed.tzinfo is None:
        raise _bad(element, "fuseau horaire obligatoire (ex. +02:00)")
    if (problem := instant_problem(parsed)) is not None:
        raise AppointmentInvalid(422, element, problem)
    return parsed


def _identifiers(resource: dict) -> tuple[tuple[str, str], ...]:
    items = resource.get("identifier")
    if items is None or items == []:
        raise _bad("Appointment.identifier", "identifiant du rendez-vous obligatoire (system et value)")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _bad("Appointment.identifier", "liste d'identifiants attendue")
    found = []
    for index, item in enumerate(items):
        value, system = item.get("value"), item.get("system", "")
        if not isinstance(value, str) or not value.strip() or not isinstance(system, str):
            raise _bad(f"Appointment.identifier[{index}].value", "valeur d'identifiant obligatoire (texte)")
        if len(value) > MAX_ID:
            raise _bad(f"Appointment.identifier[{index}].value", f"{MAX_ID} caractères au plus")
        found.append((system, value.strip()))
    return tuple(found)


def _identifier_value(reference: object, element: str, limit: int) -> str | None:
    """The ``identifier.value`` of a Reference, None when it has none."""
    if not isinstance(reference, dict):
        return None
    identifier = reference.get("identifier")
    value = identifier.get("value") if isinstance(identifier, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _bad(element, f"identifiant texte de {limit} caractères au plus attendu")
    return value.strip()


def _practitioner(resource: dict) -> str | None:
    participants = resource.get("participant") or []
    if not isinstance(participants, list):
        raise _bad("Appointment.participant", "liste de participants attendue")
    for index, p in enumerate(participants):
        if isinstance(p, dict):
            value = _identifier_value(p.get("actor"), f"Appointment.participant[{index}].actor.identifier.value",
                                      MAX_PRACTITIONER)
            if value:
                return codes.practitioner_id(value)[0]
    return None


def _regulator(resource: dict) -> str | None:
    extensions = resource.get("extension") or []
    if not isinstance(extensions, list):
        raise _bad("Appointment.extension", "liste d'extensions attendue")
    for e in extensions:
        if isinstance(e, dict) and e.get("url") == codes.EXT_APPOINTMENT_OPERATOR:
            return _identifier_value(e.get("valueReference"),
                                     "Appointment.extension[appointmentOperator].valueReference.identifier.value",
                                     MAX_REGULATOR)
    return None


def read_editor_appointment(resource: object) -> EditorAppointment:
    """The appointment ``resource`` (decoded JSON) describes; raises :class:`AppointmentInvalid`."""
    if not isinstance(resource, dict):
        raise _bad("Appointment", "ressource FHIR Appointment (objet JSON) attendue")
    if resource.get("resourceType") != "Appointment":
        raise _bad("Appointment.resourceType", "« Appointment » attendu")
    identifiers = _identifiers(resource)
    status = resource.get("status")
    if status is None:
        raise _bad("Appointment.status", "élément obligatoire absent")
    if not isinstance(status, str):
        raise _bad("Appointment.status", "code attendu")
    if status not in STATUSES:
        raise AppointmentInvalid(422, "Appointment.status",
                                 f"« {status[:40]} » n'est pas un statut de rendez-vous SAS ({', '.join(STATUSES)})")
    start = _instant(resource, "start", required=True)
    end = _instant(resource, "end", required=True)
    assert start is not None and end is not None
    if end <= start:
        raise AppointmentInvalid(422, "Appointment.end", "la fin doit être après le début")
    meta = resource.get("meta") or {}
    if not isinstance(meta, dict):
        raise _bad("Appointment.meta", "objet attendu")
    return EditorAppointment(
        identifiers=identifiers, status=status, start=start, end=end,
        created=_instant(resource, "created", required=False),
        last_updated=_instant(meta, "lastUpdated", required=False),
        practitioner_id=_practitioner(resource), regulator_id=_regulator(resource), resource=resource)
