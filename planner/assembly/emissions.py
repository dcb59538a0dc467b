"""CO2e of a plan, from the factors in ``emission_factors.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..domain import Case, Lane
from ..travel import haversine_m

FACTORS = Path(__file__).resolve().parent / "emission_factors.toml"


@dataclass(frozen=True, slots=True)
class EmissionFactors:
    freight_kg_per_tonne_km: dict[str, float]
    route_factor: dict[str, float]
    vehicle_kg_per_km: dict[str, float]

    @classmethod
    def from_file(cls, path: Path = FACTORS) -> EmissionFactors:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            dict(data["freight_kg_per_tonne_km"]), dict(data.get("route_factor", {})),
            dict(data["vehicle_kg_per_km"]),
        )


@cache
def default_factors() -> EmissionFactors:
    return EmissionFactors.from_file()


def lane_metres(case: Case, lane: Lane, factors: EmissionFactors) -> float:
    """Distance a lane covers: great-circle times the mode's route factor
    (the case's detour factor for road and rail)."""
    a = case.site_by_id[lane.origin].location
    b = case.site_by_id[lane.destination].location
    factor = factors.route_factor.get(lane.mode.value, case.settings.travel.detour_factor)
    return float(haversine_m([a], [b])[0, 0]) * factor


def freight_co2e_kg(case: Case, lane: Lane, kg: float, factors: EmissionFactors) -> float:
    tonne_km = kg / 1000 * lane_metres(case, lane, factors) / 1000
    return tonne_km * factors.freight_kg_per_tonne_km[lane.mode.value]


def vehicle_co2e_kg(profile: str, metres: float, factors: EmissionFactors) -> float:
    return metres / 1000 * factors.vehicle_kg_per_km.get(profile, factors.vehicle_kg_per_km["truck"])
