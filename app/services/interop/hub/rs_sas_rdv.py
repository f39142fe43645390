"""RS-SAS-RDV: appointments booked on the national SAS platform, as the Hub Santé delivers them (INT_L02).

The platform (``fr.health.ptfsas``) sends one ``appointment`` object per change
(domain.md B.7): ``method`` ``CreateAppointment`` when booked, ``UpdateAppointment``
afterwards (cancelled, noshow, fulfilled, the SOS effecteur now known…), keyed by
its ``appointmentId``.  :func:`read_appointment` turns a schema-valid object (the
route validates the envelope against the official schemas first,
:mod:`app.services.interop.hub.schemas`) into a plain :class:`AppointmentMessage`.

Sequencing rules (:func:`check_sequence`), with the official RS-ERROR codes of
:mod:`app.services.interop.hub.ack`:

* a ``CreateAppointment`` for an ``appointmentId`` already stored is refused with
  **701 CASE_ALREADY_EXISTS**.  Of the official codes it is the one whose meaning
  is "this creation names an object the recipient already has" (the RS-EDA
  ``createCaseHealth`` uses it for a known ``caseId``); 702 WRONG_MESSAGE_SEQUENCE
  says the opposite (an update arrived before its creation), and the Hub has no
  code of its own for appointments.  Creation is not idempotent: a change must
  come as an update, so a replayed creation is surfaced rather than swallowed;
* an ``UpdateAppointment`` for an unknown ``appointmentId`` is a creation (the
  platform's updates carry the whole appointment, and the FHIR side of the same
  flow, INT_R03, also treats a conditional update of an unknown id as a create),
  so no 702 is ever sent for appointments.

Plain Python, no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services.interop.hub.ack import CASE_ALREADY_EXISTS, INSUFFICIENT_DATA, HubMessageError
from app.services.interop.hub.envelope import parse_hub_time

ROOT_KEY = "appointment"
CREATE, UPDATE = "CreateAppointment", "UpdateAppointment"


@dataclass(frozen=True)
class Practitioner:
    rpps_id: str
    last_name: str
    first_name: str
    speciality_code: str | None = None
    profession_code: str | None = None

    @property
    def display_name(self) -> str:
        return f"Dr {self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Organization:
    organization_id: str
    name: str


@dataclass(frozen=True)
class Regulator:
    regulator_id: str
    name: str | None = None
    first_name: str | None = None


@dataclass(frozen=True)
class AppointmentMessage:
    """One RS-SAS-RDV ``appointment`` object, read."""

    appointment_id: str
    method: str
    created: datetime
    start: datetime
    end: datetime | None
    status: str
    orientation_category: str | None
    practitioner: Practitioner | None
    organization: Organization | None
    regulator: Regulator
    raw: dict

    @property
    def is_creation(self) -> bool:
        return self.method == CREATE

    @property
    def effecteur_ids(self) -> set[str]:
        """The effecteur's national ids as the console's effecteurs carry them (IDNPS, prefixed SIRET/FINESS)."""
        return {i for i in (self.practitioner and self.practitioner.rpps_id,
                            self.organization and self.organization.organization_id) if i}

    @property
    def effecteur_name(self) -> str | None:
        """Who sees the patient: the practitioner, then the structure, in words."""
        parts = [p for p in (self.practitioner and self.practitioner.display_name,
                             self.organization and self.organization.name) if p]
        return " — ".join(parts) or None


def _time(payload: dict, key: str) -> datetime | None:
    text = payload.get(key)
    if text is None:
        return None
    try:
        return parse_hub_time(text)
    except ValueError as exc:  # pragma: no cover - format checking refuses these first (300)
        raise HubMessageError(INSUFFICIENT_DATA, f"appointment/{key} : date et heure inexistantes") from exc


def read_appointment(payload: dict) -> AppointmentMessage:
    """The appointment of a schema-valid RS-SAS-RDV ``appointment`` object (704 for an impossible date)."""
    practitioner = payload.get("practitioner")
    organization = payload.get("organization")
    regulator = payload["regulator"]
    return AppointmentMessage(
        appointment_id=payload["appointmentId"],
        method=payload["method"],
        created=_time(payload, "created"),
        start=_time(payload, "start"),
        end=_time(payload, "end"),
        status=payload["status"],
        orientation_category=payload.get("orientationCategory"),
        practitioner=Practitioner(
            rpps_id=practitioner["rppsId"], last_name=practitioner["lastName"], first_name=practitioner["firstName"],
            speciality_code=practitioner.get("specialityCode"), profession_code=practitioner.get("professionCode"),
        ) if practitioner else None,
        organization=Organization(organization["organizationId"], organization["name"]) if organization else None,
        regulator=Regulator(regulator["regulatorId"], regulator.get("regulatorName"),
                            regulator.get("regulatorFirstname")),
        raw=payload,
    )


def check_sequence(message: AppointmentMessage, *, known: bool) -> None:
    """Refuse a creation of an ``appointmentId`` already stored (701); everything else is accepted."""
    if message.is_creation and known:
        raise HubMessageError(CASE_ALREADY_EXISTS,
                              "Rendez-vous déjà connu : ses changements passent par UpdateAppointment")
