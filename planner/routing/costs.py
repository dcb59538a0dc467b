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
price a day of shelf life alike. Every routed lot unloaded after its
product's pre-cooling target (it has spent more than
``precool_target_budget_s`` of reference shelf life, the rule execution
downgrades by) adds its kg times what a late kg loses
(:func:`downgrade_losses_per_kg`: the product's ``downgrade_loss_share`` of
the orders' value per kg): a step, exact here and in the result; the search
sees it as the model allows (:mod:`.model`). Every lot left out (unassigned,
whatever the reason) costs ``unassigned_penalty`` plus ``value_weight`` times
its value (:func:`left_out_cost`): the fruit is lost to the day, and the
penalty is the price the cooperative puts on a grower left waiting; it is the
search's drop penalty, so a plan that leaves lots out to serve the others
sooner is cheaper in the search only when it is cheaper in the day's cost.
The search (:mod:`.model`), the repair and the result's KPIs use these
functions; the checkers keep their own copy of the route cost.

In the OR-Tools model money is counted in :data:`SEARCH_UNITS` per currency
unit, so an hourly rate in whole hundreds is an exact integer per second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, VehicleType, precool_budgets
from ..domain.shelf_value import downgrade_losses, shelf_life_values
from ..domain.units import DAY, HOUR
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


def downgrade_losses_per_kg(case: Case) -> dict[str, float]:
    """Money a kg of each product loses when it is unloaded after its
    pre-cooling target (:func:`planner.domain.shelf_value.downgrade_losses`)."""
    return downgrade_losses(case)


def is_late(case: Case, lot: HarvestLot, delivery: LotDelivery) -> bool:
    """Unloaded after the pre-cooling target: more than the product's
    ``precool_target_budget_s`` spent (reference seconds) by the unloading."""
    budget, target = precool_budgets(case.product_by_id[lot.product])
    return budget - delivery.budget_left_s > target + 1e-6


def delivery_cost(case: Case, lot: HarvestLot, delivery: LotDelivery, *, shelf_per_kg_day: Mapping[str, float],
                  loss_per_kg: Mapping[str, float]) -> float:
    """What one routed lot adds to the day's cost besides the vehicles: the
    shelf life it consumed (``shelf_per_kg_day``, already weighted) and, when
    it is late, its kg times ``loss_per_kg``."""
    ref = case.product_by_id[lot.product].ref_shelf_life_s
    cost = shelf_per_kg_day[lot.product] / DAY * delivery.kg * max(0.0, ref - delivery.shelf_life_left_s)
    return cost + (loss_per_kg[lot.product] * delivery.kg if is_late(case, lot, delivery) else 0.0)


def precool_late_cost(case: Case, lots: Mapping[str, HarvestLot], deliveries: Iterable[LotDelivery]) -> float:
    """Money the late lots lose: their kg times the loss per kg."""
    loss = downgrade_losses_per_kg(case)
    return sum(loss[lots[d.lot_id].product] * d.kg for d in deliveries if is_late(case, lots[d.lot_id], d))


def precool_kpis(case: Case, lots: Mapping[str, HarvestLot], deliveries: Iterable[LotDelivery]) -> dict[str, float]:
    """The pre-cooling target's KPIs of the routed lots: ``precool_late_lots``
    and ``precool_late_kg`` (unloaded after the target), ``precool_late_cost``
    (what they lose), and clock hours from harvest (the lot's ready time) to
    unloading: ``precool_hours_mean`` (kg-weighted), ``precool_hours_median``
    (of lots) and ``precool_hours_max``."""
    ds = list(deliveries)
    late = [d for d in ds if is_late(case, lots[d.lot_id], d)]
    hours = np.array([(d.delivered - lots[d.lot_id].ready) / HOUR for d in ds], dtype=np.float64)
    kg = np.array([d.kg for d in ds], dtype=np.float64)
    return {
        "precool_late_lots": float(len(late)),
        "precool_late_kg": float(sum(d.kg for d in late)),
        "precool_late_cost": float(precool_late_cost(case, lots, late)),
        "precool_hours_mean": float(np.average(hours, weights=kg)) if ds and kg.sum() > 0 else 0.0,
        "precool_hours_median": float(np.median(hours)) if ds else 0.0,
        "precool_hours_max": float(hours.max()) if ds else 0.0,
    }


def left_out_cost(lot: HarvestLot, *, penalty: float, value_weight: float) -> float:
    """What leaving ``lot`` out adds to the day: ``penalty`` plus
    ``value_weight`` times its value (the search's drop penalty, before the
    search-only raise of :meth:`.model.PickupModel._late_excess`)."""
    return penalty + value_weight * lot.value


LotCost = Callable[[HarvestLot, LotDelivery], float]


class PricedLots:
    """:func:`delivery_cost` with the objective's weights, its terms per
    product looked up once (the search prices every delivery of every route
    it times: half a million times in 300 steps of gen-500); the same floats.
    ``terms[product]``: shelf value per kg and reference second, reference
    shelf life, hard and target pre-cooling budgets, loss per kg when late
    (the compiled pricing reads them: :mod:`.price_kernel`); ``complete``:
    every product of the case has them."""

    def __init__(self, case: Case, shelf: Mapping[str, float], loss: Mapping[str, float]) -> None:
        self.case, self.shelf, self.loss = case, shelf, loss
        self.terms: dict[str, tuple[float, float, float, float, float]] = {
            p.id: (shelf[p.id] / DAY, p.ref_shelf_life_s, *precool_budgets(p), loss[p.id])
            for p in case.products if p.id in shelf and p.id in loss}
        self.complete = all(p.id in self.terms for p in case.products)

    def __call__(self, lot: HarvestLot, delivery: LotDelivery) -> float:
        found = self.terms.get(lot.product)
        if found is None:
            return delivery_cost(self.case, lot, delivery, shelf_per_kg_day=self.shelf, loss_per_kg=self.loss)
        per_s, ref, budget, target, loss_kg = found
        out = per_s * delivery.kg * max(0.0, ref - delivery.shelf_life_left_s)
        return out + (loss_kg * delivery.kg if budget - delivery.budget_left_s > target + 1e-6 else 0.0)

    def prices(self, lot: HarvestLot, delivery: LotDelivery) -> tuple[float, float]:
        """What the lot loses unloaded late and what it costs per reference
        second of shelf life (:func:`.delays.late_loss` and
        :func:`.delays.shelf_price`: this cost of the delivery made late and
        on time, and with 0 and 1 s of shelf life left, subtracted), the
        same floats without the four changed deliveries (the search asks
        for every delivery of every route it prices); its product must have
        terms (``complete``)."""
        per_s, ref, _, _, loss_kg = self.terms[lot.product]
        kg = delivery.kg
        out = per_s * kg * max(0.0, ref - delivery.shelf_life_left_s)
        return ((out + loss_kg * kg) - (out + 0.0),
                (per_s * kg * max(0.0, ref - 0.0) + 0.0) - (per_s * kg * max(0.0, ref - 1.0) + 0.0))


def lot_cost(case: Case, *, shelf_life_weight: float = 1.0, late_weight: float = 1.0) -> PricedLots:
    """:func:`delivery_cost` of the case's products with the objective's
    weights: what a routed lot adds to the day (the repair's and the extra
    trips' price of a lot's place)."""
    shelf = {p: v * shelf_life_weight for p, v in shelf_values_per_kg_day(case).items()}
    loss = {p: v * late_weight for p, v in downgrade_losses_per_kg(case).items()}
    return PricedLots(case, shelf, loss)
