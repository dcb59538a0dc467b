"""``consolidate``: orders into trucks, air pallets and containers.

Steps: derive itineraries and screen orders (reasons for the hopeless ones);
aggregate orders into classes and supplies into pools; solve the class model
(OR-Tools MathOpt, SCIP by default) for kg per (class, itinerary, pool) and
units per departure; split classes into orders; insert left-overs where that
costs less than their penalty; pack units; give every unserved order a reason.

Honest outcomes: the plan shipped is measured against the class model's
proven bound in the model's own terms (freight, handling, treatment, the
value of the shelf life spent, penalties with priorities). It is compared
with the first-come-first-served plan built from the same itineraries, and
the better of the two is shipped; a gap above ``fallback_gap`` or a fallback
is said in ``result.outcome`` (the summary) and logged as a warning (stderr).
Orders left out by a search that ended far from its bound are
``search_limit``, never ``cost``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace

from ..domain import Case, Order
from .baselines import place_next_departure
from .classes import build_classes, model_penalty_of, penalty_of
from .context import Context, build_context
from .ledger import Ledger
from .model import ClassSolution, solve_class_model
from .packing import build_result
from .params import ConsolidationParams
from .pools import build_pools
from .problem import ClassProblem, build_options
from .reasons import Reason
from .repair import SWAP_TRIES, diagnose, insert_cheapest, swap_in
from .results import ConsolidationResult, UnservedOrder
from .split import split_classes
from .supply import Supply

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)


def _quiet(fraction: float, message: str) -> None:
    """Default progress callback: report nothing."""


def _stage(report: Progress, lo: float, hi: float) -> Progress:
    def inner(fraction: float, message: str) -> None:
        report(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), message)
    return inner


def build_problem(ctx: Context) -> ClassProblem:
    classes = build_classes(ctx.case, ctx.orders, ctx.params)
    pools = build_pools(list(ctx.supplies), keeping=ctx.keeping, tiers=ctx.params.shelf_tiers)
    options = build_options(classes, ctx.itineraries, pools, models=ctx.models,
                            keeping=ctx.keeping, params=ctx.params,
                            shelf_values=ctx.shelf_values)
    capacity = {s.id: float(s.treatment_kg_per_day or 0.0) for s in ctx.case.sites if s.treatment}
    return ClassProblem(classes, ctx.itineraries, pools, options, capacity)


def model_objective(ctx: Context, result: ConsolidationResult) -> float:
    """A plan's value in the class model's terms: what is paid, the value of
    the shelf life spent, the FEFO tie-break and the unserved penalties with
    their priority part (what the bound bounds)."""
    orders = {o.id: o for o in ctx.case.orders}
    penalty = sum(model_penalty_of(orders[u.order_id], ctx.params) for u in result.unserved)
    return (result.cost + result.shelf_life_cost + result.stats.get("fefo_tiebreak", 0.0)
            + penalty)


def _gap(objective: float, bound: float) -> float:
    if not math.isfinite(bound) or not math.isfinite(objective):
        return math.nan
    if objective <= 0:
        return 0.0
    return max(0.0, (objective - bound) / abs(objective))


def _bound_covers(ctx: Context, problem: ClassProblem, solution: ClassSolution) -> str:
    p = ctx.params
    return (
        f"proven lower bound of the class model ({solution.status}): "
        f"{len(ctx.orders)} orders in {len(problem.classes)} classes (same hub, market, grade "
        f"and priority, deadlines within {p.deadline_band_s // 3600} h and shelf-life "
        f"requirements within {p.shelf_band_s // 3600} h bands), {len(ctx.supplies)} supplies in "
        f"{len(problem.pools)} pools, {len(ctx.itineraries)} itineraries; the "
        f"{len(ctx.rejections)} orders screened out before the model (no plan can serve "
        f"them) are added to it at their penalty"
    )


def _class_plan(ctx: Context, problem: ClassProblem, solution: ClassSolution,
                report: Progress, deadline: float) -> ConsolidationResult:
    """The class model's plan in whole orders; placing the orders left over
    stops at ``deadline`` (those not tried are ``search_limit``)."""
    report(0.0, f"splitting {len(problem.classes)} classes into orders")
    pool_of = {s.id: p.index for p in problem.pools for s in p.supplies}
    ledger = Ledger(ctx, allowed_units=solution.units, pool_of=pool_of)
    left = split_classes(problem, solution, ledger)
    report(0.4, f"placing {len(left)} orders left over")
    untried: list[Order] = []
    left = insert_cheapest(ledger, left, deadline=deadline, untried=untried)
    # bounded by nodes (no deadline) the swaps are bounded by their number
    left = swap_in(ledger, left, deadline=deadline, untried=untried,
                   max_tries=SWAP_TRIES if ctx.params.node_limit is not None else None)
    report(0.8, "packing units")
    rejected = [UnservedOrder(r.order_id, r.reason, r.detail) for r in ctx.rejections]
    timed_out = [UnservedOrder(o.id, Reason.SEARCH_LIMIT,
                               f"the time limit ran out before the plan could place it ({o.kg:g} kg "
                               f"to {o.destination.hub})") for o in untried]
    return build_result(ledger, rejected + timed_out + diagnose(ledger, left), method="class-mip",
                        gap=math.nan, seconds=0.0)


def _fcfs_plan(ctx: Context) -> ConsolidationResult:
    ledger = Ledger(ctx)
    left = place_next_departure(ledger, ctx.orders)
    rejected = [UnservedOrder(r.order_id, r.reason, r.detail) for r in ctx.rejections]
    return build_result(ledger, rejected + diagnose(ledger, left),
                        method="first-come-first-served", gap=math.nan, seconds=0.0)


def consolidate(
    case: Case,
    supplies: list[Supply] | tuple[Supply, ...],
    *,
    params: ConsolidationParams | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> ConsolidationResult:
    """Plan the freight of ``case.orders`` from ``supplies`` within about
    ``params.time_limit_s`` (the comparison plan, then the class model with
    the time left). ``progress`` may raise (a cancelled job): the class
    model's search stops within a few seconds (SCIP checks between nodes)
    and the exception propagates."""
    params = params or ConsolidationParams()
    report = progress or _quiet
    start = time.perf_counter()
    report(0.0, "itineraries and screening")
    ctx = build_context(case, supplies, params)
    report(0.05, "first-come-first-served plan to compare with")
    fcfs = _fcfs_plan(ctx)
    report(0.15, f"class model ({len(ctx.orders)} orders, {len(ctx.itineraries)} itineraries)")
    problem = build_problem(ctx)
    # the time limit covers the whole consolidation: the model gets what is left
    # (at least a quarter of it); bounded by nodes, the time limit only guards
    left = params.time_limit_s if params.node_limit is not None else max(
        params.time_limit_s - (time.perf_counter() - start), params.time_limit_s / 4)
    solution = solve_class_model(problem, params=replace(params, time_limit_s=left), seed=seed,
                                 progress=None if progress is None else _stage(report, 0.2, 0.8))
    plans: list[ConsolidationResult] = []
    if math.isfinite(solution.objective):
        # bounded by nodes the plan must not depend on the clock; else the left-over
        # orders are placed within the limit (at least a second after the model)
        deadline = math.inf if params.node_limit is not None else max(
            start + params.time_limit_s, time.perf_counter() + 1.0)
        plans.append(_class_plan(ctx, problem, solution, _stage(report, 0.8, 0.98), deadline))
    plans.append(fcfs)
    plans = [_accounted(case, r, params) for r in plans]
    scored = [(model_objective(ctx, r), k, r) for k, r in enumerate(plans)]
    objective, _, best = min(scored, key=lambda t: t[:2])
    orders = {o.id: o for o in case.orders}
    screened = sum(model_penalty_of(orders[r.order_id], params) for r in ctx.rejections)
    # every term of the objective is >= 0: a bound <= 0 proves nothing (SCIP
    # reports a huge negative one before its first relaxation)
    proven = solution.bound if solution.bound > 0 or not problem.classes else math.nan
    gap = _gap(objective, proven + screened)
    outcome = _outcome(params, solution, scored, best, gap)
    if not solution.gap <= params.fallback_gap:  # NaN too: the search itself stopped short
        best = _search_limited(best, gap)
    for line in outcome:
        log.warning("consolidation: %s", line)
    stats = {
        "orders": len(case.orders), "classes": len(problem.classes),
        "itineraries": len(ctx.itineraries), "pools": len(problem.pools),
        "model_objective": solution.objective, "model_bound": solution.bound,
        "model_gap": solution.gap, "model_seconds": solution.seconds,
        "bound": proven + screened,
        "gap_excluding_penalties": solution.cost_gap, "shipped_objective": objective,
        **{f"{r.method}_objective": o for o, _, r in scored},
        **solution.stats, **best.stats,
    }
    report(1.0, "done")
    return replace(best, gap=gap, stats=stats, outcome=tuple(outcome),
                   bound_covers=_bound_covers(ctx, problem, solution),
                   seconds=time.perf_counter() - start)


def _accounted(case: Case, result: ConsolidationResult, params: ConsolidationParams) -> ConsolidationResult:
    """``result`` with every order it neither serves nor leaves unserved (a
    repair step cut short by the clock on a busy machine has lost one) left
    unserved as ``search_limit``, so that every order is accounted for and the
    plan is scored with its penalty."""
    known = set(result.itineraries) | {u.order_id for u in result.unserved}
    lost = [UnservedOrder(o.id, Reason.SEARCH_LIMIT, "the freight search ended before it could place it")
            for o in case.orders if o.id not in known]
    if not lost:
        return result
    orders = {o.id: o for o in case.orders}
    return replace(result, unserved=sorted([*result.unserved, *lost], key=lambda u: u.order_id),
                   penalty=result.penalty + sum(penalty_of(orders[u.order_id], params) for u in lost))


def _outcome(params: ConsolidationParams, solution: ClassSolution,
             scored: list[tuple[float, int, ConsolidationResult]], best: ConsolidationResult,
             gap: float) -> list[str]:
    lines = []
    by_method = {r.method: o for o, _, r in scored}
    if "class-mip" not in by_method:
        lines.append(f"the class model found no plan within its limit ({solution.status}): "
                     f"the first-come-first-served plan is shipped")
    elif best.method != "class-mip":
        lines.append(f"the class model's plan ({by_method['class-mip']:,.0f}) is worse than the "
                     f"first-come-first-served plan ({by_method[best.method]:,.0f}): "
                     f"the first-come-first-served plan is shipped")
    if math.isnan(gap):
        lines.append("no lower bound was proven: how far the plan is from the best is unknown")
    elif "class-mip" not in by_method:
        lines.append(f"the shipped plan is {100 * gap:.1f} % above the bound proven so far")
    if "class-mip" in by_method and gap > params.fallback_gap:
        line = (f"the shipped plan is {100 * gap:.1f} % above the proven bound (more than the "
                f"{100 * params.fallback_gap:.0f} % threshold)")
        if "class-mip" in by_method and solution.gap <= params.fallback_gap:
            line += (f"; the class model's own plan is {100 * solution.gap:.1f} % above it, the "
                     f"rest is lost making whole orders and units of its classes (an order "
                     f"cannot be served in part)")
        else:
            line += ": a longer search may find a better plan"
        lines.append(line)
    return lines


def _search_limited(result: ConsolidationResult, gap: float) -> ConsolidationResult:
    """With a gap this large nobody knows whether an order left out for its
    cost could pay: the honest reason is the search's limit."""
    where = "unknown" if math.isnan(gap) else f"{100 * gap:.1f} %"
    unserved = [
        replace(u, reason=Reason.SEARCH_LIMIT,
                detail=u.detail.replace("serving it alone costs more than its unserved penalty",
                                        f"the search stopped with the plan {where} above its "
                                        f"bound before placing it"))
        if u.reason is Reason.COST else u
        for u in result.unserved
    ]
    return replace(result, unserved=unserved)
