"""The pickup search's backends behind one protocol.

:func:`.engine._solve_and_repair` runs rounds: a solve, the exact checks,
the refusals as a new frozen :class:`.model.ModelInput`, a solve again from
the last plan. A backend makes one round's plan (:meth:`PickupBackend.solve`)
and says what it can do in its attributes, so the loop asks no backend its
name:

* ``insertion`` (the default): no search model. The exact insertion
  (:mod:`.reinsert`) builds the day from empty days (:mod:`.start`: each lot
  in ready order inside the routes of its nearest lots, priced by the day's
  cost) and the exact search (:mod:`.improve`) improves it, with the whole
  limit but the start's seconds. Measured against OR-Tools' first plan as
  the exact search's start (60 s, two solves at once on 2 cores, the same
  seeds, M VND; with the former start, one trip per lot at the end of a
  vehicle's day, by the vehicles' cost alone): the embedded day, seeds 1-5,
  72.9 / 72.0 / 72.4 / 69.2 / 65.1 against 81.1 / 75.2 / 90.1 / 70.5 / 67.0;
  the day with a packing house down 111.8 / 114.9 / 90.3 / 93.6 / 93.6
  against 173.3 / 101.7 / 153.0 / 95.8 / 86.7; son-la, seeds 3-5, 262.6 /
  262.2 / 262.6 against 266.2 / 264.7 / 265.1; gen-500, seeds 1-3, 153.1 /
  161.7 / 154.6 against 176.6 / 181.7 / 187.3 (there OR-Tools' configured
  first plan did not come in the 22 s it was given). OR-Tools' start costs
  the exact search the model's build and the search's seconds and brings
  plans that leave lots late for want of intake (the house-down day's 153
  and 173 M: 37 and 53 M of pre-cooling loss). The start of :mod:`.start`
  took the same search further (paired against the former start, seeds 1
  and 2: the embedded day 62.1 / 62.0 against 67.0 / 68.2, gen-500 134.6 /
  136.7 against 145.7 / 152.3, gen-1000 256.0 / 267.9 against 315.4 /
  304.1; the house-down day 98.6 / 101.8 against 101.1 / 93.7). Under a
  ``solution_limit`` the exact search takes as many steps as solutions (the
  same plan on any machine): the embedded day at 50 cost 79.2 M VND in
  3.4 s against 376.9 M in 30 s from OR-Tools' start (50 solutions, then 50
  steps). Where the insertion cannot make the whole plan (committed stops,
  a break rule, a balance asked, ``reinsert`` off: :func:`inserts`)
  OR-Tools' search makes it;
* ``ortools``: the full model (:mod:`.model`: delivery alternatives, intake
  windows, fixed routes, the lateness charge), a round from the last plan;
* ``pyvrp``: PyVRP's shipments (:mod:`.pyvrp_pickups`: nearest house only,
  no fixed routes, no lateness charge; every round from scratch);
* ``hybrid``: PyVRP's plan, found in ``hybrid_share`` of round 0, as
  OR-Tools' first (measured on the embedded day at 30 s: 37.2 M VND
  against 25.2 M for OR-Tools alone, because PyVRP's routes ignore intake;
  kept for plain VRPTW, where it wins, and for comparison).

``BACKENDS`` maps the names ``RoutingParams.backend`` accepts to them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from .deadline import Deadline
from .freshness import FreshnessTable
from .model import ModelInput, PickupModel, Solved
from .network import Network
from .params import BACKEND_NAMES, RoutingParams
from .pyvrp_pickups import solve_pickups_pyvrp

Progress = Callable[[float, str], None]
FAST_START = "local_cheapest_insertion"  # the quickest first plan that serves every lot (see _start)
FAST_START_BUILDS = 10.0  # parallel cheapest insertion's first plan: about 8 model builds (the embedded day)
FIRST_PLAN_BUILDS = 2.0  # the fast start's first plan from scratch: 2.4 model builds on the embedded day (quiet)


@dataclass(frozen=True)
class Round:
    """One round of the solve-and-repair loop as a backend sees it.

    ``until`` ends the round; ``search_end`` ends the whole search (a fast
    start short of time may take the later rounds' share); ``fallback`` is
    the latest a round without any plan before it may run to; ``failed``:
    the rounds before found no plan; ``has_plan``: a round before found one;
    ``hint``: the last plan's visits per vehicle (None: from scratch);
    ``build_s``: the expected time to build a model; ``elapsed``: seconds
    since the routing started; ``progress`` reports (fraction, message);
    ``poll`` is called often by a search that has no callback of its own."""

    number: int
    until: Deadline
    search_end: Deadline
    fallback: Deadline
    failed: bool
    has_plan: bool
    hint: list[list[int]] | None
    build_s: float
    elapsed: Callable[[], float]
    progress: Progress
    poll: Callable[[], None]


@dataclass(frozen=True)
class Outcome:
    """A round's plan (None: none found), the seconds from the routing's
    start to its first plan, whether it came from a fast start, and
    ``stop``: no time to build a model, so no more rounds (the extra trips
    make the plan)."""

    solved: Solved | None
    first_s: float | None = None
    fast: bool = False
    stop: bool = False


class PickupBackend(Protocol):
    """A search that makes one round's plan of the pickup problem."""

    name: str
    falls_back: bool  # after a round 0 that found nothing, one more round from a fast start may find a plan
    prices_lateness: bool  # the search charges pre-cooling lateness (engine._triage may re-price it)

    def solve(self, net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
              rnd: Round) -> Outcome: ...


def _first(solve_started: float, solved: Solved | None) -> float | None:
    """Seconds from the routing's start to a solve's first plan."""
    if solved is None or solved.time_to_first_s is None:
        return None
    return solve_started + solved.time_to_first_s


def _iterations(params: RoutingParams) -> int | None:
    """PyVRP's work bound under ``solution_limit`` (N solutions: 20 N iterations)."""
    return None if params.solution_limit is None else 20 * params.solution_limit


class InsertionBackend:
    """No search model: round 0 stops, and the engine builds the plan by the
    exact insertion from empty days and improves it by the exact search
    (``engine._final_plan``). Where they cannot make the whole plan
    (:func:`inserts`) OR-Tools' search makes it, as the ``ortools`` backend
    would."""

    name = "insertion"
    falls_back = True  # (as OR-Tools, where it searches)
    prices_lateness = True

    def __init__(self) -> None:
        self._ortools = OrToolsBackend()

    def solve(self, net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
              rnd: Round) -> Outcome:
        if not inserts(net, data, params):
            return self._ortools.solve(net, table, data, params, seed, rnd)
        return Outcome(None, stop=True)


def inserts(net: Network, data: ModelInput, params: RoutingParams) -> bool:
    """Whether the exact insertion and search can make the whole plan:
    no stop is committed (the OR-Tools model keeps them), no vehicle type
    has a break rule (the insertion keeps a day that needs no break: a lot
    whose only day needs one would stay out), no balance is asked (OR-Tools'
    span cost shares the work; the exact search prices it but does not seek
    it) and the exact search runs (:meth:`.params.RoutingParams.builds_day`)."""
    return not data.fixed and params.builds_day(breaks=any(v.type.break_after_s is not None for v in net.vehicles))


class OrToolsBackend:
    """OR-Tools' routing search on the full model (:class:`.model.PickupModel`)."""

    name = "ortools"
    falls_back = True
    prices_lateness = True

    def solve(self, net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
              rnd: Round) -> Outcome:
        """Round 0 from scratch may run on to ``fallback`` while it has no
        plan and stops at its own end once it has one; a round with too
        little time for a model and a first plan is not started."""
        solve_started = rnd.elapsed()
        from_scratch = rnd.hint is None and not rnd.has_plan and not data.fixed and params.solution_limit is None
        stretch = rnd.number == 0 and from_scratch and rnd.fallback.at > rnd.search_end.at
        room = ((rnd.fallback if rnd.failed or stretch else rnd.search_end).left()
                if from_scratch and params.fast_start else rnd.until.left())  # a fast start takes all
        if room <= rnd.build_s * (1.0 + FIRST_PLAN_BUILDS if from_scratch else 1.0):
            return Outcome(None, stop=True)  # no time to build a model (and find a first plan): a busy machine
        until = rnd.until
        building = until.clock()
        model = PickupModel(net, data, params, table)  # the deadline covers building the model
        start = _start(params, until.left(), until.clock() - building, failed=rnd.failed)
        if rnd.number == 0 and start == FAST_START != params.first_solution:
            until = rnd.search_end  # short of time: the fast start may take the repair rounds' share too
        solved = model.solve(deadline=rnd.fallback if stretch else until, seed=seed, progress=rnd.progress,
                             hint=rnd.hint, first_solution=start, soft=until if stretch else None)
        if (solved is not None and rnd.number == 0 and params.fast_start and data.lots
                and not any(solved.routes)):
            solved = None  # stopped before its first plan placed a lot: as good as none
        return Outcome(solved, _first(solve_started, solved),
                       fast=rnd.hint is None and start != params.first_solution)


class PyVrpBackend:
    """PyVRP's iterated local search on shipments (:mod:`.pyvrp_pickups`),
    every round from scratch within the round's time."""

    name = "pyvrp"
    falls_back = False
    prices_lateness = False

    def solve(self, net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
              rnd: Round) -> Outcome:
        solve_started = rnd.elapsed()
        solved = solve_pickups_pyvrp(net, data, time_limit_s=max(rnd.until.left(), 0.01), seed=seed,
                                     poll=rnd.poll, penalty=params.unassigned_penalty,
                                     max_iterations=_iterations(params))
        rnd.progress(1.0, "pyvrp")
        return Outcome(solved, _first(solve_started, solved))


class HybridBackend:
    """Round 0 (without fixed routes): PyVRP for ``hybrid_share`` of the
    round's time, its plan (when feasible) OR-Tools' first; then OR-Tools."""

    name = "hybrid"
    falls_back = True
    prices_lateness = True

    def __init__(self) -> None:
        self._ortools = OrToolsBackend()

    def solve(self, net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams, seed: int,
              rnd: Round) -> Outcome:
        if rnd.number == 0 and not data.fixed:
            seeded = solve_pickups_pyvrp(net, data, time_limit_s=max(rnd.until.left() * params.hybrid_share, 0.01),
                                         seed=seed, penalty=params.unassigned_penalty,
                                         max_iterations=_iterations(params), poll=rnd.poll)
            rnd.progress(0.0, "pyvrp start" + ("" if seeded else " infeasible, not used"))
            if seeded is not None:
                rnd = replace(rnd, hint=[[n for n, _ in r] for r in seeded.routes])
        return self._ortools.solve(net, table, data, params, seed, rnd)


BACKENDS: dict[str, Callable[[], PickupBackend]] = {
    "insertion": InsertionBackend, "ortools": OrToolsBackend, "pyvrp": PyVrpBackend, "hybrid": HybridBackend,
}
assert tuple(BACKENDS) == BACKEND_NAMES, "every name RoutingParams accepts has a backend"


def backend_for(params: RoutingParams) -> PickupBackend:
    """The backend ``params.backend`` names."""
    return BACKENDS[params.backend]()


def _start(params: RoutingParams, left_s: float, build_s: float, *, failed: bool) -> str:
    """The first-plan strategy of a solve with ``left_s`` seconds left after
    building its model in ``build_s``: the configured one, or a fast start
    (``FAST_START``) when its first plan is unlikely to come in time. The
    configured insertions need several times the model's build for their
    first plan (the embedded day, 240 lots, quiet machine: model 0.5 s,
    first plan by parallel cheapest insertion 4.3 s more, by local cheapest
    insertion 1.2 s, which ends 3-5 % dearer after the same search), so with
    less than ``FAST_START_BUILDS`` builds left, or after a round that found
    nothing, the fast start is taken (more lots need more builds, 19 for
    parallel and 11 for local cheapest insertion on a generated day of 500
    lots, but there the fast start's plan ended 16 % dearer at 60 s: 4,093
    against 3,524 M VND, 500 against 498 lots; so the rule stays at ten
    builds whatever the size). Measured on the time actually left,
    the rule adapts to the machine's load; under ``solution_limit`` (plans
    bounded by work, the same on any machine) only a failed round takes it."""
    if not params.fast_start or params.first_solution in (FAST_START, "all_unperformed"):
        return params.first_solution
    if failed or (params.solution_limit is None and left_s < FAST_START_BUILDS * build_s):
        return FAST_START
    return params.first_solution


def clock_since(started: float) -> Callable[[], float]:
    """Seconds since ``started`` (a ``time.perf_counter`` reading)."""
    return lambda: time.perf_counter() - started
