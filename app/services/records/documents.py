"""Wire documents for cases and orientations, shared by the console and the server.

A document is the JSON body of ``PUT /api/v1/cases/{uuid}`` or
``PUT /api/v1/orientations/{uuid}`` and the payload of the journal entry the
server writes for it.  The console builds them, the server validates them with
these same pydantic models (a bad field gives a 422 naming it), and
:func:`case_from_doc` / :func:`case_to_doc` map them to the SQLAlchemy models.
Field names are the models' (Hub Santé vocabulary in snake_case).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.codes import case_codes, effecteurs, nomenclatures, places, priorities
from app.codes.fields import MAX_LENGTH as L
from app.codes.fields import UUID
from app.models import Case, CaseNote, Orientation, Patient
from app.services.regulation import decisions
from app.services.records.bounds import Count, InstantInRange, RowId

E164 = re.compile(r"^\+[0-9]{5,18}$")  # ASCII digits: \d would take ٣ or ３
CASE_ID = re.compile(r"^([a-zA-Z0-9_-]+\.?){4,10}$")
INSEE = re.compile(places.INSEE_PATTERN)
#: Oldest age the console accepts (years).
MAX_AGE_YEARS = 120
#: (lat min, lat max, lon min, lon max) of metropolitan France, Corsica and the overseas départements.
FRANCE_BOXES = (
    (41.2, 51.2, -5.3, 9.7), (15.8, 16.6, -61.9, -60.9), (14.3, 14.95, -61.3, -60.7), (2.0, 5.9, -54.7, -51.5),
    (-21.5, -20.8, 55.1, 55.9), (-13.1, -12.6, 44.9, 45.4), (17.8, 18.2, -63.2, -62.7), (46.7, 47.2, -56.5, -56.1),
)
# Each closed list is a Literal of its one source (:mod:`app.codes`), so the OpenAPI declares it as an enum.
CaseStatus = Literal[case_codes.CASE_STATUSES]  # type: ignore[valid-type]
Perimeter = Literal[case_codes.PERIMETERS]  # type: ignore[valid-type]
Priority = Literal[priorities.CODES]  # type: ignore[valid-type]
SlotMode = Literal[effecteurs.SLOT_MODE_CODES]  # type: ignore[valid-type]


def in_france(lat: float, lon: float) -> bool:
    """True when the point lies in France (metropolitan or overseas départements)."""
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES)


def age_years(age: str | None) -> float | None:
    """``"P45Y"`` → 45, ``"P6M"`` → 0.5 (an ISO 8601 duration in one unit)."""
    m = re.fullmatch(r"P(\d{1,3})([YMWD])", age or "")
    if not m:
        return None
    return int(m.group(1)) / {"Y": 1, "M": 12, "W": 52, "D": 365}[m.group(2)]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("l'heure doit porter un fuseau horaire")
    return value


#: An aware instant within the range the database stores and the server computes with (:mod:`.bounds`).
AwareDatetime = Annotated[datetime, AfterValidator(_aware), InstantInRange]


def _known(list_name: str, message: str) -> AfterValidator:
    """A check that a code is in the Hub Santé list ``list_name``; ``message`` is followed by the code."""
    def check(v: str) -> str:
        if not nomenclatures.is_known(list_name, v):
            raise ValueError(f"{message} : {v}")
        return v
    return AfterValidator(check)


def _matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """A check that a text matches ``pattern``, with a French ``message`` instead of the regex."""
    def check(v: str) -> str:
        if not pattern.match(v):
            raise ValueError(message)
        return v
    return AfterValidator(check)


def _enum(codes: tuple[str, ...]) -> dict:
    """The schema of a code checked by :func:`_known`: its list as an enum, for clients of ``/openapi.json``."""
    return {"enum": list(codes)}


Attribution = Annotated[str, Field(max_length=L["attribution"], json_schema_extra=_enum(case_codes.ATTRIBUTIONS)),
                        _known(nomenclatures.ATTRIBUTION, "attribution inconnue")]
Phone = Annotated[str, Field(max_length=L["caller_phone"]),
                  _matching(E164, "numéro attendu au format international (+33…)")]


#: Control characters no text field takes (C0 but tab, newline, carriage return): PostgreSQL refuses NUL,
#: XML and CSV exports choke on the rest, and nobody types them.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a French message), or None: control characters, broken Unicode."""
    if (bad := _FORBIDDEN_CONTROLS.search(text)) is not None:
        return f"caractère de contrôle interdit (U+{ord(bad.group()):04X})"
    if (bad := _LONE_SURROGATE.search(text)) is not None:
        return f"texte Unicode invalide (U+{ord(bad.group()):04X} isolé)"
    return None


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _plain_text(cls, v):
        """Every text field: a 422 naming it for control characters or lone surrogates (hostile input)."""
        if isinstance(v, str) and (problem := text_problem(v)) is not None:
            raise ValueError(problem)
        return v


class PatientDoc(_Doc):
    uuid: str = Field(min_length=1, max_length=UUID)
    patient_id: str = Field(min_length=1, max_length=L["patient_id"])
    rank: int = Field(default=1, ge=1, le=99)
    birth_name: str | None = Field(default=None, max_length=L["birth_name"])
    last_name: str | None = Field(default=None, max_length=L["last_name"])
    first_name: str | None = Field(default=None, max_length=L["first_name"])
    birth_date: date | None = None
    age: str | None = Field(default=None, max_length=L["age"], pattern=r"^P\d{1,3}[YMWD]$")
    sex: Literal[case_codes.SEXES] | None = None  # type: ignore[valid-type]
    general_practitioner_name: str | None = Field(default=None, max_length=L["general_practitioner_name"])
    general_practitioner_rpps: str | None = Field(default=None, max_length=L["general_practitioner_rpps"],
                                                  pattern=r"^\d{11}$")

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, v: date | None) -> date | None:
        if v is not None and v > date.today():
            raise ValueError("date de naissance dans le futur")
        if v is not None and v.year < date.today().year - MAX_AGE_YEARS:
            raise ValueError(f"date de naissance de plus de {MAX_AGE_YEARS} ans")
        return v

    @field_validator("age")
    @classmethod
    def _age(cls, v: str | None) -> str | None:
        if v is not None and (age_years(v) or 0) > MAX_AGE_YEARS:
            raise ValueError(f"âge supérieur à {MAX_AGE_YEARS} ans")
        return v


class NoteDoc(_Doc):
    uuid: str = Field(min_length=1, max_length=UUID)
    creation: AwareDatetime
    author: str = Field(max_length=L["author"])
    author_role: str = Field(max_length=L["author_role"])
    freetext: str = Field(min_length=1, max_length=L["freetext"])


class CaseDoc(_Doc):
    uuid: str = Field(min_length=1, max_length=UUID)
    case_id: Annotated[str, Field(max_length=L["case_id"]),
                       _matching(CASE_ID, "identifiant de dossier invalide (fr.health.samuNNN.DRFR15…)")]
    owner: str = Field(max_length=L["owner"], pattern=r"^fr\.health\.samu[0-9A-Za-z]{3}$")
    creation: AwareDatetime
    reception: AwareDatetime | None = None
    origin: str = Field(default="15", max_length=L["origin"])
    perimeter: Perimeter | None = None
    priority: Priority = priorities.DEFAULT
    attribution: Attribution | None = None
    status: CaseStatus = "ACTIF"
    health_motive_code: str | None = Field(default=None, max_length=L["health_motive_code"],
                                             pattern=r"^M\d{2}\.\d{2}(\.\d{2})?$")
    health_motive_label: str | None = Field(default=None, max_length=L["health_motive_label"])
    whats_happen_code: str | None = Field(default=None, max_length=L["whats_happen_code"],
                                            pattern=r"^C\d{2}(\.\d{2}){2}$")
    whats_happen_label: str | None = Field(default=None, max_length=L["whats_happen_label"])
    location_kind_code: str | None = Field(default=None, max_length=L["location_kind_code"],
                                             pattern=r"^L\d{2}(\.\d{2}){2}$")
    location_kind_label: str | None = Field(default=None, max_length=L["location_kind_label"])
    caller_name: str | None = Field(default=None, max_length=L["caller_name"])
    caller_type: Annotated[str, Field(max_length=16, json_schema_extra=_enum(case_codes.CALLER_TYPES)),
                           _known(nomenclatures.CALLER_TYPE, "type d'appelant inconnu")] | None = None
    caller_phone: Phone | None = None
    callback_phone: Phone | None = None
    address_complete: str | None = Field(default=None, max_length=L["address_complete"])
    city_name: str | None = Field(default=None, max_length=L["city_name"])
    city_insee_code: Annotated[str, Field(max_length=L["city_insee_code"],
                                          json_schema_extra={"pattern": places.INSEE_PATTERN}),
                               _matching(INSEE, "code INSEE invalide")] | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    coord_precision: Literal[case_codes.COORD_PRECISIONS] | None = None  # type: ignore[valid-type]
    access_details: str | None = Field(default=None, max_length=L["access_details"])
    # --- added by migration 0002 (all optional: older clients keep working) ---
    caller_language: str | None = Field(default=None, max_length=L["caller_language"], pattern=r"^[a-z]{2}$")
    caller_communication: Literal[case_codes.COMMUNICATIONS] | None = None  # type: ignore[valid-type]
    access_building: str | None = Field(default=None, max_length=L["access_building"])
    access_floor: str | None = Field(default=None, max_length=L["access_floor"])
    access_code: str | None = Field(default=None, max_length=L["access_code"])
    access_intercom: str | None = Field(default=None, max_length=L["access_intercom"])
    risk_threat_codes: list[Annotated[str, Field(pattern=r"^R\d{2}$")]] = Field(default_factory=list, max_length=37)
    answered_at: AwareDatetime | None = None
    handed_over_at: AwareDatetime | None = None
    decided_at: AwareDatetime | None = None
    accompanied: bool = False
    suggested_perimeter: Perimeter | None = None
    suggested_attribution: Attribution | None = None
    surge: bool = False
    patients: list[PatientDoc] = Field(default_factory=list)
    notes: list[NoteDoc] = Field(default_factory=list)

    @field_validator("risk_threat_codes", mode="before")
    @classmethod
    def _no_risks(cls, v):
        return [] if v is None else v

    @field_validator("lon")
    @classmethod
    def _place_in_france(cls, v: float | None, info: ValidationInfo) -> float | None:
        lat = info.data.get("lat")
        if v is not None and lat is not None and not in_france(lat, v):
            raise ValueError("lieu hors de France")
        return v


class OrientationDoc(_Doc):
    uuid: str = Field(min_length=1, max_length=UUID)
    case_uuid: str = Field(min_length=1, max_length=UUID)
    creation: AwareDatetime
    decision_key: str = Field(json_schema_extra={"enum": list(decisions.BY_KEY)})
    decision_type: Literal[case_codes.DECISION_TYPES]  # type: ignore[valid-type]
    resource_type: str | None = Field(default=None, max_length=L["resource_type"])
    orientation_type: Literal[case_codes.ORIENTATION_TYPES] | None = None  # type: ignore[valid-type]
    medical_transport: bool | None = None
    slot_id: RowId | None = None
    effecteur_id: str | None = Field(default=None, max_length=L["effecteur_id"])
    effecteur_name: str | None = Field(default=None, max_length=L["effecteur_name"])
    appointment_start: AwareDatetime | None = None
    appointment_end: AwareDatetime | None = None
    appointment_mode: SlotMode | None = None
    freetext: str | None = Field(default=None, max_length=L["freetext"])
    #: 1 when created; each correction sends the next version (a stale one gets 409 version_conflict).
    version: int = Field(default=1, ge=1, le=1_000_000)

    @field_validator("decision_key")
    @classmethod
    def _decision(cls, v: str) -> str:
        if v not in decisions.BY_KEY:
            raise ValueError(f"décision inconnue : {v}")
        return v


EventType = Literal[case_codes.EVENT_TYPES]  # type: ignore[valid-type]
#: Fields each event type needs (a missing one is a 422 naming it).
EVENT_REQUIRES: dict[str, tuple[str, ...]] = {
    "status": ("status",), "attribution": ("attribution",), "routing_override": ("perimeter", "freetext"),
    "handover": ("to_role",), "note": ("freetext",), "decision": (), "priority": ("priority",),
    "search": ("search",), "take_charge": (), "release": (), "location": ("lat", "lon", "coord_precision"),
}
#: Longest display name a ``take_charge`` event carries (the users table's ``display_name``).
HOLDER_NAME_LENGTH = 128
#: How many effecteur ids a ``search`` event keeps (the first ones shown).
SEARCH_EFFECTEURS_KEPT = 50


class SearchRecordDoc(_Doc):
    """One slot search done for a case (event ``search``): what was asked, how many answers, who was shown.

    The effecteur ids let an appointment booked on the SAS platform find the case
    it was searched for (:mod:`app.services.booking.appointments`).
    """

    criteria: dict = Field(default_factory=dict)
    result_count: Count
    effecteur_ids: list[str] = Field(default_factory=list, max_length=SEARCH_EFFECTEURS_KEPT)


class CaseEventDoc(_Doc):
    """One change to a case: body of ``PUT /api/v1/cases/{case_uuid}/events/{uuid}``."""

    uuid: str = Field(min_length=1, max_length=UUID)
    case_uuid: str = Field(min_length=1, max_length=UUID)
    created_at: AwareDatetime
    type: EventType
    status: CaseStatus | None = None
    attribution: Attribution | None = None
    perimeter: Perimeter | None = None
    priority: Priority | None = None
    #: Hand-over target and whether the ARM stays on the line (P0).
    to_role: Literal[case_codes.HANDOVER_ROLES] | None = None  # type: ignore[valid-type]
    accompanied: bool | None = None
    orientation_uuid: str | None = Field(default=None, max_length=UUID)
    #: The note's text, or the reason of a routing override.
    freetext: str | None = Field(default=None, min_length=1, max_length=L["freetext"])
    #: A ``search`` event's criteria, result count and effecteurs shown.
    search: SearchRecordDoc | None = None
    #: A ``take_charge`` event: the display name of who took the case ("Dr Martin"); the server writes the
    #: authenticated user's, whatever the client sent.
    holder_name: str | None = Field(default=None, max_length=HOLDER_NAME_LENGTH)
    #: A ``location`` event's new place of the patient and its Hub ``coord.precision`` (EXACTE: set on the map).
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    coord_precision: Literal[case_codes.COORD_PRECISIONS] | None = None  # type: ignore[valid-type]

    def missing_fields(self) -> list[str]:
        """Fields this event's type needs but that are empty (the server answers 422 naming the first)."""
        return [f for f in EVENT_REQUIRES[self.type] if getattr(self, f) in (None, "")]


class SurgeDoc(_Doc):
    """The room's surge switch turned on or off: body of ``PUT /api/v1/surge/{uuid}``."""

    uuid: str = Field(min_length=1, max_length=UUID)
    created_at: AwareDatetime
    active: bool
    reason: str = Field(min_length=1, max_length=L["surge_reason"])


# --- mapping to and from the SQLAlchemy models -------------------------------------------

_CASE_FIELDS = [n for n in CaseDoc.model_fields if n not in ("patients", "notes")]
_PATIENT_FIELDS = list(PatientDoc.model_fields)
_NOTE_FIELDS = list(NoteDoc.model_fields)
_ORIENTATION_FIELDS = list(OrientationDoc.model_fields)


def case_to_doc(case: Case) -> CaseDoc:
    return CaseDoc(
        **{n: getattr(case, n) for n in _CASE_FIELDS},
        patients=[PatientDoc(**{n: getattr(p, n) for n in _PATIENT_FIELDS}) for p in case.patients],
        notes=[NoteDoc(**{n: getattr(x, n) for n in _NOTE_FIELDS}) for x in case.notes],
    )


def case_from_doc(doc: CaseDoc, *, created_by: str) -> Case:
    case = Case(**{n: getattr(doc, n) for n in _CASE_FIELDS}, created_by=created_by)
    case.patients = [Patient(**p.model_dump()) for p in doc.patients]
    case.notes = [CaseNote(**n.model_dump()) for n in doc.notes]
    return case


def orientation_to_doc(orientation: Orientation) -> OrientationDoc:
    return OrientationDoc(**{n: getattr(orientation, n) for n in _ORIENTATION_FIELDS})


def orientation_from_doc(doc: OrientationDoc, *, author: str, author_role: str) -> Orientation:
    return Orientation(**doc.model_dump(), author=author, author_role=author_role)


def same_content(a: BaseModel, b: BaseModel) -> bool:
    """True when two documents carry the same data (an identical replay)."""
    return a.model_dump(mode="json") == b.model_dump(mode="json")
