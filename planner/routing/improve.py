"""Ruin and recreate over the exact rules: the search's last part.

With the default backend (``insertion``, :mod:`.backends`) it is the whole
search: it starts from the day built from empty days (:mod:`.start`). The
OR-Tools search (:mod:`.model`) sees packing-house intake and cold stores
only through the repair rounds, and the pre-cooling target's step through an
approximation; this search sees them exactly, because it moves lots with the
extra trips' insertion (:mod:`.reinsert`: every rule checked on the whole
changed route) and judges a plan by the exact checks and the day's one
objective (``evaluate``). Each step removes 2 to ``MAX_REMOVE`` lots (the
ruin): a lot drawn at random (half of the time from the late lots and the
lots left out; with none, a quarter of the time from the lots that cost
most beyond their least, :func:`_first`) and lots related to it, the
relation drawn per step from ``RUINS``: picked up nearest to it (SISR's
adjacent-string idea reduced to neighbours); nearest in space and ready time
(Shaw's relatedness: the lots of one harvest wave in one area compete for
the same vehicles); or unloaded
at its packing house nearest in time (its intake slot's rivals, whose
removal frees the slot a lot late for want of intake needs). Measured on the
embedded day and the day with a packing house down, 30 s of this search
from one start, 3-4 seeds: up to 20 lots instead of 8 cut the embedded
day's mean from 143 to 83-91 M VND (larger ruins make fewer steps: 93 M at
25, 107 M at 40); the time relation cut the house-down day's from 363 to
280 M but alone cost the embedded day a little (88 against 83 M); with the
intake relation too, 264 M there. The fourth relation, the "wave", aims at
the lots unloaded after their pre-cooling target, most of the generated
days' cost at 60 s (gen-500 seed 1: 135 of 357 M VND): the lots unloaded by
a vehicle able to carry the first lot about when it would be unloaded if
picked up when ready and driven straight in, nearest first (:func:`_wave`:
the trips that would have to take it on time; a late lot there is mostly a
big one waiting for the few trucks). Measured on gen-500's two largest
catchments (151 and 152 lots), 600 steps from one start, seeds 1-5, the
best day cost at equal CPU seconds of this search (load 3-4 on 2 cores):
287 -> 269 M VND at 5 s, 223 -> 205 at 10 s, 188 -> 169 at 15 s, 164 -> 159
at 20 s (cheaper in 6, 6, 7 and 5 of the 10 runs); the embedded day at 150
steps, seeds 1-3: 86.5 -> 81.8 M. Whole solves with it and the places
:mod:`.reinsert` remembers (seeds 1-3, load about 2): gen-500 at 60 s 427
-> 416 M (cheaper for 2 seeds of 3), the house-down day at 30 s 126 -> 115
M (2 of 3), the embedded day at 30 s 77.3 -> 78.8 M (1 of 3). Tried and
dropped: SISR's strings as a fifth ruin (runs of 1-10 lots picked up one
after the other, from the first lot's route and its nearest lots' routes;
600 steps of one walk, seeds 1-6, M VND: the embedded day 63.4 against 63.0
mean, the house-down day 101.2 against 100.4, 6 % less CPU a step); a
late first lot always taking the wave, its late lots put back first (211
against 196 M at 300 steps, 10 runs); ALNS-style adaptive
weights of the ruins and orders (Ropke and Pisinger's scores, segments of
40 steps: 320 against 260 M at 5 s, 251 against 212 at 10 s, 3 runs); at
most 10 lots a step instead of 20 (twice the steps, the same costs: 210
against 211 M at 10 s, 6 runs); the ``NEAR_ROUTES`` routes of a lot taken
only among vehicles able to carry it (a big lot saw more truck routes: 255
-> 267 M at 5 s, 188 -> 206 at 10 s, 7 runs).
Each lot of a step is re-inserted into the routes that lost a lot to the
ruin, those of its ``NEAR_ROUTES`` nearest routed lots and those a lot of
the step went to, not into every route any of the step's lots could try
(14 routes a lot of 31 on gen-500's largest catchment): on gen-500's two
largest catchments at 15 s (seeds 7-12, load about 2) 262 -> 308 and 268
-> 309 steps, mean day cost 197.9 -> 159.4 and 204.6 -> 201.0 M VND; whole
days at 30 s (seeds 1-6): the embedded day 319 -> 436 steps, 77.3 -> 74.4
M, the house-down day 374 -> 497 steps, 122.2 -> 111.3 M; at 60 s (seeds
1-6, two solves at once on 2 cores) the embedded day 72.2 -> 68.6 M (cheaper
for 5 seeds of 6), the house-down day 112.5 -> 93.0 M (6 of 6). Tried beside
it: a lot's own routes only, without those the ruin freed (356-359 steps,
dearer on one catchment: 228.5 M); two or three walks from the start
taking their steps in turn, the best kept (gen-500's second catchment at
60 s, seeds 1-5: 141 and 137 against 130.5 M for one walk).
The worst-first draw (Ropke and Pisinger's worst removal: a lot's cost in
the plan less the least it can cost, picked up when ready and driven
straight in; the k-th of n drawn as n u^3) aims at the shelf life the lots
spend waiting in the orchards, which made most of the scatter between seeds
(the embedded day at 60 s: vehicles 26.9-27.8 M VND, shelf life 29.0-34.0
M). Measured at 60 s, one solve at a time, against the same code without
it (M VND, mean): the house-down day 78.95 against 80.56 over seeds 1-10
(cheaper for 8), gen-500 123.45 against 123.98 (seeds 1-5, cheaper for 3),
the embedded day 58.14 against 57.88 (seeds 1-10, cheaper for 4: within the
seeds' scatter of 55.9-61.5); a third set of the house-down day's seeds 1-5
with it, 80.51, shows how wide that scatter is. Drawn so beside the late
lots' half, short searches did worse (gen-1000 by catchments, seeds 1-3: 389
against 370 M at 20 steps a catchment, 302 against 295 at 100; the 15,000-lot
province day at 20 steps 6,815 against 6,272 M), so the worst lots are drawn
only while no lot is late or out (376 and 292 M there).
A ruin keeps every unloading in the intake slot it was in when the plan
without its lots is rejected by the checks (:func:`_ruined`'s held routes):
a hold is only a lower bound, and a trip that lost a lot unloaded earlier,
often in a slot other trips had filled. On the day with a packing house down
65 % of the ruins (908 of 1,500 steps, seed 1) made such a plan; every step
the checks rejected after its insertion (148) came from one, and in 600
steps 72 % of the steps from one were given up (54 % of the others).
Measured: 600 steps, seeds 1-3, M VND, the house-down day 105.7 / 107.4 /
103.4 -> 77.1 / 84.6 / 90.1, the embedded day 62.2 / 61.3 / 62.4 -> 61.8 /
61.2 / 64.9; at 60 s (2 walks, seeds 1-5, one solve at a time, against
the same code without it on the same machine) the house-down day 72.66 against 77.25 mean (cheaper for 5 of 5,
70.85-74.37 against 73.84-80.26), gen-500 121.97 against 121.74, the
embedded day 57.53 against 56.89 (cheaper for 1 of 5), every ruin judged;
judged only when a hold would change (the same plans, 2-7 % more steps):
the house-down day 73.27 (71.27-74.65, cheaper for 4 of 5), the embedded
day 57.26 (55.34-58.55, cheaper for 1 of 5). Where intake binds it is the
largest gain measured here in a step; on the embedded day, 8 % fewer steps
than without (6,284-6,474 against 6,854-7,128) and within the seeds'
scatter.
It re-inserts every lot out of the plan, in an order drawn per step (most
valuable first, readiest first or at random: ``_recreate_order``), where the
day's cost grows least; the new plan replaces the current one when it costs
less, or less than the best plan so far plus a threshold that falls to nothing
by the end (record-to-record travel, ``THRESHOLD``: a descent alone stalls in
a plan no step of a few lots improves). A step whose lots surely cost more
than that (those placed, and the least each lot still to come adds) is given
up half-way (:func:`.reinsert.reinsert`'s limit): the same plans; with the
end-of-day trips tried by their lower bound, lowest first, and a route's legs
looked up at once (:meth:`.network.Network.legs`), whole solves of 300 steps
in 13.6 CPU s against 15.7 on the embedded day and 27.0 against 28.7 on
gen-1000 (its start and network included; 3 runs each, interleaved). The best
plan found is the result. The same plan, seed and deadline-free work bound
(``steps``) give the same result. Once ``STALL_STEPS`` steps in a row (plus
two per lot) found nothing cheaper than the best, the walk goes back to the
best plan and takes one step of ``KICK`` times the largest ruin whatever it
costs (iterated local search's perturbation), then walks on as before (it
stopped there before: a 20-minute search of the house-down day ended itself
at 889 s); ``MAX_RESTARTS`` restarts in a row that found nothing cheaper end
it (``Improved.stalled``: a search bounded by time alone then walks on
from the best plan with another seed, :func:`.walks.walks`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..domain import HarvestLot
from .deadline import Deadline
from .network import Network
from .route_pool import Column
from .schedule import Visits

Evaluate = Callable[[list[Visits]], float | None]  # a plan's day cost; None: the exact checks reject it
Unloaded = Callable[[list[Visits]], dict[str, tuple[str, int]]]  # per routed lot: its packing house and unloading
# place lots in the routes (in place), each lot trying only its given routes (and empty ones and those
# a lot went to in the same call); with a limit (the day cost the plan must stay under to be taken), None
# once the lots surely cost more (the step is given up half-way)
Insert = Callable[[list[Visits], list[HarvestLot], dict[str, set[int]], float | None], list[str] | None]
STALL_STEPS = 100  # steps in a row without a cheaper plan (plus two per lot): a restart from the best plan
KICK = 2  # a restart's first step removes KICK times MAX_REMOVE lots (at most half of them) and is kept
MAX_RESTARTS = 5  # restarts in a row that found no cheaper plan end the search
MAX_REMOVE = 20  # a step removes 2..MAX_REMOVE lots (drawn uniformly; see improve's docstring)
NEAR_ROUTES = 4  # the routes of a removed lot's nearest lots tried for it (besides its own)
ORDERS = {"value": 1.0, "ready": 1.0, "random": 1.0}  # the recreate orders' weights (_recreate_order)
# the lots a step removes with its first one, drawn per step with these weights (see improve's docstring)
RUINS = {"near": 1.0, "near in time": 1.0, "same intake": 1.0, "wave": 1.0}
READY_WEIGHT = 1.0  # "near in time": a second between ready times weighs as a second of travel
WAVE_WEIGHT = 1.0  # "wave": a second between unloadings weighs as a second of travel
SLOT_WINDOW_S = 5400  # "same intake": the lots unloaded at the first one's house within this of it
# record-to-record travel: the walk may go this share above the best plan, down to 0 at the end. The walks
# forked beside the first (:mod:`.walks`) take OTHER_THRESHOLD: a portfolio, as each day preferred one threshold
# for both walks (60 s, 2 walks, M VND, mean of 6 seeds; of 10-11 runs for 0.02): the embedded day 62.6 with
# 0.02, 60.7 with 0.01, 60.7 with both; the house-down day 88.4, 91.2 and 86.6
THRESHOLD = 0.02
OTHER_THRESHOLD = 0.01
WORST = 0.25  # a step's first lot, no lot late or out: from the lots costing most beyond their least this often
WORST_POWER = 3.0  # ... the k-th of n drawn as n * u ** WORST_POWER (Ropke and Pisinger's worst removal: _first)


@dataclass(frozen=True)
class Improved:
    """The plan after the search: routes, its day cost, steps tried and
    kept, and the restarts from the best plan after a stall; ``stalled``:
    it ended itself (``MAX_RESTARTS`` fruitless restarts in a row)."""

    routes: list[Visits]
    cost: float
    steps: int
    kept: int
    restarts: int = 0
    stalled: bool = False
    merged: int = 0  # (several walks: the epochs whose best plan was their parts' merge, :mod:`.walks`)
    refused: int = 0  # (... whose merge the exact checks rejected)
    columns: tuple[Column, ...] = ()  # (a forked walk: the routes it judged, for its parent's pool)


def neighbours(net: Network, lots: Sequence[HarvestLot], *, count: int, ready_weight: float = 0.0
               ) -> dict[str, list[str]]:
    """Per lot, the ``count`` lots picked up nearest to it (travel seconds of
    the first vehicle's profile between the pickups, both ways, plus
    ``ready_weight`` times the seconds between their ready times)."""
    return related_lots(net, lots, count=count, ready_weights=(ready_weight,))[0]


def related_lots(net: Network, lots: Sequence[HarvestLot], *, count: int, ready_weights: Sequence[float]
                 ) -> list[dict[str, list[str]]]:
    """:func:`neighbours` for each of ``ready_weights``, the travel between
    the pickups looked up once for all of them: one matrix of the pickups'
    sites (ties go to the smaller lot id, as a sort of (distance, id) would
    give). Looked up pair by pair, the 1,000-lot generated day spent 2.5 s of
    its 60 s here before its first step (a million ``transit`` calls)."""
    if not net.vehicles or not lots:
        return [{} for _ in ready_weights]
    seconds = net.matrices[net.vehicles[0].type.profile].seconds
    ids = [lot.id for lot in lots]
    sites = np.array([net.nodes[net.pickup[i]].site for i in ids])
    loading = np.array([lot.service_s for lot in lots], dtype=np.float64)
    ready = np.array([lot.ready for lot in lots], dtype=np.float64)
    travel = np.asarray(seconds, dtype=np.float64)[np.ix_(sites, sites)]
    both = travel + travel.T + loading[:, None] + loading[None, :]  # a -> b and b -> a, each leaving after loading
    apart = np.abs(ready[:, None] - ready[None, :])
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(np.array(ids), kind="stable")] = np.arange(len(ids))  # the ids' order breaks ties
    take = min(count, len(ids) - 1)
    out: list[dict[str, list[str]]] = []
    for weight in ready_weights:
        key = both + weight * apart
        np.fill_diagonal(key, np.inf)  # a lot is not its own neighbour
        found: dict[str, list[str]] = {}
        for k, lot_id in enumerate(ids):
            order = np.lexsort((rank, key[k]))[:take]
            found[lot_id] = [ids[j] for j in order]
        out.append(found)
    return out


Related = dict[str, dict[str, list[str]]]  # per ruin relation ("near", "near in time"): per lot, its related lots


def relations(net: Network, lots: Sequence[HarvestLot], *, max_remove: int = MAX_REMOVE) -> Related:
    """The lots related to each lot for the "near" and "near in time"
    ruins (``2 * max_remove`` of each): computed once per search (on 2,000
    lots 0.75 CPU s; before the walks, once per call)."""
    near, near_in_time = related_lots(net, lots, count=max_remove * 2, ready_weights=(0.0, READY_WEIGHT))
    return {"near": near, "near in time": near_in_time}


def improve(net: Network, routes: list[Visits], lots: Sequence[HarvestLot], *, evaluate: Evaluate,
            insert: Insert, deadline: Deadline, seed: int, late: Callable[[list[Visits]], set[str]],
            keep: frozenset[str] = frozenset(), max_remove: int | None = None, steps: int | None = None,
            threshold: float = THRESHOLD, unloaded: Unloaded | None = None,
            poll: Callable[[], None] | None = None, phase: tuple[float, float] = (0.0, 1.0),
            related: Related | None = None,
            waste: Callable[[list[Visits]], dict[str, float]] | None = None,
            slot_s: int | None = None, frozen: frozenset[str] = frozenset()) -> Improved:
    """Improve ``routes`` (not changed) until ``deadline`` or ``steps``
    steps: ruin ``2..max_remove`` lots, recreate with ``insert``, and walk
    to the new plan if ``evaluate`` says it costs less than the current one
    or less than the best one found plus ``threshold`` of it, the threshold
    falling linearly to 0 over the time (over the steps when ``steps`` is
    given: the same plan on any machine); a pure descent gets stuck where no
    step of a few lots helps (the embedded day at 30 s: one seed stopped at
    267 M VND, stalled, while the others reached 106 and 122 M). Returns the
    best plan found. ``late`` names the lots a plan unloads after their
    pre-cooling target; ``keep`` lots are never removed (committed stops);
    ``unloaded`` tells where and when a plan unloads each lot (without it the
    "same intake" ruin takes the neighbours). ``poll`` is called once a step
    (progress; what it raises, a cancel, stops the search). ``phase``: the
    part of a longer search this call is (its share of the threshold's fall:
    :mod:`.walks`). ``related``: :func:`relations` of the lots for this
    ``max_remove``, when known (the walks of one search share them).
    ``slot_s``: the packing houses' intake slot; with it and ``unloaded``,
    a ruin whose plan the checks reject keeps each unloading in its slot
    (:func:`_ruined`). ``frozen`` lots are neither removed nor, when out of
    the plan, put in (the lots of the other walks' parts: :mod:`.plan_parts`;
    ``insert`` then tries only this walk's routes)."""
    max_remove = MAX_REMOVE if max_remove is None else max_remove
    fixed = keep | frozen  # (never removed)
    by_id = {lot.id: lot for lot in lots}
    related = relations(net, lots, max_remove=max_remove) if related is None else related
    near = related["near"]
    rng = random.Random(seed)
    current = [list(r) for r in routes]
    cost = evaluate(current)
    if cost is None:  # a plan the checks reject is not improved here (the engine drops what they reject)
        return Improved(current, float("inf"), 0, 0)
    best, best_cost = current, cost
    tried = kept = 0
    hot = late(current)
    where = unloaded(current) if unloaded is not None else {}
    ranked: list[str] | None = None  # the current plan's lots, worst first (:func:`_worst`), once asked
    owner = _owners(net, current)  # the current plan's lots' vehicles (the rest is derived from it once a plan)
    known: dict[str, int] | None = None
    routed: set[str] = set()
    movable: list[str] = []
    out: list[str] = []
    pool: list[str] = []
    stall, since = STALL_STEPS + 2 * len(by_id), 0
    kick, restarts, fruitless = False, 0, 0
    span = max(deadline.left(), 1e-9)
    while not deadline.expired() and (steps is None or tried < steps):
        if poll is not None:
            poll()
        if since >= stall:  # stalled: from the best plan again, after a step that moves more and is kept
            if fruitless == MAX_RESTARTS:
                return Improved(best, best_cost, tried, kept, restarts, stalled=True)
            current, cost, since, kick, restarts = [list(r) for r in best], best_cost, 0, True, restarts + 1
            fruitless += 1
            hot = late(current)
            where = unloaded(current) if unloaded is not None else {}
            ranked = None
            owner = _owners(net, current)
        progress = tried / steps if steps is not None else 1.0 - deadline.left() / span
        progress = phase[0] + (phase[1] - phase[0]) * progress
        tried += 1
        since += 1
        if owner is not known:  # (a new current plan)
            known, routed = owner, set(owner)
            movable = sorted(lid for lid in routed if lid not in fixed)
            out = sorted(set(by_id) - routed - frozen)
            pool = sorted(((hot | set(out)) & set(by_id)) - frozen) if hot or out else []
        if not movable:
            break
        if not pool and ranked is None:
            ranked = _worst(waste, current, fixed)
        first = _first(rng, pool, ranked or [], movable)
        size = (max(2, min(KICK * max_remove, len(movable) // 2)) if kick
                else rng.randint(2, max(2, min(max_remove, len(movable) // 4 or 1))))
        removed = {first} if first in routed and first not in fixed else set()
        how = rng.choices(list(RUINS), weights=list(RUINS.values()))[0]
        if how == "same intake":
            others = _same_intake(where, first) if first in where else near.get(first, [])
        elif how == "wave":
            others = _wave(net, current, where, by_id[first]) if where else near.get(first, [])
        else:
            others = related[how].get(first, [])
        for other in others:
            if len(removed) >= size:
                break
            if other in routed and other not in fixed and rng.random() < 0.8:
                removed.add(other)
        if not removed:
            continue
        trial, held = _ruined(net, current, removed, where if slot_s is not None else None, slot_s or 0,
                              owner=owner)
        if held is not None and evaluate(trial) is None:  # (an unloading may have moved into a full slot)
            trial = held
        again = removed | set(out)
        limit = max(cost, best_cost * (1.0 + threshold * max(0.0, 1.0 - progress)))  # a plan under it is taken
        if insert(trial, _recreate_order([by_id[lid] for lid in sorted(again)], rng),
                  _vehicles(net, current, again, near, removed, owner), None if kick else limit) is None:
            continue  # its lots already cost more than the limit allows
        value = evaluate(trial)
        if value is None:
            continue
        if kick or value < limit - 1e-6:
            current, cost, kept, kick = trial, value, kept + 1, False
            hot = late(current)
            where = unloaded(current) if unloaded is not None else {}
            ranked = None
            owner = _owners(net, current)
            if value < best_cost - 1e-6:
                best, best_cost, since, fruitless = trial, value, 0, 0
    return Improved(best, best_cost, tried, kept, restarts)


def _first(rng: random.Random, pool: list[str], worst: list[str], movable: list[str]) -> str:
    """A step's first lot: half of the time one of ``pool`` (the late lots
    and those left out), if any; with no such lot, ``WORST`` of the time one
    of ``worst`` (the lots costing most beyond their least first), the k-th
    of n drawn as n times a uniform draw to the power ``WORST_POWER`` (Ropke
    and Pisinger's worst removal: the first few most often, any possible);
    else any movable lot (why only then: the module's docstring)."""
    draw = rng.random()
    if pool and draw < 0.5:
        return rng.choice(pool)
    if not pool and worst and draw > 1.0 - WORST:
        return worst[int(len(worst) * rng.random() ** WORST_POWER)]
    return rng.choice(movable)


def _worst(waste: Callable[[list[Visits]], dict[str, float]] | None, routes: list[Visits],
           keep: frozenset[str]) -> list[str]:
    """The movable lots of ``routes``, those costing most beyond their least first (``waste``; ties by id)."""
    if waste is None:
        return []
    found = waste(routes)
    return sorted((lid for lid in found if lid not in keep), key=lambda lid: (-found[lid], lid))


def _same_intake(where: dict[str, tuple[str, int]], lot_id: str) -> list[str]:
    """The lots unloaded at the packing house ``lot_id`` is unloaded at,
    within ``SLOT_WINDOW_S`` of it, nearest in time first: the lots its
    intake slot is shared with (removing them frees the slot)."""
    house, t = where[lot_id]
    found = sorted((abs(when - t), other) for other, (h, when) in where.items()
                   if h == house and other != lot_id and abs(when - t) <= SLOT_WINDOW_S)
    return [other for _, other in found]


def _wave(net: Network, routes: list[Visits], where: dict[str, tuple[str, int]], lot: HarvestLot) -> list[str]:
    """The lots unloaded by the vehicles that can carry ``lot`` about when
    ``lot`` would be, picked up when ready and driven straight to its
    nearest house, nearest first (travel seconds both ways between the
    pickups plus ``WAVE_WEIGHT`` times the seconds between the unloadings):
    the trips that would have to take it on time (removing them frees a
    vehicle where and when it is ready)."""
    profile = net.vehicles[0].type.profile
    a = net.pickup[lot.id]
    due = lot.ready + min(net.transit(profile, a, node) for node in net.delivery[lot.id].values())
    found = []
    for v, r in enumerate(routes):
        if not r or net.vehicles[v].type.capacity_kg < lot.kg:
            continue
        for node, _ in r:
            other = net.nodes[node].lot
            assert other is not None
            if net.nodes[node].kind != "pickup" or other.id == lot.id or other.id not in where:
                continue
            b = net.pickup[other.id]
            found.append((net.transit(profile, a, b) + net.transit(profile, b, a)
                          + WAVE_WEIGHT * abs(where[other.id][1] - due), other.id))
    return [oid for _, oid in sorted(found)]


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


def _vehicles(net: Network, routes: list[Visits], lots: set[str], near: dict[str, list[str]],
              removed: set[str], owner: dict[str, int] | None = None) -> dict[str, set[int]]:
    """Per lot of ``lots``, the routes a step re-inserts it into: those
    that held a ``removed`` lot (the room the ruin made), its own and those
    of its ``NEAR_ROUTES`` nearest routed lots (a lot rarely goes far from
    its neighbours; trying every route, the embedded day's 30 s solve made
    37 steps in its share of the time against 126). Each lot is tried on
    its own routes, not on the union of every removed lot's (on gen-500's
    largest catchments 14 routes of 31 a lot): see improve's docstring.
    ``owner``: :func:`_owners` of ``routes``, when known."""
    owner = _owners(net, routes) if owner is None else owner
    freed = {owner[lid] for lid in removed if lid in owner}
    out = {}
    for lid in lots:
        mine = set(freed)
        found = 0
        for other in near.get(lid, []):
            if other in owner and other not in lots:
                mine.add(owner[other])
                found += 1
                if found >= NEAR_ROUTES:
                    break
        out[lid] = mine
    return out


def _owners(net: Network, routes: list[Visits]) -> dict[str, int]:
    """Per lot on ``routes``: its route."""
    return {net.nodes[n].lot.id: v for v, r in enumerate(routes) for n, _ in r}  # type: ignore[union-attr]


def _ruined(net: Network, routes: list[Visits], removed: set[str], where: dict[str, tuple[str, int]] | None = None,
            slot_s: int = 0, *, owner: dict[str, int] | None = None) -> tuple[list[Visits], list[Visits] | None]:
    """The routes without ``removed``'s visits. In a route that lost a visit
    the pickups after it are held no later than their lot is ready (the
    search's hold may have waited for the removed lot's slot), so the rest of
    the trip comes earlier or stays; unloadings keep their holds (a planned
    wait for a free intake slot), and the visits before the first removed
    one keep theirs, so no route starts earlier or lasts longer.

    With ``where`` (each lot's house and unloading in ``routes``), also those
    routes with every unloading after a removed visit held no earlier than
    the start of the intake slot (of ``slot_s`` seconds) it was in (None when
    no hold changes): a hold is only a lower bound, so a trip that lost a lot
    may unload in an earlier slot, one full already; so held, every slot
    takes what it took, less the lots removed (see improve's docstring).
    ``owner``: :func:`_owners` of ``routes``, when known (the routes that
    lost no visit are then the same lists, not copies: no route is changed
    in place)."""
    out: list[Visits] = []
    pins: dict[tuple[int, int], int] = {}  # (route, visit) -> the hold keeping its unloading in its slot
    touched = None if owner is None else {owner[lid] for lid in removed if lid in owner}
    for v, r in enumerate(routes):
        if touched is not None and v not in touched:
            out.append(r)
            continue
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
            elif cut and where is not None and lot.id in where:
                at = where[lot.id][1]
                if hold < at - at % slot_s:
                    pins[(len(out), len(kept))] = at - at % slot_s
            kept.append((node, hold))
        out.append(kept)
    if not pins:
        return out, None
    held = list(out)  # (the routes without a pin shared: a step changes only the plan it keeps)
    for v in {v for v, _ in pins}:
        held[v] = [(node, pins.get((v, k), hold)) for k, (node, hold) in enumerate(out[v])]
    return out, held
