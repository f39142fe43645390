"""Wire documents of what happens to a case after its creation: its events, and the room's surge switch.

:class:`CaseEventDoc` is the body of ``PUT /api/v1/cases/{case_uuid}/events/{uuid}``
(status, attribution, hand-over, note, search, take-charge, location…; each type
needs its fields of :data:`EVENT_REQUIRES`), :class:`SearchRecordDoc` the record
of a slot search, :class:`SurgeDoc` the body of ``PUT /api/v1/surge/{uuid}``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.codes import case_codes
from app.codes.fields import MAX_LENGTH as L
from app.codes.fields import UUID
from app.services.records.bounds import Count
from app.services.records.doc_fields import Attribution, AwareDatetime, CaseStatus, Perimeter, Priority, WireDoc

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


class SearchRecordDoc(WireDoc):
    """One slot search done for a case (event ``search``): what was asked, how many answers, who was shown.

    The effecteur ids let an appointment booked on the SAS platform find the case
    it was searched for (:mod:`app.services.booking.appointments`).
    """

    criteria: dict = Field(default_factory=dict)
    result_count: Count
    effecteur_ids: list[str] = Field(default_factory=list, max_length=SEARCH_EFFECTEURS_KEPT)


class CaseEventDoc(WireDoc):
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


class SurgeDoc(WireDoc):
    """The room's surge switch turned on or off: body of ``PUT /api/v1/surge/{uuid}``."""

    uuid: str = Field(min_length=1, max_length=UUID)
    created_at: AwareDatetime
    active: bool
    reason: str = Field(min_length=1, max_length=L["surge_reason"])
