"""The plan's key figures, for people (summary, report) and machines (plan.json)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..consolidation import ConsolidationResult, Supply
from ..domain import Case
from ..domain.units import DAY
from ..routing import Route, RoutingResult
from .emissions import default_factors, freight_co2e_kg, vehicle_co2e_kg
from .params import PlanParams


def _trip_fills(route: Route, capacity_kg: float) -> list[float]:
    fills, peak = [], 0.0
    for stop in route.stops:
        if stop.kind == "pickup":
            peak = max(peak, stop.load_kg)
        elif stop.kind == "delivery" and peak > 0:
            fills.append(peak / capacity_kg)
            peak = 0.0
    return fills


def routing_kpis(case: Case, routing: RoutingResult) -> dict[str, Any]:
    vtypes = {v.id: v for v in case.vehicle_types}
    fills = [f for r in routing.routes for f in _trip_fills(r, vtypes[r.vehicle_type].capacity_kg)]
    unpicked: dict[str, float] = defaultdict(float)
    for u in routing.unassigned:
        unpicked[u.reason.value] += u.kg
    factors = default_factors()
    co2 = sum(vehicle_co2e_kg(vtypes[r.vehicle_type].profile, r.km * 1000, factors) for r in routing.routes)
    return {
        "lots_total": len(case.lots), "lots_routed": len(routing.deliveries),
        "kg_picked": round(routing.kg_delivered, 1),
        "kg_lots_unpicked": round(sum(unpicked.values()), 1),
        "kg_lots_unpicked_by_reason": {k: round(v, 1) for k, v in sorted(unpicked.items())},
        "vehicles_used": len(routing.routes),
        "trips": len(fills),  # pickups closed by an unloading (two unloadings in a row: one trip)
        "vehicle_fill": round(sum(fills) / len(fills), 4) if fills else 0.0,
        "km": round(routing.total_km, 1), "pickup_hours": round(routing.total_hours, 2),
        "pickup_cost": round(routing.total_cost, 0), "pickup_co2e_kg": round(co2, 1),
        # the routing's one objective: vehicles, the shelf life the lots consumed to the packing house, the
        # pre-cooling target's losses and the lots left out
        "pickup_shelf_life_cost": round(routing.shelf_life_cost, 0),
        "pickup_left_out_cost": round(routing.left_out_cost, 0),
        "pickup_day_cost": round(routing.day_cost, 0),
        **_shares(routing),
        **_precool(routing),
    }


def _precool(routing: RoutingResult) -> dict[str, float]:
    """Harvest to pre-cooling as planned: lots and kg unloaded after their
    product's target (downgraded in the field), what that loses (part of
    ``pickup_day_cost``), and the kg-weighted mean and the median hours."""
    s = routing.stats
    if "precool_late_lots" not in s:
        return {}
    return {"pickup_precool_late_lots": int(s["precool_late_lots"]),
            "pickup_precool_late_kg": round(s["precool_late_kg"], 1),
            "pickup_precool_late_cost": round(routing.precool_late_cost, 0),
            "pickup_precool_hours_mean": round(s["precool_hours_mean"], 2),
            "pickup_precool_hours_median": round(s["precool_hours_median"], 2)}


def _shares(routing: RoutingResult) -> dict[str, float]:
    """The fair-share spread (what the ``balance`` option narrows): kg and
    lots of the busiest and of the least busy working vehicle."""
    s = routing.stats
    if "kg_max" not in s:
        return {}
    return {"pickup_kg_per_vehicle_max": round(s["kg_max"], 1), "pickup_kg_per_vehicle_min": round(s["kg_min"], 1),
            "pickup_kg_per_vehicle_spread": round(s["kg_max"] - s["kg_min"], 1),
            "pickup_lots_per_vehicle_max": int(s["lots_max"]), "pickup_lots_per_vehicle_min": int(s["lots_min"])}


def _order_kpis(case: Case, cons: ConsolidationResult, params: PlanParams) -> dict[str, Any]:
    markets = case.market_by_id
    served_kg = on_time = at_risk = 0.0
    life: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    orders = {o.id: o for o in case.orders}
    for oid, it in cons.itineraries.items():
        o = orders[oid]
        served_kg += o.kg
        on_time += it.delivered <= o.deadline
        required = max(o.min_shelf_life_s, markets[o.market].min_shelf_life_s)
        at_risk += o.kg if it.shelf_life_left_s < required + params.at_risk_days * DAY else 0.0
        life[o.market][0] += o.kg * it.shelf_life_left_s / DAY
        life[o.market][1] += o.kg
    unserved: dict[str, float] = defaultdict(float)
    for u in cons.unserved:
        unserved[u.reason.value] += orders[u.order_id].kg
    kg_ordered = sum(o.kg for o in case.orders)
    return {
        "orders_total": len(case.orders), "orders_served": len(cons.itineraries),
        "orders_unserved": len(cons.unserved),
        "orders_on_time_rate": round(on_time / len(case.orders), 4) if case.orders else 1.0,
        "kg_ordered": round(kg_ordered, 1), "kg_served": round(served_kg, 1),
        "kg_unserved": round(kg_ordered - served_kg, 1),
        "kg_unserved_by_reason": {k: round(v, 1) for k, v in sorted(unserved.items())},
        "kg_at_risk": round(at_risk, 1),
        "shelf_life_left_days_by_market": {
            m: round(total / kg, 2) for m, (total, kg) in sorted(life.items()) if kg > 0
        },
    }


def _freight_kpis(case: Case, cons: ConsolidationResult) -> dict[str, Any]:
    lanes = {lane.id: lane for lane in case.lanes}
    factors = default_factors()
    cost: dict[str, float] = defaultdict(float)
    kg: dict[str, float] = defaultdict(float)
    co2: dict[str, float] = defaultdict(float)
    for s in cons.shipments:
        cost[s.mode] += s.cost
        kg[s.mode] += s.kg
        co2[s.mode] += freight_co2e_kg(case, lanes[s.lane_id], s.kg, factors)
    gap = cons.gap
    return {
        "shipments": len(cons.shipments), "units_by_mode": cons.units_by_mode(),
        "unit_fill": round(cons.average_fill(), 4), "freight_cost": round(cons.cost, 0),
        "treatment_cost": round(cons.treatment_cost, 0),
        "consolidation_gap_pct": None if gap != gap else round(100 * gap, 3),
        "consolidation_outcome": list(cons.outcome),
        "shelf_life_used_kg_days": round(cons.shelf_life_used_kg_days, 1),
        "shelf_life_used_value": round(cons.shelf_life_cost, 0),
        "cost_per_kg_by_mode": {m: round(cost[m] / kg[m], 1) for m in sorted(cost) if kg[m] > 0},
        "co2e_kg_by_mode": {m: round(v, 1) for m, v in sorted(co2.items())},
    }


def compute_kpis(
    case: Case, routing: RoutingResult, supplies: Sequence[Supply],
    cons: ConsolidationResult, params: PlanParams,
) -> dict[str, Any]:
    """Every KPI of a plan (see the README's plan.json section for their meaning)."""
    kpis: dict[str, Any] = {}
    kpis.update(routing_kpis(case, routing))
    kpis.update(_order_kpis(case, cons, params))
    kpis.update(_freight_kpis(case, cons))
    kpis["kg_supply"] = round(sum(s.kg for s in supplies), 1)
    kpis["cost_total"] = round(kpis["pickup_cost"] + kpis["freight_cost"], 0)
    kpis["cost_per_kg"] = round(kpis["cost_total"] / kpis["kg_served"], 1) if kpis["kg_served"] else None
    if kpis["kg_picked"]:
        kpis["cost_per_kg_by_mode"]["pickup"] = round(kpis["pickup_cost"] / kpis["kg_picked"], 1)
    kpis["co2e_kg_by_mode"]["pickup"] = kpis["pickup_co2e_kg"]
    kpis["co2e_kg"] = round(sum(kpis["co2e_kg_by_mode"].values()), 1)
    return kpis
