"""The orientation: a regulation decision on a case and, when booked, its slot.

Decision fields are the Hub RS-EDA ``decision`` codes (domain.md A.5):
``decision_type`` (CONSEIL, PMT, INTER, ORIENT, PASPLUS), ``resource_type``
(LIBERAL.MG, SMUR.ADULT...), ``orientation_type`` (CABINET, DOMICILE,
URGENCES...).  ``decision_key`` is the console's own name for the decision the
user chose (see :mod:`app.services.regulation.decisions`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.codes.fields import MAX_LENGTH as L
from app.models.base import Base, UUIDStr, new_uuid, utcnow


class Orientation(Base):
    __tablename__ = "orientations"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("cases.uuid"), index=True)
    creation: Mapped[datetime] = mapped_column(default=utcnow)
    decision_key: Mapped[str] = mapped_column(String(32))
    decision_type: Mapped[str] = mapped_column(String(8))
    resource_type: Mapped[str | None] = mapped_column(String(L["resource_type"]), default=None)
    orientation_type: Mapped[str | None] = mapped_column(String(12), default=None)
    medical_transport: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # The booked slot, when there is one (copied so the record stands alone).
    slot_id: Mapped[int | None] = mapped_column(Integer, default=None)
    effecteur_id: Mapped[str | None] = mapped_column(String(L["effecteur_id"]), default=None)
    effecteur_name: Mapped[str | None] = mapped_column(String(L["effecteur_name"]), default=None)
    appointment_start: Mapped[datetime | None] = mapped_column(default=None)
    appointment_end: Mapped[datetime | None] = mapped_column(default=None)
    appointment_mode: Mapped[str | None] = mapped_column(String(4), default=None)
    freetext: Mapped[str | None] = mapped_column(Text, default=None)
    author: Mapped[str] = mapped_column(String(L["author"]), default="")
    author_role: Mapped[str] = mapped_column(String(L["author_role"]), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
