"""The pickup day's one objective, stated once: what the dispatcher pays.

A route costs its type's fixed cost, plus a rate per kilometre driven, plus a
rate per hour from its first departure to its last arrival (waiting included:
the driver is paid while waiting). Every routed lot adds the shelf life it
consumed from harvest to the packing house, valued per kg and reference day
by :func:`shelf_values_per_kg_day`: the product's
``shelf_life_value_per_kg_day``, else what its orders pay per kg (the lots'
value per kg when it has none) spread over the product's reference shelf
life, fruit that has spent all of it being worth nothing. That is the rule of
``planner.consolidation.shelf_value`` too, so the pickup and the freight
price a day of shelf life alike. The search (:mod:`.model`), the repair and the
result's KPIs use these functions; the checkers keep their own copy of the
route cost.

In the OR-Tools model money is counted in :data:`SEARCH_UNITS` per currency
unit, so an hourly rate in whole hundreds is an exact integer per second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, VehicleType
from ..domain.shelf_value import shelf_life_values
from ..domain.units import DAY
from .result import LotDelivery

SEARCH_UNITS = 36.0  # solver integers per currency unit (times RoutingParams.cost_scale)


def route_cost(vt: VehicleType, metres: float, duration_s: float) -> float:
    """Cost of one route of ``vt``: fixed + per km + per hour of duration."""
    return vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration_s / 3600


def arc_costs(vt: VehicleType, metres: NDArray[np.int64], *, scale: float) -> NDArray[np.int64]:
    """The per-kilometre part of :func:`route_cost` per arc, in the solver's
    integers (money times ``scale``); hours are charged on the route's span."""
    return np.rint(vt.cost_per_km / 1000 * metres * scale).astype(np.int64)


def span_cost_per_s(vt: VehicleType, *, scale: float) -> int:
    """The per-hour part of :func:`route_cost` per second of a route's span
    (first departure to last arrival, waiting included), in solver integers."""
    return round(vt.cost_per_hour / 3600 * scale)


def shelf_values_per_kg_day(case: Case) -> dict[str, float]:
    """Money per kg and reference day of shelf life, per product: as stated
    (``shelf_life_value_per_kg_day``), else the value per kg of the case's
    orders of it (of its lots when no order of it has a value) over the
    product's reference shelf life in days (:mod:`planner.domain.shelf_value`,
    the freight's rule too)."""
    return shelf_life_values(case)


def shelf_value_per_kg_s(case: Case, lot: HarvestLot) -> float:
    """Money per kg and reference second of shelf life of ``lot`` (one lot;
    many: :func:`shelf_values_per_kg_day` once)."""
    return shelf_values_per_kg_day(case)[lot.product] / DAY


def shelf_life_cost(case: Case, lots: Mapping[str, HarvestLot], deliveries: Iterable[LotDelivery],
                    *, weight: float = 1.0) -> float:
    """Money worth of the shelf life the routed lots consumed from harvest to
    delivery (reference seconds, as each delivery reports it)."""
    per_day = shelf_values_per_kg_day(case)
    total = 0.0
    for d in deliveries:
        lot = lots[d.lot_id]
        ref = case.product_by_id[lot.product].ref_shelf_life_s
        total += per_day[lot.product] / DAY * d.kg * max(0.0, ref - d.shelf_life_left_s)
    return weight * total
