"""The regulation case (dossier de régulation), its patients and its notes.

Column names follow the Hub Santé RS-EDA ``createCaseHealth`` vocabulary
(domain.md A.3) in snake_case, so that exporting a case is a mapping:
``case_id`` → ``caseId``, ``health_motive_code`` → ``qualification.healthMotive.code``,
``caller_phone`` → ``initialAlert.caller.callerContact.detail`` and so on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UUIDStr, new_uuid, utcnow

PRIORITIES = ("P0", "P1", "P2", "P3", "NR")
PERIMETERS = ("AMU", "SNP", "PSY", "NEONAT")
CASE_STATUSES = ("PROGRAM", "ACTIF", "ACHEVE", "VALIDE", "CLOTURE", "CLASSE", "ARCHIVE")


class Case(Base):
    __tablename__ = "cases"

    #: Client-generated UUID: the idempotency key of every write.
    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    #: Hub ``caseId``: fr.health.samu670.DRFR15670YYDDDNNNNN
    case_id: Mapped[str] = mapped_column(String(80), unique=True)
    #: Hub ``owner``: the CRRA in charge, fr.health.samu670
    owner: Mapped[str] = mapped_column(String(64))
    creation: Mapped[datetime] = mapped_column(default=utcnow)
    #: ``initialAlert.reception``: when the call was presented to the room.
    reception: Mapped[datetime | None] = mapped_column(default=None)
    #: ``qualification.origin``: 15, 116117, 112...
    origin: Mapped[str] = mapped_column(String(16), default="15")
    perimeter: Mapped[str | None] = mapped_column(String(8), default=None)
    priority: Mapped[str] = mapped_column(String(2), default="NR")
    attribution: Mapped[str | None] = mapped_column(String(32), default=None)
    status: Mapped[str] = mapped_column(String(10), default="ACTIF")
    health_motive_code: Mapped[str | None] = mapped_column(String(16), default=None)
    health_motive_label: Mapped[str | None] = mapped_column(String(200), default=None)
    whats_happen_code: Mapped[str | None] = mapped_column(String(16), default=None)
    whats_happen_label: Mapped[str | None] = mapped_column(String(200), default=None)
    location_kind_code: Mapped[str | None] = mapped_column(String(16), default=None)
    location_kind_label: Mapped[str | None] = mapped_column(String(200), default=None)

    # initialAlert.caller
    caller_name: Mapped[str | None] = mapped_column(String(200), default=None)
    caller_type: Mapped[str | None] = mapped_column(String(16), default=None)
    #: ``callerContact.detail`` in E.164 (+33...).
    caller_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    #: ``callbackContact.detail``; equal to caller_phone unless told otherwise.
    callback_phone: Mapped[str | None] = mapped_column(String(20), default=None)

    # location
    address_complete: Mapped[str | None] = mapped_column(String(300), default=None)
    city_name: Mapped[str | None] = mapped_column(String(120), default=None)
    city_insee_code: Mapped[str | None] = mapped_column(String(5), default=None)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    #: ``coord.precision``: VILLE, RUE, ADRESSE, EXACTE, INCONNUE
    coord_precision: Mapped[str | None] = mapped_column(String(10), default=None)
    access_details: Mapped[str | None] = mapped_column(Text, default=None)

    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    patients: Mapped[list[Patient]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Patient.rank"
    )
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseNote.creation"
    )


class Patient(Base):
    __tablename__ = "patients"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid", ondelete="CASCADE"), index=True)
    #: Hub ``patientId``: {orgId}.patient.{n}
    patient_id: Mapped[str] = mapped_column(String(120))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    birth_name: Mapped[str | None] = mapped_column(String(120), default=None)
    last_name: Mapped[str | None] = mapped_column(String(120), default=None)
    first_name: Mapped[str | None] = mapped_column(String(120), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    #: ISO 8601 duration in one unit (P45Y, P3M), as the Hub writes it.
    age: Mapped[str | None] = mapped_column(String(8), default=None)
    sex: Mapped[str | None] = mapped_column(String(2), default=None)
    general_practitioner_name: Mapped[str | None] = mapped_column(String(200), default=None)
    general_practitioner_rpps: Mapped[str | None] = mapped_column(String(11), default=None)

    case: Mapped[Case] = relationship(back_populates="patients")


class CaseNote(Base):
    """A free-text note on the case, stamped with its time and its author's role."""

    __tablename__ = "case_notes"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid", ondelete="CASCADE"), index=True)
    creation: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(16))
    freetext: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="notes")
