"""Plain VRPTW (Solomon convention) through OR-Tools: the benchmark model.

Literature convention: Euclidean distances in double precision, travel time =
distance, minimise total distance with the instance's fleet. Inside the solver
distances are ``round(1000 d)`` and travel times ``ceil(1000 d)`` (so a plan
feasible in integers is feasible in doubles); routes are scored again in
double precision by :func:`evaluate`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp
from ortools.util.optional_boolean_pb2 import BOOL_FALSE

from .params import RoutingParams
from .search import search_parameters
from .solomon import SolomonInstance

SCALE = 1000
Progress = Callable[[float, str], None]
LARGE = 500
"""Customers above which the insertion-heuristic path LNS operators are off:
one of their moves (a cheapest insertion of whole routes) on 1,000 customers
ran 30-50 s between two limit checks (benchmarks/results/routing_limits.md)."""
SLOW_OPERATORS = ("use_global_cheapest_insertion_path_lns", "use_local_cheapest_insertion_path_lns")


def _parameters(params: RoutingParams, *, time_limit_s: float, customers: int) -> pywrapcp.RoutingSearchParameters:
    sp = search_parameters(params, time_limit_s=time_limit_s)
    if customers > LARGE:
        for name in SLOW_OPERATORS:
            setattr(sp.local_search_operators, name, BOOL_FALSE)
    return sp


@dataclass(frozen=True)
class VrptwSolution:
    """Routes as lists of customer numbers (depot omitted)."""

    routes: list[list[int]]
    seconds: float
    solver: str
    time_to_first_s: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class VrptwScore:
    vehicles: int
    distance: float
    feasible: bool
    problems: tuple[str, ...]


def evaluate(inst: SolomonInstance, routes: list[list[int]], *, tol: float = 1e-6) -> VrptwScore:
    """Distance in double precision and every violated rule, recomputed."""
    d = inst.distances()
    problems: list[str] = []
    seen = [c for r in routes for c in r]
    missing = set(range(1, inst.num_customers + 1)) - set(seen)
    if missing:
        problems.append(f"{len(missing)} customers not visited")
    if len(seen) != len(set(seen)):
        problems.append("a customer is visited twice")
    used = [r for r in routes if r]
    if len(used) > inst.num_vehicles:
        problems.append(f"{len(used)} routes for {inst.num_vehicles} vehicles")
    total = 0.0
    for k, route in enumerate(used):
        t, prev, load = 0.0, 0, 0
        for c in route:
            total += d[prev, c]
            t = max(t + inst.service[prev] + d[prev, c], inst.ready[c])
            if t > inst.due[c] + tol:
                problems.append(f"route {k}: customer {c} served at {t:.3f} > due {inst.due[c]}")
            load += int(inst.demand[c])
            prev = c
        total += d[prev, 0]
        if t + inst.service[prev] + d[prev, 0] > inst.due[0] + tol:
            problems.append(f"route {k}: back at the depot after {inst.due[0]}")
        if load > inst.capacity:
            problems.append(f"route {k}: load {load} > capacity {inst.capacity}")
    return VrptwScore(len(used), total, not problems, tuple(problems))


def solve_vrptw_ortools(
    inst: SolomonInstance, *, params: RoutingParams, seed: int = 0, progress: Progress | None = None,
    initial: list[list[int]] | None = None, vehicle_cost: float = 0.0,
) -> VrptwSolution:
    """Solve with OR-Tools routing (all customers optional at a prohibitive
    penalty, so a first solution always exists; a plan is feasible only if it
    serves them all). ``initial`` routes (customer numbers) start the local
    search instead of the first-solution heuristic; ``vehicle_cost`` is a
    fixed cost per used vehicle in distance units (a large one minimises the
    fleet first, the literature's hierarchical objective)."""
    start = time.perf_counter()
    d = inst.distances()
    dist = np.rint(d * SCALE).astype(np.int64)
    travel = np.ceil(d * SCALE - 1e-9).astype(np.int64)
    service = np.rint(inst.service * SCALE).astype(np.int64)
    n = len(inst.demand)
    manager = pywrapcp.RoutingIndexManager(n, inst.num_vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    routing.solver().ReSeed(seed)
    # matrices held in C++ (node i is index i: one depot, no duplicates)
    arc = routing.RegisterTransitMatrix(dist.tolist())
    transit = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    if vehicle_cost:
        routing.SetFixedCostOfAllVehicles(round(vehicle_cost * SCALE))
    horizon = math.floor(inst.due[0] * SCALE)
    routing.AddDimension(transit, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(inst.demand.tolist()),
        0, [inst.capacity] * inst.num_vehicles, True, "load",
    )
    penalty = max(int(dist.max()) * n * 10, round(vehicle_cost * SCALE) * 10)
    for c in range(1, n):
        index = manager.NodeToIndex(c)
        time_dim.CumulVar(index).SetRange(math.ceil(inst.ready[c] * SCALE), math.floor(inst.due[c] * SCALE))
        routing.AddDisjunction([index], penalty)
    for v in range(inst.num_vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(0, horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(0, horizon)
    first: list[float] = []
    limit = params.time_limit_s

    def on_solution() -> None:
        now = time.perf_counter() - start
        if not first:
            first.append(now)
        if progress is not None:
            progress(min(now / limit, 1.0), f"cost {routing.CostVar().Value() / SCALE:.2f}")

    routing.AddAtSolutionCallback(on_solution)
    # OR-Tools' own time limit reads the clock only now and then ("smart"
    # checks): on 1,000 customers a search ran 22-24 s past a 60 s limit after
    # another solve in the same process; a limit that reads the clock at each of
    # the search's checks ends it on time (the slow operators are off, above).
    ends_at = start + limit
    routing.AddSearchMonitor(routing.solver().CustomLimit(lambda: time.perf_counter() >= ends_at))
    customers = n - 1
    routing.CloseModelWithParameters(_parameters(params, time_limit_s=limit, customers=customers))
    assignment = None
    if initial:
        assignment = routing.ReadAssignmentFromRoutes([list(r) for r in initial], True)
    # the limit covers building and closing the model (seconds on 1,000 customers)
    sp = _parameters(params, time_limit_s=max(limit - (time.perf_counter() - start), 0.05), customers=customers)
    if assignment is not None:
        first.append(time.perf_counter() - start)
        solution = routing.SolveFromAssignmentWithParameters(assignment, sp)
    else:
        solution = routing.SolveWithParameters(sp)
    routes: list[list[int]] = []
    if solution is not None:
        for v in range(inst.num_vehicles):
            index, route = solution.Value(routing.NextVar(routing.Start(v))), []
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            if route:
                routes.append(route)
    return VrptwSolution(routes, time.perf_counter() - start, "ortools", first[0] if first else None)
