"""The regulation case (dossier de régulation), its patients and its notes.

Column names follow the Hub Santé RS-EDA ``createCaseHealth`` vocabulary
(domain.md A.3) in snake_case, so that exporting a case is a mapping:
``case_id`` → ``caseId``, ``health_motive_code`` → ``qualification.healthMotive.code``,
``caller_phone`` → ``initialAlert.caller.callerContact.detail`` and so on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes.case_codes import CASE_STATUSES, PERIMETERS
from app.codes.fields import MAX_LENGTH as L
from app.codes.priorities import CODES as PRIORITIES
from app.models.base import Base, UUIDStr, new_uuid, utcnow

__all__ = ["CASE_STATUSES", "PERIMETERS", "PRIORITIES", "Case", "CaseDraft", "CaseEvent", "CaseNote", "Patient",
           "SurgeSwitch"]


class Case(Base):
    __tablename__ = "cases"
    #: The waiting queue's query: not decided, not ended (migration 0006).
    __table_args__ = (Index("ix_cases_waiting", "decided_at", "status"),)

    #: Client-generated UUID: the idempotency key of every write.
    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    #: Hub ``caseId``: fr.health.samu670.DRFR15670YYDDDNNNNN
    case_id: Mapped[str] = mapped_column(String(L["case_id"]), unique=True)
    #: Hub ``owner``: the CRRA in charge, fr.health.samu670
    owner: Mapped[str] = mapped_column(String(L["owner"]))
    creation: Mapped[datetime] = mapped_column(default=utcnow)
    #: ``initialAlert.reception``: when the call was presented to the room.
    reception: Mapped[datetime | None] = mapped_column(default=None)
    #: ``qualification.origin``: 15, 116117, 112...
    origin: Mapped[str] = mapped_column(String(L["origin"]), default="15")
    perimeter: Mapped[str | None] = mapped_column(String(8), default=None)
    priority: Mapped[str] = mapped_column(String(2), default="NR")
    attribution: Mapped[str | None] = mapped_column(String(L["attribution"]), default=None)
    status: Mapped[str] = mapped_column(String(10), default="ACTIF")
    health_motive_code: Mapped[str | None] = mapped_column(String(L["health_motive_code"]), default=None)
    health_motive_label: Mapped[str | None] = mapped_column(String(L["health_motive_label"]), default=None)
    whats_happen_code: Mapped[str | None] = mapped_column(String(L["whats_happen_code"]), default=None)
    whats_happen_label: Mapped[str | None] = mapped_column(String(L["whats_happen_label"]), default=None)
    location_kind_code: Mapped[str | None] = mapped_column(String(L["location_kind_code"]), default=None)
    location_kind_label: Mapped[str | None] = mapped_column(String(L["location_kind_label"]), default=None)

    # initialAlert.caller
    caller_name: Mapped[str | None] = mapped_column(String(L["caller_name"]), default=None)
    caller_type: Mapped[str | None] = mapped_column(String(16), default=None)
    #: ``callerContact.detail`` in E.164 (+33...).
    caller_phone: Mapped[str | None] = mapped_column(String(L["caller_phone"]), default=None)
    #: ``callbackContact.detail``; equal to caller_phone unless told otherwise.
    callback_phone: Mapped[str | None] = mapped_column(String(L["callback_phone"]), default=None)
    #: ``caller.language``: ISO 639-1 code (fr, en, ar...).
    caller_language: Mapped[str | None] = mapped_column(String(2), default=None)
    #: ``caller.communication``: AUCUNE, MUET, VISION, LANGUE, PANIQUE, HOSTILE, AGITE, AUTRE, IMPOSS.
    caller_communication: Mapped[str | None] = mapped_column(String(10), default=None)

    # location
    address_complete: Mapped[str | None] = mapped_column(String(L["address_complete"]), default=None)
    city_name: Mapped[str | None] = mapped_column(String(L["city_name"]), default=None)
    city_insee_code: Mapped[str | None] = mapped_column(String(L["city_insee_code"]), default=None)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    #: ``coord.precision``: VILLE, RUE, ADRESSE, EXACTE, INCONNUE
    coord_precision: Mapped[str | None] = mapped_column(String(10), default=None)
    access_details: Mapped[str | None] = mapped_column(Text, default=None)
    # location.access, split as the Hub writes it
    access_building: Mapped[str | None] = mapped_column(String(L["access_building"]), default=None)
    access_floor: Mapped[str | None] = mapped_column(String(L["access_floor"]), default=None)
    access_code: Mapped[str | None] = mapped_column(String(L["access_code"]), default=None)
    access_intercom: Mapped[str | None] = mapped_column(String(L["access_intercom"]), default=None)
    #: ``qualification.riskThreat[]`` codes (R01, R05...).
    risk_threat_codes: Mapped[list | None] = mapped_column(JSON, default=None)

    # the clocks (``reception`` is when the call was presented)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    handed_over_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Where ``reception`` and ``answered_at`` come from (migration 0011): ``phone`` once a call of the room's
    #: telephone gave them (:mod:`app.services.calls.clocks`); None (typed by hand) otherwise.  Set by the
    #: server only, never by a case document.
    clock_source: Mapped[str | None] = mapped_column(String(8), default=None)
    #: P0 hand-over to the MRU with the ARM still on the line: never parked in the queue.
    accompanied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Who has the case in hand ("prise en charge", migration 0007): derived from the case's ``take_charge``
    #: event, cleared by ``release``, a hand-over or a closing; never written by a case document.
    holder: Mapped[str | None] = mapped_column(String(L["author"]), default=None)
    holder_name: Mapped[str | None] = mapped_column(String(128), default=None)
    held_since: Mapped[datetime | None] = mapped_column(default=None)

    # routing (domain.md A.2 step 3)
    suggested_perimeter: Mapped[str | None] = mapped_column(String(8), default=None)
    suggested_attribution: Mapped[str | None] = mapped_column(String(32), default=None)
    #: Whether the room was in surge mode (MRU/MRL split suspended) when the case was routed.
    surge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    patients: Mapped[list[Patient]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Patient.rank"
    )
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseNote.creation"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.created_at"
    )


class Patient(Base):
    __tablename__ = "patients"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid", ondelete="CASCADE"), index=True)
    #: Hub ``patientId``: {orgId}.patient.{n}
    patient_id: Mapped[str] = mapped_column(String(L["patient_id"]))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    birth_name: Mapped[str | None] = mapped_column(String(L["birth_name"]), default=None)
    last_name: Mapped[str | None] = mapped_column(String(L["last_name"]), default=None)
    first_name: Mapped[str | None] = mapped_column(String(L["first_name"]), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    #: ISO 8601 duration in one unit (P45Y, P3M), as the Hub writes it.
    age: Mapped[str | None] = mapped_column(String(8), default=None)
    sex: Mapped[str | None] = mapped_column(String(2), default=None)
    general_practitioner_name: Mapped[str | None] = mapped_column(String(L["general_practitioner_name"]), default=None)
    general_practitioner_rpps: Mapped[str | None] = mapped_column(String(L["general_practitioner_rpps"]), default=None)

    case: Mapped[Case] = relationship(back_populates="patients")


class CaseNote(Base):
    """A free-text note on the case, stamped with its time and its author's role."""

    __tablename__ = "case_notes"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid", ondelete="CASCADE"), index=True)
    creation: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(L["author"]))
    author_role: Mapped[str] = mapped_column(String(L["author_role"]))
    freetext: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="notes")


class CaseEvent(Base):
    """One append-only change to a case (status, attribution, note, hand-over, routing override).

    A case is created once by ``PUT /cases/{uuid}``; everything that happens to it
    afterwards is an event ``PUT /cases/{uuid}/events/{event_uuid}``, applied to the
    case row and kept here (and in the journal) so who changed what stays known.
    """

    __tablename__ = "case_events"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid", ondelete="CASCADE"), index=True)
    #: status, attribution, note, handover, routing_override, answered
    type: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(L["author"]), default="")
    author_role: Mapped[str] = mapped_column(String(L["author_role"]), default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class SurgeSwitch(Base):
    """The room's surge switch: each row turns it on or off, with who and why (latest row wins)."""

    __tablename__ = "surge_switches"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    active: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    author: Mapped[str] = mapped_column(String(L["author"]), default="")
    author_role: Mapped[str] = mapped_column(String(L["author_role"]), default="")


class CaseDraft(Base):
    """An intake form saved as typed (possibly invalid), local to the desk: nothing typed is lost."""

    __tablename__ = "case_drafts"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    author: Mapped[str] = mapped_column(String(L["author"]), default="")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    form: Mapped[dict] = mapped_column(JSON, default=dict)
