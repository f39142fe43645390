"""Request and response bodies of the REST API (beside the shared wire documents).

Cases and orientations travel as :class:`app.services.records.documents.CaseDoc` and
:class:`~app.services.records.documents.OrientationDoc`; everything else the API reads
or writes is declared here, so ``/openapi.json`` describes every answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.codes import effecteurs
from app.services.records.documents import OrientationDoc, text_problem


def _plain(value: str) -> str:
    if (problem := text_problem(value)) is not None:
        raise ValueError(problem)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


# --- auth ------------------------------------------------------------------------------------

class LoginIn(BaseModel):
    # No control character: a NUL would reach the database's query (PostgreSQL refuses it).
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
                        AfterValidator(_plain)]
    # Never stripped nor logged; length capped so hashing a huge body costs nothing.
    password: str = Field(min_length=1, max_length=256)
    #: The console's desk: a login naming it revokes the user's older tokens on that desk.
    desk_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")] | None = Field(
        default=None, description="Poste de la console ; une connexion révoque les jetons précédents "
                                  "de l'utilisateur sur ce poste")


class LoginOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    role: str
    username: str
    display_name: str
    expires_at: datetime


class MeOut(BaseModel):
    username: str
    role: str
    display_name: str


# --- slots -----------------------------------------------------------------------------------

class EffecteurOut(BaseModel):
    id: str
    name: str
    kind: str = Field(description="Type d'effecteur", json_schema_extra={"enum": list(effecteurs.KIND_CODES)})
    lat: float
    lon: float
    phone: str | None
    address: str
    city_name: str
    sas_participant: bool
    accepts_extra: bool


class SlotOut(BaseModel):
    slot_id: int
    start: datetime
    end: datetime
    mode: str = Field(description="AMB cabinet, HH visite à domicile, VR téléconsultation")
    slot_type: str = Field(description="SNP, PUBLIC, PRO (TRE-R314)")
    source: str
    fetched_at: datetime | None
    distance_km: float
    effecteur: EffecteurOut


class SearchOut(BaseModel):
    results: list[SlotOut]
    total: int = Field(description="Nombre total de créneaux correspondants (avant la limite)")


class BookingIn(_In):
    orientation_id: UUID = Field(description="UUID de la décision du dossier que la réservation réalise")
    case_id: UUID = Field(description="UUID du dossier (pas l'identifiant Hub)")
    rebook: bool = Field(default=False, description="Annuler le rendez-vous actuel du dossier et réserver celui-ci")
    confirmed_by_phone: bool = Field(default=False, description=(
        "« RDV confirmé par téléphone » : obligatoire pour un créneau d'un éditeur qui ne prend pas de "
        "réservation (l'opérateur a appelé l'effecteur), refusé pour un éditeur qui en prend"))


class BookingOut(BaseModel):
    slot_id: int
    orientation_id: str
    status: Literal["booked"] = "booked"
    booked_via: Literal["editor", "phone"] | None = Field(default=None, description=(
        "editor : rendez-vous créé dans l'agenda de l'éditeur ; phone : confirmé par téléphone ; "
        "absent : réservé dans la console seule"))
    editor: str | None = Field(default=None, description="Éditeur qui tient le rendez-vous (booked_via = editor)")
    appointment_id: str | None = Field(default=None, description=(
        "UUID du rendez-vous chez l'éditeur (identifier urn:oid:1.2.250.1.213.3.6), clé des mises à jour"))
    #: The decision as it now stands, holding the slot.
    orientation: OrientationDoc | None = None


class BookingCancelOut(BaseModel):
    slot_id: int
    case_uuid: str
    status: Literal["cancelled"] = "cancelled"
    editor: str | None = Field(default=None, description="Éditeur où le rendez-vous a été annulé, le cas échéant")
    appointment_id: str | None = None
    orientation: OrientationDoc | None = None


# --- journal ---------------------------------------------------------------------------------

class JournalEntryOut(BaseModel):
    seq: int
    uuid: str
    kind: str = Field(description="case, orientation, booking")
    author: str
    author_role: str
    created_at: datetime
    payload: dict[str, Any]
    prev_hash: str = Field(default="", description="Empreinte SHA-256 de l'entrée précédente")
    entry_hash: str = Field(default="", description="SHA-256 de prev_hash + contenu canonique de l'entrée")


class JournalPage(BaseModel):
    entries: list[JournalEntryOut]
    next_after: int = Field(description="Curseur pour la page suivante (dernier seq renvoyé)")
