"""Routing parameters: a frozen, validated dataclass that can be read from TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

FIRST_SOLUTIONS = (
    "parallel_cheapest_insertion",
    "local_cheapest_insertion",
    "local_cheapest_cost_insertion",  # inserts by the whole model cost (soft bounds: the pre-cool target)
    "sequential_cheapest_insertion",
    "global_cheapest_arc",
    "savings",
    "path_cheapest_arc",
    "automatic",
    "all_unperformed",
)
METAHEURISTICS = ("guided_local_search", "iterated_local_search", "simulated_annealing",
                  "tabu_search", "greedy_descent")


BACKEND_NAMES = ("insertion", "ortools", "pyvrp", "hybrid")  # the pickup search backends (:mod:`.backends`)
WHOLE_LOTS_PER_S = 20.0
"""Above this many lots per second of the limit (and ``max_lots_per_part``
lots) a day is solved by catchments unless ``decompose`` says otherwise.
Whole, the fleet and the intake are shared by every lot (by catchments each
gets a fixed share, and lots wait late for a vehicle another catchment
holds), but the search needs the time for it. Whole against by catchments
on 2 cores, day cost in M VND (generated days of the pickup set, 3b4f6f9;
seeds 1-3 where three are given): 500 lots at 10 s 593 / 727 / 734 against
531 / 617 / 686, at 30 s 198 against 385, at 60 s 178 against 370; 1,000 lots
at 10 s 8,172 against 1,945, at 30 s 910 / 584 / 377 against 803 / 644 / 890,
at 60 s 324 against 643; 2,000 lots at 60 s 4,660 against about 1,800, at
120 s 554 against 1,300. Whole won every run at 8-17 lots a second, lost
every run at 50-100, and at 33 won 2 of 4 (gen-1000 at 30 s, 2 of 3, but
gen-2000 at 60 s lost by 2.6 times): 20 keeps to where it always won. These
rows are OR-Tools-started (the model backends keep this rule)."""
INSERTION_WHOLE_S_PER_LOT = 0.2
"""When the exact insertion builds the whole day (:meth:`RoutingParams.builds_day`),
a day of more than ``max_lots_per_part`` lots is planned by catchments when
the limit is shorter than this many seconds a lot: 500 lots whole from 100
s, 1,000 from 200 s, 2,000 from 400 s. Since the catchments share the
packing houses by their intake (:mod:`.decompose`), they beat the whole
day's search at every limit up to a minute on the generated days (seed 1, 2
cores, M VND; whole's 5 seeds where a range is given): gen-500 at 2 / 3 / 4 /
6 / 10 / 30 / 60 s 163 / 156 / 152 / 146 / 139 / 127 / 125 against 2,739 / 763
/ 164 / 155 / 149-156 / 133-142 / 128-134; gen-1000 at 5 / 7 / 10 / 30 / 60 s
333 / 317 / 297 / 271 / 253 against 2,667 / 305 / 287 / 269-277 / 257-262;
gen-2000 at 20 / 30 / 60 s 603 / 549 / 515 against 582 / 548-570 / 516-527.
The catchments run one search per core on a part of the day (a step costs
less on fewer lots, and no two walks repeat each other's work); whole, the
network and the start grow faster than the lots (gen-2000's start alone
took 11.5 s; short of time its lots are placed the quick way, at the end of
a vehicle's day: gen-500 whole at 2 s cost 2,739 M). Given longer, whole
catches up and passes, as it may move lots between catchments: gen-500 at
180 s 119.8 against 121.0 by catchments (gen-1000 at 120 s not yet: 247 whole
against 237), and the 20-minute references are whole plans. Before the intake shares (nearest house alone) the catchments
lost from a few seconds on (gen-500 at 10 s 365 against 160 whole; gen-2000
at 30 / 60 s 1,654 / 1,236 against 585 / 520), and the rule was lots squared
above 200,000 times the limit. A day of more than
``INSERTION_WHOLE_MAX_LOTS`` lots is planned by catchments at any limit (no
larger day was measured whole).
"""
INSERTION_WHOLE_MAX_LOTS = 2000


@dataclass(frozen=True, slots=True)
class RoutingParams:
    """How the pickup router searches and what it enforces.

    ``backend`` is ``insertion`` (the default: no search model, the exact
    insertion's day from empty days is the exact search's start; see
    :mod:`.backends` for why), ``ortools`` (the full model), ``pyvrp`` (see
    :mod:`.pyvrp_pickups` for what it leaves out) or ``hybrid``: PyVRP for
    ``hybrid_share`` of the first solve's time, then OR-Tools' full model
    from PyVRP's routes (what the full model rejects of them is left to its
    search), so the plan keeps every rule of the OR-Tools model.

    Search: ``time_limit_s`` bounds the whole call (the main solve plus the
    repair rounds); ``solution_limit`` (when set) stops each solve after that
    many improving solutions (and PyVRP after 20 times as many iterations),
    which makes the result independent of machine speed. ``first_solution`` and ``metaheuristic`` name OR-Tools strategies
    (``local_cheapest_cost_insertion`` inserts by the whole model cost, the pre-cooling target's soft bounds
    included: on the embedded day at 30-60 s 73 lots and 9.1 t late against 130 lots and 36.5 t with the
    default ``parallel_cheapest_insertion``, which builds on arc costs and opened 28-31 of the 46 vehicles,
    but at 10 s on a loaded machine its first plan came too late and 21-82 lots stayed out, so it is not
    the default; benchmarks/results/precool_target.md);
    ``iterated_local_search`` is OR-Tools' ruin-and-recreate (SISR) search.
    ``insertion_neighbors_ratio`` < 1 makes the cheapest-insertion first
    solution consider only that share of nearest neighbours (large cases).

    Model: ``unassigned_penalty`` is the cost of leaving a lot out, plus
    ``value_weight`` times the lot's value (so the most valuable lots are kept
    first when the fleet is short), in the search and in the day's cost
    (``RoutingResult.left_out_cost``). ``cost_scale`` multiplies money before it
    is rounded to the solver's integers. ``shelf_life_weight`` multiplies the
    value of the shelf life lots consume in the objective (:mod:`.costs`; 0:
    vehicles' cost only). ``precool_late_weight`` multiplies what a lot
    unloaded after its product's pre-cooling target loses (its kg times the
    product's loss per kg, :mod:`.costs`) in the search's objective (0: the
    search ignores the target, as before it was priced; the result reports
    the loss whatever the weight); the search charges it as a ramp, the
    loss per ``late_ramp_s`` seconds late (:meth:`.model.PickupModel._shelf_life`;
    15 min: the best of 5, 15, 30, 60 and 240 min on the embedded day,
    benchmarks/results/precool_target.md), and with search time left after
    an accepted plan it searches again without pricing the lots that plan
    left late beyond the ramp, keeping the plan the exact objective
    prefers (``engine._triage``). ``balance`` (``kg`` or ``lots``) shares the work
    among the riders: every kg (or lot) the busiest vehicle collects costs
    ``balance_cost`` more (OR-Tools' global span cost on a dimension counting
    them), so the search spreads the day when that is worth its price. ``max_packing_houses_per_lot`` keeps
    the nearest allowed packing houses as delivery alternatives; ``decompose``
    solves each packing house's catchment on its own with a share of the fleet
    (large days; not with fixed routes; None, the default: when the day has
    more than ``max_lots_per_part`` lots and more than ``WHOLE_LOTS_PER_S``
    lots per second of the limit, :meth:`by_catchments`), cutting catchments of more than
    ``max_lots_per_part`` lots into sectors, ``workers`` of them at once in
    local processes (default: the cores this process may use; 1: one after
    the other), each with its share of the limit such that every worker is
    busy to the end (:func:`.parallel.lpt_shares`); a day planned whole
    under a time limit runs ``workers`` walks of its exact search at once,
    meeting at the best plan every few seconds (:mod:`.walks`); with
    ``walk_parts`` each walk moves only the lots of its part of the plan
    (the routes on one side of a line drawn anew each epoch) and the parts'
    plans are merged (:mod:`.plan_parts`): at 60 s the embedded day 57.67
    against 57.62 M VND mean (9 seeds each), the day with a packing house
    down 74.49 against 73.13 (12 and 14 seeds: its intake binds, and two
    parts cannot free a slot for each other), so it is off by default.
    ``recombine_share`` of the exact search's time (0: none; under a time
    limit, with no balance) is kept at its end to recombine the routes its
    walks judged (:mod:`.route_pool`): the first walk stops that much
    early and picks, vehicle by vehicle, among every route judged, the
    cheapest plan within the packing houses' intake it can find, while the
    other walks walk on. With 0.08 at 60 s it made the first walk's plan
    0.3-1.9 % cheaper in every run, but the walk itself would have gained
    about as much in that time where it still descends: the embedded day
    58.72 against 59.15 M VND mean (13 and 14 runs), the day with a packing
    house down 75.99 against 75.00 (11 and 13), so it is off by default; in
    20-minute runs it found the best plans known of both days.
    ``enforce_freshness`` may be switched off only to measure what freshness
    costs; ``ride_allowance_s`` is the riding time (beyond the direct trip)
    the solver's freshness box reserves for detours; ``repair_rounds`` re-solves after the exact checks (freshness,
    packing-house intake) reject lots (a plan they accept ends the rounds); ``reinsert`` then places every lot still
    left out where the day's cost grows least, inside a route or as one more trip at the end of a
    vehicle's day, the whole changed route re-checked exactly (see :mod:`.reinsert`).
    ``repair_time_share`` of the search's time goes to the repair rounds, and
    the search ends ``close_time_share`` of ``time_limit_s`` before the limit,
    kept for the steps after it (see :mod:`.deadline`), and
    ``improve_time_share`` more, for the ruin-and-recreate search over the
    exact rules that ends the solve (:mod:`.improve`; 0: none), at most
    ``improve_steps`` steps (under ``solution_limit`` by default as many
    as the search's solutions, so that the plan is the same on any machine).
    88 % of the limit by default (at most 70 % under ``solution_limit``,
    where the time limit only guards, and none with fixed routes, where the
    exact search does not run: ``engine.route_pickups``; the OR-Tools search
    and its repair rounds keep 2 %: its model prices the pre-cooling target only as a ramp, and
    its time mostly went on plans the exact search then had to undo). 0.88
    against 0.7, seeds 1-2, two runs at once on 2 cores (6c1cb7d): at 60 s
    gen-500 239 / 305 against 327-398 / 314-406 M VND (0.7 run twice),
    gen-1000 772 / 574 against 890 / 884 M, gen-2000 2,096 / 2,019 against 2,689 / 2,489 M, the day
    with a packing house down 97.6 / 87.8 against 142.4 / 94.9 M, the
    embedded day 70.2 / 72.2 against 72.2 / 67.8 M (the same), son-la
    265.0 / 265.0 against 262.9 / 263.2 M (0.7 % dearer: on 43 lots the
    OR-Tools search's shelf life was worth its time); at 30 s the house-down
    day 136 / 117 against 203 / 156 M, the embedded day 79 / 78 against
    76 / 71 M; at 10 s gen-1000 dearer (3,666 / 2,657 against 2,915 / 2,383
    M), the embedded day cheaper (92 / 90 against 102 / 110 M).
    Before, 70 %: on the embedded day at 30 s (seeds 2, 3) the day
    cost 983 M VND with 0.15, 846 M with 0.3, 238-250 M with 0.5 and 225 M
    with 0.7 (the OR-Tools search alone, 1,200 s: 999 M); with the delay's
    cost in the exact search's estimate, 0.7 against 0.5 over the pickup set
    (3 seeds, benchmarks/results/pickup_set.md): the embedded day at 10 s
    92 against 105 M mean, the generated days at 30 s 4-16 % cheaper, at
    60 s the same within the seeds' spread. Where the search's share is too
    short for its first plan (a large day at 10 s), its first round runs on
    into the exact search's time down to half of the limit
    (``engine._solve_and_repair``).
    ``fast_start``: when
    the time left after building the model is too short for the configured
    first plan (or a first round found none), the first plan is built by
    local cheapest insertion instead (``backends._start``; stats ``fast_start``).
    """

    time_limit_s: float = 10.0
    backend: str = "insertion"
    hybrid_share: float = 0.5
    solution_limit: int | None = None
    first_solution: str = "parallel_cheapest_insertion"
    metaheuristic: str = "guided_local_search"
    lns_time_limit_s: float = 0.1
    insertion_neighbors_ratio: float = 1.0
    log_search: bool = False
    unassigned_penalty: float = 50_000_000.0
    value_weight: float = 1.0
    cost_scale: float = 1.0
    shelf_life_weight: float = 1.0
    precool_late_weight: float = 1.0
    late_ramp_s: int = 900
    balance: str = "none"
    balance_cost: float = 0.0
    max_packing_houses_per_lot: int = 3
    decompose: bool | None = None  # None: by the day's size and the limit (by_catchments)
    max_lots_per_part: int = 300
    workers: int | None = None  # catchments, or the whole day's search walks, at once (None: the usable cores)
    walk_parts: bool = False  # the whole day's walks each on a part of the plan (:mod:`.plan_parts`; see below)
    enforce_freshness: bool = True
    ride_allowance_s: int = 1800
    repair_rounds: int = 3
    reinsert: bool = True
    repair_time_share: float = 0.3
    close_time_share: float = 0.1
    improve_time_share: float = 0.88
    improve_steps: int | None = None  # None: until the deadline (solution_limit steps under it)
    recombine_share: float = 0.0  # of the exact search's time: its routes recombined (:mod:`.route_pool`; see below)
    intake_slot_s: int = 3600
    fast_start: bool = True

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError(f"routing params: time_limit_s must be positive, got {self.time_limit_s}")
        if self.backend not in BACKEND_NAMES:
            raise ValueError(f"routing params: backend must be one of {', '.join(BACKEND_NAMES)}, "
                             f"got {self.backend!r}")
        if not 0.0 < self.hybrid_share < 1.0:
            raise ValueError(f"routing params: hybrid_share must be in (0, 1), got {self.hybrid_share}")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError(f"routing params: solution_limit must be >= 1, got {self.solution_limit}")
        if self.first_solution not in FIRST_SOLUTIONS:
            msg = f"routing params: first_solution must be one of {FIRST_SOLUTIONS}, got {self.first_solution!r}"
            raise ValueError(msg)
        if self.metaheuristic not in METAHEURISTICS:
            msg = f"routing params: metaheuristic must be one of {METAHEURISTICS}, got {self.metaheuristic!r}"
            raise ValueError(msg)
        if not 0.0 < self.insertion_neighbors_ratio <= 1.0:
            raise ValueError("routing params: insertion_neighbors_ratio must be in (0, 1]")
        if self.lns_time_limit_s <= 0:
            raise ValueError("routing params: lns_time_limit_s must be positive")
        if self.balance not in ("none", "kg", "lots") or self.balance_cost < 0:
            msg = (f"routing params: balance must be none, kg or lots and balance_cost >= 0, "
                   f"got {self.balance!r} and {self.balance_cost}")
            raise ValueError(msg)
        if self.shelf_life_weight < 0:
            raise ValueError(f"routing params: shelf_life_weight must be >= 0, got {self.shelf_life_weight}")
        if self.precool_late_weight < 0:
            raise ValueError(f"routing params: precool_late_weight must be >= 0, got {self.precool_late_weight}")
        if self.late_ramp_s <= 0:
            raise ValueError(f"routing params: late_ramp_s must be positive, got {self.late_ramp_s}")
        if self.unassigned_penalty < 0 or self.value_weight < 0:
            raise ValueError("routing params: unassigned_penalty and value_weight must be >= 0")
        if self.cost_scale <= 0:
            raise ValueError(f"routing params: cost_scale must be positive, got {self.cost_scale}")
        if self.max_packing_houses_per_lot < 1:
            raise ValueError("routing params: max_packing_houses_per_lot must be >= 1")
        if self.max_lots_per_part < 1:
            raise ValueError("routing params: max_lots_per_part must be >= 1")
        if self.ride_allowance_s < 0:
            raise ValueError("routing params: ride_allowance_s must be >= 0")
        if self.repair_rounds < 0:
            raise ValueError("routing params: repair_rounds must be >= 0")
        if not 0.0 < self.repair_time_share < 1.0:
            raise ValueError("routing params: repair_time_share must be in (0, 1)")
        if not 0.0 <= self.close_time_share < 1.0:
            raise ValueError(f"routing params: close_time_share must be in [0, 1), got {self.close_time_share}")
        if not 0.0 <= self.improve_time_share < 1.0 or self.close_time_share + self.improve_time_share >= 1.0:
            msg = (f"routing params: improve_time_share must be in [0, 1) and leave the search time "
                   f"(close_time_share + improve_time_share < 1), got {self.improve_time_share}")
            raise ValueError(msg)
        if not 0.0 <= self.recombine_share <= 0.5:
            raise ValueError(f"routing params: recombine_share must be in [0, 0.5], got {self.recombine_share}")
        if self.improve_steps is not None and self.improve_steps < 0:
            raise ValueError(f"routing params: improve_steps must be >= 0, got {self.improve_steps}")
        if self.intake_slot_s <= 0:
            raise ValueError("routing params: intake_slot_s must be positive")
        if not isinstance(self.walk_parts, bool):
            raise ValueError(f"routing params: walk_parts must be true or false, got {self.walk_parts!r}")
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"routing params: workers must be >= 1, got {self.workers}")

    def by_catchments(self, lots: int, *, breaks: bool = False) -> bool:
        """Whether a day of ``lots`` lots is solved by catchments: as
        ``decompose`` says, or when None, when it has more than
        ``max_lots_per_part`` lots and more than ``WHOLE_LOTS_PER_S`` a
        second of the limit; when the exact insertion builds the day
        (:meth:`builds_day`; ``breaks``: a vehicle type has a break rule),
        a limit shorter than ``INSERTION_WHOLE_S_PER_LOT`` seconds a lot or
        more than ``INSERTION_WHOLE_MAX_LOTS`` lots (the whole day's search
        is better when it has the time: see both)."""
        if self.decompose is not None:
            return self.decompose
        if lots <= self.max_lots_per_part:
            return False
        if self.builds_day(breaks=breaks):
            return lots > INSERTION_WHOLE_MAX_LOTS or self.time_limit_s < INSERTION_WHOLE_S_PER_LOT * lots
        return lots > WHOLE_LOTS_PER_S * self.time_limit_s

    def builds_day(self, *, breaks: bool = False) -> bool:
        """Whether the exact insertion and search make the whole plan of a
        day without committed stops (:func:`.backends.inserts` says why not
        otherwise): the ``insertion`` backend with the exact search on, no
        ``balance`` and no break rule (``breaks``)."""
        return (self.backend == "insertion" and self.reinsert and self.improve_time_share > 0
                and self.balance == "none" and not breaks)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "routing params") -> RoutingParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {unknown}; known: {sorted(known)}")
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> RoutingParams:
        """Read a TOML file: either top-level keys or a ``[routing]`` table."""
        path = Path(path)
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        data = data.get("routing", data)
        try:
            return cls.from_dict(dict(data), where=str(path))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from exc

    def replace(self, **changes: Any) -> RoutingParams:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return RoutingParams(**values)
