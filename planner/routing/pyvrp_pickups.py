"""PyVRP as an optional second backend of the pickup problem.

PyVRP 0.14 has shipments (pickup-and-delivery pairs) with time windows,
heterogeneous vehicle types with shifts, fixed and per-distance/per-duration
costs, routing profiles (motorbike and truck speeds) and optional shipments
with prizes, which covers the router's solver-side model (see
:mod:`.freshness`: freshness reaches the solver as windows). It lacks
delivery alternatives (each lot goes to its nearest allowed packing house),
vehicle restrictions per shipment (a lot only a cool vehicle can save may
land on a motorbike: the exact check then rejects it), holes in windows and
fixed routes (re-planning stays with OR-Tools). Money is rounded to whole
currency units (VND) per metre and per second. The router's exact checks and repair apply unchanged.
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable
from typing import Any

from ..domain.windows import TimeWindow
from .model import ModelInput, Solved
from .network import Network, lot_boxes
from .optional import pyvrp

MONEY = 1  # VND are already fine-grained integers


def solve_pickups_pyvrp(net: Network, data: ModelInput, *, time_limit_s: float, seed: int,
                        penalty: float, max_iterations: int | None = None,
                        poll: Callable[[], None] | None = None) -> Solved | None:
    """Solve with PyVRP's iterated local search; None when its best
    solution is infeasible. ``penalty`` is the prize of a lot (plus its value).
    ``max_iterations`` bounds the search by work (the same result on any
    machine), the time limit then only guards. ``poll`` is called between
    iterations (at most a few times a second); what it raises (a cancelled
    job) ends the search and propagates."""
    lib = pyvrp()
    stop_mod = importlib.import_module("pyvrp.stop")
    if data.fixed:
        raise ValueError("the PyVRP backend cannot keep fixed routes; use the OR-Tools backend")
    started = time.perf_counter()
    case = net.case
    model = lib.Model()
    locations = [model.add_location(s.location.lon, s.location.lat, name=s.id) for s in net.sites]
    depots: dict[int, Any] = {}
    for node in (*range(0, 2 * len(net.vehicles), 2), *range(1, 2 * len(net.vehicles), 2)):
        site = net.nodes[node].site
        if site not in depots:
            depots[site] = model.add_depot(locations[site], name=net.sites[site].id)
    profiles = {p: model.add_profile(name=p) for p in net.matrices}
    for p, matrix in net.matrices.items():
        for i, a in enumerate(locations):
            for j, b in enumerate(locations):
                if i != j:
                    model.add_edge(a, b, int(matrix.metres[i, j]), int(matrix.seconds[i, j]), profile=profiles[p])
    types: list[str] = []
    for vt in case.vehicle_types:
        if not vt.count:
            continue
        home = 2 * next(v for v, veh in enumerate(net.vehicles) if veh.type.id == vt.id)
        start = max(vt.shift.start, data.now)
        model.add_vehicle_type(
            vt.count, capacity=[math.floor(vt.capacity_kg + 1e-9), vt.capacity_boxes or 10**9],
            start_depot=depots[net.nodes[home].site], end_depot=depots[net.nodes[home + 1].site],
            fixed_cost=round(vt.fixed_cost * MONEY), tw_early=start, tw_late=max(start, vt.shift.end),
            unit_distance_cost=round(vt.cost_per_km * MONEY / 1000),
            unit_duration_cost=round(vt.cost_per_hour * MONEY / 3600), profile=profiles[vt.profile],
            name=vt.id,
        )
        types.append(vt.id)
    shipments = _shipments(net, data, model, locations, penalty)
    params = lib.SolveParams(penalty=lib.PenaltyParams(max_penalty=1e9))
    guard = stop_mod.MaxRuntime(max(time_limit_s - (time.perf_counter() - started), 0.1))
    stop = guard if max_iterations is None else stop_mod.MultipleCriteria(
        [stop_mod.MaxIterations(max_iterations), guard])
    result = model.solve(stop=_polled(stop, poll), seed=seed, display=False, params=params)
    if not result.best.is_feasible():
        return None
    return _decode(net, result.best, types, shipments)


def _polled(stop: Callable[[float], bool], poll: Callable[[], None] | None) -> Callable[[float], bool]:
    """``stop`` that also calls ``poll`` (PyVRP asks its stopping criterion
    once per iteration; an exception raised there leaves the search)."""
    if poll is None:
        return stop
    poll_fn = poll

    def criterion(best_cost: float) -> bool:
        poll_fn()
        return bool(stop(best_cost))

    return criterion


def _shipments(net: Network, data: ModelInput, model: Any, locations: list,  # type: ignore[type-arg]
               penalty: float) -> list[tuple[int, int]]:
    case, out = net.case, []
    last = max((v.type.shift.end for v in net.vehicles), default=case.settings.horizon_s)
    for lot in data.lots:
        if lot.id in data.banned:
            continue
        box = data.bounds[lot.id] if data.enforce_freshness else None
        ph, d_node = next(iter(net.delivery[lot.id].items()))
        if (lot.id, ph) in data.house_bans:
            continue
        pin = data.intake_pins.get((lot.id, ph))
        hi = min(lot.latest_pickup, box.p_hi if box else lot.latest_pickup)
        end = min(last, box.deadline if box else last, pin[1] if pin else last)
        opening = next((w for w in case.site_by_id[ph].opening if w.end >= lot.ready), None) \
            if case.site_by_id[ph].opening else TimeWindow(0, last)
        if opening is None:
            continue
        d_lo, d_hi = max(opening.start, lot.ready, pin[0] if pin else 0), min(opening.end, end)
        lo = max(lot.ready, data.now)
        if lo > hi or d_lo > d_hi:
            continue
        prize = round((penalty + lot.value) * MONEY)
        model.add_shipment(
            locations[net.nodes[net.pickup[lot.id]].site], locations[net.nodes[d_node].site],
            pickup_tw_early=lo, pickup_tw_late=hi, pickup_service_duration=lot.service_s,
            delivery_tw_early=d_lo, delivery_tw_late=d_hi,
            delivery_service_duration=case.settings.packing_service_s,
            amount=[math.ceil(lot.kg - 1e-9), lot_boxes(case, lot)], prize=prize, required=False,
            name=lot.id,
        )
        out.append((net.pickup[lot.id], d_node))
    return out


def _decode(net: Network, solution, types: list[str], shipments: list[tuple[int, int]]) -> Solved:  # type: ignore[no-untyped-def]
    routes: list[list[tuple[int, int]]] = [[] for _ in net.vehicles]
    starts = [v.type.shift.start for v in net.vehicles]
    free = {t: [v for v, veh in enumerate(net.vehicles) if veh.type.id == t] for t in types}
    for route in solution.routes():
        v = free[types[route.vehicle_type()]].pop(0)
        starts[v] = route.start_time()
        for act in route.schedule():
            if act.is_pickup() or act.is_delivery():
                pickup, delivery = shipments[act.idx]
                routes[v].append((pickup if act.is_pickup() else delivery, act.start_time))
    return Solved(routes, starts, [0] * len(net.vehicles), round(solution.distance_cost()), None)
