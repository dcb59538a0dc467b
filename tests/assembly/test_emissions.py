from __future__ import annotations

import pytest

from planner.assembly.emissions import (
    EmissionFactors,
    freight_co2e_kg,
    lane_metres,
    vehicle_co2e_kg,
)
from planner.domain import Case
from planner.travel import haversine_m


def test_air_lane_co2e_by_hand(tiny_case: Case) -> None:
    factors = EmissionFactors({"air": 1.0, "reefer_truck": 0.2}, {"air": 1.1}, {"truck": 0.5})
    lane = next(lane for lane in tiny_case.lanes if lane.id == "nib-lax-air")
    a, b = tiny_case.site_by_id["nib"].location, tiny_case.site_by_id["lax"].location
    km = haversine_m([a], [b])[0, 0] / 1000 * 1.1
    assert lane_metres(tiny_case, lane, factors) / 1000 == pytest.approx(km)
    assert freight_co2e_kg(tiny_case, lane, 500.0, factors) == pytest.approx(0.5 * km * 1.0)


def test_road_lane_uses_the_case_detour_factor(tiny_case: Case) -> None:
    factors = EmissionFactors({"reefer_truck": 0.2}, {}, {"truck": 0.5})
    lane = next(lane for lane in tiny_case.lanes if lane.id == "chu-hn-reefer")
    a, b = tiny_case.site_by_id["ph-chu"].location, tiny_case.site_by_id["hub-hn"].location
    assert lane_metres(tiny_case, lane, factors) == pytest.approx(haversine_m([a], [b])[0, 0] * 1.3)


def test_vehicle_co2e_falls_back_to_truck() -> None:
    factors = EmissionFactors({}, {}, {"truck": 0.5, "motorbike": 0.1})
    assert vehicle_co2e_kg("motorbike", 10_000, factors) == pytest.approx(1.0)
    assert vehicle_co2e_kg("tractor", 10_000, factors) == pytest.approx(5.0)


def test_default_factors_load() -> None:
    f = EmissionFactors.from_file()
    assert set(f.freight_kg_per_tonne_km) >= {"road", "reefer_truck", "air", "rail", "sea"}
    assert f.freight_kg_per_tonne_km["air"] > f.freight_kg_per_tonne_km["sea"]
