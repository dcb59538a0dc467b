"""Execute a daily plan with random delays, temperature deviations and reefer
failures.

The plan's own predictions (unloading times, departures, shelf life left) are
the baseline. Execution perturbs them:

- each pickup vehicle runs ``route_delay_min`` late: its lots reach the
  packing house that much later, and sit that much longer at the vehicle's
  temperature before pre-cooling (:func:`execute_pickups`). A lot that has
  spent more than its pre-cooling target's budget by then (the plan's
  spending plus the delay's) is *downgraded* (:mod:`.quality`): it is not
  sold to the grade-A orders the plan fed from it;
- each freight shipment leaves ``leg_delay_min`` late (its cut-off moves with
  it) and rides ``temperature_deviation_c`` away from its set point. An order
  whose fruit is not at the origin by the (delayed) cut-off misses the
  departure and takes the next departure of the same lane with a cut-off it
  makes (on-demand lanes leave when it is ready); with none left in the
  case's horizon it is *stranded* (not delivered). Capacity on that later
  departure is assumed to be there;
- a refrigerated trip (set point below ``reefer_below_c``) fails with
  ``reefer_failure_probability``: from a uniform point of the trip its load
  warms to ``reefer_failure_c`` (default: the ambient at departure);
- shelf life is lost to the deviation over each trip, the failure, and the
  time the order reaches its customer later than planned (at its first
  leg's set point); it never goes below zero (spoiled is spoiled).

Each vehicle and each lane departure draws from its own random stream
(:func:`.streams.keyed_streams`), so scenarios whose plans share a departure
see the same delay, deviation and failure on it: paired comparisons then
measure the change, not a reshuffle of the draws."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.domain import Case, Lane, Order, SiteKind
from planner.domain.units import HOUR, MINUTE
from planner.freshness import model_for

from .spec import ExecutionSpec

Streams = Callable[[str], np.random.Generator]  # a random stream per vehicle or departure


@dataclass(frozen=True, slots=True)
class LotOutcome:
    """A collected lot once its pickup ran: unloaded at the packing house at
    ``unloaded`` (pre-cooling starts), ``extra_loss_s`` reference seconds of
    shelf life lost to the delay, ``downgraded`` when it had spent more than
    its pre-cooling target's budget (``precool_target_budget_s``) when it
    arrived."""

    lot_id: str
    kg: float
    harvested: int
    unloaded: int
    delay_s: int
    extra_loss_s: float
    downgraded: bool

    @property
    def precool_hours(self) -> float:
        """Hours from harvest to unloading at the packing house."""
        return (self.unloaded - self.harvested) / HOUR


@dataclass(frozen=True, slots=True)
class OrderOutcome:
    """What became of one served order once the plan was executed.
    ``stranded``: it missed a departure and no later one was left;
    ``downgraded``: its fruit was downgraded at pre-cooling; ``reefer_failed``:
    a refrigerated leg it rode failed."""

    order_id: str
    market: str
    kg: float
    planned_delivery: int
    delivered: int
    deadline: int
    shelf_life_left_s: float
    min_shelf_life_s: int
    missed_departures: int = 0
    stranded: bool = False
    downgraded: bool = False
    reefer_failed: bool = False

    @property
    def on_time(self) -> bool:
        return not self.stranded and self.delivered <= self.deadline

    @property
    def spoiled(self) -> bool:
        return self.shelf_life_left_s <= 0

    @property
    def sound(self) -> bool:
        """Arrived on time, from fruit not downgraded, with at least the shelf
        life the order asks for."""
        return (self.on_time and not self.downgraded
                and self.shelf_life_left_s >= self.min_shelf_life_s)


@dataclass(frozen=True, slots=True)
class LegDraw:
    """A departure's draws: delay (s), temperature deviation (C), and when
    its reefer fails, the point of the trip (0-1) and the temperature."""

    delay_s: float
    deviation_c: float
    failure_at: float | None = None
    failure_c: float = 0.0


def _vehicle_type_of(case: Case, vehicle_id: str) -> Any:
    types = {v.id: v for v in case.vehicle_types}
    return types.get(vehicle_id.split("#")[0])


def execute_pickups(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams) -> dict[str, LotOutcome]:
    """Every delivered lot's outcome: its vehicle's delay (one draw per
    vehicle, from the vehicle's own stream), the shelf life it costs at the
    vehicle's temperature, and whether the lot has spent more than its
    target's budget: the plan's spending (the hard budget minus the
    delivery's ``budget_left_s``) plus the delay's."""
    deliveries = list(plan.routing.deliveries)
    delays = {v: max(spec.route_delay_min.sample(streams(f"vehicle {v}")), 0.0) * MINUTE
              for v in sorted({d.vehicle_id for d in deliveries})}
    lots = {lot.id: lot for lot in case.lots}
    out: dict[str, LotOutcome] = {}
    for d in deliveries:
        lot = lots.get(d.lot_id)
        if lot is None:
            continue
        product = case.product_by_id[lot.product]
        model = model_for(product)
        vt = _vehicle_type_of(case, d.vehicle_id)
        temp = case.temperature_of(vt, d.delivered) if vt else case.settings.ambient_at(d.delivered)
        delay = delays[d.vehicle_id]
        extra = float(delay * model.rate(temp))
        spent = product.precool_budget_s - d.budget_left_s + extra
        out[d.lot_id] = LotOutcome(
            lot_id=lot.id, kg=lot.kg, harvested=lot.ready, unloaded=d.delivered + round(delay),
            delay_s=round(delay), extra_loss_s=extra, downgraded=spent > product.precool_target_budget_s)
    return out


def lot_extra_loss(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams) -> dict[str, float]:
    """Extra reference seconds each delivered lot loses to its vehicle's delay."""
    return {k: v.extra_loss_s for k, v in execute_pickups(case, plan, spec, streams).items()}


def draw_legs(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams) -> dict[str, LegDraw]:
    """The draws of every shipment, from its lane departure's stream."""
    draws = {}
    for sh in sorted(plan.consolidation.shipments, key=lambda s: s.id):
        rng = streams(f"departure {sh.lane_id} {sh.departure}")
        delay = max(spec.leg_delay_min.sample(rng), 0.0) * MINUTE
        dev = float(spec.temperature_deviation_c.sample(rng))
        fails = rng.random() < spec.reefer_failure_probability
        at = float(rng.random())
        hot = (float(spec.reefer_failure_c.sample(rng)) if spec.reefer_failure_c is not None
               else case.settings.ambient_at(sh.departure))
        refrigerated = sh.temperature_c < spec.reefer_below_c
        draws[sh.id] = LegDraw(delay, dev, at if fails and refrigerated else None, hot)
    return draws


def execute(case: Case, plan: Any, spec: ExecutionSpec, streams: Streams, *,
            lots: Mapping[str, LotOutcome] | None = None, since: int = 0) -> list[OrderOutcome]:
    """The outcome of every order the plan serves (see the module's rules).
    ``lots`` is :func:`execute_pickups` (drawn here if None). A leg planned
    to depart at or after ``since`` (a mid-day announcement) on a departure
    that ``case`` no longer has was cancelled: its orders miss it."""
    if lots is None:
        lots = execute_pickups(case, plan, spec, streams)
    draws = draw_legs(case, plan, spec, streams)
    shipments = {sh.id: sh for sh in plan.consolidation.shipments}
    supplies = {s.id: s for s in plan.supplies}
    lanes = {lane.id: lane for lane in case.lanes}
    orders = {o.id: o for o in case.orders}
    outcomes = []
    for oid, it in sorted(plan.consolidation.itineraries.items()):
        order: Order | None = orders.get(oid)
        if order is None:
            continue
        outcomes.append(_order_outcome(case, order, it, shipments, supplies, lanes, draws, lots, since))
    return outcomes


def _order_outcome(case: Case, order: Order, it: Any, shipments: Mapping[str, Any],
                   supplies: Mapping[str, Any], lanes: Mapping[str, Lane],
                   draws: Mapping[str, LegDraw], lots: Mapping[str, LotOutcome],
                   since: int) -> OrderOutcome:
    model = model_for(case.product_by_id[order.product])
    own = [lots[s] for s in it.supplies if s in lots]
    ready = max((supplies[s].available_at + (lots[s].delay_s if s in lots else 0)
                 for s in it.supplies if s in supplies), default=0)
    lost = max((lot.extra_loss_s for lot in own), default=0.0)
    missed, stranded, failed = 0, False, False
    arrival = planned_arrival = 0
    legs = [shipments[sid] for sid in it.shipments]
    for k, leg in enumerate(legs):
        draw = draws[leg.id]
        transit = leg.arrival - leg.departure
        lane = lanes.get(leg.lane_id)
        departure: int | None = leg.departure + round(draw.delay_s)
        if ready > leg.cutoff + draw.delay_s or _cancelled(lane, leg, since):
            missed += 1
            departure = _next_departure(lane, leg, ready) if lane is not None else None
            if departure is None:
                stranded = True
                break
        arrival, planned_arrival = departure + transit, leg.arrival
        base = float(model.rate(leg.temperature_c))
        hot = float(model.rate(leg.temperature_c + draw.deviation_c))
        lost += transit * (hot - base)
        if draw.failure_at is not None:
            failed = True
            lost += (1.0 - draw.failure_at) * transit * (float(model.rate(draw.failure_c)) - hot)
        ready = arrival + _connection_s(case, leg, legs[k + 1] if k + 1 < len(legs) else None)
    planned = it.delivered
    delivered = planned + max(0, arrival - planned_arrival) if legs and not stranded else planned
    if legs:
        lost += max(0, delivered - planned) * float(model.rate(legs[0].temperature_c))
    return OrderOutcome(
        order_id=order.id, market=order.market, kg=order.kg, planned_delivery=planned,
        delivered=delivered, deadline=order.deadline,
        shelf_life_left_s=max(0.0, float(it.shelf_life_left_s) - lost),
        min_shelf_life_s=max(order.min_shelf_life_s, case.market_by_id[order.market].min_shelf_life_s),
        missed_departures=missed, stranded=stranded,
        downgraded=any(lot.downgraded for lot in own), reefer_failed=failed,
    )


def _cancelled(lane: Lane | None, leg: Any, since: int) -> bool:
    """Whether ``leg``'s departure (at or after ``since``) is no longer run."""
    if leg.departure < since or (lane is not None and not lane.departures):
        return False
    return lane is None or all(d.time != leg.departure for d in lane.departures)


def _next_departure(lane: Lane, leg: Any, ready: int) -> int | None:
    """The departure an order ready at ``ready`` takes instead of ``leg``'s:
    the lane's next scheduled one whose cut-off it makes, or, on demand, the
    same lead time after it is ready; None when none is left."""
    if not lane.departures:
        return ready + (leg.departure - leg.cutoff)
    later = [d.time for d in lane.departures if d.cutoff >= ready and d.time > leg.departure]
    return min(later) if later else None


def _connection_s(case: Case, leg: Any, nxt: Any) -> int:
    """Time the fruit needs at ``leg``'s destination before it can be loaded
    on the next leg: the treatment there, if the site treats fruit."""
    if nxt is None:
        return 0
    site = case.site_by_id.get(leg.destination)
    if site is not None and site.kind is SiteKind.TREATMENT_FACILITY:
        return site.treatment_s
    return 0
