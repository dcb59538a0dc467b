"""The engine's VRPTW search: PyVRP's hybrid genetic search, then OR-Tools.

Measured on the Solomon set at 30 s (benchmarks/results/routing_vrptw.md),
OR-Tools' guided local search ends about 3-4 % above the best known
distances and PyVRP's hybrid genetic search (Wouda, Lan & Kool 2024) about
0.5 %. Plain VRPTW is a problem PyVRP expresses exactly, so the engine runs
it for most of the budget and hands its best routes to OR-Tools, which
re-checks them in its own model (integer times, the same convention) and
spends the rest of the budget on local search from them. The OR-Tools model
is the one the pickup router extends, so the hybrid's answer is always a
solution of the engine's own model.
"""

from __future__ import annotations

import time

from .params import RoutingParams
from .pyvrp_backend import solve_vrptw_pyvrp
from .solomon import SolomonInstance
from .vrptw import Progress, VrptwSolution, evaluate, solve_vrptw_ortools


def solve_vrptw_hybrid(
    inst: SolomonInstance, *, params: RoutingParams, seed: int = 0, progress: Progress | None = None,
    vehicle_cost: float = 0.0, pyvrp_share: float = 0.8, cpu_time: bool = False,
) -> VrptwSolution:
    """PyVRP for ``pyvrp_share`` of ``params.time_limit_s``, then OR-Tools
    from its routes; the better of the two by the double-precision score.
    With ``cpu_time`` the PyVRP stage counts CPU seconds and OR-Tools gets
    the rest of the budget as wall-clock time (OR-Tools has no CPU limit)."""
    if not 0.0 < pyvrp_share < 1.0:
        raise ValueError(f"pyvrp_share must be in (0, 1), got {pyvrp_share}")
    start = time.perf_counter()
    limit = params.time_limit_s
    seeded = solve_vrptw_pyvrp(inst, time_limit_s=limit * pyvrp_share, seed=seed, vehicle_cost=vehicle_cost,
                               cpu_time=cpu_time)
    if progress is not None:
        progress(pyvrp_share, "pyvrp done")
    left = max(limit * (1.0 - pyvrp_share) if cpu_time else limit - (time.perf_counter() - start), 0.05)
    polished = solve_vrptw_ortools(inst, params=params.replace(time_limit_s=left), seed=seed,
                                   progress=progress, initial=seeded.routes or None,
                                   vehicle_cost=vehicle_cost)
    best = min((seeded, polished), key=lambda s: _rank(inst, s.routes, vehicle_cost))
    return VrptwSolution(best.routes, time.perf_counter() - start, "hybrid", seeded.seconds,
                         extra={"pyvrp_s": seeded.seconds, "polish_improved": float(best is polished
                                and _rank(inst, polished.routes, vehicle_cost)
                                < _rank(inst, seeded.routes, vehicle_cost))})


def _rank(inst: SolomonInstance, routes: list[list[int]], vehicle_cost: float) -> tuple[int, float]:
    score = evaluate(inst, routes)
    return (0 if score.feasible else 1, score.distance + vehicle_cost * score.vehicles)
