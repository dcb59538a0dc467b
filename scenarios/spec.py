"""What a scenario file says, as frozen validated dataclasses.

Times are engine seconds from the start of the simulated day, temperatures C,
weights kg; days are numbered from 0 (the first simulated day)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .distributions import Distribution

ONE = Distribution.fixed(1.0)
ZERO = Distribution.fixed(0.0)


@dataclass(frozen=True, slots=True)
class StreamScale:
    """Scales the kg ordered in the streams (destination city, market) it matches;
    an empty ``city`` or ``market`` matches every value."""

    scale: Distribution
    city: str = ""
    market: str = ""

    def matches(self, city: str, market: str) -> bool:
        return (not self.city or self.city == city) and (not self.market or self.market == market)


@dataclass(frozen=True, slots=True)
class DemandSpec:
    """Each day's orders come from the case generator
    (:func:`planner.casegen.generate_orders`): as many orders as the base case
    has, times ``scale`` (one draw a day) and ``by_day[d]``; ``streams`` scale
    the orders of a (destination city, market) stream by thinning an
    oversampled draw; orders are placed over ``window_h`` hours from
    ``window_start_h`` (hours from the day's midnight; negative: the evening
    before). ``b2b_share`` None keeps the base case's share."""

    scale: Distribution = ONE
    by_day: tuple[float, ...] = ()
    streams: tuple[StreamScale, ...] = ()
    b2b_share: float | None = None
    window_start_h: float = -6.0
    window_h: float = 6.0

    def __post_init__(self) -> None:
        if self.b2b_share is not None and not 0.0 <= self.b2b_share < 1.0:
            raise ValueError(f"b2b_share must be in [0, 1), got {self.b2b_share}")
        if self.window_h <= 0:
            raise ValueError(f"window_h must be > 0, got {self.window_h}")
        if any(x < 0 for x in self.by_day):
            raise ValueError("by_day multipliers must be >= 0")


@dataclass(frozen=True, slots=True)
class HarvestSpec:
    """Each day's lots come from the case generator
    (:func:`planner.casegen.generate_lots`), commune by commune: as many lots
    as the base case has in the commune, times ``scale`` (one draw a day),
    ``by_day[d]`` and the commune's own scale (a distribution). Lot sizes and
    harvest times follow the generator."""

    scale: Distribution = ONE
    by_day: tuple[float, ...] = ()
    communes: Mapping[str, Distribution] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(x < 0 for x in self.by_day):
            raise ValueError("by_day multipliers must be >= 0")
        object.__setattr__(self, "communes", MappingProxyType(dict(self.communes)))


@dataclass(frozen=True, slots=True)
class WeatherSpec:
    """The ambient temperature of day d is the base hourly profile plus
    ``offset_c`` (one draw a day), ``by_day_c[d]`` and hourly noise."""

    offset_c: Distribution = ZERO
    by_day_c: tuple[float, ...] = ()
    hourly_sd_c: float = 0.0

    def __post_init__(self) -> None:
        if self.hourly_sd_c < 0:
            raise ValueError(f"hourly_sd_c must be >= 0, got {self.hourly_sd_c}")


@dataclass(frozen=True, slots=True)
class FleetChange:
    """Add ``add`` vehicles to a type, or set its ``count``."""

    vehicle_type: str
    add: int = 0
    count: int | None = None

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 0:
            raise ValueError(f"count must be >= 0, got {self.count}")

    def new_count(self, current: int) -> int:
        return max(0, self.count if self.count is not None else current + self.add)


@dataclass(frozen=True, slots=True)
class LaneChange:
    """Change a lane's capacity or costs, or remove it."""

    lane: str
    remove: bool = False
    units_per_departure: int | None = None
    cost_factor: float = 1.0
    transit_factor: float = 1.0

    def __post_init__(self) -> None:
        if self.units_per_departure is not None and self.units_per_departure < 1:
            raise ValueError("units_per_departure must be >= 1")
        if self.cost_factor < 0 or self.transit_factor <= 0:
            raise ValueError("cost_factor must be >= 0 and transit_factor > 0")


@dataclass(frozen=True, slots=True)
class PackingHouseAdd:
    """A new packing house at (``lat``, ``lon``), built ``like`` an existing
    one: it copies that house's opening hours, intake, pre-cooling and cold
    store, and its freight lanes (same partners, units and tariffs; transit
    longer or shorter by the extra road distance at the case's truck speed).
    ``vehicles`` moves that many vehicles of each named pickup type to it
    (taken from the type's count, so the fleet does not grow)."""

    id: str
    like: str
    lat: float
    lon: float
    name: str = ""
    commune: str = ""
    vehicles: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id or not self.like:
            raise ValueError("id and like are required")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"lat, lon must be a WGS84 point, got {self.lat}, {self.lon}")
        if any(n < 1 for n in self.vehicles.values()):
            raise ValueError("vehicles: each count must be >= 1")
        object.__setattr__(self, "vehicles", MappingProxyType(dict(self.vehicles)))


class DisruptionKind(StrEnum):
    VEHICLE_BREAKDOWN = "vehicle_breakdown"
    FLIGHT_CANCELLATION = "flight_cancellation"
    TREATMENT_OUTAGE = "treatment_outage"
    PACKING_HOUSE_OUTAGE = "packing_house_outage"
    ROAD_DELAY = "road_delay"


TARGET_KEY = {
    DisruptionKind.VEHICLE_BREAKDOWN: "vehicle_type",
    DisruptionKind.FLIGHT_CANCELLATION: "lane",
    DisruptionKind.TREATMENT_OUTAGE: "site",
    DisruptionKind.PACKING_HOUSE_OUTAGE: "site",
    DisruptionKind.ROAD_DELAY: "",
}


@dataclass(frozen=True, slots=True)
class Disruption:
    """An event that happens on the listed ``days`` or, on any other day, with
    ``probability``. ``target`` is the vehicle type, lane or site it hits.

    - vehicle_breakdown: ``amount`` vehicles of the type are out for the day;
    - flight_cancellation: the lane's departures from ``start_h`` for
      ``hours`` hours (by default: the day's) are cancelled;
    - treatment_outage / packing_house_outage: the site is closed from
      ``start_h`` for ``hours`` hours;

    An outage or cancellation longer than the rest of its day goes on over
    midnight: the planner knows it on its first day, and the next days' plans
    see what is left of it.
    - road_delay: travel speeds are divided by ``amount`` (a factor >= 1).

    ``announced_h`` None: known when the day is planned. A number: announced
    at that hour of the day it starts; the morning plan does not know it, and
    at the announcement the freight that has not yet left is re-planned with
    the disruption in force (pickups already dispatched run as planned)."""

    kind: DisruptionKind
    target: str = ""
    days: tuple[int, ...] = ()
    probability: float = 0.0
    amount: Distribution = ONE
    start_h: float = 0.0
    hours: float = 24.0
    announced_h: float | None = None

    def __post_init__(self) -> None:
        if self.announced_h is not None and not 0.0 <= self.announced_h < 24.0:
            raise ValueError(f"announced_h must be in [0, 24), got {self.announced_h}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be in [0, 1], got {self.probability}")
        if not self.days and self.probability == 0.0:
            raise ValueError("needs days (or dates) or a probability > 0")
        if any(d < 0 for d in self.days):
            raise ValueError("days must be >= 0")
        if TARGET_KEY[self.kind] and not self.target:
            raise ValueError(f"{self.kind} needs {TARGET_KEY[self.kind]}")
        if self.hours <= 0 or not 0 <= self.start_h < 24:
            raise ValueError("hours must be > 0 and start_h in [0, 24)")


@dataclass(frozen=True, slots=True)
class ExecutionSpec:
    """How executing a plan departs from it: each vehicle route runs
    ``route_delay_min`` late, each freight leg ``leg_delay_min`` late, and each
    leg's temperature deviates by ``temperature_deviation_c``. A refrigerated
    trip (a shipment whose set point is below ``reefer_below_c``) fails with
    ``reefer_failure_probability``: from a uniformly drawn point of the trip
    its load warms to ``reefer_failure_c`` (default: the ambient temperature
    at departure) until it arrives."""

    route_delay_min: Distribution = ZERO
    leg_delay_min: Distribution = ZERO
    temperature_deviation_c: Distribution = ZERO
    reefer_failure_probability: float = 0.0
    reefer_failure_c: Distribution | None = None
    reefer_below_c: float = 15.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.reefer_failure_probability <= 1.0:
            raise ValueError("reefer_failure_probability must be in [0, 1], "
                             f"got {self.reefer_failure_probability}")


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A scenario: a base case folder, how many days, and the changes.

    ``sample`` < 1 simulates a random sample of that share of the lots and
    orders, with the world scaled to match (:func:`.daycase.sampled`: vehicle
    counts and lane units by randomised rounding, so that their expected
    ratio is the sample; intake, treatment and cold-store capacity times the
    sample), so that a day plans in seconds; kg, counts, cost, km and CO2e are
    scaled back up by ``1 / sample`` in the results, rates and per-kg figures
    are estimates for the whole."""

    name: str
    source: Path
    base_case: Path
    days: int = 1
    seed: int = 0
    runs: int = 10
    description: str = ""
    planner: Mapping[str, Any] = field(default_factory=dict)
    demand: DemandSpec = field(default_factory=DemandSpec)
    harvest: HarvestSpec = field(default_factory=HarvestSpec)
    weather: WeatherSpec = field(default_factory=WeatherSpec)
    fleet: tuple[FleetChange, ...] = ()
    lanes: tuple[LaneChange, ...] = ()
    packing_houses: tuple[PackingHouseAdd, ...] = ()
    disruptions: tuple[Disruption, ...] = ()
    execution: ExecutionSpec = field(default_factory=ExecutionSpec)
    carry_orders: bool = True
    sample: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.sample <= 1.0:
            raise ValueError(f"sample must be in (0, 1], got {self.sample}")
        if self.days < 1:
            raise ValueError(f"days must be >= 1, got {self.days}")
        if self.runs < 1:
            raise ValueError(f"runs must be >= 1, got {self.runs}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        object.__setattr__(self, "planner", MappingProxyType(dict(self.planner)))
