"""Great-circle distances, search boxes and offsets (app.services.search.geo)."""

from __future__ import annotations

import math
import random

import pytest

from app.services.search.geo import (
    EARTH_RADIUS_KM,
    bounding_box,
    format_distance_fr,
    haversine_km,
    is_valid_coordinate,
    offset_km,
)

STRASBOURG = (48.56907, 7.76208)
LILLE = (50.63108, 3.04702)
SAINT_DENIS_REUNION = (-20.94342, 55.4444)


def test_haversine_known_distances():
    assert haversine_km(*STRASBOURG, *STRASBOURG) == 0.0
    # Paris – London, the textbook haversine example: 343.5 km on a 6371 km sphere.
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=0.2)
    assert 405.0 < haversine_km(*STRASBOURG, *LILLE) < 415.0
    # One degree of latitude on the mean sphere.
    assert haversine_km(45.0, 0.0, 46.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 180, rel=1e-9)
    # Half the circumference between antipodes, without a math domain error.
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-9)


def test_haversine_is_symmetric_and_crosses_the_antimeridian():
    assert haversine_km(*STRASBOURG, *LILLE) == pytest.approx(haversine_km(*LILLE, *STRASBOURG))
    assert haversine_km(0.0, 179.9, 0.0, -179.9) == pytest.approx(22.24, abs=0.01)


@pytest.mark.parametrize("centre", [STRASBOURG, SAINT_DENIS_REUNION, (0.0, 0.0), (69.0, 20.0)])
@pytest.mark.parametrize("radius", [0.5, 5.0, 30.0, 250.0])
def test_bounding_box_contains_every_point_of_the_circle(centre, radius):
    box = bounding_box(*centre, radius)
    rng = random.Random(f"{centre}{radius}")
    for _ in range(400):
        # Points on (and just inside) the circle, in every direction.
        bearing = rng.random() * 2 * math.pi
        lat, lon = _destination(*centre, radius * (1 - 1e-9) * rng.choice((1.0, rng.random())), bearing)
        assert haversine_km(*centre, lat, lon) <= radius
        assert box.contains(lat, lon), (lat, lon)


def test_bounding_box_is_tight():
    lat, lon = STRASBOURG
    box = bounding_box(lat, lon, 10.0)
    # The half-height is exactly the radius along the meridian.
    assert haversine_km(lat, lon, box.max_lat, lon) == pytest.approx(10.0, abs=1e-3)
    # The corners lie outside the circle: the box is not needlessly larger.
    assert haversine_km(lat, lon, box.max_lat, box.max_lon) > 10.0
    assert box.max_lon - box.min_lon < 0.3


def test_bounding_box_near_poles_and_antimeridian_spans_all_longitudes():
    polar = bounding_box(89.95, 10.0, 20.0)
    assert (polar.min_lon, polar.max_lon, polar.max_lat) == (-180.0, 180.0, 90.0)
    wrap = bounding_box(-13.3, 179.95, 30.0)  # near Wallis-et-Futuna
    assert (wrap.min_lon, wrap.max_lon) == (-180.0, 180.0)
    assert wrap.contains(-13.3, -179.9)


def test_bounding_box_rejects_bad_radius():
    with pytest.raises(ValueError):
        bounding_box(*STRASBOURG, -1.0)
    with pytest.raises(ValueError):
        bounding_box(*STRASBOURG, float("nan"))


def test_offset_km_moves_by_the_requested_distance():
    lat, lon = offset_km(*STRASBOURG, 3.0, 4.0)
    assert haversine_km(*STRASBOURG, lat, lon) == pytest.approx(5.0, rel=2e-3)
    north, _ = offset_km(*STRASBOURG, 1.0, 0.0)
    assert north > STRASBOURG[0]
    _, west = offset_km(*STRASBOURG, 0.0, -1.0)
    assert west < STRASBOURG[1]


def test_is_valid_coordinate():
    assert is_valid_coordinate(*STRASBOURG)
    assert not is_valid_coordinate(None, 7.0)
    assert not is_valid_coordinate(91.0, 7.0)
    assert not is_valid_coordinate(48.0, float("inf"))


def test_format_distance_fr():
    assert format_distance_fr(0.0) == "0 m"
    assert format_distance_fr(0.8449) == "840 m"
    assert format_distance_fr(0.999) == "1 km"
    assert format_distance_fr(3.24) == "3,2 km"
    assert format_distance_fr(27.4) == "27 km"


def _destination(lat: float, lon: float, distance_km: float, bearing: float) -> tuple[float, float]:
    """Exact spherical destination point (independent of the code under test)."""
    phi1, lambda1, delta = math.radians(lat), math.radians(lon), distance_km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing))
    lambda2 = lambda1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lambda2) + 540.0) % 360.0 - 180.0
