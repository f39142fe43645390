"""Room time: the zone of each département, and times read on the room's clock (expected values by hand)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.codes import room_time


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(("dep", "zone"), [
    ("67", "Europe/Paris"), ("2A", "Europe/Paris"), ("2B", "Europe/Paris"), ("01", "Europe/Paris"),
    ("971", "America/Guadeloupe"), ("972", "America/Martinique"), ("973", "America/Cayenne"),
    ("974", "Indian/Reunion"), ("975", "America/Miquelon"), ("976", "Indian/Mayotte"),
])
def test_each_departement_reads_its_own_clock(dep, zone):
    assert room_time.zone_name(room_time.zone_of(dep)) == zone


@pytest.mark.parametrize(("dep", "text"), [
    ("67", "14:30"), ("974", "17:30"), ("971", "09:30"), ("973", "10:30"), ("976", "16:30"),
])
def test_one_instant_on_each_rooms_clock(dep, text):
    assert room_time.clock(utc(2024, 1, 18, 13, 30), room_time.zone_of(dep)) == text


def test_paris_across_both_dst_changes():
    paris = room_time.zone_of("67")
    assert room_time.stamp(utc(2024, 3, 31, 0, 59, 59), paris) == "2024-03-31T01:59:59+01:00"
    assert room_time.stamp(utc(2024, 3, 31, 1, 0), paris) == "2024-03-31T03:00:00+02:00"
    assert room_time.stamp(utc(2024, 10, 27, 0, 30), paris) == "2024-10-27T02:30:00+02:00"
    assert room_time.stamp(utc(2024, 10, 27, 1, 30), paris) == "2024-10-27T02:30:00+01:00"
    assert room_time.slot_time("2024-03-31T15:30:00+00:00", paris) == "dim. 31/03 17:30"
    assert room_time.day_bounds(date(2024, 3, 31), paris) == (utc(2024, 3, 30, 23), utc(2024, 3, 31, 22))
    assert room_time.day_bounds(date(2024, 10, 27), paris) == (utc(2024, 10, 26, 22), utc(2024, 10, 27, 23))


def test_wall_clock_times_go_back_to_the_right_instant():
    reunion = room_time.zone_of("974")
    assert room_time.at_room_time(datetime(2024, 1, 18, 8, 0), reunion) == utc(2024, 1, 18, 4)
    assert room_time.wall_clock(utc(2024, 1, 18, 4), reunion) == datetime(2024, 1, 18, 8, 0)
    paris = room_time.zone_of("67")
    assert room_time.at_room_time(datetime(2024, 3, 31, 2, 30), paris) == utc(2024, 3, 31, 1, 30)  # no 02:30 that day
    assert room_time.at_room_time(datetime(2024, 10, 27, 2, 30), paris) == utc(2024, 10, 27, 0, 30)  # the first


def test_naive_and_text_times_are_utc():
    paris = room_time.zone_of("67")
    assert room_time.full(datetime(2024, 1, 18, 13, 30), paris) == "18/01/2024 14:30:00"
    assert room_time.full("2024-01-18T13:30:00Z", paris) == "18/01/2024 14:30:00"
    assert room_time.day_clock("2024-01-18T14:30:00+01:00", room_time.zone_of("974")) == "18/01 17:30"


def test_a_samus_hub_id_names_its_departement():
    assert room_time.departement_of_owner("fr.health.samu670") == "67"
    assert room_time.departement_of_owner("fr.health.samu974") == "974"
    assert room_time.departement_of_owner("fr.health.samu2A0") == "2A"
    assert room_time.departement_of_owner("fr.health.samu999") is None
    assert room_time.departement_of_owner("fr.health.hub") is None


def test_the_process_room_is_set_once_and_refuses_a_wrong_code():
    previous = room_time.set_room("974")
    try:
        assert room_time.room_departement() == "974"
        assert room_time.clock(utc(2024, 1, 18, 13, 30)) == "17:30"
        with pytest.raises(ValueError):
            room_time.set_room("20")
        assert room_time.room_departement() == "974"
    finally:
        room_time.set_room(previous)
