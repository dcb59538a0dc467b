"""Ruin and recreate over the exact rules: the search's last part.

The OR-Tools search (:mod:`.model`) sees packing-house intake and cold stores
only through the repair rounds, and the pre-cooling target's step through an
approximation; this search sees them exactly, because it moves lots with the
extra trips' insertion (:mod:`.reinsert`: every rule checked on the whole
changed route) and judges a plan by the exact checks and the day's one
objective (``evaluate``). Each step removes a few lots (ruin: a lot drawn at
random, from the late lots and the lots left out half of the time, and the
lots picked up nearest to it: SISR's adjacent-string idea reduced to
neighbours) and re-inserts every lot out of the plan, in an order drawn per
step (most valuable first, readiest first or at random: ``_recreate_order``),
where the day's cost grows least; the new plan replaces the current one when
it costs less, or less than the best plan so far plus a threshold that falls
to nothing by the end (record-to-record travel, ``THRESHOLD``: a descent
alone stalls in a plan no step of a few lots improves). The best plan found
is the result. The same plan, seed and deadline-free work bound (``steps``)
give the same result. It stops early once ``STALL_STEPS`` steps in a row
(plus two per lot) found nothing cheaper than the best.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..domain import HarvestLot
from .deadline import Deadline
from .network import Network
from .schedule import Visits

Evaluate = Callable[[list[Visits]], float | None]  # a plan's day cost; None: the exact checks reject it
# place lots in the routes (in place), trying only the given routes' vehicles (and empty ones)
Insert = Callable[[list[Visits], list[HarvestLot], set[int]], list[str]]
STALL_STEPS = 100  # steps in a row without a cheaper plan (plus two per lot) that end the search
NEAR_ROUTES = 4  # the routes of a removed lot's nearest lots tried for it (besides its own)
ORDERS = {"value": 1.0, "ready": 1.0, "random": 1.0}  # the recreate orders' weights (_recreate_order)
THRESHOLD = 0.02  # record-to-record travel: the walk may go this share above the best plan, down to 0 at the end


@dataclass(frozen=True)
class Improved:
    """The plan after the search: routes, its day cost, steps tried and kept."""

    routes: list[Visits]
    cost: float
    steps: int
    kept: int


def neighbours(net: Network, lots: Sequence[HarvestLot], *, count: int) -> dict[str, list[str]]:
    """Per lot, the ``count`` lots picked up nearest to it (travel seconds of
    the first vehicle's profile between the pickups, both ways)."""
    if not net.vehicles or not lots:
        return {}
    profile = net.vehicles[0].type.profile
    nodes = {lot.id: net.pickup[lot.id] for lot in lots}
    out = {}
    for lot in lots:
        a = nodes[lot.id]
        others = sorted((net.transit(profile, a, nodes[o.id]) + net.transit(profile, nodes[o.id], a), o.id)
                        for o in lots if o.id != lot.id)
        out[lot.id] = [oid for _, oid in others[:count]]
    return out


def improve(net: Network, routes: list[Visits], lots: Sequence[HarvestLot], *, evaluate: Evaluate,
            insert: Insert, deadline: Deadline, seed: int, late: Callable[[list[Visits]], set[str]],
            keep: frozenset[str] = frozenset(), max_remove: int = 8, steps: int | None = None,
            threshold: float = THRESHOLD) -> Improved:
    """Improve ``routes`` (not changed) until ``deadline`` or ``steps``
    steps: ruin ``2..max_remove`` lots, recreate with ``insert``, and walk
    to the new plan if ``evaluate`` says it costs less than the current one
    or less than the best one found plus ``threshold`` of it, the threshold
    falling linearly to 0 over the time (over the steps when ``steps`` is
    given: the same plan on any machine); a pure descent gets stuck where no
    step of a few lots helps (the embedded day at 30 s: one seed stopped at
    267 M VND, stalled, while the others reached 106 and 122 M). Returns the
    best plan found. ``late`` names the lots a plan unloads after their
    pre-cooling target; ``keep`` lots are never removed (committed stops)."""
    by_id = {lot.id: lot for lot in lots}
    near = neighbours(net, lots, count=max_remove * 2)
    rng = random.Random(seed)
    current = [list(r) for r in routes]
    cost = evaluate(current)
    if cost is None:  # a plan the checks reject is not improved here (the engine drops what they reject)
        return Improved(current, float("inf"), 0, 0)
    best, best_cost = current, cost
    tried = kept = 0
    hot = late(current)
    stall, since = STALL_STEPS + 2 * len(by_id), 0
    span = max(deadline.left(), 1e-9)
    while not deadline.expired() and (steps is None or tried < steps) and since < stall:
        progress = tried / steps if steps is not None else 1.0 - deadline.left() / span
        tried += 1
        since += 1
        routed = _routed(net, current)
        movable = sorted(lid for lid in routed if lid not in keep)
        if not movable:
            break
        out = sorted(set(by_id) - routed)
        pool = sorted((hot | set(out)) & set(by_id)) if hot or out else []
        first = rng.choice(pool) if pool and rng.random() < 0.5 else rng.choice(movable)
        size = rng.randint(2, max(2, min(max_remove, len(movable) // 4 or 1)))
        removed = {first} if first in routed and first not in keep else set()
        for other in near.get(first, []):
            if len(removed) >= size:
                break
            if other in routed and other not in keep and rng.random() < 0.8:
                removed.add(other)
        if not removed:
            continue
        trial = _ruined(net, current, removed)
        insert(trial, _recreate_order([by_id[lid] for lid in sorted(removed | set(out))], rng),
               _vehicles(net, current, removed | set(out), near))
        value = evaluate(trial)
        if value is None:
            continue
        if value < cost - 1e-6 or value < best_cost * (1.0 + threshold * max(0.0, 1.0 - progress)) - 1e-6:
            current, cost, kept = trial, value, kept + 1
            hot = late(current)
            if value < best_cost - 1e-6:
                best, best_cost, since = trial, value, 0
    return Improved(best, best_cost, tried, kept)


def _recreate_order(lots: list[HarvestLot], rng: random.Random) -> list[HarvestLot]:
    """The order a step puts its lots back in, drawn per step as SISR draws
    it (Christiaens and Vanden Berghe 2020: random, by demand, by distance):
    ORDERS' weights of most valuable first, readiest first (the harvest
    waves' order: a late lot's fate is its place in its wave) and random."""
    how = rng.choices(list(ORDERS), weights=list(ORDERS.values()))[0]
    if how == "value":
        return sorted(lots, key=lambda lot: (-lot.value, lot.id))
    if how == "ready":
        return sorted(lots, key=lambda lot: (lot.ready, lot.latest_pickup, lot.id))
    out = list(lots)
    rng.shuffle(out)
    return out


def _vehicles(net: Network, routes: list[Visits], lots: set[str], near: dict[str, list[str]]) -> set[int]:
    """The routes a step re-inserts into: those that held ``lots`` and those
    of the ``NEAR_ROUTES`` nearest routed lots of each (a lot rarely goes far
    from its neighbours; trying every route, the embedded day's 30 s solve
    made 37 steps in its share of the time against 126)."""
    owner = {net.nodes[n].lot.id: v for v, r in enumerate(routes) for n, _ in r}  # type: ignore[union-attr]
    out = {owner[lid] for lid in lots if lid in owner}
    for lid in lots:
        found = 0
        for other in near.get(lid, []):
            if other in owner and other not in lots:
                out.add(owner[other])
                found += 1
                if found >= NEAR_ROUTES:
                    break
    return out


def _routed(net: Network, routes: list[Visits]) -> set[str]:
    return {net.nodes[n].lot.id for r in routes for n, _ in r}  # type: ignore[union-attr]


def _ruined(net: Network, routes: list[Visits], removed: set[str]) -> list[Visits]:
    """The routes without ``removed``'s visits. In a route that lost a visit
    the pickups after it are held no later than their lot is ready (the
    search's hold may have waited for the removed lot's slot), so the rest of
    the trip comes earlier or stays; unloadings keep their holds (a planned
    wait for a free intake slot), and the visits before the first removed
    one keep theirs, so no route starts earlier or lasts longer."""
    out = []
    for r in routes:
        kept: Visits = []
        cut = False
        for node, hold in r:
            lot = net.nodes[node].lot
            assert lot is not None
            if lot.id in removed:
                cut = True
                continue
            if cut and kept and net.nodes[node].kind == "pickup":
                hold = min(hold, lot.ready)
            kept.append((node, hold))
        out.append(kept)
    return out
