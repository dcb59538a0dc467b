"""A plan cut into parts that walks on several cores change apart (:mod:`.walks`).

The walks of a whole day's search on several cores each start an epoch
from the best plan. Let loose on the whole plan, they repeat each other:
two walks' epoch gives one plan, the better. Cut into parts, each walk
moves only its part's lots among its part's routes, and the walks' plans
add up: the routes of each part from the walk that changed it make one
plan (:func:`merged`), which the exact checks judge as any other (the
parts share the packing houses' intake and cold stores, so the merge can
be rejected; the cheapest walk's plan then takes the other walks' changes
that keep the rules and pay, :func:`merge`).

A cut (:func:`split`) is drawn anew each epoch, so no boundary stays: the
routes' centres (the mean of their pickups) are ordered along a direction
drawn from the seed and cut into runs of about equal lots; the empty
vehicles of each type are dealt out in turn, and a lot out of the plan
goes to the part whose run its pickup falls in.

An option (``RoutingParams.walk_parts``), off by default: no cheaper on the
embedded day, dearer on the day with a packing house down, whose intake
binds (figures in :mod:`.walks`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .deadline import Deadline
from .network import Network
from .schedule import Visits


@dataclass(frozen=True)
class Part:
    """What one walk may change: ``routes`` (vehicle indices) and ``lots``
    (the lots on them, and those out of the plan given to it)."""

    routes: frozenset[int]
    lots: frozenset[str]


def split(net: Network, routes: list[Visits], lot_ids: Sequence[str], count: int, seed: int) -> list[Part]:
    """``routes`` cut into ``count`` parts along a direction drawn from
    ``seed`` (module docstring); every vehicle and every lot of
    ``lot_ids`` in exactly one part."""
    rng = random.Random(seed)
    angle = rng.uniform(0.0, math.pi)
    ux, uy = math.cos(angle), math.sin(angle)

    def along(lot_id: str) -> float:
        where = net.sites[net.nodes[net.pickup[lot_id]].site].location
        return ux * where.lon * math.cos(math.radians(where.lat)) + uy * where.lat

    lots_of = [[net.nodes[node].lot.id for node, _ in r if net.nodes[node].kind == "pickup"]  # type: ignore[union-attr]
               for r in routes]
    centres = sorted((sum(along(lid) for lid in lots) / len(lots), v) for v, lots in enumerate(lots_of) if lots)
    total = sum(len(lots_of[v]) for _, v in centres)
    groups: list[list[int]] = [[] for _ in range(count)]
    cuts: list[float] = []  # the centre where each part after the first begins
    done = 0
    for centre, v in centres:
        k = min(count - 1, done * count // max(total, 1))
        if k >= len(cuts) + 1 and groups[len(cuts)]:
            cuts.append(centre)
        groups[min(k, len(cuts))].append(v)
        done += len(lots_of[v])
    offset = rng.randrange(count)
    dealt: dict[str, int] = {}
    for v in range(len(routes)):
        if not lots_of[v]:
            vt = net.vehicles[v].type.id
            k = dealt.get(vt, offset)
            groups[k % count].append(v)
            dealt[vt] = k + 1
    placed = {lid: k for k, group in enumerate(groups) for v in group for lid in lots_of[v]}
    lots: list[set[str]] = [set() for _ in range(count)]
    for lid in lot_ids:
        lots[placed[lid] if lid in placed else sum(1 for cut in cuts if along(lid) >= cut)].add(lid)
    return [Part(frozenset(g), frozenset(ls)) for g, ls in zip(groups, lots, strict=True)]


def merged(start: list[Visits], plans: Sequence[tuple[Part, list[Visits]]]) -> list[Visits]:
    """``start`` with each part's routes taken from its walk's plan."""
    out = list(start)
    for part, plan in plans:
        for v in part.routes:
            out[v] = plan[v]
    return out


@dataclass(frozen=True)
class Merge:
    """The walks' plans made one (:func:`merge`): its routes and day cost;
    ``whole``: every part's routes from its walk, else ``units`` of the
    other walks' changes added to the cheapest walk's plan."""

    routes: list[Visits]
    cost: float
    whole: bool
    units: int = 0


def merge(net: Network, start: list[Visits], plans: Sequence[tuple[Part, list[Visits], float]],
          evaluate: Callable[[list[Visits]], float | None], *,
          deadline: Deadline | None = None) -> tuple[Merge | None, bool]:
    """The walks' ``plans`` (each walk's part, its plan and its cost) made
    one plan cheaper than the cheapest of them, if the exact checks
    (``evaluate``) allow: every part's routes from its walk; where the
    checks reject that (two parts' unloadings in one intake slot), the
    cheapest walk's plan with the other walks' changes added one unit at a
    time (the routes a lot moved between, together: :func:`units`), each
    kept where the checks take it and it lowers the cost, while
    ``deadline`` has not passed (each unit is a judged plan: on a large day
    they would run past the search's end). Returns the merge (None: nothing
    cheaper) and whether the whole merge was refused."""
    best = min(plans, key=lambda p: p[2])
    whole = merged(start, [(part, plan) for part, plan, _ in plans])
    cost = evaluate(whole)
    if cost is not None:
        return (Merge(whole, cost, True) if cost < best[2] - 1e-6 else None), False
    current, current_cost, taken = list(best[1]), best[2], 0
    for part, plan, _ in sorted(plans, key=lambda p: p[2]):
        if part is best[0]:
            continue
        for unit in units(net, start, plan, part):
            if deadline is not None and deadline.expired():
                break
            trial = list(current)
            for v in unit:
                trial[v] = plan[v]
            value = evaluate(trial)
            if value is not None and value < current_cost - 1e-6:
                current, current_cost, taken = trial, value, taken + 1
    return (Merge(current, current_cost, False, taken) if taken else None), True


def units(net: Network, start: list[Visits], plan: list[Visits], part: Part) -> list[list[int]]:
    """The routes of ``part`` that ``plan`` changed from ``start``, grouped
    so that each lot stays on one route when a group is taken alone: the
    routes a lot left and joined are in one group (lowest vehicle first)."""
    changed = sorted(v for v in part.routes if plan[v] != start[v])
    parent = {v: v for v in changed}

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    was: dict[str, int] = {}
    for v in changed:
        for node, _ in start[v]:
            was[net.nodes[node].lot.id] = v  # type: ignore[union-attr]
    for v in changed:
        for node, _ in plan[v]:
            other = was.get(net.nodes[node].lot.id)  # type: ignore[union-attr]
            if other is not None and root(other) != root(v):
                parent[root(other)] = root(v)
    groups: dict[int, list[int]] = {}
    for v in changed:
        groups.setdefault(root(v), []).append(v)
    return sorted(groups.values())
