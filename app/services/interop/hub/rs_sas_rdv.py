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
from app.services.records.bounds import instant_problem
from app.services.records.documents import text_problem

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
        name = f"{self.first_name} {self.last_name}".strip()
        return f"Dr {name}" if name else ""


@dataclass(frozen=True)
class Organization:
    organization_id: str
    name: str


@dataclass(frozen=True)
class Regulator:
    #: Empty when the platform left the optional ``regulatorId`` out (then no regulator filter applies).
    regulator_id: str = ""
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
        """Who sees the patient: the practitioner, then the structure, in words (as long as its column)."""
        parts = [p for p in (self.practitioner and self.practitioner.display_name,
                             self.organization and self.organization.name) if p]
        return " — ".join(parts)[:EFFECTEUR_NAME_LENGTH] or None


#: Longest values the appointment's columns hold (``appointments`` table).
_MAX_LENGTHS = {"appointmentId": 128, "rppsId": 16, "organizationId": 40, "regulatorId": 64}
EFFECTEUR_NAME_LENGTH = 200


def _time(payload: dict, key: str) -> datetime | None:
    text = payload.get(key)
    if text is None:
        return None
    try:
        value = parse_hub_time(text)
    except ValueError as exc:  # pragma: no cover - format checking refuses these first (300)
        raise HubMessageError(INSUFFICIENT_DATA, f"appointment/{key} : date et heure inexistantes") from exc
    if instant_problem(value) is not None:
        raise HubMessageError(INSUFFICIENT_DATA, f"appointment/{key} : {instant_problem(value)}")
    return value


def _text(data: dict, key: str, *, required: bool = False, path: str = "appointment") -> str | None:
    """A text of the message, None when absent or unusable (704 when ``required``): too long, control characters."""
    value = data.get(key)
    if value is None:
        if required:  # pragma: no cover - the schema requires it (300 first)
            raise HubMessageError(INSUFFICIENT_DATA, f"{path}/{key} : champ obligatoire absent")
        return None
    limit = _MAX_LENGTHS.get(key, 200)
    if not isinstance(value, str) or text_problem(value) is not None or len(value) > limit:
        if required:
            raise HubMessageError(INSUFFICIENT_DATA, f"{path}/{key} : donnée inutilisable")
        return None
    return value


def _practitioner(data: dict | None) -> Practitioner | None:
    if not data or _text(data, "rppsId") is None:
        return None
    return Practitioner(rpps_id=data["rppsId"], last_name=_text(data, "lastName") or "",
                        first_name=_text(data, "firstName") or "",
                        speciality_code=_text(data, "specialityCode"), profession_code=_text(data, "professionCode"))


def _organization(data: dict | None) -> Organization | None:
    if not data or _text(data, "organizationId") is None:
        return None
    return Organization(data["organizationId"], _text(data, "name") or "")


def read_appointment(payload: dict) -> AppointmentMessage:
    """The appointment of a schema-valid RS-SAS-RDV ``appointment`` object (704 for unusable data).

    Every optional field may be absent; an optional text the console cannot store
    (too long for its column, control characters) is read as absent.
    """
    regulator = payload.get("regulator") or {}
    message = AppointmentMessage(
        appointment_id=_text(payload, "appointmentId", required=True),
        method=payload["method"],
        created=_time(payload, "created"),
        start=_time(payload, "start"),
        end=_time(payload, "end"),
        status=payload["status"],
        orientation_category=payload.get("orientationCategory"),
        practitioner=_practitioner(payload.get("practitioner")),
        organization=_organization(payload.get("organization")),
        regulator=Regulator(_text(regulator, "regulatorId", path="appointment/regulator") or "",
                            _text(regulator, "regulatorName"), _text(regulator, "regulatorFirstname")),
        raw=payload,
    )
    if message.created is None or message.start is None:  # pragma: no cover - required by the schema
        raise HubMessageError(INSUFFICIENT_DATA, "appointment : dates de prise et de début obligatoires")
    return message


def check_sequence(message: AppointmentMessage, *, known: bool) -> None:
    """Refuse a creation of an ``appointmentId`` already stored (701); everything else is accepted."""
    if message.is_creation and known:
        raise HubMessageError(CASE_ALREADY_EXISTS,
                              "Rendez-vous déjà connu : ses changements passent par UpdateAppointment")
