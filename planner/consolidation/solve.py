"""``consolidate``: orders into trucks, air pallets and containers.

Steps: derive itineraries and screen orders (reasons for the hopeless ones);
aggregate orders into classes and supplies into pools; solve the class model
(OR-Tools MathOpt, HiGHS by default) for kg per (class, itinerary, pool) and
units per departure; split classes into orders; insert left-overs where that
costs less than their penalty; pack units; give every unserved order a reason.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

from ..domain import Case
from .baselines import place_next_departure
from .classes import build_classes
from .context import Context, build_context
from .ledger import Ledger
from .model import solve_class_model
from .packing import build_result
from .params import ConsolidationParams
from .pools import build_pools
from .problem import ClassProblem, build_options
from .repair import diagnose, insert_cheapest
from .results import ConsolidationResult, UnservedOrder
from .split import split_classes
from .supply import Supply

Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    """Default progress callback: report nothing."""


def build_problem(ctx: Context) -> ClassProblem:
    classes = build_classes(ctx.case, ctx.orders, ctx.params)
    pools = build_pools(list(ctx.supplies), storage_rate=ctx.storage_rate,
                        tiers=ctx.params.shelf_tiers)
    options = build_options(classes, ctx.itineraries, pools, models=ctx.models,
                            storage_rate=ctx.storage_rate, params=ctx.params,
                            shelf_values=ctx.shelf_values)
    capacity = {s.id: float(s.treatment_kg_per_day or 0.0) for s in ctx.case.sites if s.treatment}
    return ClassProblem(classes, ctx.itineraries, pools, options, capacity)


def consolidate(
    case: Case,
    supplies: list[Supply] | tuple[Supply, ...],
    *,
    params: ConsolidationParams | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> ConsolidationResult:
    """Plan the freight of ``case.orders`` from ``supplies``."""
    params = params or ConsolidationParams()
    report = progress or _quiet
    start = time.perf_counter()
    report(0.0, "itineraries and screening")
    ctx = build_context(case, supplies, params)
    report(0.15, f"class model ({len(ctx.orders)} orders, {len(ctx.itineraries)} itineraries)")
    problem = build_problem(ctx)
    solution = solve_class_model(problem, params=params, seed=seed)
    report(0.75, f"splitting {len(problem.classes)} classes into orders")
    pool_of = {s.id: p.index for p in problem.pools for s in p.supplies}
    ledger = Ledger(ctx, allowed_units=solution.units, pool_of=pool_of)
    if math.isinf(solution.objective):  # no plan within the solver's limits
        report(0.8, "no class plan in time: first come, first served instead")
        ledger = Ledger(ctx)
        left = place_next_departure(ledger, ctx.orders)
    else:
        left = split_classes(problem, solution, ledger)
        left = insert_cheapest(ledger, left)
    rejected = [UnservedOrder(r.order_id, r.reason, r.detail) for r in ctx.rejections]
    report(0.9, "packing units")
    stats = {
        "orders": len(case.orders), "classes": len(problem.classes),
        "itineraries": len(ctx.itineraries), "pools": len(problem.pools),
        "model_objective": solution.objective, "model_bound": solution.bound,
        "model_seconds": solution.seconds, "gap_excluding_penalties": solution.cost_gap,
        **solution.stats,
    }
    method = "class-mip" if math.isfinite(solution.objective) else "greedy (no class plan in time)"
    result = build_result(ledger, rejected + diagnose(ledger, left), method=method,
                          gap=solution.gap, seconds=0.0, stats=stats)
    report(1.0, "done")
    return _timed(result, time.perf_counter() - start)


def _timed(result: ConsolidationResult, seconds: float) -> ConsolidationResult:
    return replace(result, seconds=seconds)
