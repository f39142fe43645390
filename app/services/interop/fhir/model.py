"""What a slot search brings back, as plain dataclasses (no FHIR library, no database).

:class:`AgendaSlot` is one free slot with the effecteur who holds it, the place, the
consultation modes and slot types as the editor coded them, and the CPTS it belongs to
(several are possible).  The importer turns these into our Effecteur / ConsultationSite / Slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.services.interop.fhir.codes import DEFAULT_SLOT_TYPE, primary_slot_type


@dataclass(frozen=True)
class AgendaPlace:
    """Where the consultation happens (a Location); ``precision`` says where the coordinates came from:
    ``"position"`` (the editor's Location.position), ``"commune"`` (the commune's centroid) or None."""

    key: str
    name: str
    address: str
    city: str
    postal_code: str | None = None
    insee: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    phone: str | None = None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class AgendaEffecteur:
    """The practitioner (kind ``MG``) or structure (kind ``SOS``) who sees the patient.

    ``national_id`` is the prefixed identifier (``8`` + RPPS, ``0`` + ADELI, ``3`` + SIRET…),
    ``id_kind`` its kind (RPPS, ADELI, FINESS, SIRET…).
    """

    national_id: str
    id_kind: str
    kind: str
    name: str
    rpps: str | None = None
    specialty_code: str | None = None
    phone: str | None = None

    @property
    def key(self) -> str:
        """Our Effecteur id for an effecteur first seen through FHIR (fits its 40 characters)."""
        family = "ps" if self.kind == "MG" else "st"
        return f"fhir-{family}-{self.national_id}"[:40]


@dataclass(frozen=True)
class Cpts:
    """A CPTS (Organization behind the slot's HealthcareService)."""

    identifier: str | None
    name: str
    phone: str | None = None


@dataclass(frozen=True)
class AgendaSlot:
    """One free slot of an editor's agenda."""

    fhir_id: str
    start: datetime
    end: datetime
    modes: tuple[str, ...] = ("AMB",)
    slot_types: tuple[str, ...] = (DEFAULT_SLOT_TYPE,)
    specialties: tuple[str, ...] = ()
    motives: tuple[str, ...] = ()
    walk_in: bool = False
    booking_url: str | None = None
    effecteur: AgendaEffecteur | None = None
    place: AgendaPlace | None = None
    cpts: tuple[Cpts, ...] = ()
    editor: str | None = None

    @property
    def mode(self) -> str:
        """The mode stored on our slot: the editor's first one."""
        return self.modes[0] if self.modes else "AMB"

    @property
    def slot_type(self) -> str:
        return primary_slot_type(self.slot_types)


@dataclass
class ParsedBundle:
    """A searchset Bundle read into slots; ``warnings`` (French) say what was skipped and why."""

    slots: list[AgendaSlot] = field(default_factory=list)
    total: int | None = None
    next_url: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def effecteurs(self) -> dict[str, AgendaEffecteur]:
        found: dict[str, AgendaEffecteur] = {}
        for slot in self.slots:
            if slot.effecteur is not None:
                found.setdefault(slot.effecteur.national_id, slot.effecteur)
        return found
