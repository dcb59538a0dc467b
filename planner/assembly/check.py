"""Evaluate a plan a person edited (moved a stop, swapped a truck): keep the
route sequences and freight as written, recompute times, loads, freshness
and costs from the case, and list every rule the plan breaks.

Routes are re-timed by the routing checker's one re-timer (VROOM's plan mode
is the model): leave the start when the plan says, drive, start a stop's
service on arrival or at its planned wait (``service_after``: a free intake
slot, an opening), wait for a lot to be ready or a packing house to open,
load or unload, go on. The re-timed routes go through the routing checker,
their deliveries become supply, and the freight goes through the
consolidation checker, so a hand edit is judged by the same rules as a
solver's output.

Violations are rules broken, and shelf life the plan reports that differs
from the recomputed one by more than a minute of reference life (a partner
reads it on the manifest). Notes are what a hand edit makes stale without
breaking a rule (times written before the edit); they come with a kind so
people see one line per kind. :func:`check_routes` checks a few changed
routes of a plan (and the intake of the packing houses they deliver to) in
milliseconds, for an editor that re-checks on every change.

This module and the checkers it calls never import a solver module (the
import-linter contract "checkers stay independent of the solvers").
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..check.storage import check_storage
from ..consolidation.checker import check_result as check_freight
from ..consolidation.params import ConsolidationParams
from ..domain import Case, HarvestLot
from ..domain.clock import clock
from ..domain.units import DAY, to_seconds
from ..exceptions import PlanCheckError
from ..routing.check import (
    TOL_SHELF_S,
    TOL_TIME_S,
    consumed,
    retime,
)
from ..routing.check import check_result as check_routes_result
from ..routing.result import LotDelivery, Route, RoutingResult
from ..travel import GreatCircleProvider, TravelTimeProvider
from .params import PlanParams
from .plan_reader import (
    PlannedRoute,
    consolidation_of,
    planned_routes,
    stock_supplies,
    unassigned_lots,
    validate_plan,
)
from .supplies import supplies_from_deliveries

SHELF_DIFF = re.compile(r"reported shelf life .* \(([+-]?\d+) reference s\)")


@dataclass
class CheckReport:
    """Violations (rules broken), notes (each with a kind) and the
    recomputed totals of a plan."""

    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    note_kinds: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def note(self, kind: str, text: str) -> None:
        self.notes.append(text)
        self.note_kinds.append(kind)

    def notes_by_kind(self) -> dict[str, list[str]]:
        """The notes grouped by kind, kinds in the order first seen."""
        out: dict[str, list[str]] = defaultdict(list)
        for kind, text in zip(self.note_kinds, self.notes, strict=True):
            out[kind].append(text)
        return dict(out)


def _seconds(case: Case, text: str) -> int:
    return to_seconds(datetime.fromisoformat(text), case.settings.epoch)


def _at(case: Case, t: float) -> str:
    return clock(t, case.settings.epoch, case.settings.timezone)


def _vehicle_problems(case: Case, planned: PlannedRoute) -> list[str]:
    where = planned.vehicle_id
    if planned.vehicle_type not in {v.id for v in case.vehicle_types}:
        return [f"{where}: unknown vehicle type {planned.vehicle_type}"]
    if not planned.stops or planned.stops[0].kind != "start" or planned.stops[-1].kind != "end":
        return [f"{where}: a route runs from a start stop to an end stop"]
    lots = {lot.id for lot in case.lots}
    out = [f"{where}: stop {k} at unknown site {s.site}" for k, s in enumerate(planned.stops)
           if s.site not in case.site_by_id]
    out += [f"{where}: unknown lot {lid}" for s in planned.stops for lid in s.lot_ids if lid not in lots]
    return out


def _driven(case: Case, planned: PlannedRoute, travel: TravelTimeProvider, lots: dict[str, HarvestLot]
            ) -> tuple[Route, list[LotDelivery]]:
    """The route re-timed, and its deliveries with the shelf life recomputed."""
    vt = next(v for v in case.vehicle_types if v.id == planned.vehicle_type)
    again = retime(case, vt, planned.stops, travel, lots)
    deliveries = []
    for lid, (site, t) in again.delivered.items():
        lot, picked = lots[lid], again.picked.get(lid, t)
        product = case.product_by_id[lot.product]
        spent = consumed(case, lot, vt, picked, t)
        deliveries.append(LotDelivery(lid, site, planned.vehicle_id, picked, t, product.ref_shelf_life_s - spent,
                                      product.precool_budget_s - spent, lot.kg))
    return again.route(planned.vehicle_id, vt.id), deliveries


def _written(case: Case, doc: dict[str, Any]) -> tuple[dict[str, list[tuple[int, int]]], dict[str, dict[str, Any]]]:
    """Stop times (arrival, departure) as written per vehicle, and the
    written deliveries by lot."""
    times = {r["vehicle_id"]: [(_seconds(case, s["arrival"]), _seconds(case, s["departure"])) for s in r["stops"]]
             for r in doc["routes"]}
    return times, {d["lot_id"]: d for d in doc.get("deliveries", [])}


def _compare_written(case: Case, report: CheckReport, route: Route, written: list[tuple[int, int]],
                     deliveries: list[LotDelivery], reported: dict[str, dict[str, Any]]) -> None:
    """Times and shelf life the document states against the re-timed route."""
    for k, (stop, (arrival, departure)) in enumerate(zip(route.stops, written, strict=False)):
        if abs(stop.arrival - arrival) > TOL_TIME_S or abs(stop.departure - departure) > TOL_TIME_S:
            report.note("stop times recomputed",
                        f"{route.vehicle_id} stop {k} ({stop.site}): written {_at(case, arrival)} to "
                        f"{_at(case, departure)}, driven {_at(case, stop.arrival)} to {_at(case, stop.departure)}")
    for d in deliveries:
        doc = reported.get(d.lot_id)
        if doc is None:
            report.violations.append(f"{d.lot_id}: delivered by {d.vehicle_id} but not listed in deliveries")
            continue
        if doc["packing_house"] != d.packing_house or doc["vehicle_id"] != d.vehicle_id:
            report.violations.append(f"{d.lot_id}: deliveries say {doc['vehicle_id']} to {doc['packing_house']}, "
                                     f"the routes {d.vehicle_id} to {d.packing_house}")
        if abs(_seconds(case, doc["delivered"]) - d.delivered) > TOL_TIME_S:
            report.note("delivery times recomputed",
                        f"{d.lot_id}: written delivered {_at(case, _seconds(case, doc['delivered']))}, "
                        f"driven {_at(case, d.delivered)}")
        left = doc["shelf_life_left_days"] * DAY
        if abs(left - d.shelf_life_left_s) > TOL_SHELF_S:
            report.violations.append(
                f"{d.lot_id}: reported shelf life {left / DAY:.2f} days at delivery, recomputed "
                f"{d.shelf_life_left_s / DAY:.2f} days ({left - d.shelf_life_left_s:+.0f} reference s)")


def _freight_problem(report: CheckReport, problem: str) -> None:
    match = SHELF_DIFF.search(problem)
    if match and abs(int(match.group(1))) <= TOL_SHELF_S:
        report.note("shelf life within a minute", problem)
    else:
        report.violations.append(problem)



def _drive_routes(case: Case, doc: dict[str, Any], chosen: list[dict[str, Any]], report: CheckReport,
                  travel: TravelTimeProvider
                  ) -> tuple[dict[str, list[tuple[int, int]]], dict[str, dict[str, Any]],
                             list[Route], list[LotDelivery]]:
    """Re-time the ``chosen`` routes of ``doc`` (their vehicle problems, and how
    each differs from what the document wrote, go to ``report``): the written
    times by vehicle and deliveries by lot, and the driven routes and deliveries."""
    written, reported = _written(case, doc)
    lots = {lot.id: lot for lot in case.lots}
    routes: list[Route] = []
    deliveries: list[LotDelivery] = []
    for planned in planned_routes(case, {"routes": chosen}):
        problems = _vehicle_problems(case, planned)
        report.violations += problems
        if problems:
            continue
        route, delivered = _driven(case, planned, travel, lots)
        _compare_written(case, report, route, written[planned.vehicle_id], delivered, reported)
        routes.append(route)
        deliveries += delivered
    return written, reported, routes, deliveries

def check_plan(case: Case, doc: dict[str, Any], *, travel: TravelTimeProvider | None = None,
               source: str = "plan") -> CheckReport:
    """Every violation of the plan document ``doc`` against ``case``
    (PlanCheckError when ``doc`` is not a plan.json document at all)."""
    validate_plan(doc, source=source)
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    params = PlanParams.from_dict(doc.get("params") or {})
    report = CheckReport()
    written, reported, routes, deliveries = _drive_routes(case, doc, doc["routes"], report, travel)
    routed = {d.lot_id for d in deliveries}
    report.violations += [f"{lid}: listed in deliveries but no route delivers it"
                          for lid in sorted(set(reported) - routed)]
    routing = RoutingResult(routes, deliveries, unassigned_lots(doc))
    report.violations += [str(v) for v in check_routes_result(case, routing, travel=travel)]
    stock = stock_supplies(case, doc)
    supplies = stock + supplies_from_deliveries(case, deliveries, precool_s=params.precool_s)
    cparams = ConsolidationParams.from_dict(dict(params.consolidation))
    orders = {o.id: o for o in case.orders}
    penalty = sum(cparams.unserved_penalty + cparams.unserved_value_weight * orders[u["order_id"]].value
                  for u in doc["unserved_orders"] if u["order_id"] in orders)
    freight = consolidation_of(case, doc, handling_per_kg=cparams.handling_cost_per_kg, penalty=penalty)
    for problem in check_freight(case, supplies, freight, params=cparams):
        _freight_problem(report, problem)
    report.violations += check_storage(case, deliveries, freight, precool_s=params.precool_s, params=cparams,
                                       stock=stock)
    report.totals = {
        "routes": len(routes), "lots_routed": len(deliveries), "km": round(routing.total_km, 1),
        "pickup_cost": round(routing.total_cost, 0), "freight_cost": round(freight.cost, 0),
        "cost_total": round(routing.total_cost + freight.cost, 0), "orders_served": len(freight.itineraries),
    }
    return report


def check_routes(case: Case, doc: dict[str, Any], vehicle_ids: Iterable[str], *,
                 travel: TravelTimeProvider | None = None) -> CheckReport:
    """Check only the routes of ``vehicle_ids`` in a (schema-valid) plan
    document: re-time them, apply every routing rule to them, and count the
    intake of the packing houses with the other routes' deliveries as
    written. For an editor re-checking a changed route (milliseconds)."""
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    wanted = set(vehicle_ids)
    report = CheckReport()
    written, reported, routes, deliveries = _drive_routes(
        case, doc, [r for r in doc["routes"] if r["vehicle_id"] in wanted], report, travel)
    report.violations += [f"{v}: no such route in the plan" for v in sorted(wanted - set(written))]
    mine = {d.lot_id for d in deliveries}
    others = [LotDelivery(d["lot_id"], d["packing_house"], d["vehicle_id"], _seconds(case, d["picked_up"]),
                          _seconds(case, d["delivered"]), 0.0, 0.0, 0.0)
              for d in doc.get("deliveries", []) if d["vehicle_id"] not in wanted and d["lot_id"] not in mine]
    routing = RoutingResult(routes, deliveries, [])
    report.violations += [str(v) for v in check_routes_result(case, routing, travel=travel, intake_of=others)]
    report.totals = {"routes": len(routes), "lots_routed": len(deliveries), "km": round(routing.total_km, 1),
                     "pickup_cost": round(routing.total_cost, 0)}
    return report


def check_plan_file(plan_path: str | Path, case: Case, *, travel: TravelTimeProvider | None = None) -> CheckReport:
    try:
        doc = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{plan_path}: cannot read a JSON plan ({exc})"
        raise PlanCheckError(msg) from None
    return check_plan(case, doc, travel=travel, source=str(plan_path))
