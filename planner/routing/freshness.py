"""Freshness in the router: exact consumption and the solver's conservative bounds.

A lot consumes shelf life from its ``ready`` time at the ambient temperature
(``case.settings.ambient_at``) until it is picked up, then at the vehicle's
temperature (``case.temperature_of``) until it is delivered; the total must
stay within the product's ``precool_budget_s`` (reference seconds).
Temperatures change on the hour, so consumption is exact by integrating hourly
pieces (prefix sums below).

The solver gets linear upper bounds (so whatever it returns passes the exact
check, up to the repair loop for safety):

* waiting: ``A(p) <= s * (p - ready)`` for pickups ``p <= p_hi``, where
  ``p_hi`` is when ambient waiting alone spends the budget and ``s`` is the
  steepest chord ``max A(p) / (p - ready)`` over ``(ready, p_hi]`` (attained
  on an hour boundary or at ``p_hi``, as ``A`` is piecewise linear);
* riding: ``rho_v * (d - p)`` where ``rho_v`` is the highest rate of vehicle
  ``v``'s temperature over its shift; for an ambient vehicle the lot's own
  ``s`` is used instead (then the bound is ``s * (d - ready) >= A(d)``, which is
  exact up to the chord).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, TemperatureClass, VehicleType
from ..domain.units import HOUR
from ..freshness import model_for

MILLI = 1000  # the solver works in milli-reference-seconds per second


@dataclass(frozen=True)
class HourlyRates:
    """Consumption rate per hour of the horizon and its prefix sums."""

    rates: NDArray[np.float64]
    prefix: NDArray[np.float64]

    @classmethod
    def of(cls, rates: NDArray[np.float64]) -> HourlyRates:
        prefix = np.concatenate([[0.0], np.cumsum(rates * HOUR)])
        return cls(rates, prefix)

    def at(self, t: int) -> float:
        """Reference seconds consumed from time 0 to ``t``."""
        t = min(max(t, 0), (len(self.rates)) * HOUR)
        h = min(t // HOUR, len(self.rates) - 1)
        return float(self.prefix[h] + self.rates[h] * (t - h * HOUR))

    def between(self, start: int, end: int) -> float:
        return self.at(end) - self.at(start)

    def until(self, start: int, budget: float) -> int:
        """Latest ``t >= start`` with ``between(start, t) <= budget`` (floor)."""
        target = self.at(start) + budget
        h = int(np.searchsorted(self.prefix, target, side="right")) - 1
        if h >= len(self.rates):
            return len(self.rates) * HOUR
        return h * HOUR + math.floor((target - self.prefix[h]) / self.rates[h])


class FreshnessTable:
    """Hourly consumption rates of every product in the ambient air and in
    every vehicle type, over the case's horizon plus a day."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.hours = case.settings.horizon_days * 24 + 24
        self._ambient: dict[str, HourlyRates] = {}
        self._vehicle: dict[tuple[str, str], HourlyRates] = {}

    def _temps(self, fn: Callable[[int], float]) -> NDArray[np.float64]:
        return np.array([fn(h * HOUR) for h in range(self.hours)], dtype=np.float64)

    def ambient(self, product: str) -> HourlyRates:
        if product not in self._ambient:
            model = model_for(self.case.product_by_id[product])
            temps = self._temps(self.case.settings.ambient_at)
            self._ambient[product] = HourlyRates.of(model.rate(temps))
        return self._ambient[product]

    def riding(self, product: str, vehicle: VehicleType) -> HourlyRates:
        key = (product, vehicle.id)
        if key not in self._vehicle:
            model = model_for(self.case.product_by_id[product])
            temps = self._temps(lambda t: self.case.temperature_of(vehicle, t))
            self._vehicle[key] = HourlyRates.of(model.rate(temps))
        return self._vehicle[key]

    def budget(self, product: str) -> int:
        return self.case.product_by_id[product].precool_budget_s

    def consumed(self, lot: HarvestLot, vehicle: VehicleType, picked_up: int, delivered: int) -> float:
        """Exact reference seconds spent between harvest and delivery."""
        wait = self.ambient(lot.product).between(lot.ready, picked_up)
        return wait + self.riding(lot.product, vehicle).between(picked_up, delivered)


@dataclass(frozen=True)
class LotBounds:
    """Solver-side freshness data of one lot (see the module docstring)."""

    p_hi: int          # latest pickup (ambient waiting alone spends the budget)
    slope_milli: int   # ceil(1000 * s)
    budget_milli: int  # floor(1000 * budget)


def lot_bounds(table: FreshnessTable, lot: HarvestLot) -> LotBounds:
    ambient = table.ambient(lot.product)
    budget = table.budget(lot.product)
    p_hi = ambient.until(lot.ready, budget)
    slope = 0.0
    first_boundary = (lot.ready // HOUR + 1) * HOUR
    for t in [*range(first_boundary, p_hi, HOUR), p_hi]:
        if t > lot.ready:
            slope = max(slope, ambient.between(lot.ready, t) / (t - lot.ready))
    slope = max(slope, float(ambient.rates[min(lot.ready // HOUR, len(ambient.rates) - 1)]))
    return LotBounds(p_hi, math.ceil(slope * MILLI), math.floor(budget * MILLI))


def vehicle_ride_milli(table: FreshnessTable, product: str, vehicle: VehicleType, bounds: LotBounds) -> int:
    """Upper bound of the riding rate (milli) of ``product`` in ``vehicle``."""
    if vehicle.temperature is TemperatureClass.AMBIENT:
        return bounds.slope_milli
    rates = table.riding(product, vehicle).rates
    lo = max(vehicle.shift.start // HOUR, 0)
    hi = min(vehicle.shift.end // HOUR + 1, len(rates))
    window = rates[lo:hi] if hi > lo else rates
    return math.ceil(float(np.max(window)) * MILLI)
