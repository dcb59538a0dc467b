"""The plan_day guarantee: a plan is returned only once the independent
checkers find nothing wrong with it.

The checkers (the routing checker on the pickup plan, the consolidation
checker on the freight, and the plan checker on the serialised plan.json,
which re-times every route as ``planner check`` does) run on the plan the
solvers made. Each violation is attributed to the lots or orders it names;
those leave the plan with the reason of the rule they broke (a lot's route
is rebuilt with every other stop kept at its time, an order leaves its
shipments, which shrink, lose emptied units and are re-costed), orders whose
fruit left the pickup plan follow, and the checkers run again. A violation
that names nothing the repair can take out, or a plan still failing after
``MAX_ROUNDS`` rounds, is an error (:class:`~planner.exceptions.SolverError`):
nothing is written rather than a plan that fails its own check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from ..consolidation import ConsolidationParams, ConsolidationResult, UnservedOrder
from ..consolidation import Reason as OrderReason
from ..consolidation import check_result as check_freight
from ..consolidation.classes import penalty_of
from ..domain import Case
from ..domain.clock import clock
from ..exceptions import SolverError
from ..routing import Reason as LotReason
from ..routing import RoutingResult
from ..routing import check_result as check_routes
from ..routing.repair import without_lots
from ..travel import TravelTimeProvider
from .check import check_plan

if TYPE_CHECKING:
    from .plan import DailyPlan

MAX_ROUNDS = 6
R = TypeVar("R", LotReason, OrderReason)
LOST = "neither served nor unserved"  # the freight checker's words for an order the plan lost
_TOKEN = re.compile(r"[^\s,;:()\[\]'\"]+")

# the first keyword a violation contains gives the reason (most specific first)
_LOT_REASONS: tuple[tuple[str, LotReason], ...] = (
    ("cold store", LotReason.PACKING_HOUSE_CAPACITY), ("intake", LotReason.PACKING_HOUSE_CAPACITY),
    ("closed", LotReason.PACKING_HOUSE_CLOSED), ("open", LotReason.PACKING_HOUSE_CLOSED),
    ("budget", LotReason.SPOILS_BEFORE_REACHING), ("shelf life", LotReason.SPOILS_BEFORE_REACHING),
    ("shift", LotReason.OUTSIDE_SHIFTS), ("window", LotReason.OUTSIDE_SHIFTS),
    ("picked up", LotReason.OUTSIDE_SHIFTS),
)
_ORDER_REASONS: tuple[tuple[str, OrderReason], ...] = (
    ("treated >", OrderReason.TREATMENT_CAPACITY), ("kg treated", OrderReason.TREATMENT_CAPACITY),
    ("needs one", OrderReason.MARKET_RULE), ("treated though", OrderReason.MARKET_RULE),
    ("forbids", OrderReason.MARKET_RULE), ("certification", OrderReason.MARKET_RULE),
    ("market", OrderReason.MARKET_RULE), ("shelf life", OrderReason.SHELF_LIFE),
    ("supply", OrderReason.NO_SUPPLY), ("capacity", OrderReason.CAPACITY),
    ("deadline", OrderReason.NO_ITINERARY_IN_TIME), ("cut-off", OrderReason.NO_ITINERARY_IN_TIME),
)


@dataclass
class Repairs:
    """What one round takes out of the plan, each with its reason and detail."""

    lots: dict[str, tuple[LotReason, str]] = field(default_factory=dict)
    orders: dict[str, tuple[OrderReason, str]] = field(default_factory=dict)
    resum: bool = False  # the freight totals disagree with its shipments: add them up again
    lost: dict[str, tuple[OrderReason, str]] = field(default_factory=dict)  # neither served nor unserved
    unattributed: list[str] = field(default_factory=list)


def violations_of(plan: DailyPlan, *, travel: TravelTimeProvider | None = None) -> list[str]:
    """Every rule ``plan`` breaks, by the three independent checkers."""
    case = plan.case
    out = [str(v) for v in check_routes(case, plan.routing, travel=travel,
                                        slot_s=_slot_s(plan))]
    out += check_freight(case, plan.supplies, plan.consolidation, params=_cparams(plan))
    out += check_plan(case, plan.to_json(), travel=travel).violations
    return list(dict.fromkeys(out))


def guaranteed(plan: DailyPlan, rebuild: Callable[[RoutingResult, ConsolidationResult], DailyPlan], *,
               travel: TravelTimeProvider | None = None) -> DailyPlan:
    """``plan`` once it passes every checker, repaired as the module says;
    ``rebuild`` makes a plan from a repaired routing and freight (supplies and
    KPIs recomputed). Its KPIs say what the check took out."""
    lots_out: dict[str, str] = {}
    orders_out: dict[str, str] = {}
    for _ in range(MAX_ROUNDS):
        problems = violations_of(plan, travel=travel)
        if not problems:
            plan.kpis["plan_check"] = {"violations": 0, "lots_taken_out": len(lots_out),
                                       "orders_taken_out": len(orders_out)}
            return plan
        fix = attribute(plan, problems)
        if fix.unattributed or not (fix.lots or fix.orders or fix.resum or fix.lost):
            shown = fix.unattributed or problems
            raise SolverError(f"the plan breaks {len(problems)} rule(s) its repair cannot undo, so it is not "
                              f"returned: " + "; ".join(shown[:10]))
        routing = without_lots(plan.case, plan.routing, fix.lots, travel=travel)
        lots_out.update({k: v[1] for k, v in fix.lots.items()})
        orders = dict(fix.orders)
        orders.update(_orders_without_fruit(plan, fix.lots))
        orders_out.update({k: v[1] for k, v in orders.items()})
        freight = without_orders(plan.case, plan.consolidation, orders, params=_cparams(plan))
        if fix.lost:  # an order the freight plan dropped without a word: unserved, said why
            orders_out.update({k: v[1] for k, v in fix.lost.items()})
            freight = replace(freight, unserved=list(freight.unserved) + [
                UnservedOrder(oid, reason, detail) for oid, (reason, detail) in fix.lost.items()])
        if fix.resum or fix.lost:
            freight = resummed(plan.case, freight, params=_cparams(plan))
        plan = rebuild(routing, freight)
    problems = violations_of(plan, travel=travel)
    if problems:
        raise SolverError(f"the plan still breaks {len(problems)} rule(s) after {MAX_ROUNDS} repair rounds, "
                          "so it is not returned: " + "; ".join(problems[:10]))
    plan.kpis["plan_check"] = {"violations": 0, "lots_taken_out": len(lots_out), "orders_taken_out": len(orders_out)}
    return plan


def _slot_s(plan: DailyPlan) -> int:
    return int(dict(plan.params.routing).get("intake_slot_s", 3600))


def _cparams(plan: DailyPlan) -> ConsolidationParams:
    return ConsolidationParams.from_dict(dict(plan.params.consolidation))


def attribute(plan: DailyPlan, problems: Iterable[str]) -> Repairs:
    """The lots and orders each violation names (an order first, then a lot,
    a shipment's orders, a supply's orders, a treatment facility's latest
    orders, a vehicle's last trip, a packing house's least valuable lot in
    the slot it overflows)."""
    fix = Repairs()
    case, cons = plan.case, plan.consolidation
    every_order = {o.id for o in case.orders}
    orders = every_order & set(cons.itineraries)
    routed = {d.lot_id: d for d in plan.routing.deliveries}
    ships = {s.id: s for s in cons.shipments}
    supplies = {s.id for s in plan.supplies}
    vehicles = {r.vehicle_id: r for r in plan.routing.routes}
    houses = {d.packing_house for d in routed.values()}
    facilities = {t.facility for s in cons.shipments for t in s.treatments}
    for text in problems:
        if text.startswith("result:"):
            fix.resum = True
            continue
        tokens = [t.rstrip(".") for t in _TOKEN.findall(text)]
        if text.endswith(LOST):
            for oid in (t for t in tokens if t in every_order and t not in orders):
                fix.lost[oid] = (OrderReason.SEARCH_LIMIT, "the freight search ended without placing it")
            continue
        named_orders = [t for t in tokens if t in orders]
        named_lots = [t for t in tokens if t in routed]
        if named_orders:
            for oid in named_orders:
                fix.orders.setdefault(oid, (_reason(text, _ORDER_REASONS, OrderReason.NO_ITINERARY_IN_TIME),
                                            _detail(text)))
        elif named_lots:
            for lid in named_lots:
                fix.lots.setdefault(lid, (_reason(text, _LOT_REASONS, LotReason.FLEET_EXHAUSTED), _detail(text)))
        elif ship := next((ships[t] for t in tokens if t in ships), None):
            for oid in ship.order_ids:
                fix.orders.setdefault(oid, (_reason(text, _ORDER_REASONS, OrderReason.CAPACITY), _detail(text)))
        elif sid := next((t for t in tokens if t in supplies), None):
            users = [oid for oid, it in cons.itineraries.items() if sid in it.supplies]
            for oid in users[-1:]:
                fix.orders.setdefault(oid, (OrderReason.NO_SUPPLY, _detail(text)))
        elif fac := next((t for t in tokens if t in facilities), None):
            steps = sorted((t for s in cons.shipments for t in s.treatments if t.facility == fac),
                           key=lambda t: (t.start, t.order_ids))
            for oid in steps[-1].order_ids if steps else ():
                fix.orders.setdefault(oid, (_reason(text, _ORDER_REASONS, OrderReason.TREATMENT_CAPACITY),
                                            _detail(text)))
        elif vid := next((t for t in tokens if t in vehicles), None):
            last = [s for s in vehicles[vid].stops if s.kind == "delivery"][-1:]
            for lid in (last[0].lot_ids if last else ()):
                fix.lots.setdefault(lid, (_reason(text, _LOT_REASONS, LotReason.FLEET_EXHAUSTED), _detail(text)))
        elif (house := next((t for t in tokens if t in houses), None)) and (store := _COLD_STORE.search(text)):
            taken = _covering_overflow(plan, house, text, store)
            if not taken:
                fix.unattributed.append(text)
            for lid in taken:
                fix.lots.setdefault(lid, (LotReason.PACKING_HOUSE_CAPACITY, _detail(text)))
        elif house := next((t for t in tokens if t in houses), None):
            lid = _least_valuable_at(plan, house, text)
            if lid is None:
                fix.unattributed.append(text)
            else:
                fix.lots.setdefault(lid, (_reason(text, _LOT_REASONS, LotReason.PACKING_HOUSE_CAPACITY),
                                          _detail(text)))
        else:
            fix.unattributed.append(text)
    return fix


def _reason(text: str, table: Sequence[tuple[str, R]], default: R) -> R:
    low = text.lower()
    return next((reason for key, reason in table if key in low), default)


def _detail(text: str) -> str:
    return f"taken out of the plan by its check: {text}"


def _least_valuable_at(plan: DailyPlan, house: str, text: str) -> str | None:
    """The least valuable lot delivered at ``house`` in the slot the message
    names (its clock time or engine seconds), else at the house at all."""
    s = plan.case.settings
    slot_s = _slot_s(plan)
    value = {lot.id: lot.value for lot in plan.case.lots}
    at_house = [d for d in plan.routing.deliveries if d.packing_house == house]
    slots = {d.delivered // slot_s for d in at_house}
    named = {k for k in slots if clock(k * slot_s, s.epoch, s.timezone) in text or f"{k * slot_s} s" in text}
    pool = [d for d in at_house if d.delivered // slot_s in named] or at_house
    if not pool:
        return None
    return min(pool, key=lambda d: (value.get(d.lot_id, 0.0), -d.delivered, d.lot_id)).lot_id


_COLD_STORE = re.compile(r"([\d,]+(?:\.\d+)?) kg of pre-cooled fruit waiting in the cold store at (.+?) > "
                         r"cold_storage_kg ([\d,]+(?:\.\d+)?)")


def _covering_overflow(plan: DailyPlan, house: str, text: str, store: re.Match[str]) -> list[str]:
    """The least valuable lots (by value per kg) delivered at ``house`` that
    wait in its cold store at the peak the message names, enough of them for
    their kg to cover the excess (peak minus capacity), so one round undoes
    the overflow as far as the day's lots can: a peak built from the stock
    the plan started from and a few lots would otherwise take a lot a round."""
    s = plan.case.settings
    excess = float(store.group(1).replace(",", "")) - float(store.group(3).replace(",", ""))
    value = {lot.id: lot.value for lot in plan.case.lots}
    ready = {x.id: x.available_at for x in plan.supplies if x.cooled}  # in the cold store from then
    at_house = [d for d in plan.routing.deliveries if d.packing_house == house and d.lot_id in ready]
    peaks = [ready[d.lot_id] for d in at_house if clock(ready[d.lot_id], s.epoch, s.timezone) == store.group(2)]
    pool = [d for d in at_house if ready[d.lot_id] <= max(peaks)] if peaks else at_house
    taken: list[str] = []
    kg = 0.0
    for d in sorted(pool, key=lambda d: (value.get(d.lot_id, 0.0) / max(d.kg, 1e-9), -d.delivered, d.lot_id)):
        if kg >= excess:
            break
        taken.append(d.lot_id)
        kg += d.kg
    return taken


def _orders_without_fruit(plan: DailyPlan, lots: Mapping[str, tuple[LotReason, str]]
                          ) -> dict[str, tuple[OrderReason, str]]:
    """Orders planned from fruit of a lot taken out of the pickup plan."""
    out = {}
    for oid, it in plan.consolidation.itineraries.items():
        gone = [s for s in it.supplies if s in lots]
        if gone:
            out[oid] = (OrderReason.NO_SUPPLY, f"lot {gone[0]}, planned to supply it, was taken out of the "
                                               f"pickup plan ({lots[gone[0]][0].value})")
    return out


def without_orders(case: Case, cons: ConsolidationResult, drops: Mapping[str, tuple[OrderReason, str]], *,
                   params: ConsolidationParams) -> ConsolidationResult:
    """``cons`` with the orders in ``drops`` unserved: their manifest lines
    leave their shipments, units are re-weighed and re-costed from the lane,
    emptied units and shipments disappear, treatment steps lose them."""
    drops = {oid: why for oid, why in drops.items() if oid in cons.itineraries}
    if not drops:
        return cons
    lanes = {lane.id: lane for lane in case.lanes}
    shipments = []
    for s in cons.shipments:
        if not any(line.order_id in drops for line in s.manifest):
            shipments.append(s)
            continue
        manifest = tuple(line for line in s.manifest if line.order_id not in drops)
        if not manifest:
            continue
        lane = lanes[s.lane_id]
        units = []
        for u in s.units:
            lines = [line for line in manifest if line.unit == u.index]
            if lines:
                kg, boxes = sum(x.kg for x in lines), sum(x.boxes for x in lines)
                fill = max(kg / lane.unit_kg, boxes / lane.unit_boxes if lane.unit_boxes else 0.0)
                units.append(replace(u, kg=kg, boxes=boxes, fill=fill, cost=lane.unit_cost(kg)))
        treatments = []
        for t in s.treatments:
            kept = tuple(oid for oid in t.order_ids if oid not in drops)
            if kept:
                kg = sum(line.kg for line in manifest if line.order_id in kept)
                rate = case.site_by_id[t.facility].treatment_cost_per_kg
                treatments.append(replace(t, order_ids=kept, kg=kg, cost=kg * rate))
        kg = sum(u.kg for u in units)
        shipments.append(replace(s, units=tuple(units), manifest=manifest, treatments=tuple(treatments),
                                 freight_cost=sum(u.cost for u in units), handling_cost=params.handling_cost_per_kg * kg))
    orders = {o.id: o for o in case.orders}
    unserved = list(cons.unserved) + [UnservedOrder(oid, reason, detail) for oid, (reason, detail) in drops.items()]
    return replace(
        cons, shipments=shipments, itineraries={k: v for k, v in cons.itineraries.items() if k not in drops},
        unserved=unserved, freight_cost=sum(s.freight_cost for s in shipments),
        handling_cost=sum(s.handling_cost for s in shipments),
        treatment_cost=sum(t.cost for s in shipments for t in s.treatments),
        penalty=cons.penalty + sum(penalty_of(orders[oid], params) for oid in drops),
    )


def resummed(case: Case, cons: ConsolidationResult, *, params: ConsolidationParams) -> ConsolidationResult:
    """``cons`` with its totals added up again from its shipments and unserved orders."""
    orders = {o.id: o for o in case.orders}
    return replace(
        cons, freight_cost=sum(s.freight_cost for s in cons.shipments),
        handling_cost=sum(s.handling_cost for s in cons.shipments),
        treatment_cost=sum(t.cost for s in cons.shipments for t in s.treatments),
        penalty=sum(penalty_of(orders[u.order_id], params) for u in cons.unserved if u.order_id in orders),
    )
