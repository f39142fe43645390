"""Hub Santé messages and FHIR appointments carry the room's offset: +01:00/+02:00 in Paris, +04:00 for SAMU 974.

The instant never changes (the offset is explicit); what a partner reads is the sending room's clock, as the
official samples of metropolitan SAMU show Paris time.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.codes import room_time
from app.services.interop.fhir.appointment import AppointmentRequest, build_appointment
from app.services.interop.fhir.bundle import parse_instant
from app.services.interop.hub.envelope import hub_time, parse_hub_time

WINTER = datetime(2024, 1, 18, 13, 30, tzinfo=timezone.utc)
SUMMER = datetime(2024, 7, 18, 13, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["67", "974"])
def samu(request):
    previous = room_time.set_room(request.param)
    yield request.param
    room_time.set_room(previous)


HUB = {"67": ("2024-01-18T14:30:00+01:00", "2024-07-18T15:30:00+02:00"),
       "974": ("2024-01-18T17:30:00+04:00", "2024-07-18T17:30:00+04:00")}


def test_hub_times_are_the_rooms_with_an_explicit_offset(samu):
    assert (hub_time(WINTER), hub_time(SUMMER)) == HUB[samu]
    assert parse_hub_time(hub_time(WINTER)) == WINTER  # the same instant for any receiver


def test_fhir_appointments_carry_the_rooms_offset(samu):
    resource = build_appointment(AppointmentRequest("urn:x", "a1", WINTER, SUMMER, practitioner_id="810000000001"))
    assert (resource["start"], resource["end"]) == HUB[samu]


def test_an_editor_time_without_offset_is_read_on_the_rooms_clock(samu):
    parsed, had_offset = parse_instant("2024-01-18T14:30:00")
    assert not had_offset
    assert parsed.astimezone(timezone.utc) == {"67": datetime(2024, 1, 18, 13, 30, tzinfo=timezone.utc),
                                               "974": datetime(2024, 1, 18, 10, 30, tzinfo=timezone.utc)}[samu]
