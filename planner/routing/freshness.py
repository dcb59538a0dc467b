"""Freshness in the router: exact consumption and the solver's conservative bounds.

A lot consumes shelf life from its ``ready`` time at the ambient temperature
(``case.settings.ambient_at``) until it is picked up, then at the vehicle's
temperature (``case.temperature_of``) until it is delivered; the total must
stay within the product's ``precool_budget_s`` (reference seconds).
Temperatures change on the hour, so consumption is exact by integrating hourly
pieces (prefix sums below), from the harvest on, also when a lot carried over
from the previous day was harvested before the epoch (negative ``ready``).

The solver sees time windows and allowed vehicles only (native OR-Tools
pieces, so its insertion heuristics and filters understand them):

* a lot an ambient vehicle can save gets a delivery deadline: the instant
  ambient air alone would spend the budget. Exact for an ambient vehicle
  (the fruit is at ambient temperature all along), conservative for iced and
  reefer trucks as long as they are no warmer than the air;
* a lot only a cool vehicle can save is restricted to cool vehicle types and
  gets a box: pickup by ``p_hi`` and delivery by ``p_hi + allowance / rate``,
  where ambient waiting until ``p_hi`` plus riding the allowance at the
  type's highest rate spends exactly the budget (conservative since waiting
  earlier at ambient costs more than riding cool).

Every plan is still checked exactly afterwards (temperatures below the cool
vehicle's, rounding), and the router re-solves or drops what the check rejects.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, TemperatureClass, VehicleType, precool_budgets
from ..domain.units import HOUR
from ..freshness import model_for


@dataclass(frozen=True)
class HourlyRates:
    """Consumption rate per hour from hour ``first_h`` on, and its prefix sums.

    ``first_h`` may be negative: a lot carried over from the previous day was
    harvested before the epoch and ages from its harvest, not from midnight.
    Outside the tabulated hours the first or last rate goes on (the table is
    built to cover every harvest and the horizon plus a day)."""

    rates: NDArray[np.float64]
    prefix: NDArray[np.float64]
    first_h: int = 0
    # the same as Python floats: :meth:`at` runs about a million times a
    # search, and a NumPy scalar's indexing and arithmetic cost twice theirs
    _rates: list[float] = field(init=False, repr=False, compare=False)
    _prefix: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rates", [float(x) for x in self.rates])
        object.__setattr__(self, "_prefix", [float(x) for x in self.prefix])

    @classmethod
    def of(cls, rates: NDArray[np.float64], *, first_h: int = 0) -> HourlyRates:
        prefix = np.concatenate([[0.0], np.cumsum(rates * HOUR)])
        return cls(rates, prefix, first_h)

    @property
    def start(self) -> int:
        return self.first_h * HOUR

    @property
    def end(self) -> int:
        return (self.first_h + len(self.rates)) * HOUR

    def at(self, t: int) -> float:
        """Reference seconds consumed from the first tabulated hour to ``t``."""
        rates, start = self._rates, self.first_h * HOUR
        if t <= start:
            return rates[0] * (t - start)
        end = start + len(rates) * HOUR
        if t >= end:
            return self._prefix[-1] + rates[-1] * (t - end)
        h = (t - start) // HOUR
        return self._prefix[h] + rates[h] * (t - start - h * HOUR)

    def between(self, start: int, end: int) -> float:
        return self.at(end) - self.at(start)

    def until(self, start: int, budget: float) -> int:
        """Latest ``t >= start`` with ``between(start, t) <= budget`` (floor)."""
        target = self.at(start) + budget
        rates, prefix, first = self._rates, self._prefix, self.first_h * HOUR
        if target < 0:  # still before the first tabulated hour
            return first + math.floor(target / rates[0])
        h = bisect_right(prefix, target) - 1
        if h >= len(rates):
            return first + len(rates) * HOUR + math.floor((target - prefix[-1]) / rates[-1])
        return first + h * HOUR + math.floor((target - prefix[h]) / rates[h])


class FreshnessTable:
    """Hourly consumption rates of every product in the ambient air and in
    every vehicle type, from the earliest harvest (before the epoch for lots
    carried over) over the case's horizon plus a day."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.first_h = min([0, *(lot.ready // HOUR for lot in case.lots)])
        self.hours = case.settings.horizon_days * 24 + 24 - self.first_h
        self._ambient: dict[str, HourlyRates] = {}
        self._vehicle: dict[tuple[str, str], HourlyRates] = {}
        # per (product, vehicle type id): the ambient and riding rates' ``at``, and per product its hard
        # budget: :meth:`consumed` and :meth:`budget` run hundreds of thousands of times a search (the
        # re-timer asks for every lot it unloads), and looking both up afresh took a quarter of their time
        self._pairs: dict[tuple[str, str], tuple[Callable[[int], float], Callable[[int], float]]] = {}
        self._budgets: dict[str, int] = {}
        self._references: dict[str, int] = {}

    def _temps(self, fn: Callable[[int], float]) -> NDArray[np.float64]:
        hours = range(self.first_h, self.first_h + self.hours)
        return np.array([fn(h * HOUR) for h in hours], dtype=np.float64)

    def ambient(self, product: str) -> HourlyRates:
        if product not in self._ambient:
            model = model_for(self.case.product_by_id[product])
            temps = self._temps(self.case.settings.ambient_at)
            self._ambient[product] = HourlyRates.of(model.rate(temps), first_h=self.first_h)
        return self._ambient[product]

    def riding(self, product: str, vehicle: VehicleType) -> HourlyRates:
        key = (product, vehicle.id)
        if key not in self._vehicle:
            model = model_for(self.case.product_by_id[product])
            temps = self._temps(lambda t: self.case.temperature_of(vehicle, t))
            self._vehicle[key] = HourlyRates.of(model.rate(temps), first_h=self.first_h)
        return self._vehicle[key]

    def budget(self, product: str) -> int:
        found = self._budgets.get(product)
        if found is None:
            found = self._budgets[product] = precool_budgets(self.case.product_by_id[product])[0]
        return found

    def reference(self, product: str) -> int:
        """The product's reference shelf life (s), remembered."""
        found = self._references.get(product)
        if found is None:
            found = self._references[product] = self.case.product_by_id[product].ref_shelf_life_s
        return found

    def consumed(self, lot: HarvestLot, vehicle: VehicleType, picked_up: int, delivered: int) -> float:
        """Exact reference seconds spent between harvest and delivery."""
        pair = self._pairs.get((lot.product, vehicle.id))
        if pair is None:
            pair = self._pairs[(lot.product, vehicle.id)] = (self.ambient(lot.product).at,
                                                             self.riding(lot.product, vehicle).at)
        ambient, riding = pair
        wait = ambient(picked_up) - ambient(lot.ready)  # (:meth:`HourlyRates.between`, the same floats)
        return wait + (riding(delivered) - riding(picked_up))


@dataclass(frozen=True)
class LotBounds:
    """Solver-side freshness of one lot: pick up by ``p_hi``, deliver by
    ``deadline``, on vehicles of the types in ``vehicle_types`` (None: any)."""

    p_hi: int
    deadline: int
    vehicle_types: frozenset[str] | None
    carrier: str  # "ambient" or the cool vehicle type the box was sized for


def vehicle_rate(table: FreshnessTable, product: str, vehicle: VehicleType) -> float:
    """Highest consumption rate of ``product`` riding in ``vehicle`` over its shift."""
    riding = table.riding(product, vehicle)
    rates = riding.rates
    lo = max(vehicle.shift.start // HOUR - riding.first_h, 0)
    hi = min(vehicle.shift.end // HOUR + 1 - riding.first_h, len(rates))
    return float(np.max(rates[lo:hi] if hi > lo else rates))


def lot_bounds(table: FreshnessTable, lot: HarvestLot, *,
               carriers: list[tuple[VehicleType, int, int]], allowance_s: int) -> LotBounds | None:
    """The box for ``lot``, or None when no carrier can make it in time.

    ``carriers`` are the vehicle types able to take the lot, each with its
    direct ride (loading plus travel, s) to the nearest allowed packing house
    and its earliest possible pickup. When some carrier can deliver before
    ambient air alone spends the budget, that instant is the deadline, for
    any vehicle. Otherwise the lot needs a cool vehicle: for the warmest cool
    type that can make it, the riding allowance is its direct ride plus
    ``allowance_s``, cut to what is left of the budget at its earliest
    pickup; the lot is restricted to types at most that warm."""
    ambient = table.ambient(lot.product)
    budget = table.budget(lot.product)
    d_amb = ambient.until(lot.ready, budget)
    if any(max(earliest, lot.ready) + direct <= d_amb for _, direct, earliest in carriers):
        return LotBounds(d_amb, d_amb, None, "ambient")
    cool = sorted(((vehicle_rate(table, lot.product, vt), vt, direct, earliest)
                   for vt, direct, earliest in carriers if vt.temperature is not TemperatureClass.AMBIENT),
                  key=lambda c: -c[0])
    for rate, vt, direct, earliest in cool:
        left = budget - ambient.between(lot.ready, max(earliest, lot.ready))
        if rate * direct > left:
            continue
        ride = min(rate * (direct + allowance_s), left)
        p_hi = ambient.until(lot.ready, budget - ride)
        allowed = frozenset(c[1].id for c in cool if c[0] <= rate)
        return LotBounds(p_hi, p_hi + math.floor(ride / rate), allowed, vt.id)
    return None


