"""Effecteurs (who can see the patient), their consultation sites and their slots.

An effecteur is a practitioner or a structure (SOS Médecins, MSP, centre de
santé, pharmacie de garde, infirmier).  Slot fields follow the SAS FHIR guide:
``mode`` is the v3-ActCode consultation mode (AMB office, HH home visit, VR
teleconsultation), ``slot_type`` the TRE-R314 type (SNP, PUBLIC, PRO).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes import effecteurs
from app.models.base import Base, UUIDStr

EFFECTEUR_KINDS = effecteurs.KINDS
SLOT_MODES = effecteurs.SLOT_MODES


class Effecteur(Base):
    __tablename__ = "effecteurs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: RPPS (11 digits) for a practitioner; None for a structure.
    rpps_id: Mapped[str | None] = mapped_column(String(11), default=None, index=True)
    #: FINESS or SIRET for a structure.
    organization_id: Mapped[str | None] = mapped_column(String(20), default=None)
    #: TRE-R38 specialty (SM54 general medicine) or profession label.
    specialty_code: Mapped[str | None] = mapped_column(String(8), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    sas_participant: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Accepts patients beyond their slots ("en sus des disponibilités").
    accepts_extra: Mapped[bool] = mapped_column(Boolean, default=False)

    sites: Mapped[list[ConsultationSite]] = relationship(
        back_populates="effecteur", cascade="all, delete-orphan"
    )


class ConsultationSite(Base):
    __tablename__ = "consultation_sites"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    effecteur_id: Mapped[str] = mapped_column(ForeignKey("effecteurs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    city_name: Mapped[str] = mapped_column(String(120))
    city_insee_code: Mapped[str] = mapped_column(String(5))
    postal_code: Mapped[str | None] = mapped_column(String(5), default=None)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    effecteur: Mapped[Effecteur] = relationship(back_populates="sites")

    __table_args__ = (Index("ix_consultation_sites_lat_lon", "lat", "lon"),)


class Slot(Base):
    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("consultation_sites.id", ondelete="CASCADE"), index=True)
    effecteur_id: Mapped[str] = mapped_column(ForeignKey("effecteurs.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(4), default="AMB")
    slot_type: Mapped[str] = mapped_column(String(8), default="SNP")
    #: free or booked (the FHIR Slot status).
    status: Mapped[str] = mapped_column(String(8), default="free")
    #: Where the slot came from: demo, manual, or an agenda editor's name.
    source: Mapped[str] = mapped_column(String(40), default="demo")
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    booked_orientation_uuid: Mapped[str | None] = mapped_column(UUIDStr, default=None, unique=True)
    #: The editor's own id of the slot (FHIR ``Slot.id``), for the Appointment's ``slot`` reference.
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: While a booking waits for the editor's answer: the slot is ``held`` until then.
    held_until: Mapped[datetime | None] = mapped_column(default=None)
    #: How the booking was confirmed: ``editor`` (201 from its FHIR server), ``phone``
    #: (« RDV confirmé par téléphone », an editor that only shows slots), None (ours alone).
    booked_via: Mapped[str | None] = mapped_column(String(8), default=None)

    site: Mapped[ConsultationSite] = relationship()
    effecteur: Mapped[Effecteur] = relationship()

    __table_args__ = (Index("ix_slots_status_start", "status", "start"),)
