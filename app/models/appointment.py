"""Appointments booked on the national SAS platform (RS-SAS-RDV, domain.md B.7), matched to cases.

One row per platform ``appointmentId`` (unique): the latest state the Hub told us
(``status``: pending, booked, fulfilled, noshow, cancelled), the raw message for
the record, and what the room did with it:

* ``case_uuid`` — the case the appointment belongs to, once matched automatically or
  attached by hand from the "unattached" worklist (``attached_by`` / ``attached_at``;
  ``attach_method`` ``auto`` or ``manual``); ``orientation_uuid`` when it matched a
  booked orientation of that case;
* ``follow_up_since`` — set when the appointment was cancelled or missed (noshow):
  the case is on the "rappeler le patient" worklist until a regulator marks it done
  (``followed_up_by`` / ``followed_up_at``).

Effecteur ids are the platform's prefixed national ids, as the console's
:class:`~app.models.effecteur.Effecteur` ids are: ``8`` + RPPS for a practitioner
(``practitioner.rppsId``), ``3`` + SIRET / ``1`` + FINESS for a structure
(``organization.organizationId``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDStr, new_uuid, utcnow

APPOINTMENT_STATUSES = ("pending", "booked", "fulfilled", "noshow", "cancelled")
#: Statuses that put the case on the follow-up worklist ("rappeler le patient").
FOLLOW_UP_STATUSES = ("noshow", "cancelled")


class Appointment(Base):
    __tablename__ = "appointments"

    uuid: Mapped[str] = mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    #: The platform's ``appointmentId``: the key of later updates.
    appointment_id: Mapped[str] = mapped_column(String(128), unique=True)
    case_uuid: Mapped[str | None] = mapped_column(ForeignKey("cases.uuid", ondelete="SET NULL"), index=True,
                                                  default=None)
    orientation_uuid: Mapped[str | None] = mapped_column(UUIDStr, default=None)
    #: ``practitioner.rppsId`` (IDNPS, ``8`` + RPPS) and ``organization.organizationId``.
    practitioner_id: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    organization_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    effecteur_name: Mapped[str | None] = mapped_column(String(200), default=None)
    #: ``regulator.regulatorId``: the regulator who booked on the platform (IDNPS or INTRN).
    regulator_id: Mapped[str] = mapped_column(String(64), index=True)
    orientation_category: Mapped[str | None] = mapped_column(String(8), default=None)
    #: ``created``: when the appointment was booked on the platform.
    booked_at: Mapped[datetime]
    start: Mapped[datetime]
    end: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(12))
    #: The last RS-SAS-RDV ``appointment`` object received, as is.
    message: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    attached_by: Mapped[str | None] = mapped_column(String(64), default=None)
    attached_at: Mapped[datetime | None] = mapped_column(default=None)
    attach_method: Mapped[str | None] = mapped_column(String(8), default=None)
    follow_up_since: Mapped[datetime | None] = mapped_column(default=None, index=True)
    followed_up_by: Mapped[str | None] = mapped_column(String(64), default=None)
    followed_up_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The agenda editor that holds it when the room booked it there (its FHIR server), else None.
    editor: Mapped[str | None] = mapped_column(String(40), default=None)
    #: Where the editor filed it (its ``Location`` header), for the record.
    editor_location: Mapped[str | None] = mapped_column(String(300), default=None)
    #: When the sender says the reported state was set (FHIR ``meta.lastUpdated``, Hub ``dateTimeSent``):
    #: an update older than this one changes nothing (:mod:`app.services.booking.appointment_updates`).
    status_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def effecteur_ids(self) -> set[str]:
        """The national ids this appointment's effecteur may be known by in the console."""
        return {i for i in (self.practitioner_id, self.organization_id) if i}
