"""``FrAppointmentSAS`` resources (domain.md B.4): what the client creates and updates.

The appointment names its editor-side identifier (system + UUID), the effecteur
(IDNPS participant, or ``needs-action`` without actor for an SOS association whose
doctor is not known yet) and the regulator in the ``FrAppointmentOperator``
extension (IDNPS, or INTRN under the SAS OID for a regulator without national id),
and the editor's ``Slot`` it takes (``slot``: ``Slot/<its id>``) when that id is known.
Times carry an explicit offset: room time, the SAMU's zone (:mod:`app.codes.room_time`;
``+01:00``/``+02:00`` in metropolitan France, ``+04:00`` for SAMU 974).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.codes import room_time
from app.services.interop.fhir import codes

STATUSES = ("booked", "fulfilled", "noshow", "cancelled", "pending")


@dataclass(frozen=True)
class AppointmentRequest:
    """What the platform knows when it books: ``identifier_value`` is the appointment's UUID."""

    identifier_system: str
    identifier_value: str
    start: datetime
    end: datetime
    status: str = "booked"
    practitioner_id: str | None = None
    regulator_id: str | None = None
    regulator_is_national: bool = True
    created: datetime | None = None
    #: The editor's own ``Slot.id`` of the slot booked (``slot`` reference), when known.
    slot_id: str | None = None


def instant(value: datetime) -> str:
    """A FHIR instant in room time with its offset; a naive time is refused (French message)."""
    if value.tzinfo is None:
        raise ValueError("heure sans fuseau horaire")
    return room_time.stamp(value)


def _idnps(value: str) -> dict:
    return {"type": {"coding": [{"system": codes.SYSTEM_ID_TYPE, "code": "IDNPS"}]},
            "system": codes.OID_IDNPS, "value": value}


def build_appointment(request: AppointmentRequest) -> dict:
    """The Appointment resource for ``request``; raises ValueError (French) naming the bad field."""
    if request.status not in STATUSES:
        raise ValueError(f"status : « {request.status} » n'est pas un statut de rendez-vous SAS")
    if request.end <= request.start:
        raise ValueError("end : la fin doit être après le début")
    if not request.identifier_value:
        raise ValueError("identifier : identifiant du rendez-vous obligatoire")
    resource: dict = {
        "resourceType": "Appointment",
        "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/FrAppointmentSAS"]},
        "identifier": [{"system": request.identifier_system, "value": request.identifier_value}],
        "status": request.status,
        "start": instant(request.start),
        "end": instant(request.end),
    }
    if request.created is not None:
        resource["created"] = instant(request.created)
    if request.slot_id:
        resource["slot"] = [{"reference": f"Slot/{request.slot_id}"}]
    if request.regulator_id:
        identifier = (_idnps(request.regulator_id) if request.regulator_is_national else {
            "type": {"coding": [{"system": codes.SYSTEM_ID_TYPE, "code": "INTRN"}]},
            "system": codes.OID_SAS, "value": request.regulator_id})
        resource["extension"] = [{"url": codes.EXT_APPOINTMENT_OPERATOR, "valueReference": {"identifier": identifier}}]
    if request.practitioner_id:
        prefixed = codes.practitioner_id(request.practitioner_id)[0]
        resource["participant"] = [{"actor": {"identifier": _idnps(prefixed)}, "status": "accepted"}]
    else:
        resource["participant"] = [{"status": "needs-action"}]
    return resource
