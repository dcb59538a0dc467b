"""An independent checker of pickup plans.

Recomputes every route's times, loads and freshness from the raw case (sites,
lots, fleet, settings, products) and a travel provider, without the router's
network, schedule or freshness tables: travel seconds and metres come from
the provider, shelf life from ``model_for(product).consumed`` over hourly
pieces of the ambient and vehicle temperatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..domain import Case, HarvestLot, SiteKind, VehicleType
from ..domain.units import HOUR
from ..freshness import model_for
from ..travel import GreatCircleProvider, TravelTimeProvider
from .reasons import Reason
from .result import Route, RoutingResult

TOL_KG = 1e-6
TOL_REF_S = 1e-3


@dataclass(frozen=True, slots=True)
class Violation:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def hourly_legs(start: int, end: int, temp: Callable[[int], float]) -> list[tuple[float, float]]:
    """(duration, temperature) pieces of ``[start, end]`` cut on the hour."""
    legs, t = [], start
    while t < end:
        nxt = min(end, (t // HOUR + 1) * HOUR)
        legs.append((float(nxt - t), temp(t)))
        t = nxt
    return legs


def consumed(case: Case, lot: HarvestLot, vehicle: VehicleType, picked_up: int, delivered: int) -> float:
    legs = hourly_legs(lot.ready, picked_up, case.settings.ambient_at)
    legs += hourly_legs(picked_up, delivered, lambda t: case.temperature_of(vehicle, t))
    if not legs:
        return 0.0
    durations, temps = zip(*legs, strict=True)
    return model_for(case.product_by_id[lot.product]).consumed(durations, temps)


def check_result(case: Case, result: RoutingResult, *, travel: TravelTimeProvider | None = None,
                 lots: Sequence[HarvestLot] | None = None, slot_s: int = 3600) -> list[Violation]:
    """Every broken rule of ``result``; an empty list for a valid plan."""
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    lot_by_id = {lot.id: lot for lot in (case.lots if lots is None else lots)}
    out: list[Violation] = []
    out += _coverage(result, lot_by_id)
    types = {vt.id: vt for vt in case.vehicle_types}
    picked: dict[str, tuple[str, int]] = {}
    dropped: dict[str, tuple[str, str, int]] = {}
    seen_vehicles: set[str] = set()
    for route in result.routes:
        vt = types.get(route.vehicle_type)
        name, _, number = route.vehicle_id.partition("#")
        if vt is None or name != vt.id or not number.isdigit() or not 1 <= int(number) <= vt.count:
            out.append(Violation(route.vehicle_id, f"not a vehicle of type {route.vehicle_type}"))
            continue
        if route.vehicle_id in seen_vehicles:
            out.append(Violation(route.vehicle_id, "vehicle used by two routes"))
        seen_vehicles.add(route.vehicle_id)
        out += _route(case, route, vt, travel, lot_by_id, picked, dropped)
    out += _deliveries(case, result, lot_by_id, types, picked, dropped)
    out += _intake(case, result, lot_by_id, slot_s)
    return out


def _coverage(result: RoutingResult, lots: dict[str, HarvestLot]) -> list[Violation]:
    out = []
    routed = [d.lot_id for d in result.deliveries]
    left = [u.lot_id for u in result.unassigned]
    for lot_id in set(lots) - set(routed) - set(left):
        out.append(Violation(lot_id, "neither routed nor unassigned"))
    for lot_id in set(routed) & set(left):
        out.append(Violation(lot_id, "both routed and unassigned"))
    if len(routed) != len(set(routed)) or len(left) != len(set(left)):
        out.append(Violation("result", "a lot is listed twice"))
    for u in result.unassigned:
        if not isinstance(u.reason, Reason) or not u.detail:
            out.append(Violation(u.lot_id, "unassigned without a reason code and detail"))
    return out


def _route(case: Case, route: Route, vt: VehicleType, travel: TravelTimeProvider,
           lots: dict[str, HarvestLot], picked: dict[str, tuple[str, int]],
           dropped: dict[str, tuple[str, str, int]]) -> list[Violation]:
    out: list[Violation] = []
    where = route.vehicle_id
    stops = route.stops
    if len(stops) < 2 or stops[0].kind != "start" or stops[-1].kind != "end":
        return [Violation(where, "a route runs from a start stop to an end stop")]
    if stops[0].site != vt.home or stops[-1].site != vt.end_site:
        out.append(Violation(where, "does not start at home or end at its end site"))
    if stops[0].departure < vt.shift.start or stops[-1].arrival > vt.shift.end:
        out.append(Violation(where, f"outside shift [{vt.shift.start}, {vt.shift.end}]"))
    locs = [case.site_by_id[s.site].location for s in stops]
    matrix = travel.matrix(locs, locs, vt.profile)
    onboard: dict[str, float] = {}
    metres = 0
    for k, stop in enumerate(stops):
        w = f"{where} stop {k} ({stop.site})"
        if k > 0:
            need = stops[k - 1].departure + int(matrix.seconds[k - 1, k])
            metres += int(matrix.metres[k - 1, k])
            if stop.arrival < need:
                out.append(Violation(w, f"arrives at {stop.arrival}, cannot before {need}"))
        if stop.waiting < 0 or stop.departure < stop.arrival + stop.waiting:
            out.append(Violation(w, "negative waiting or departs before it arrives"))
        service = 0
        for lot_id in stop.lot_ids:
            lot = lots.get(lot_id)
            if lot is None:
                out.append(Violation(w, f"unknown lot {lot_id}"))
                continue
            if stop.kind == "pickup":
                service += lot.service_s
                if stop.site != lot.farm:
                    out.append(Violation(w, f"lot {lot_id} is at {lot.farm}"))
                onboard[lot_id] = lot.kg
                picked[lot_id] = (where, -1)
            elif stop.kind == "delivery":
                if lot_id not in onboard:
                    out.append(Violation(w, f"delivers {lot_id} not on board"))
                onboard.pop(lot_id, None)
                dropped[lot_id] = (where, stop.site, stop.arrival)
        if stop.kind == "delivery":
            service = case.settings.packing_service_s
            site = case.site_by_id[stop.site]
            if site.kind is not SiteKind.PACKING_HOUSE:
                out.append(Violation(w, "delivery at a site that is not a packing house"))
        if stop.kind in ("pickup", "delivery") and stop.departure - stop.arrival - stop.waiting < service:
            out.append(Violation(w, f"service {stop.departure - stop.arrival - stop.waiting} s < {service} s"))
        load = sum(onboard.values())
        if abs(load - stop.load_kg) > 1e-3:
            out.append(Violation(w, f"load after stop is {load:g} kg, route says {stop.load_kg:g}"))
        if load > vt.capacity_kg + TOL_KG:
            out.append(Violation(w, f"load {load:g} kg > capacity {vt.capacity_kg:g}"))
        if vt.capacity_boxes and stop.load_boxes > vt.capacity_boxes:
            out.append(Violation(w, f"{stop.load_boxes} boxes > capacity {vt.capacity_boxes}"))
    if onboard:
        out.append(Violation(where, f"ends with lots on board: {sorted(onboard)}"))
    if abs(metres / 1000 - route.km) > 1e-6:
        out.append(Violation(where, f"km {route.km} but the stops measure {metres / 1000}"))
    duration = stops[-1].arrival - stops[0].departure
    cost = vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration / 3600
    if route.duration_s != duration or abs(route.cost - cost) > 1e-6 * max(1.0, cost):
        out.append(Violation(where, "duration or cost does not match the stops"))
    return out


def _deliveries(case: Case, result: RoutingResult, lots: dict[str, HarvestLot],
                types: dict[str, VehicleType], picked: dict[str, tuple[str, int]],
                dropped: dict[str, tuple[str, str, int]]) -> list[Violation]:
    out: list[Violation] = []
    packing = {s.id for s in case.sites_of(SiteKind.PACKING_HOUSE)}
    stop_of = {(r.vehicle_id, lot_id, s.kind): s for r in result.routes for s in r.stops for lot_id in s.lot_ids}
    for d in result.deliveries:
        lot = lots.get(d.lot_id)
        if lot is None:
            out.append(Violation(d.lot_id, "unknown lot"))
            continue
        pick, drop = stop_of.get((d.vehicle_id, d.lot_id, "pickup")), stop_of.get((d.vehicle_id, d.lot_id, "delivery"))
        if pick is None or drop is None or dropped.get(d.lot_id, ("", "", 0))[1] != d.packing_house:
            out.append(Violation(d.lot_id, f"not picked up and delivered at {d.packing_house} by {d.vehicle_id}"))
            continue
        if not (pick.arrival <= d.picked_up <= pick.departure and drop.arrival <= d.delivered <= drop.departure):
            out.append(Violation(d.lot_id, "pickup or delivery time outside its stop"))
        if not lot.ready <= d.picked_up <= lot.latest_pickup:
            out.append(Violation(d.lot_id, f"picked up at {d.picked_up}, window [{lot.ready}, {lot.latest_pickup}]"))
        if d.packing_house not in (lot.packing_houses or tuple(packing)):
            out.append(Violation(d.lot_id, f"{d.packing_house} is not allowed"))
        if not case.site_by_id[d.packing_house].is_open(d.delivered):
            out.append(Violation(d.lot_id, f"{d.packing_house} is closed at {d.delivered}"))
        vt = types[d.vehicle_id.partition("#")[0]]
        spent = consumed(case, lot, vt, d.picked_up, d.delivered)
        product = case.product_by_id[lot.product]
        if spent > product.precool_budget_s + TOL_REF_S:
            over = (spent - product.precool_budget_s) / 3600
            out.append(Violation(d.lot_id, f"freshness budget exceeded by {over:.3f} reference h"))
        if abs((product.ref_shelf_life_s - spent) - d.shelf_life_left_s) > 1.0:
            out.append(Violation(d.lot_id, f"shelf_life_left_s {d.shelf_life_left_s:.0f}, "
                                 f"recomputed {product.ref_shelf_life_s - spent:.0f}"))
    return out


def _intake(case: Case, result: RoutingResult, lots: dict[str, HarvestLot], slot_s: int) -> list[Violation]:
    kg: dict[tuple[str, int], float] = defaultdict(float)
    for d in result.deliveries:
        kg[(d.packing_house, d.delivered // slot_s)] += lots[d.lot_id].kg if d.lot_id in lots else 0.0
    out = []
    for (ph, slot), total in sorted(kg.items()):
        cap = case.site_by_id[ph].intake_kg_per_hour
        if cap is not None and total > cap * slot_s / 3600 + TOL_KG:
            out.append(Violation(ph, f"intake {total:g} kg in slot starting {slot * slot_s} s > {cap:g} kg/h"))
    return out
