"""Execute a daily plan with random delays and temperature deviations.

The plan's own predictions (delivery times, shelf life left) are the
baseline. Execution perturbs them:

- each pickup vehicle runs ``route_delay_min`` late: the lots it carries sit
  that much longer at the vehicle's temperature before pre-cooling;
- each freight shipment runs ``leg_delay_min`` late and rides
  ``temperature_deviation_c`` away from its set temperature: every order on
  it arrives later and loses ``duration * (rate(T + dev) - rate(T)) + delay *
  rate(T + dev)`` more reference seconds of shelf life.

Delays add up along an order's legs (a late leg is assumed to make the next
one wait), which is conservative. Each vehicle and each lane departure draws
from its own random stream (:func:`.streams.keyed_streams`), so scenarios
whose plans share a departure see the same delay on it: paired comparisons
then measure the change, not a reshuffle of the draws."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.domain import Case, Order
from planner.domain.units import MINUTE
from planner.freshness import model_for

from .spec import ExecutionSpec


@dataclass(frozen=True, slots=True)
class OrderOutcome:
    """What became of one served order once the plan was executed."""

    order_id: str
    market: str
    kg: float
    planned_delivery: int
    delivered: int
    deadline: int
    shelf_life_left_s: float
    min_shelf_life_s: int

    @property
    def on_time(self) -> bool:
        return self.delivered <= self.deadline

    @property
    def spoiled(self) -> bool:
        return self.shelf_life_left_s <= 0

    @property
    def sound(self) -> bool:
        """Arrived on time with at least the shelf life the order asks for."""
        return self.on_time and self.shelf_life_left_s >= self.min_shelf_life_s


def _vehicle_type_of(case: Case, vehicle_id: str) -> Any:
    types = {v.id: v for v in case.vehicle_types}
    return types.get(vehicle_id.split("#")[0])


Streams = Callable[[str], np.random.Generator]  # a random stream per vehicle or departure


def lot_extra_loss(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams) -> dict[str, float]:
    """Extra reference seconds each delivered lot loses to its vehicle's delay
    (one draw per vehicle, from the vehicle's own stream)."""
    deliveries = list(plan.routing.deliveries)
    delays = {v: max(spec.route_delay_min.sample(streams(f"vehicle {v}")), 0.0) * MINUTE
              for v in sorted({d.vehicle_id for d in deliveries})}
    lots = {lot.id: lot for lot in case.lots}
    extra: dict[str, float] = {}
    for d in deliveries:
        lot = lots.get(d.lot_id)
        if lot is None:
            continue
        model = model_for(case.product_by_id[lot.product])
        vt = _vehicle_type_of(case, d.vehicle_id)
        temp = case.temperature_of(vt, d.delivered) if vt else case.settings.ambient_at(d.delivered)
        extra[d.lot_id] = float(delays[d.vehicle_id] * model.rate(temp))
    return extra


def execute(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams,
            *, lot_of_supply: dict[str, str] | None = None,
            lot_loss: dict[str, float] | None = None) -> list[OrderOutcome]:
    """The outcome of every order the plan serves. Each shipment draws its
    delay and temperature deviation from the stream of its lane's departure;
    ``lot_loss`` is :func:`lot_extra_loss` (drawn here if None)."""
    if lot_loss is None:
        lot_loss = lot_extra_loss(case, plan, spec, streams)
    shipments = sorted(plan.consolidation.shipments, key=lambda s: s.id)
    perturb = {}
    for sh in shipments:
        rng = streams(f"departure {sh.lane_id} {sh.departure}")
        delay = max(spec.leg_delay_min.sample(rng), 0.0) * MINUTE
        perturb[sh.id] = (delay, float(spec.temperature_deviation_c.sample(rng)))
    by_id = {sh.id: sh for sh in shipments}
    orders = {o.id: o for o in case.orders}
    outcomes = []
    for oid, it in sorted(plan.consolidation.itineraries.items()):
        order: Order | None = orders.get(oid)
        if order is None:
            continue
        model = model_for(case.product_by_id[order.product])
        lost, late = 0.0, 0.0
        for sid in it.shipments:
            leg = by_id[sid]
            d, t = perturb[sid]
            base = float(model.rate(leg.temperature_c))
            hot = float(model.rate(leg.temperature_c + t))
            lost += (leg.arrival - leg.departure) * (hot - base) + d * hot
            late += d
        lots = [(lot_of_supply or {}).get(s, s) for s in it.supplies]
        lost += max((lot_loss.get(lot, 0.0) for lot in lots), default=0.0)
        outcomes.append(OrderOutcome(
            order_id=oid, market=order.market, kg=order.kg, planned_delivery=it.delivered,
            delivered=it.delivered + round(late), deadline=order.deadline,
            shelf_life_left_s=float(it.shelf_life_left_s) - lost,
            min_shelf_life_s=max(order.min_shelf_life_s,
                                 case.market_by_id[order.market].min_shelf_life_s),
        ))
    return outcomes
