"""The routes the exact search judged, recombined: set partitioning over them.

The ruin-and-recreate walks (:mod:`.improve`) judge thousands of routes, each
a vehicle's whole day that keeps its own rules (shift, working day, windows,
every lot within its shelf-life budget). The day's cost is a sum over routes
(the route's cost and its lots' costs, :class:`.judge.Judged`) plus what the
lots left out cost, and the only rules between routes are the packing houses'
intake per slot and cold stores, linear in the routes chosen. So the cheapest
plan made of routes the search has seen is a set-partitioning problem: each
vehicle drives at most one of its routes, each lot is on one chosen route or
left out at its price, each intake slot and cold store takes at most its
capacity. :func:`recombine` searches it from the best plan found, a few
vehicles at a time with CP-SAT, within a deadline (the route-pool step of
matheuristics such as ILS-SP, Subramanian, Uchoa and Ochi 2013, and of
Rochat and Taillard's adaptive memory, which solve it whole as a MIP: why
not here, :func:`recombine`). The walks land in different plans of about
the same cost (the seeds' scatter); their routes, recombined, make a plan
no walk found. Measured (benchmarks/results/pickup_set.notes.md): at 60 s
it made the first walk's plan 0.3-1.9 % cheaper in every run, about what
the walk gains in that time where it still descends, so it is an option
(``RoutingParams.recombine_share``); 20-minute runs with it found the best
plans known of the embedded day (54.10 and 54.35 M VND; every earlier
20-minute run 56.69-59.53 M) and of the day with a packing house down
(66.84 M; before, 68.43 M).

Each :class:`RoutePool` holds the routes of one search (``MAX_COLUMNS``, the
oldest dropped first); a forked walk sends the routes it judged back with its
plan (:meth:`RoutePool.take_new`).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ortools.sat.python import cp_model

from .deadline import Deadline
from .schedule import Visits

RouteKey = tuple[int, tuple[tuple[int, int], ...]]  # a vehicle and its visits
MAX_COLUMNS = 60_000  # routes a pool keeps (a quarter of the oldest dropped beyond)
VEHICLES = (8, 6, 10, 8, 12)  # vehicles freed at a time, in turn (:func:`recombine`)
SUB_S = 1.0  # seconds at most for one neighbourhood's CP-SAT solve
CAP_MARGIN_KG = 1e-3  # an intake slot or cold store takes at most its capacity less this (the MIP's tolerance)


class Column(NamedTuple):
    """A route the search judged: its vehicle and visits, its cost with its
    lots', its lots, its share (the balance's counting), and its kg per
    (house, intake slot) and per (house, 0) cold store."""

    key: RouteKey
    cost: float
    lots: tuple[str, ...]
    share: float
    slots: dict[tuple[str, int], float]
    stores: dict[tuple[str, int], float]


class RoutePool:
    """The routes judged in one search that keep their own rules (at most
    ``limit``; beyond it the oldest quarter is dropped), kept as they were
    judged and made columns (``column``) when asked (to recombine them, or
    when a forked walk sends them). It costs the walks about 6 % of their CPU (1,500 steps of
    the house-down day, the same plan: 21.4 / 24.4 CPU s without it, 24.0 /
    24.7 with). ``take_new`` gives the routes added since the last call (a
    forked walk's, for its parent)."""

    def __init__(self, column: Callable[[RouteKey, Any], Column] | None = None, limit: int = MAX_COLUMNS) -> None:
        self.limit = limit
        self._column = column
        self._kept: dict[RouteKey, Any] = {}  # a route's column, or what ``column`` makes one of
        self._new: list[RouteKey] = []

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: object) -> bool:
        return key in self._kept

    def add(self, key: RouteKey, judged: Any) -> None:
        """Keep the route ``key`` as judged (once per vehicle and visits):
        a :class:`Column`, or what the pool's ``column`` makes one of."""
        if key in self._kept:
            return
        if len(self._kept) >= self.limit:
            for old in list(itertools.islice(self._kept, max(1, self.limit // 4))):
                del self._kept[old]
        self._kept[key] = judged
        self._new.append(key)

    def extend(self, columns: Iterable[Column]) -> None:
        for column in columns:
            self.add(column.key, column)

    def take_new(self) -> list[Column]:
        """The columns added since the last call (and forgets them as new)."""
        keys, self._new = self._new, []
        return [self._made(key) for key in keys if key in self._kept]

    def forget_new(self) -> None:
        """Forget which routes are new (a forked walk's start: what it inherited is its parent's)."""
        self._new = []

    def columns(self) -> list[Column]:
        """Every route kept, as columns without lots (an empty route) left out."""
        return [c for c in (self._made(key) for key in self._kept) if c.lots]

    def _made(self, key: RouteKey) -> Column:
        kept = self._kept[key]
        if isinstance(kept, Column):
            return kept
        if self._column is None:
            raise TypeError(f"route pool: {kept!r} is no column and the pool has no way to make one")
        made = self._kept[key] = self._column(key, kept)
        return made


def recombine(pool: RoutePool, best: Sequence[Visits], left_out: Mapping[str, float],
              intake: Mapping[str, float], store: Mapping[str, float], *, deadline: Deadline,
              seed: int = 0) -> list[Visits] | None:
    """A plan of ``pool``'s routes cheaper than ``best``, or None when none
    is found by ``deadline``: one route list per vehicle of ``best`` (an
    empty list where it drives none). ``left_out``: each lot's price out of
    the plan (every lot of the day); ``intake`` and ``store``: the kg an
    intake slot and a cold store take, per house. The caller judges the
    plan returned (its costs here are rounded to the dong, its kg up to the
    gram).

    The whole set-partitioning problem is not solved as one MIP: on the
    7,568 routes of a 30 s walk of the embedded day (its plan 61.71 M VND,
    the relaxation's bound 59.16 M) CBC found 60.53 M in 3 s with the
    vehicles' rows first but plans leaving 6 lots out (229-286 M) in 3-10 s
    with the lots' rows first; HiGHS (scipy) a plan leaving lots out in 5 s;
    SCIP kept its hint in 5-20 s; CP-SAT (complete hint) 61.60-61.69 M in
    5 s on 1-8 workers, 60.57 M in 20 s. So a large neighbourhood search
    over it, from ``best``: a few vehicles freed at a time (a random one
    and, in turn, one of the three with most routes over the lots freed so
    far), their lots (and those out of the plan their routes could take)
    covered again by their routes at the least cost with CP-SAT, within
    the intake and cold stores the other vehicles leave; a cheaper answer
    is kept. ``VEHICLES`` vehicles a time, in turn: 60.73 / 60.45 M in 5 s
    there (seeds 1 / 2; 8 vehicles a time alone 60.33 / 60.81, 6 stalled at
    61.07, 12 made few tries)."""
    columns = pool.columns()
    if not columns or deadline.expired():
        return None
    by_key = {c.key: c for c in columns}
    plan: dict[int, Column] = {}
    for v, visits in enumerate(best):
        if visits:
            found = by_key.get((v, tuple(visits)))
            if found is None:  # (a route of the plan not in the pool: no plan of the pool is known to hold)
                return None
            plan[v] = found
    routes_of: dict[int, list[Column]] = defaultdict(list)
    on: dict[str, set[int]] = defaultdict(set)  # lot -> vehicles with a route taking it
    for column in columns:
        routes_of[column.key[0]].append(column)
        for lot_id in column.lots:
            on[lot_id].add(column.key[0])
    rng = random.Random(seed)
    better = False
    tries = 0
    while not deadline.expired() and plan:
        count = VEHICLES[tries % len(VEHICLES)]
        tries += 1
        freed = _freed(rng, plan, on, count)
        rebuilt = _rebuilt(freed, plan, routes_of, left_out, intake, store, deadline)
        if rebuilt is not None:
            for v in freed:
                plan.pop(v, None)
            plan.update({c.key[0]: c for c in rebuilt})
            better = True
    if not better:
        return None
    out: list[Visits] = [[] for _ in best]
    for v, column in plan.items():
        out[v] = list(column.key[1])
    return out


def _freed(rng: random.Random, plan: Mapping[int, Column], on: Mapping[str, set[int]], count: int) -> set[int]:
    """``count`` vehicles to free: one of ``plan``'s at random, then in
    turn one of the three with most routes over the lots freed so far."""
    first = rng.choice(sorted(plan))
    freed = {first}
    lots = set(plan[first].lots)
    while len(freed) < count:
        score: dict[int, int] = defaultdict(int)
        for lot_id in lots:
            for v in on.get(lot_id, ()):
                if v not in freed:
                    score[v] += 1
        if not score:
            break
        top = sorted(score.items(), key=lambda item: (-item[1], item[0]))[:3]
        v = rng.choice(top)[0]
        freed.add(v)
        if v in plan:
            lots |= set(plan[v].lots)
    return freed


def _rebuilt(freed: set[int], plan: Mapping[int, Column], routes_of: Mapping[int, list[Column]],
             left_out: Mapping[str, float], intake: Mapping[str, float], store: Mapping[str, float],
             deadline: Deadline) -> list[Column] | None:
    """The cheapest routes of the ``freed`` vehicles covering their lots in
    ``plan`` (each once) and any lot out of the plan (or left out, at its
    price), within the kg the other vehicles leave each intake slot and cold
    store, if cheaper than ``plan``'s; None otherwise (CP-SAT, one worker,
    until ``deadline`` or ``SUB_S``)."""
    mine = {lot_id for v in freed if v in plan for lot_id in plan[v].lots}
    served = {lot_id for column in plan.values() for lot_id in column.lots}
    routes = [c for v in sorted(freed) for c in routes_of.get(v, ())
              if all(lot_id in mine or lot_id not in served for lot_id in c.lots)]
    now = [plan[v] for v in sorted(freed) if v in plan]
    if len(routes) <= len(now):
        return None
    used: dict[tuple[str, str, int], float] = defaultdict(float)  # the other vehicles' kg
    for v, column in plan.items():
        if v not in freed:
            for key, kg in column.slots.items():
                used[("intake", *key)] += kg
            for key, kg in column.stores.items():
                used[("store", *key)] += kg
    model = cp_model.CpModel()
    take = [model.new_bool_var(f"r{k}") for k in range(len(routes))]
    per_vehicle: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_lot: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    rows: dict[tuple[str, str, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for var, column in zip(take, routes, strict=True):
        per_vehicle[column.key[0]].append(var)
        for lot_id in column.lots:
            per_lot[lot_id].append(var)
        for key, kg in column.slots.items():
            rows[("intake", *key)].append((math.ceil(kg * 1000), var))
        for key, kg in column.stores.items():
            rows[("store", *key)].append((math.ceil(kg * 1000), var))
    for vars_ in per_vehicle.values():
        model.add_at_most_one(vars_)
    prices, outs = [], []
    for lot_id, vars_ in per_lot.items():
        if lot_id in mine:
            model.add_exactly_one(vars_)
        else:  # (a lot out of the plan: taken or left out at its price)
            out = model.new_bool_var(f"out:{lot_id}")
            model.add_exactly_one([*vars_, out])
            outs.append(out)
            prices.append(round(left_out[lot_id]))
    if any(lot_id not in per_lot for lot_id in mine):
        return None
    for row, terms in rows.items():
        caps = intake if row[0] == "intake" else store
        room = math.floor((caps[row[1]] - used[row]) * 1000)
        model.add(cp_model.LinearExpr.weighted_sum([v for _, v in terms], [g for g, _ in terms]) <= room)
    model.minimize(cp_model.LinearExpr.weighted_sum(take + outs, [round(c.cost) for c in routes] + prices))
    current = {c.key for c in now}
    for var, column in zip(take, routes, strict=True):
        model.add_hint(var, column.key in current)
    for out in outs:
        model.add_hint(out, True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = min(SUB_S, deadline.left())
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [c for var, c in zip(take, routes, strict=True) if solver.boolean_value(var)]
    gained = sum(left_out[lot_id] for lot_id in {lid for c in chosen for lid in c.lots} - mine)
    if math.fsum(c.cost for c in chosen) - gained >= math.fsum(c.cost for c in now) - 1.0:
        return None
    return chosen
