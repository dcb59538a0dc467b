"""Freshness in the router: exact consumption and the solver's conservative bounds.

A lot consumes shelf life from its ``ready`` time at the ambient temperature
(``case.settings.ambient_at``) until it is picked up, then at the vehicle's
temperature (``case.temperature_of``) until it is delivered; the total must
stay within the product's ``precool_budget_s`` (reference seconds).
Temperatures change on the hour, so consumption is exact by integrating hourly
pieces (prefix sums below).

The solver sees the budget split into a box, with native OR-Tools pieces
only (so its insertion heuristics and filters understand it):

* waiting: the pickup window ends at ``p_hi``, when ambient waiting has spent
  the budget minus a riding allowance (exact: ``A`` is integrated hourly);
* riding: an ``exposure`` dimension whose transit is the vehicle's riding
  rate (its highest over the shift) times travel and service time, and a node
  precedence ``exposure(delivery) - exposure(pickup) <= allowance``. The
  transit depends on the vehicle, so a reefer may ride far longer than a
  motorbike within the same allowance.

Waiting on board is not priced by the exposure dimension, and the box is a
restriction of the exact rule; so every plan is checked exactly afterwards
and the router re-solves or drops what the check rejects.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, VehicleType
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
    """Solver-side freshness box of one lot (see the module docstring):
    pick up by ``p_hi``, and let at most ``ride_milli`` milli-reference-seconds
    of exposure accrue from pickup to delivery."""

    p_hi: int
    ride_milli: int
    budget_milli: int
    carrier: str  # the vehicle type the box was sized for


def vehicle_rate(table: FreshnessTable, product: str, vehicle: VehicleType) -> float:
    """Highest consumption rate of ``product`` riding in ``vehicle`` over its shift."""
    rates = table.riding(product, vehicle).rates
    lo = max(vehicle.shift.start // HOUR, 0)
    hi = min(vehicle.shift.end // HOUR + 1, len(rates))
    return float(np.max(rates[lo:hi] if hi > lo else rates))


def lot_bounds(table: FreshnessTable, lot: HarvestLot, *,
               carriers: list[tuple[VehicleType, int, int]], allowance_s: int,
               window_cut_s: int = 3600) -> LotBounds | None:
    """The box for ``lot``, or None when no carrier can make it in time.

    ``carriers`` are the vehicle types able to take the lot, each with its
    direct ride (loading plus travel, s) to the nearest allowed packing house
    and its earliest possible pickup. For each, the riding allowance is the
    direct ride plus ``allowance_s`` of detours, cut to what is left of the
    budget at the earliest pickup. The box is sized for the warmest carrier
    (then every cooler vehicle fits it too) unless that closes the pickup
    window more than ``window_cut_s`` earlier than the best carrier would."""
    ambient = table.ambient(lot.product)
    budget = table.budget(lot.product)
    options = []
    for vt, direct_s, earliest in carriers:
        rate = vehicle_rate(table, lot.product, vt)
        left = budget - ambient.between(lot.ready, max(earliest, lot.ready))
        if rate * direct_s > left:
            continue
        ride = min(rate * (direct_s + allowance_s), left)
        options.append((ambient.until(lot.ready, budget - ride), ride, rate, vt))
    if not options:
        return None
    options.sort(key=lambda o: -o[2])  # warmest first
    best = min(lot.latest_pickup, max(o[0] for o in options))
    p_hi, ride, _, vt = next(o for o in options if o[0] >= best - window_cut_s)
    return LotBounds(p_hi, math.floor(ride * MILLI), math.floor(budget * MILLI), vt.id)


def rate_milli(table: FreshnessTable, product: str, vehicle: VehicleType) -> int:
    return math.ceil(vehicle_rate(table, product, vehicle) * MILLI)
