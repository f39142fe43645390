"""Wire documents for cases and orientations, shared by the console and the server.

A document is the JSON body of ``PUT /api/v1/cases/{uuid}`` or
``PUT /api/v1/orientations/{uuid}`` and the payload of the journal entry the
server writes for it.  The console builds them, the server validates them with
these same pydantic models (a bad field gives a 422 naming it), and
:func:`case_from_doc` / :func:`case_to_doc` map them to the SQLAlchemy models.
Field names are the models' (Hub Santé vocabulary in snake_case).

This module holds the patient, note, case and orientation documents and their mapping; the field
types and checks live in :mod:`.doc_fields`, the case events and the surge switch in :mod:`.event_docs`
(both re-exported here).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from app.codes import case_codes, nomenclatures, places, priorities
from app.codes.fields import MAX_LENGTH as L
from app.codes.fields import UUID
from app.models import Case, CaseNote, Orientation, Patient
from app.services.records.bounds import RowId
from app.services.records.doc_fields import (
    CASE_ID,
    E164,
    FRANCE_BOXES,
    INSEE,
    MAX_AGE_YEARS,
    Attribution,
    AwareDatetime,
    CaseStatus,
    Perimeter,
    Phone,
    Priority,
    SlotMode,
    WireDoc,
    age_years,
    enum_schema,
    in_france,
    known_code,
    matching,
    text_problem,
)
from app.services.records.event_docs import (
    EVENT_REQUIRES,
    HOLDER_NAME_LENGTH,
    SEARCH_EFFECTEURS_KEPT,
    CaseEventDoc,
    EventType,
    SearchRecordDoc,
    SurgeDoc,
)
from app.services.regulation import decisions

#: Names kept importable from here (their homes: :mod:`.doc_fields`, :mod:`.event_docs`).
__all__ = [
    "CASE_ID", "E164", "EVENT_REQUIRES", "FRANCE_BOXES", "HOLDER_NAME_LENGTH", "INSEE", "MAX_AGE_YEARS",
    "SEARCH_EFFECTEURS_KEPT", "Attribution", "AwareDatetime", "CaseDoc", "CaseEventDoc", "CaseStatus", "EventType",
    "NoteDoc", "OrientationDoc", "PatientDoc", "Perimeter", "Phone", "Priority", "SearchRecordDoc", "SlotMode",
    "SurgeDoc", "age_years", "case_from_doc", "case_to_doc", "in_france", "orientation_from_doc",
    "orientation_to_doc", "same_content", "text_problem",
]

class PatientDoc(WireDoc):
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


class NoteDoc(WireDoc):
    uuid: str = Field(min_length=1, max_length=UUID)
    creation: AwareDatetime
    author: str = Field(max_length=L["author"])
    author_role: str = Field(max_length=L["author_role"])
    freetext: str = Field(min_length=1, max_length=L["freetext"])


class CaseDoc(WireDoc):
    uuid: str = Field(min_length=1, max_length=UUID)
    case_id: Annotated[str, Field(max_length=L["case_id"]),
                       matching(CASE_ID, "identifiant de dossier invalide (fr.health.samuNNN.DRFR15…)")]
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
    caller_type: Annotated[str, Field(max_length=16, json_schema_extra=enum_schema(case_codes.CALLER_TYPES)),
                           known_code(nomenclatures.CALLER_TYPE, "type d'appelant inconnu")] | None = None
    caller_phone: Phone | None = None
    callback_phone: Phone | None = None
    address_complete: str | None = Field(default=None, max_length=L["address_complete"])
    city_name: str | None = Field(default=None, max_length=L["city_name"])
    city_insee_code: Annotated[str, Field(max_length=L["city_insee_code"],
                                          json_schema_extra={"pattern": places.INSEE_PATTERN}),
                               matching(INSEE, "code INSEE invalide")] | None = None
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


class OrientationDoc(WireDoc):
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
