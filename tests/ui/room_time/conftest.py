"""Fixtures of the room-time screen tests: the computer's zone, the room, one night told (tests.helpers.room_clock)."""

from tests.helpers.room_clock import machine_tz, night, room  # noqa: F401  (fixtures)
