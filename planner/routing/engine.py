"""``route_pickups``: farm lots to packing houses before the fruit spoils.

Pipeline: reasons for lots no plan can serve (:mod:`.precheck`); a solve by
the configured backend (:mod:`.backends`; by default none: the day is
built from empty days, :mod:`.start`, and improved by :mod:`.improve`, one
walk per core meeting at the best plan every few seconds, :mod:`.walks`;
OR-Tools on :mod:`.model` with ``backend = "ortools"``) with freshness
bounded conservatively; an exact check of
every lot's freshness and of every packing house's intake per slot; repair
rounds that forbid what the checks rejected (each round a new frozen input)
and solve again from the previous plan; finally any lot still rejected is
taken out of its route (which only makes the others earlier or leaves them
unchanged) and reported with its reason. The returned plan passes
:func:`.check.check_result`.

Determinism: the same case, params and seed give the same plan when
``params.solution_limit`` is set (the time limit then only guards); with a
time limit alone the plan depends on how far the search gets in that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from ..domain import Case, HarvestLot, Site, SiteKind
from ..domain.clock import clock_range, duration
from ..exceptions import InfeasibleError
from ..processes import usable_cores
from ..travel import GreatCircleProvider, TravelTimeProvider
from . import places_kernel
from .backends import Round, backend_for, clock_since
from .costs import SEARCH_UNITS, is_late, lot_cost, precool_kpis, shelf_life_cost
from .deadline import Deadline
from .decompose import catchments
from .fixed import FixedRoute
from .freshness import FreshnessTable, LotBounds, lot_bounds
from .houses import ambient_wait, cold_store_overflow
from .improve import OTHER_THRESHOLD, THRESHOLD, Improved, improve, relations
from .judge import Judge, column, left_out
from .left_out import why_left_out
from .model import ModelInput, PickupModel, Solved
from .network import Network, build_network, lot_boxes
from .parallel import can_fork, local_workers, lpt_shares, run_in_processes
from .params import RoutingParams
from .plan_parts import Part, merge, split
from .precheck import at, precheck
from .reasons import Reason
from .reinsert import Floors, Memo, least_added, reinsert, remember_timed
from .result import LotDelivery, Route, RoutingResult, UnassignedLot
from .route_pool import RoutePool, recombine
from .schedule import Timed, build_route, intake_overflow
from .start import build_day
from .walks import walks

Progress = Callable[[float, str], None]
EXTRA_TRIPS_PER_NETWORK = 1.5  # the extra trips routing every lot from empty days: 1.5 network builds (embedded day)
MODEL_BUILD_PER_NETWORK = 2.0  # building the OR-Tools model takes about twice building the network (measured)
# under a solution limit the search keeps 20 % of the limit as its guard, as before the exact search's share
# grew to 0.88 (25a57a3): with 2 % its solution-bounded first plan came after the guard, even on a quiet machine
# (the embedded day under solution limit 1 at 120 s, then a different plan whose freight took minutes)
WORK_BOUNDED_IMPROVE_SHARE = 0.7
MIN_IMPROVE_SHARE = 0.5  # the exact search's share when the search needs more for a first plan (_solve_and_repair)
SUMMED_STATS = ("repair_rounds", "repair_refused", "improve_steps", "improve_kept", "improve_restarts",
                "improve_recombined", "improve_pool")  # per catchment
MIN_RECOMBINE_S = 0.3  # seconds: a shorter share of the search is not kept for recombining its routes
PartMapper = Callable[[Callable[["PartJob"], RoutingResult], list["PartJob"]], list[RoutingResult]]


def route_pickups(
    case: Case,
    *,
    params: RoutingParams | None = None,
    seed: int = 0,
    fixed: Sequence[FixedRoute] = (),
    progress: Progress | None = None,
    travel: TravelTimeProvider | None = None,
    now: int | None = None,
    lots: Sequence[HarvestLot] | None = None,
    mapper: PartMapper | None = None,
    deadline: Deadline | None = None,
) -> RoutingResult:
    """Plan the pickup routes of ``case`` (or of ``lots``, default all the
    case's lots). ``fixed`` routes keep their committed stops first;
    ``now`` (engine seconds) is the earliest start of anything not fixed.
    By catchments (``params.by_catchments``: a large day at a short limit,
    or ``decompose = true``) the catchments are solved on this machine's
    cores or through ``mapper`` (:mod:`.parallel`: a Dask cluster), each on
    its own with the same seed, so the plan does not depend on how many
    workers there are (under a solution limit).

    Time: the call works towards one ``deadline`` (default
    ``params.time_limit_s`` from now): the search and its repair rounds end
    ``params.close_time_share`` of the limit before it, and the steps after
    the search (dropping what the exact checks reject, the extra trips) share
    what is left; the extra trips stop at the deadline, and a lot they did
    not reach is unassigned with its reason."""
    params = params or RoutingParams()
    places_kernel.warm()  # compiled or loaded before the clock starts (the first time: seconds)
    deadline = deadline or Deadline.after(params.time_limit_s)
    all_lots = list(case.lots if lots is None else lots)
    if not fixed and sum(vt.count for vt in case.vehicle_types) == 0:
        return _without_fleet(all_lots, params)
    breaks = any(vt.break_after_s is not None for vt in case.vehicle_types)
    if params.by_catchments(len(all_lots), breaks=breaks) and not fixed \
            and len(case.sites_of(SiteKind.PACKING_HOUSE)) > 1:
        return _route_by_catchment(case, params=params, seed=seed, progress=progress,
                                   travel=travel, now=now, lots=lots, mapper=mapper, deadline=deadline)
    started = time.perf_counter()
    report = progress or (lambda _f, _m: None)
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    fixed_map, forced = _fixed_lots(case, fixed, all_lots)
    net_started = deadline.clock()
    net = build_network(case, all_lots, travel=travel,
                        max_packing_houses=params.max_packing_houses_per_lot, forced=forced)
    net_s = deadline.clock() - net_started
    table = FreshnessTable(case)
    t0 = 0 if now is None else now
    unassigned: dict[str, UnassignedLot] = {}
    for lot in all_lots:
        if lot.id not in forced:
            reason = precheck(net, table, lot, now=t0)
            if reason is not None:
                unassigned[lot.id] = reason
    candidates = [lot for lot in all_lots if lot.id not in unassigned]
    report(0.0, f"{len(candidates)} lots to route, {len(unassigned)} impossible")
    bounds = {lot.id: _bounds(net, table, lot, params, t0) for lot in all_lots}
    for lot in candidates:
        if bounds[lot.id] is None and lot.id not in forced:
            unassigned[lot.id] = UnassignedLot(
                lot.id, Reason.SPOILS_BEFORE_REACHING,
                f"ready at {at(case, lot.ready)}; no vehicle can collect it early enough to reach a "
                f"packing house within its pre-cooling budget", lot.kg)
    candidates = [lot for lot in candidates if lot.id not in unassigned]
    data = ModelInput(
        lots=candidates, bounds=bounds,
        mandatory=frozenset(forced), fixed=_fixed_nodes(net, fixed_map), now=t0,
        enforce_freshness=params.enforce_freshness,
    )
    # the exact search's share is kept from the search only where it runs: not with committed stops; under
    # a solution limit (the time limit only guards) at most WORK_BOUNDED_IMPROVE_SHARE of it
    improve_share = 0.0 if not params.reinsert or data.fixed else (
        params.improve_time_share if params.solution_limit is None
        else min(params.improve_time_share, WORK_BOUNDED_IMPROVE_SHARE))
    search = deadline.minus(_after_search_s(params, net_s, improve_share))
    fallback = deadline.minus(_after_search_s(params, net_s, min(improve_share, MIN_IMPROVE_SHARE)))
    searched = _solve_and_repair(net, table, data, params, seed, report, started, search,
                                 build_s=MODEL_BUILD_PER_NETWORK * net_s, fallback=fallback)
    solved, rejected, first, fast, data = (searched.solved, searched.rejected, searched.first_s, searched.fast,
                                           searched.data)
    solved, triage = _triage(net, table, data, params, seed, report, started, search, solved,
                             build_s=MODEL_BUILD_PER_NETWORK * net_s)
    untried: list[str] = []
    routes, deliveries, improved = _final_plan(
        net, table, solved, params, data, rejected, deadline=deadline, seed=seed,
        poll=_poller(report, started, params, params.repair_rounds + 1, "extra trips"), untried=untried,
        search_poll=_poller(report, started, params, params.repair_rounds + 1, "exact search"))
    served = {d.lot_id for d in deliveries}
    full = (Reason.FLEET_EXHAUSTED, "the fleet's vehicles and hours went to lots of higher value")
    timed_out = (Reason.SEARCH_LIMIT, f"the time limit ({params.time_limit_s:g} s for the pickup routes) ended "
                 "before the search reached it, in its plan or as one more trip; a longer time limit may route it")
    not_reached = set(untried) if solved is not None or params.reinsert else {lot.id for lot in candidates}

    def check(ds: list[LotDelivery]) -> Violations:
        return _violations_of(net, table, ds, params, data)

    for lot in candidates:
        if lot.id not in served:
            found = rejected.get(lot.id)
            if found is None and lot.id not in not_reached and not deadline.expired():
                found = why_left_out(net, table, lot, deliveries, check, now=t0)  # (the insertion's plan)
            why, detail = found or (timed_out if lot.id in not_reached else full)
            unassigned[lot.id] = UnassignedLot(lot.id, why, detail, lot.kg)
    order = {lot.id: k for k, lot in enumerate(all_lots)}
    report(1.0, "done")
    by_id = {lot.id: lot for lot in all_lots}
    precool = precool_kpis(case, by_id, deliveries)
    return RoutingResult(
        routes=routes, deliveries=sorted(deliveries, key=lambda d: order[d.lot_id]),
        unassigned=sorted(unassigned.values(), key=lambda u: order[u.lot_id]),
        seconds=time.perf_counter() - started, time_to_first_s=first,
        objective=None if solved is None else solved.objective / (params.cost_scale * SEARCH_UNITS),
        stats={"lots": float(len(all_lots)), "candidates": float(len(candidates)), **shares(routes, all_lots),
               **precool, **triage, **improved, "fast_start": float(fast),
               "repair_rounds": float(searched.repairs), "repair_refused": float(searched.refused)},
        shelf_life_cost=shelf_life_cost(case, by_id, deliveries, weight=params.shelf_life_weight),
        precool_late_cost=precool["precool_late_cost"],
        left_out_cost=sum(left_out(by_id[u.lot_id], params) for u in unassigned.values()),
    )


def _after_search_s(params: RoutingParams, net_s: float, improve_share: float) -> float:
    """Seconds of the limit kept from the OR-Tools search for the steps
    after it: ``close_time_share`` and ``improve_share`` of the limit, and
    at least what the extra trips need to route every lot from empty days
    (a search stopped mid-construction leaves most lots to them; on the
    embedded day under load 0.4 s)."""
    shares = params.close_time_share + improve_share
    return max(params.time_limit_s * shares, EXTRA_TRIPS_PER_NETWORK * net_s)


def shares(routes: Sequence[Route], lots: Sequence[HarvestLot]) -> dict[str, float]:
    """What the busiest and the least busy working vehicle collected (kg
    and lots): the spread the ``balance`` option narrows."""
    kg = {lot.id: lot.kg for lot in lots}
    per_kg = [sum(kg[lid] for s in r.stops if s.kind == "pickup" for lid in s.lot_ids) for r in routes]
    per_lots = [sum(len(s.lot_ids) for s in r.stops if s.kind == "pickup") for r in routes]
    if not routes:
        return {}
    return {"kg_max": max(per_kg), "kg_min": min(per_kg), "lots_max": float(max(per_lots)),
            "lots_min": float(min(per_lots))}


def _none_routed(lots: Sequence[HarvestLot], params: RoutingParams, reason: Reason, detail: str) -> RoutingResult:
    """A plan routing none of ``lots``: each unassigned for ``reason``."""
    return RoutingResult(routes=[], deliveries=[], unassigned=[
        UnassignedLot(lot.id, reason, detail, lot.kg) for lot in lots],
        left_out_cost=sum(left_out(lot, params) for lot in lots))


def _without_fleet(lots: Sequence[HarvestLot], params: RoutingParams) -> RoutingResult:
    """No vehicle at all (every count 0, say a scenario's breakdowns): every lot unassigned."""
    return _none_routed(lots, params, Reason.FLEET_EXHAUSTED, "the case has no vehicle available")


def _timed_out(lots: Sequence[HarvestLot], params: RoutingParams) -> RoutingResult:
    """A catchment whose turn came after the deadline: every lot unassigned
    (gen-2000 at 1 s under load built the networks of the catchments after
    the deadline too: 0.8 s over the limit)."""
    return _none_routed(lots, params, Reason.SEARCH_LIMIT,
                        f"the time limit ({params.time_limit_s:g} s for the pickup routes) ended before the search "
                        "reached its catchment; a longer time limit may route it")


def _route_by_catchment(case: Case, *, params: RoutingParams, seed: int,
                        progress: Progress | None, travel: TravelTimeProvider | None, now: int | None,
                        lots: Sequence[HarvestLot] | None, mapper: PartMapper | None = None,
                        deadline: Deadline) -> RoutingResult:
    """Solve each catchment (see :mod:`.decompose`) with its share of the
    time: ``params.workers`` at once in local processes (default the usable
    cores; largest first, each with its :func:`.parallel.lpt_shares` share of
    the limit, so that every worker is busy until it), one after the other
    when one (with progress; each with its share, by lots, of what is left
    of ``deadline`` when it starts), or through ``mapper`` (each with its
    share of the whole limit: in parallel they end sooner). No catchment
    solved here works past ``deadline``."""
    started = time.perf_counter()
    all_lots = list(case.lots if lots is None else lots)
    parts = catchments(case, all_lots, max_lots=params.max_lots_per_part)
    total = max(len(all_lots), 1)
    workers = 1 if mapper is not None else local_workers(params.workers, len(parts))
    left = deadline.left()
    sizes = [len(part.lots) for part in parts]
    times = lpt_shares(sizes, workers, left)  # (one worker: each its share by lots)
    until = time.time() + left if workers > 1 else None  # (the local workers' clock: wall time)
    jobs = []
    for part, share in zip(parts, times, strict=True):
        sites = tuple(_house_share(s, part.intake_share) if s.id == part.house else s for s in case.sites)
        kept = {vt.id for vt, _, _ in part.fleet}  # a catchment may get no vehicle of a type: nor its drivers
        sub = case.replace(sites=sites, vehicle_types=tuple(replace(vt, count=n) for vt, n, _ in part.fleet),
                           lots=tuple(part.lots), drivers=tuple(d for d in case.drivers if d.vehicle_type in kept))
        jobs.append(PartJob(sub, params.replace(decompose=False, time_limit_s=max(share, 0.01)), seed, travel, now,
                            until))
    if mapper is not None:
        results = mapper(solve_part, jobs)
    elif workers > 1:
        def poll(done: list[int]) -> None:
            if progress is not None:
                progress(min(sum(sizes[k] for k in done) / total, 0.99),
                         f"{len(done)} of {len(parts)} catchments planned ({workers} at once)")

        results = run_in_processes(solve_part, jobs, workers=workers, poll=poll,
                                   order=sorted(range(len(parts)), key=lambda k: (-sizes[k], k)))
    else:
        results, done = [], 0
        for job, part in zip(jobs, parts, strict=True):
            def report(f: float, msg: str, h: str = part.house, d: int = done, n: int = len(part.lots)) -> None:
                if progress is not None:
                    progress(min((d + f * n) / total, 0.99), f"{h}: {msg}")

            rest = max(total - done, 1)
            part_deadline = deadline.share(min(len(part.lots) / rest, 1.0))
            results.append(solve_part(job, report, deadline=part_deadline) if not deadline.expired()
                           else _timed_out(part.lots, params))  # (building its network would overrun the limit)
            done += len(part.lots)
    merged = [_renumbered(r, {vt.id: offset for vt, _, offset in part.fleet})
              for r, part in zip(results, parts, strict=True)]
    order = {lot.id: k for k, lot in enumerate(all_lots)}
    firsts = [r.time_to_first_s for r in merged if r.time_to_first_s is not None]
    if progress is not None:
        progress(1.0, "done")
    deliveries = sorted((d for r in merged for d in r.deliveries), key=lambda d: order[d.lot_id])
    precool = precool_kpis(case, {lot.id: lot for lot in all_lots}, deliveries)
    return RoutingResult(
        routes=[route for r in merged for route in r.routes],
        deliveries=deliveries,
        unassigned=sorted((u for r in merged for u in r.unassigned), key=lambda u: order[u.lot_id]),
        seconds=time.perf_counter() - started,
        time_to_first_s=max(firsts) if firsts else None,
        stats={"lots": float(len(all_lots)), "catchments": float(len(parts)),
               **shares([route for r in merged for route in r.routes], all_lots), **precool,
               **{k: sum(r.stats.get(k, 0.0) for r in merged) for k in SUMMED_STATS}},
        shelf_life_cost=sum(r.shelf_life_cost for r in merged),
        precool_late_cost=precool["precool_late_cost"],
        left_out_cost=sum(r.left_out_cost for r in merged),
    )


def _house_share(site: Site, share: float) -> Site:
    """A sector's share of its packing house: of the intake per hour and of
    the cold store (sectors of one house are solved apart; whole, each could
    fill it)."""
    return replace(site,
                   intake_kg_per_hour=None if site.intake_kg_per_hour is None else site.intake_kg_per_hour * share,
                   cold_storage_kg=None if site.cold_storage_kg is None else site.cold_storage_kg * share)


@dataclass(frozen=True)
class PartJob:
    """One catchment's solve, as sent to a worker (picklable)."""

    case: Case
    params: RoutingParams
    seed: int
    travel: TravelTimeProvider | None
    now: int | None
    until: float | None = None  # wall-clock time (time.time()) no solve of the day works past


def solve_part(job: PartJob, progress: Progress | None = None, *, deadline: Deadline | None = None
               ) -> RoutingResult:
    """Solve one catchment (a worker's task; by default within the job's
    ``time_limit_s`` from when it starts, and not past its ``until``: a
    catchment whose turn comes after it is not built, its lots unassigned
    for the time limit)."""
    places_kernel.warm()  # (a worker's first task: before its clock starts)
    if deadline is None and job.until is not None:
        left = min(job.params.time_limit_s, job.until - time.time())
        if left <= 0:
            return _timed_out(list(job.case.lots), job.params)
        deadline = Deadline.after(left)
    if deadline is not None:  # its time limit is the deadline's (progress fractions)
        job = replace(job, params=job.params.replace(time_limit_s=max(deadline.left(), 0.01)))
    return route_pickups(job.case, params=job.params, seed=job.seed, progress=progress, travel=job.travel,
                         now=job.now, deadline=deadline)


def _renumbered(result: RoutingResult, offsets: dict[str, int]) -> RoutingResult:
    """Vehicle ids of a catchment's solve in the whole fleet's numbering."""
    def vid(old: str) -> str:
        type_id, _, k = old.rpartition("#")
        return f"{type_id}#{offsets[type_id] + int(k)}"

    return replace(
        result,
        routes=[replace(r, vehicle_id=vid(r.vehicle_id)) for r in result.routes],
        deliveries=[replace(d, vehicle_id=vid(d.vehicle_id)) for d in result.deliveries],
    )


def _bounds(net: Network, table: FreshnessTable, lot: HarvestLot, params: RoutingParams,
            now: int) -> LotBounds | None:
    boxes = lot_boxes(net.case, lot)
    pickup = net.pickup[lot.id]
    carriers = []
    first_of_type: dict[str, int] = {}
    for v, vehicle in enumerate(net.vehicles):
        first_of_type.setdefault(vehicle.type.id, v)
    for v in first_of_type.values():
        vt = net.vehicles[v].type
        if vt.capacity_kg >= lot.kg and (not vt.capacity_boxes or vt.capacity_boxes >= boxes):
            direct = min(net.transit(vt.profile, pickup, d) for d in net.delivery[lot.id].values())
            earliest = max(now, vt.shift.start) + net.transit(vt.profile, 2 * v, pickup)
            carriers.append((vt, direct, earliest))
    return lot_bounds(table, lot, carriers=carriers, allowance_s=params.ride_allowance_s)


def _fixed_lots(case: Case, fixed: Sequence[FixedRoute], lots: list[HarvestLot]
                ) -> tuple[dict[str, FixedRoute], dict[str, set[str]]]:
    known = {lot.id for lot in lots}
    vehicle_ids = {f"{vt.id}#{k}" for vt in case.vehicle_types for k in range(1, vt.count + 1)}
    forced: dict[str, set[str]] = {}
    by_vehicle: dict[str, FixedRoute] = {}
    for route in fixed:
        if route.vehicle_id not in vehicle_ids:
            raise ValueError(f"fixed route: unknown vehicle {route.vehicle_id!r} (known: type#k)")
        if route.vehicle_id in by_vehicle:
            raise ValueError(f"fixed route: vehicle {route.vehicle_id} given twice")
        by_vehicle[route.vehicle_id] = route
        for stop in route.stops:
            if stop.lot_id not in known:
                raise ValueError(f"fixed route {route.vehicle_id}: unknown lot {stop.lot_id!r}")
            if stop.lot_id in forced and stop.kind == "pickup":
                raise ValueError(f"fixed route {route.vehicle_id}: lot {stop.lot_id} is on two routes")
            forced.setdefault(stop.lot_id, set())
            if stop.kind == "delivery":
                forced[stop.lot_id].add(stop.packing_house)
    return by_vehicle, forced


def _fixed_nodes(net: Network, fixed: dict[str, FixedRoute]) -> dict[int, list[tuple[int, int | None]]]:
    index = {v.id: k for k, v in enumerate(net.vehicles)}
    out: dict[int, list[tuple[int, int | None]]] = {}
    for vid, route in fixed.items():
        nodes = []
        for stop in route.stops:
            if stop.kind == "pickup":
                node = net.pickup[stop.lot_id]
            else:
                if stop.packing_house not in net.delivery[stop.lot_id]:
                    msg = f"fixed route {vid}: {stop.packing_house!r} is not allowed for lot {stop.lot_id}"
                    raise ValueError(msg)
                node = net.delivery[stop.lot_id][stop.packing_house]
            nodes.append((node, stop.time))
        out[index[vid]] = nodes
    return out


Rejected = dict[str, tuple[Reason, str]]
# lot id -> (reason, detail, ban): ban None takes the lot out of the next solve;
# ((lot id, packing house), slot) forbids that intake slot there, with slot None that house
Ban = tuple[tuple[str, str], tuple[int, int] | None]
Violations = dict[str, tuple[Reason, str, Ban | None]]


@dataclass(frozen=True)
class Searched:
    """The search's plan (None: none found), the lots the exact checks
    rejected with why, the seconds to the first plan, whether it came from
    a fast start, the last round's input (with every refusal), and how often
    the checks refused something: ``repairs`` rounds, ``refused`` lots in
    all (the plan's stats ``repair_rounds`` and ``repair_refused``: the
    repair is a safety net; how often it acts is measured)."""

    solved: Solved | None
    rejected: Rejected
    first_s: float | None
    fast: bool
    data: ModelInput
    repairs: int = 0
    refused: int = 0


def _solve_and_repair(net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams,
                      seed: int, report: Progress, started: float, deadline: Deadline, build_s: float = 0.0,
                      fallback: Deadline | None = None) -> Searched:
    """The main solve and the repair rounds of ``params.backend``
    (:mod:`.backends`), each ending by its share of ``deadline``; a round
    with less than ``build_s`` (the expected time to build the model) left
    is not started. A round 0 that found nothing (or had no time to build
    its model) leaves the whole of what is left until ``fallback`` (a later
    deadline, taken from the exact search's time; default ``deadline``) to
    one more round from a fast start (:func:`.backends._start`); round 0
    from scratch may itself run on to ``fallback`` while it has no plan,
    stopping at its share of ``deadline`` once it has one: with a short
    limit on a large day the exact search's share would otherwise leave the
    OR-Tools search no first plan (a 256-lot catchment of a 2,000-lot day at
    10 s has 1.3 s; its first plan took 0.34-0.38 s, and with 70 % of the
    limit for the exact search the search had 0.2-0.4 s: 18-72 of the 2,000
    lots ended out, against 0-1 with 50 %). Each round solves a frozen input:
    the checks' refusals make the next round's (:meth:`.ModelInput.refused`).
    Under ``solution_limit`` the plans do not depend on the deadlines.
    Returns the plan with what the rounds refused (:class:`Searched`)."""
    fallback = fallback or deadline
    backend = backend_for(params)
    rejected: Rejected = {}
    solved: Solved | None = None
    first: float | None = None
    fast = False
    hint: list[list[int]] | None = None
    may_fall_back = backend.falls_back and params.fast_start  # one more round after a failed round 0
    repairs = refused = 0
    for round_ in range(params.repair_rounds + int(may_fall_back) + 1):
        failed = round_ > 0 and solved is None  # round 0 found nothing in its share: all that is left
        left = (fallback if failed else deadline).left()
        if left <= 0.0 or (round_ > 0 and left < 0.2):
            break
        if round_ > params.repair_rounds and solved is not None:
            break  # the round kept for a failed round 0
        share = (1.0 if failed else 1.0 - params.repair_time_share if round_ == 0
                 else 1.0 / (params.repair_rounds + 1 - round_))

        def scaled(_f: float, msg: str, r: int = round_) -> None:
            report(min((time.perf_counter() - started) / params.time_limit_s, 0.99), f"round {r}: {msg}")

        rnd = Round(number=round_, until=fallback if failed else deadline.share(share), search_end=deadline,
                    fallback=fallback, failed=failed, has_plan=solved is not None, hint=hint, build_s=build_s,
                    elapsed=clock_since(started), progress=scaled, poll=_poller(report, started, params, round_))
        outcome = backend.solve(net, table, data, params, seed, rnd)
        if outcome.stop:
            break
        result = outcome.solved
        if result is None:
            if solved is None and data.fixed:
                raise InfeasibleError("pickup routing: the fixed routes cannot be kept (times, capacity or freshness)")
            if round_ == 0 and may_fall_back:
                continue  # one more round, from a fast start, with all that is left
            break
        if first is None and outcome.first_s is not None:
            first = outcome.first_s
        if solved is None:
            fast = outcome.fast
        solved = result
        bad = _violations(net, table, solved, params, data)
        if not bad:
            break
        for lot_id, (reason, detail, _) in bad.items():
            rejected[lot_id] = (reason, detail)
        repairs, refused = repairs + 1, refused + len(bad)
        bans = [ban for _, _, ban in bad.values() if ban is not None]
        data = data.refused(lots=[lot_id for lot_id, (_, _, ban) in bad.items() if ban is None],
                            houses=[key for key, slot in bans if slot is None],
                            slots=[(key, slot) for key, slot in bans if slot is not None],
                            pins=_full_slot_pins(net, table, solved, params, bad))
        bad_nodes = {n for lot_id in bad for n in [net.pickup[lot_id], *net.delivery[lot_id].values()]}
        hint = [[n for n, _ in r if n not in bad_nodes] for r in solved.routes]
    return Searched(solved, rejected, first, fast, data, repairs, refused)


def _triage(net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
            report: Progress, started: float, deadline: Deadline, solved: Solved | None, *,
            build_s: float) -> tuple[Solved | None, dict[str, float]]:
    """With search time left after a plan the exact checks accept and that
    serves every lot it may (else the time goes to the extra trips): stop
    pricing the lateness of the lots that plan leaves late by more than the
    ramp (the search's linear charge has passed their whole loss, which a
    later unloading no longer changes), search again from that plan with the
    time left, and keep the new plan only if it costs less by the one
    objective (:mod:`.costs`, exactly, the lots it leaves out included). The vehicles those lots held go to lots that
    can still be on time. Returns the plan and, when a triage search ran,
    ``triage_sunk`` (lots no longer priced) and ``triage_kept`` (1: its plan
    won)."""
    if (solved is None or params.precool_late_weight <= 0 or not backend_for(params).prices_lateness or data.fixed
            or deadline.left() <= build_s + 0.5 or _violations(net, table, solved, params, data)
            or _served(solved) < 2 * len([lot for lot in data.lots if lot.id not in data.banned])):
        return solved, {}  # (a lot left out: the time left goes to the extra trips)
    late = PickupModel.lateness(net, table, data, params)
    lots = {lot.id: lot for lot in data.lots}
    sunk = set()
    for d in _deliveries(net, table, solved):
        info = late.get(d.lot_id)
        if info is None or not is_late(net.case, lots[d.lot_id], d):
            continue
        over = d.picked_up - info.pickup_by if info.pickup_by is not None else d.delivered - info.after
        if over > params.late_ramp_s:
            sunk.add(d.lot_id)
    if not sunk:
        return solved, {}
    trial = replace(data, sunk=data.sunk | sunk)
    model = PickupModel(net, trial, params, table)

    def scaled(_f: float, msg: str) -> None:
        report(min((time.perf_counter() - started) / params.time_limit_s, 0.99), f"triage: {msg}")

    again = model.solve(deadline=deadline, seed=seed, progress=scaled, hint=[[n for n, _ in r] for r in solved.routes])
    kept = (again is not None and not _violations(net, table, again, params, trial)
            and _day_cost(net, table, again, params, data) < _day_cost(net, table, solved, params, data))
    return (again if kept else solved), {"triage_sunk": float(len(sunk)), "triage_kept": float(kept)}


def _served(solved: Solved) -> int:
    """Visits on a solve's routes (a pickup and a delivery per lot served)."""
    return sum(len(r) for r in solved.routes)


def _deliveries(net: Network, table: FreshnessTable, solved: Solved) -> list[LotDelivery]:
    return [d for v, visits in enumerate(solved.routes) if visits
            for d in build_route(net, table, v, solved.starts[v], visits)[1]]


def _day_cost(net: Network, table: FreshnessTable, solved: Solved, params: RoutingParams,
              data: ModelInput) -> float:
    """The one objective of a solve's plan, exactly: vehicles, shelf life,
    lateness, the lots of ``data`` it leaves out, and with a ``balance``
    option its price on the busiest vehicle's share (as the search counts it)."""
    return _judge(net, table, solved.starts, params, data).price(solved.routes)


def _poller(report: Progress, started: float, params: RoutingParams, round_: int, what: str = "pyvrp",
            every_s: float = 0.5) -> Callable[[], None]:
    """A call-often hook (PyVRP's search, the extra trips) that reports progress
    every ``every_s`` seconds (what ``report`` raises, a cancel, stops the work)."""
    last = [time.monotonic()]

    def poll() -> None:
        if time.monotonic() - last[0] >= every_s:
            last[0] = time.monotonic()
            report(min((time.perf_counter() - started) / params.time_limit_s, 0.99), f"round {round_}: {what}")

    return poll


def _full_slot_pins(net: Network, table: FreshnessTable, solved: Solved, params: RoutingParams,
                    bad: Violations) -> dict[tuple[str, str], tuple[int, int]]:
    """The intake slot of each lot that fitted a full slot, per (lot, packing
    house): the next solve keeps it there, so it cannot move them along with
    the lot it must move elsewhere."""
    full = {(ban[0][1], ban[1][0]) for _, _, ban in bad.values() if ban is not None and ban[1] is not None}
    pins: dict[tuple[str, str], tuple[int, int]] = {}
    for v, visits in enumerate(solved.routes):
        if not visits:
            continue
        for d in build_route(net, table, v, solved.starts[v], visits)[1]:
            start = d.delivered // params.intake_slot_s * params.intake_slot_s
            if d.lot_id not in bad and (d.packing_house, start) in full:
                pins[(d.lot_id, d.packing_house)] = (start, start + params.intake_slot_s - 1)
    return pins


def _violations(net: Network, table: FreshnessTable, solved: Solved, params: RoutingParams,
                data: ModelInput) -> Violations:
    deliveries: list[LotDelivery] = []
    for v, visits in enumerate(solved.routes):
        if visits:
            deliveries += build_route(net, table, v, solved.starts[v], visits)[1]
    return _violations_of(net, table, deliveries, params, data)


def _violations_of(net: Network, table: FreshnessTable, deliveries: list[LotDelivery], params: RoutingParams,
                   data: ModelInput) -> Violations:
    """What the exact checks reject of a plan's ``deliveries``."""
    bad: Violations = {}
    for d in deliveries:
        if data.enforce_freshness and d.budget_left_s < 0 and d.lot_id not in data.mandatory:
            bad[d.lot_id] = (Reason.SPOILS_BEFORE_REACHING,
                             f"the best plan found delivers it at {d.packing_house} {at(net.case, d.delivered)}, "
                             f"{duration(-d.budget_left_s)} (reference time) over its pre-cooling budget", None)
    case, lots = net.case, {lot.id: lot for lot in data.lots}
    for d in deliveries:
        spend, leaves = ambient_wait(case, table, d, lots[d.lot_id].product)
        if data.enforce_freshness and spend > d.budget_left_s and d.lot_id not in bad and d.lot_id not in data.mandatory:
            bad[d.lot_id] = (Reason.SPOILS_BEFORE_REACHING,
                             f"{d.packing_house} does not pre-cool: waiting there at ambient until the first "
                             f"freight ({at(case, leaves or 0)}) spends {duration(spend - d.budget_left_s)} "
                             "(reference time) over its pre-cooling budget", ((d.lot_id, d.packing_house), None))
    value = {lot.id: lot.value for lot in data.lots}
    for d, slot in intake_overflow(net, deliveries, slot_s=params.intake_slot_s, value=value):
        if d.lot_id not in bad and d.lot_id not in data.mandatory:
            bad[d.lot_id] = (Reason.PACKING_HOUSE_CAPACITY,
                             f"{d.packing_house} intake is full {_slot_text(net.case, slot)} "
                             "with lots of higher value",
                             ((d.lot_id, d.packing_house), slot))
    for d in cold_store_overflow(case, [d for d in deliveries if d.lot_id not in bad], value):
        if d.lot_id not in data.mandatory:
            cap = case.site_by_id[d.packing_house].cold_storage_kg or 0.0
            bad[d.lot_id] = (Reason.PACKING_HOUSE_CAPACITY,
                             f"the cold store of {d.packing_house} ({cap:,.0f} kg) is full with lots of "
                             "higher value", ((d.lot_id, d.packing_house), None))
    return bad


def _slot_text(case: Case, slot: tuple[int, int]) -> str:
    s = case.settings
    return clock_range(slot[0], slot[1] + 1, s.epoch, s.timezone)


def _complete_pairs(net: Network, visits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The visits minus any lot whose pickup or delivery is missing, or whose
    delivery comes first (a search stopped mid-construction can leave them)."""
    picked: set[str] = set()
    whole: set[str] = set()
    for node, _ in visits:
        n = net.nodes[node]
        assert n.lot is not None
        if n.kind == "pickup":
            picked.add(n.lot.id)
        elif n.lot.id in picked:
            whole.add(n.lot.id)
    # the visits keep their times: build_route holds each stop at them (the one re-timer)
    return [(node, t) for node, t in visits if net.nodes[node].lot.id in whole]  # type: ignore[union-attr]


def _drop_rejected(net: Network, table: FreshnessTable, solved: Solved, routes: list[list[tuple[int, int]]],
                   params: RoutingParams, data: ModelInput, rejected: Rejected) -> list[list[tuple[int, int]]]:
    """Take out every lot the exact checks reject, recording why, until none is."""
    while True:
        bad = _violations(net, table, Solved(routes, solved.starts, solved.ends, solved.objective, None),
                          params, data)
        if not bad:
            return routes
        drop = {n for lot_id in bad for n in [net.pickup[lot_id], *net.delivery[lot_id].values()]}
        for lot_id, (reason, detail, _) in bad.items():
            rejected[lot_id] = (reason, detail)
        routes = [[(n, t) for n, t in r if n not in drop] for r in routes]


def _final_plan(net: Network, table: FreshnessTable, solved: Solved | None, params: RoutingParams,
                data: ModelInput, rejected: Rejected, *, deadline: Deadline, seed: int = 0,
                poll: Callable[[], None] | None = None, untried: list[str] | None = None,
                search_poll: Callable[[], None] | None = None,
                ) -> tuple[list[Route], list[LotDelivery], dict[str, float]]:
    """Routes of the last solve minus any lot the exact checks still reject,
    plus the lots left out that fit as extra trips (:mod:`.reinsert`, each
    where the day's cost grows least) until ``deadline``. Without a
    solve's plan (the insertion backend, or a search that found nothing in
    its time) the day is built from empty days (:mod:`.start`), and what
    that leaves out is tried on every vehicle. The lots the extra trips did
    not reach by ``deadline`` are appended to ``untried``."""
    from_empty = solved is None
    if solved is None:
        if not params.reinsert or data.fixed:
            return [], [], {}
        starts = [max(v.type.shift.start, data.now) for v in net.vehicles]
        solved = Solved([[] for _ in net.vehicles], starts, list(starts), 0, None)
    routes = [_complete_pairs(net, r) for r in solved.routes]
    routes = _drop_rejected(net, table, solved, routes, params, data, rejected)
    if params.reinsert:
        on_routes = {net.nodes[n].lot.id for r in routes for n, _ in r}  # type: ignore[union-attr]
        left = [lot for lot in data.lots if lot.id not in on_routes]
        priced = lot_cost(net.case, shelf_life_weight=params.shelf_life_weight,
                          late_weight=params.precool_late_weight)
        if from_empty:  # each lot on its neighbours' routes first (:mod:`.start`), then the rest anywhere
            placed = set(build_day(net, table, routes, solved.starts, left, dict(data.bounds), now=data.now,
                                   slot_s=params.intake_slot_s, enforce_freshness=data.enforce_freshness,
                                   deadline=_closing(deadline, params), lot_cost=priced, poll=poll))
            for lot_id in placed:
                rejected.pop(lot_id, None)
            left = [lot for lot in left if lot.id not in placed]
        for lot_id in reinsert(net, table, routes, solved.starts, left, dict(data.bounds), now=data.now, poll=poll,
                               slot_s=params.intake_slot_s, enforce_freshness=data.enforce_freshness,
                               deadline=deadline, lot_cost=priced, untried=untried,
                               keep={v: len(stops) for v, stops in data.fixed.items()}):
            rejected.pop(lot_id, None)
        routes = _drop_rejected(net, table, solved, routes, params, data, rejected)
    stats: dict[str, float] = {}
    if params.reinsert and params.improve_time_share > 0 and not data.fixed and any(routes):
        routes, stats = _improve(net, table, solved, routes, params, data, deadline=deadline, seed=seed,
                                 poll=search_poll)
        on_routes = {net.nodes[n].lot.id for r in routes for n, _ in r}  # type: ignore[union-attr]
        for lot_id in on_routes:
            rejected.pop(lot_id, None)
    out_routes: list[Route] = []
    deliveries: list[LotDelivery] = []
    fixed = set(data.fixed)
    for v, visits in enumerate(routes):
        if visits or v in fixed:
            route, ds = build_route(net, table, v, solved.starts[v], visits)
            out_routes.append(route)
            deliveries += ds
    return out_routes, deliveries, stats


def _closing(deadline: Deadline, params: RoutingParams) -> Deadline:
    """``deadline`` less the time kept to judge and write the plan."""
    return deadline.minus(min(0.5, 0.02 * params.time_limit_s))


def _improve(net: Network, table: FreshnessTable, solved: Solved, routes: list[list[tuple[int, int]]],
             params: RoutingParams, data: ModelInput, *, deadline: Deadline, seed: int,
             poll: Callable[[], None] | None = None) -> tuple[list[list[tuple[int, int]]], dict[str, float]]:
    """The ruin-and-recreate search (:mod:`.improve`) from ``routes`` until
    ``deadline`` (less a margin to write the result), judged by the exact
    checks and the day's cost (:class:`.judge.Judge`)."""
    until = _closing(deadline, params)
    if until.expired():  # (judging the start alone takes 0.65 s on 2,000 lots)
        return routes, {}
    priced = lot_cost(net.case, shelf_life_weight=params.shelf_life_weight, late_weight=params.precool_late_weight)
    days: Memo = {}  # the routes the steps have timed (a step changes a few of many)
    floors: dict[str, Floors] = {}  # per lot, its own cost at the least (:func:`.reinsert.reinsert`)
    steps = params.improve_steps if params.improve_steps is not None else params.solution_limit
    # the routes judged, recombined at the end (:mod:`.route_pool`; params.recombine_share): under a time limit,
    # with no balance (the busiest vehicle's share is not the routes' sum)
    kept_s = params.recombine_share * until.left() if steps is None and params.balance == "none" else 0.0
    pool = RoutePool(column) if kept_s >= MIN_RECOMBINE_S else None
    judge = _judge(net, table, solved.starts, params, data, days, pool=pool)
    bounds = dict(data.bounds)
    leasts: dict[str, float] = {}

    def least(lot: HarvestLot) -> float:
        """What ``lot`` adds to the day's cost at the least, placed or not (remembered)."""
        if lot.id not in leasts:
            leasts[lot.id] = min(left_out(lot, params), least_added(
                net, table, lot, bounds.get(lot.id), now=data.now, enforce_freshness=data.enforce_freshness,
                lot_cost=priced))
        return leasts[lot.id]

    def insert(rs: list[list[tuple[int, int]]], lots: list[HarvestLot], vehicles: dict[str, set[int]],
               limit: float | None, only: frozenset[int] | None = None) -> list[str] | None:
        untried: list[str] = []
        placed = reinsert(net, table, rs, solved.starts, lots, bounds, now=data.now, slot_s=params.intake_slot_s,
                          enforce_freshness=data.enforce_freshness, deadline=until, lot_cost=priced,
                          vehicles=vehicles, ordered=True, memo=days, untried=untried,
                          limit=limit, least=least, floors=floors, only=only)
        return None if untried else placed

    before = judge.cost(routes)
    related = relations(net, data.lots)

    everyone = frozenset(lot.id for lot in data.lots)

    def walk(start: list[list[tuple[int, int]]], end: Deadline, walk_seed: int, phase: tuple[float, float],
             main: bool, part: Part | None = None) -> Improved:
        if pool is not None:
            pool.forget_new()  # (what came before: a forked walk's parent's routes, or earlier epochs')
        done = _walk(start, end, walk_seed, phase, main, part)
        return done if pool is None or main else replace(done, columns=tuple(pool.take_new()))

    def _walk(start: list[list[tuple[int, int]]], end: Deadline, walk_seed: int, phase: tuple[float, float],
              main: bool, part: Part | None) -> Improved:
        return improve(net, start, data.lots, evaluate=judge.cost,
                       insert=insert if part is None else partial(insert, only=part.routes),
                       deadline=end, seed=walk_seed, threshold=THRESHOLD if main else OTHER_THRESHOLD,
                       late=judge.late, keep=frozenset(data.mandatory), steps=steps, unloaded=judge.unloaded,
                       poll=poll if main else None, phase=phase, related=related,
                       waste=lambda rs: judge.waste(rs, least), slot_s=params.intake_slot_s,
                       frozen=frozenset() if part is None else everyone - part.lots)

    def parts(plan: list[list[tuple[int, int]]], part_seed: int) -> list[Part]:
        return split(net, plan, sorted(everyone), cores, part_seed)

    # under a step limit one walk (the same plan on any machine); else one per core where this process may fork
    cores = 1 if steps is not None or not can_fork() else local_workers(params.workers, usable_cores())
    recombined = [0.0]
    prices = {lot.id: left_out(lot, params) for lot in data.lots}

    def finish(best: Improved, end: Deadline) -> Improved:
        """``best`` with its routes recombined with those judged so far, if that pays."""
        if pool is None:
            return best
        judge.keep(best.routes)
        plan = recombine(pool, best.routes, prices, judge.intake, judge.store, deadline=end, seed=seed)
        cost = None if plan is None else judge.cost(plan)
        if plan is None or cost is None or cost >= best.cost - 1e-6:
            return best
        recombined[0] = best.cost - cost
        return replace(best, routes=plan, cost=cost, kept=best.kept + 1)

    done = walks(walk, routes, workers=cores, deadline=until, seed=seed, until_deadline=steps is None,
                 split=parts if params.walk_parts else None,
                 merge=lambda start, plans: merge(net, start, plans, judge.cost, deadline=until),
                 absorb=None if pool is None else lambda r: pool.extend(r.columns),
                 finish=None if pool is None else finish, finish_s=kept_s)
    saved = 0.0 if before is None or done.kept == 0 else before - done.cost
    return (done.routes if done.kept else routes), {"improve_steps": float(done.steps),
                                                    "improve_recombined": recombined[0],
                                                    "improve_pool": float(len(pool) if pool is not None else 0),
                                                    "improve_kept": float(done.kept), "improve_saved": saved,
                                                    "improve_restarts": float(done.restarts),
                                                    "improve_merged": float(done.merged),
                                                    "improve_merge_refused": float(done.refused)}


def _judge(net: Network, table: FreshnessTable, starts: list[int], params: RoutingParams, data: ModelInput,
           days: Memo | None = None, *, pool: RoutePool | None = None) -> Judge:
    """The exact search's judge of ``data``'s plans (:mod:`.judge`), with
    the full checks of :func:`_violations_of`; ``days``: the routes the
    insertion timed (the judge times none twice); ``pool``: where it keeps
    the routes it judged."""

    def timed(key: tuple[int, tuple[tuple[int, int], ...]]) -> Timed | None:
        day = days.get(key) if days is not None else None
        return None if day is None else day.timed

    def timed_here(key: tuple[int, tuple[tuple[int, int], ...]], route: Timed, lots_cost: float) -> None:
        if days is not None:
            remember_timed(days, key, route, lots_cost)

    return Judge(net, table, starts, params, data, timed=timed, timed_here=timed_here, pool=pool,
                 violations=lambda deliveries: _violations_of(net, table, deliveries, params, data))
