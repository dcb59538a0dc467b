"""Freight lanes: scheduled or on-demand services between two sites."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    ROAD = "road"
    REEFER_TRUCK = "reefer_truck"
    AIR = "air"
    RAIL = "rail"
    SEA = "sea"


@dataclass(frozen=True, slots=True, order=True)
class Departure:
    """A scheduled departure at ``time``; cargo must be at the origin by ``cutoff``."""

    time: int
    cutoff: int

    def __post_init__(self) -> None:
        if self.cutoff > self.time:
            msg = f"departure at {self.time}: cut-off {self.cutoff} is after departure"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Lane:
    """A freight service. ``departures`` empty means on demand (leaves when
    loaded, ``handling_s`` after the cargo is ready)."""

    id: str
    origin: str
    destination: str
    mode: Mode
    partner: str
    transit_s: int
    unit_name: str
    unit_kg: float
    unit_boxes: int
    units_per_departure: int
    temperature_c: float
    cost_per_unit: float = 0.0
    cost_per_kg: float = 0.0
    min_charge: float = 0.0
    departures: tuple[Departure, ...] = ()
    handling_s: int = 0

    def __post_init__(self) -> None:
        if self.origin == self.destination:
            msg = f"lane {self.id}: origin and destination are the same site {self.origin}"
            raise ValueError(msg)
        if self.transit_s <= 0:
            msg = f"lane {self.id}: transit must be positive, got {self.transit_s}"
            raise ValueError(msg)
        if self.unit_kg <= 0 or self.units_per_departure <= 0:
            msg = f"lane {self.id}: unit_kg and units_per_departure must be positive"
            raise ValueError(msg)
        if min(self.cost_per_unit, self.cost_per_kg, self.min_charge, self.unit_boxes) < 0:
            msg = f"lane {self.id}: costs and unit_boxes must be >= 0"
            raise ValueError(msg)
        if list(self.departures) != sorted(self.departures):
            msg = f"lane {self.id}: departures must be sorted"
            raise ValueError(msg)

    @property
    def on_demand(self) -> bool:
        return not self.departures

    def unit_cost(self, kg: float) -> float:
        """Cost of one unit carrying ``kg``, with the minimum charge."""
        return max(self.cost_per_unit + self.cost_per_kg * kg, self.min_charge)
