"""Evaluate a plan a person edited (moved a stop, swapped a truck): keep the
route sequences and freight as written, recompute times, loads, freshness
and costs from the case, and list every rule the plan breaks.

Routes are re-timed the way a vehicle would drive them (VROOM's plan mode is
the model): leave the start when the plan says, drive, wait for a lot to be
ready or a packing house to open, load or unload, go on. The re-timed routes
go through the routing checker, their deliveries become supply, and the
freight goes through the consolidation checker, so a hand edit is judged by
the same rules as a solver's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..consolidation import ConsolidationParams
from ..consolidation import check_result as check_freight
from ..domain import Case, next_open
from ..routing import LotDelivery, Route, RoutingResult, Stop
from ..routing import check_result as check_routes
from ..routing.check import consumed
from ..travel import GreatCircleProvider, TravelTimeProvider
from .params import PlanParams
from .plan_reader import (
    PlannedRoute,
    consolidation_of,
    load_plan,
    planned_routes,
    unassigned_lots,
    validate_plan,
)
from .supplies import supplies_from_deliveries

NOTE_MARKERS = ("reported shelf life",)


@dataclass
class CheckReport:
    """Violations (rules broken) and the recomputed totals of a plan."""

    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def _retime(case: Case, planned: PlannedRoute, travel: TravelTimeProvider
            ) -> tuple[Route, list[LotDelivery], list[str]]:
    vt = next((v for v in case.vehicle_types if v.id == planned.vehicle_type), None)
    if vt is None:
        return Route(planned.vehicle_id, planned.vehicle_type, (), 0.0, 0, 0.0), [], [
            f"{planned.vehicle_id}: unknown vehicle type {planned.vehicle_type}"]
    lots = {lot.id: lot for lot in case.lots}
    unknown = [f"{planned.vehicle_id}: unknown lot {lid}" for s in planned.stops for lid in s.lot_ids
               if lid not in lots]
    if unknown or any(s.site not in case.site_by_id for s in planned.stops):
        return Route(planned.vehicle_id, vt.id, (), 0.0, 0, 0.0), [], unknown or [
            f"{planned.vehicle_id}: a stop names an unknown site"]
    locs = [case.site_by_id[s.site].location for s in planned.stops]
    matrix = travel.matrix(locs, locs, vt.profile)
    t = planned.stops[0].departure
    stops = [Stop(planned.stops[0].site, "start", t, t, 0, 0.0)]
    load, boxes, metres, picked, deliveries = 0.0, 0, 0, {}, []
    for k, ps in enumerate(planned.stops[1:], start=1):
        arrival = t + int(matrix.seconds[k - 1, k])
        metres += int(matrix.metres[k - 1, k])
        t, service = arrival, 0
        if ps.kind == "pickup":
            for lid in ps.lot_ids:
                t = max(t, lots[lid].ready)
                picked[lid] = t
                t += lots[lid].service_s
                service += lots[lid].service_s
                load += lots[lid].kg
                boxes += lots[lid].boxes
        elif ps.kind == "delivery":
            site = case.site_by_id[ps.site]
            opens = next_open(site.opening, arrival) if site.opening else arrival
            t = arrival if opens is None else opens  # closed for good: the checker reports it
            for lid in ps.lot_ids:
                lot = lots[lid]
                spent = consumed(case, lot, vt, picked.get(lid, t), t)
                ref = case.product_by_id[lot.product].ref_shelf_life_s
                budget = case.product_by_id[lot.product].precool_budget_s
                deliveries.append(LotDelivery(lid, ps.site, planned.vehicle_id, picked.get(lid, t), t,
                                              ref - spent, budget - spent, lot.kg))
                load -= lot.kg
                boxes -= lot.boxes
            service = case.settings.packing_service_s
            t += service
        departure = t if ps.kind != "end" else arrival
        stops.append(Stop(ps.site, ps.kind, arrival, departure, max(0, departure - arrival - service),  # type: ignore[arg-type]
                          round(max(load, 0.0), 6), ps.lot_ids, max(boxes, 0)))
        t = departure
    duration = stops[-1].arrival - stops[0].departure
    cost = vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration / 3600
    return Route(planned.vehicle_id, vt.id, tuple(stops), metres / 1000, duration, cost), deliveries, []


def check_plan(case: Case, doc: dict[str, Any], *, travel: TravelTimeProvider | None = None) -> CheckReport:
    """Every violation of the plan document ``doc`` against ``case``
    (PlanCheckError when ``doc`` is not a plan.json document at all)."""
    validate_plan(doc)
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    params = PlanParams.from_dict(doc.get("params") or {})
    report = CheckReport()
    routes, deliveries = [], []
    for planned in planned_routes(case, doc):
        route, delivered, problems = _retime(case, planned, travel)
        report.violations += problems
        if not problems:
            routes.append(route)
            deliveries += delivered
    routing = RoutingResult(routes, deliveries, unassigned_lots(doc))
    report.violations += [str(v) for v in check_routes(case, routing, travel=travel)]
    supplies = supplies_from_deliveries(case, deliveries, precool_s=params.precool_s)
    cparams = ConsolidationParams.from_dict(dict(params.consolidation))
    orders = {o.id: o for o in case.orders}
    penalty = sum(cparams.unserved_penalty + cparams.unserved_value_weight * orders[u["order_id"]].value
                  for u in doc["unserved_orders"] if u["order_id"] in orders)
    freight = consolidation_of(case, doc, handling_per_kg=cparams.handling_cost_per_kg, penalty=penalty)
    for problem in check_freight(case, supplies, freight, params=cparams):
        (report.notes if any(m in problem for m in NOTE_MARKERS) else report.violations).append(problem)
    report.totals = {
        "routes": len(routes), "lots_routed": len(deliveries), "km": round(routing.total_km, 1),
        "pickup_cost": round(routing.total_cost, 0), "freight_cost": round(freight.cost, 0),
        "cost_total": round(routing.total_cost + freight.cost, 0), "orders_served": len(freight.itineraries),
    }
    return report


def check_plan_file(plan_path: str | Path, case: Case, *, travel: TravelTimeProvider | None = None) -> CheckReport:
    return check_plan(case, load_plan(plan_path), travel=travel)
