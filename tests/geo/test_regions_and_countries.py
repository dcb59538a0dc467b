"""ISO 3166 (pycountry) and Natural Earth country outlines."""

from __future__ import annotations

import pytest

from planner.geo.countries import haversine_m, outside
from planner.geo.regions import country_guess, country_name, region_of


@pytest.mark.parametrize(
    ("country", "text", "code", "by_name"),
    [("US", "FL", "FL", False), ("US", "us-fl", "FL", False), ("US", "Florida", "FL", True),
     ("VN", "Hà Nội", "HN", True), ("VN", "Ho Chi Minh City", "SG", True), ("AU", "NSW", "NSW", False),
     ("JP", "Tokyo", "13", True)],
)
def test_regions_by_code_or_name(country, text, code, by_name):
    found = region_of(country, text)
    assert found is not None and (found.code, found.by_name) == (code, by_name)


def test_not_a_region():
    assert region_of("US", "Floridaa") is None
    assert region_of("VN", "Dong Da") is None  # a district: no ISO 3166-2 code


def test_countries():
    assert country_name("VN") == "Vietnam" and country_name("XX") == ""
    assert country_guess("USA") == "US" and country_guess("Viet Nam") == "VN" and country_guess("Mars") == ""


def test_points_outside_their_country():
    # Los Angeles in the US; the same with its longitude's sign lost lies in China, 4,700 km from
    # the nearest US land (the Northern Mariana Islands, overseas parts count)
    far = outside("US", [34.05, 34.05], [-118.24, 118.24], tolerance_m=10_000)
    assert [i for i, _ in far] == [1] and 4_500_000 < far[0][1] < 5_000_000
    assert outside("VN", [20.83], [106.92], tolerance_m=10_000) == []  # Lach Huyen port, on the coast
    assert outside("ZZ", [0.0], [0.0], tolerance_m=1) == []  # unknown code: nothing to say


def test_haversine_by_hand():
    # one degree of latitude: 6,371,008.8 m * pi / 180 = 111,195.08 m
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(111_195.08, abs=0.01)
