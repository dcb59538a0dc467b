"""PyVRP (Wouda, Lan & Kool 2024) as a second backend for plain VRPTW.

PyVRP's hybrid genetic search is much stronger than OR-Tools' local search on
the Solomon and Gehring-Homberger sets. It cannot express the pickup
problem's temperature-dependent freshness (no maximum ride time, PyVRP issue
#1097), so the pickup router keeps OR-Tools; this backend serves the VRPTW
benchmark, with the same integer convention as :mod:`.vrptw`.
"""

from __future__ import annotations

import importlib
import time

import numpy as np

from .optional import pyvrp
from .solomon import SolomonInstance
from .vrptw import SCALE, VrptwSolution


class MaxCpuTime:
    """PyVRP stopping criterion: this process's CPU seconds (the search is
    single-threaded), so a budget means the same work on a busy machine."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._start: float | None = None

    def __call__(self, best_cost: float) -> bool:
        if self._start is None:
            self._start = time.process_time()
        return time.process_time() - self._start > self._seconds


def solve_vrptw_pyvrp(inst: SolomonInstance, *, time_limit_s: float, seed: int = 0,
                      vehicle_cost: float = 0.0, cpu_time: bool = False) -> VrptwSolution:
    """Minimise distance with at most the instance's fleet (plus
    ``vehicle_cost`` per used vehicle, in distance units). With ``cpu_time``
    the limit counts CPU seconds of the search instead of wall-clock ones."""
    lib = pyvrp()
    max_runtime = importlib.import_module("pyvrp.stop").MaxRuntime
    start = time.perf_counter()
    d = inst.distances()
    dist = np.rint(d * SCALE).astype(np.int64)
    travel = np.ceil(d * SCALE - 1e-9).astype(np.int64)
    model = lib.Model()
    locations = [model.add_location(float(x), float(y)) for x, y in inst.xy]
    depot = model.add_depot(locations[0], tw_early=0, tw_late=int(np.floor(inst.due[0] * SCALE)))
    model.add_vehicle_type(
        inst.num_vehicles, capacity=int(inst.capacity), start_depot=depot, end_depot=depot,
        tw_early=0, tw_late=int(np.floor(inst.due[0] * SCALE)), fixed_cost=round(vehicle_cost * SCALE),
    )
    for c in range(1, len(inst.demand)):
        model.add_client(
            locations[c], delivery=int(inst.demand[c]),
            service_duration=int(round(inst.service[c] * SCALE)),
            tw_early=int(np.ceil(inst.ready[c] * SCALE)), tw_late=int(np.floor(inst.due[c] * SCALE)),
        )
    n = len(locations)
    for i in range(n):
        for j in range(n):
            if i != j:
                model.add_edge(locations[i], locations[j], int(dist[i, j]), int(travel[i, j]))
    elapsed = time.perf_counter() - start
    # a large fixed cost per vehicle needs a penalty bound above it (PyVRP's PenaltyBoundWarning)
    params = lib.SolveParams(penalty=lib.PenaltyParams(max_penalty=1e9)) if vehicle_cost else lib.SolveParams()
    left = max(time_limit_s - elapsed, 0.05)
    result = model.solve(stop=MaxCpuTime(left) if cpu_time else max_runtime(left), seed=seed, display=False,
                         params=params)
    # client activities are numbered 0.. in the order added: customer c is c - 1
    routes = [[a.idx + 1 for a in route if a.is_client()] for route in result.best.routes()]
    return VrptwSolution(routes, time.perf_counter() - start, "pyvrp",
                         extra={"iterations": float(result.num_iterations)})
