"""Greedy re-insertion of the lots the search left out, with the exact checks.

The OR-Tools model holds packing-house intake only through check and repair
(:mod:`.engine`): the cheapest routes bunch deliveries into the same hour,
the exact intake check then refuses some lots, and the repair rounds do not
always find them a place again. This pass closes the gap at the end: each
lot still out (most valuable first) is tried

* as one more trip at the end of every vehicle's day (multi-trip: the
  vehicle is empty after its last delivery), to each allowed packing house
  (a vehicle finding the slot full may wait for one of the next
  ``WAIT_SLOTS`` slots while the lot's budget lasts);
* inside every route: picked up before any stop of it and unloaded right
  after, or at any stop up to and including the trip's next unloading
  (consecutive visits of one site and kind are one stop, so a lot unloaded
  where the trip already unloads adds no stop there). Every later stop
  moves later (a stop's held service start, ``service_after``, is only a
  lower bound, so a delay moves it), so the whole changed route is checked
  again. A place that surely delays a later stop beyond its room (its
  waiting, its lots' latest pickups and budgets, the shift end and the
  working rules: :func:`_room`) is not considered; the others are ranked by
  an estimate of their price (:func:`_places`): the added metres and
  seconds at the type's rates; the lot's own cost (delivered straight
  after its earliest pickup, plus the shelf life it spends waiting in the
  orchard until the route comes and riding the detour to its house, plus
  its downgrade when that unloading is past its pre-cooling target); and
  what the delay costs the lots the route carries after the place, the
  later stops' waits absorbing it (:mod:`.delays`). The places of every
  route are ranked together; at most ``MAX_BUILDS`` of them (``MAX_TRIALS``
  per route) are built, cheapest estimate first, none whose lower bound
  (the added metres, the lot's own cost at the least) is no cheaper than
  the best place found. With a deadline, the places inside are searched
  only while the time left also holds the end-of-day trips of every lot
  still queued (:class:`_Pace`).

  Why the delay's cost: on the embedded day the price of a place is mostly
  what the other lots of the route lose by it (the built places' change in
  the other lots' cost: 5.3 M VND at the median; in the route's own cost:
  51,000). Ranked without it, the estimate correlated 0.05 with the price
  and every place of a route's 3 cheapest estimates was built (43 builds a
  lot); with it, 0.90, and the best place built was the cheapest estimate
  for 47 % of the lots and among the first five for 92 % (so 8 builds). The
  exact search's 30 s from one start (3 seeds): the embedded day 81.2 ->
  74.4 M VND (mean), the day with a packing house down 212 -> 110 M
  (``MAX_BUILDS`` 4: 80 and 154 M; 16: 71 and 141 M; no cap: 79 and 155 M).

  The estimates are computed in a compiled kernel (:mod:`.places_kernel`,
  Numba), from arrays each remembered day keeps: the same floats as the
  Python it replaced, so the same plans (300 steps of the embedded day,
  the house-down day and son-la, 100 of gen-500: the same routes, stop for
  stop), in 25-35 % less CPU a solve (the embedded day, 300 steps, seeds 1
  and 2: 15.5 and 17.0 s against 12.3 and 11.2, network and start included).

  A day the calls remember (``memo``) also keeps, per lot, the places inside
  it worth building (:func:`.places_kernel.places`: not one with
  ``MAX_TRIALS`` cheaper estimates of no higher lower bound, as those are
  built first and use the route's trials, or one was passed over for its
  bound and so is it), so a
  lot tried again on a route the exact search's steps left as it was is not
  ranked again: 24 % of the routes ranked in 300 steps of a gen-500
  catchment (151 lots, seed 1) were such repeats. The same plans (300 steps
  on gen-500's two largest catchments, seeds 1 and 2: the same day costs),
  7.5 % less CPU in the exact search (58.3 -> 53.9 s over the 4 runs,
  interleaved, load 2.2-3.0).

A place built (and an end-of-day trip timed) is first priced in compiled
code (:mod:`.price_kernel`: the changed route's cost and its lots', the same
floats as timing it in Python), and timed only when that price beats the
best place found: on gen-500 87 % of the places built were no cheaper. The
same plans; 600 steps of the embedded day in 10.6-12.4 CPU s against
13.7-17.4 before (with the lots' cost terms and the timed routes' stops
made lazily: see the commits of 2026-12-08).

The lot is kept at the cheapest place where every rule still holds exactly,
for every lot of the changed route: pickup window and freshness box, the
vehicle types that can save the lot, capacity along the route, opening
hours, shift end, the freshness budget recomputed hour by hour, the working
rules (the longest day; for a type with a break rule, a day that needs no
break), the intake of every slot the route unloads in (the other routes'
deliveries counted), the house's cold store and, at a house that does not
pre-cool, the wait at ambient for the first freight (:mod:`.houses`). A lot
already over a bound before the change (a committed lot) may stay so, no
worse. A place costs what the day's one objective charges (:mod:`.costs`):
the change in the route's cost plus, with ``lot_cost``, the change in the
cost of every lot the route carries (the shelf life each consumes and,
unloaded after its pre-cooling target, its loss), the new lot's included.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..domain import HarvestLot, VehicleType, precool_budgets
from . import places_kernel as kernel
from .costs import LotCost, PricedLots
from .deadline import Deadline
from .delays import DelayCosts, delay_costs, late_loss, shelf_price
from .freshness import FreshnessTable, LotBounds
from .houses import ambient_wait
from .network import Network
from .price_kernel import Pricer, pricer
from .result import LotDelivery, Route
from .schedule import Timed, Visits, time_route

WAIT_SLOTS = 3  # intake slots a vehicle may wait for at a full packing house
MAX_TRIALS = 3  # places inside one route built per lot, cheapest estimate first (see _cheapest_insides)
MAX_BUILDS = 8  # places inside the routes built per lot (see the module's docstring)
FREE_START = 2**60  # (:func:`_tail`) an empty day's leaving time: it waits for no lot
PICK_GRID_S = 900  # (:func:`_trip_floors`) a trip's bound takes the lot's own cost at its soonest pickup on this grid
FLOOR_MARGIN = 1e-3  # VND: a lower bound this much above the best found is surely no cheaper (rounding)
INSIDE_PER_TRIP = 5.0  # the places inside the routes take about 5 times the trips' search (the embedded day)

Slots = dict[tuple[str, int], float]  # kg unloaded per (packing house, intake slot)


@dataclass(slots=True)
class _Day:
    """A vehicle's route as it stands, timed (with the re-timer's state per
    stop: changed copies time from it; None for an empty day), and what its
    lots cost."""

    timed: Timed | None
    lots_cost: float
    room: list[float] | None = None  # how much later each stop may be reached (:func:`_room`), when known
    delays: DelayCosts | None = None  # what a delay costs its lots (:mod:`.delays`), when known
    drops: dict[int, NDArray[np.int64]] = field(default_factory=dict)  # (:func:`_drops`)
    stacked: dict[tuple[int, ...], NDArray[np.int64]] = field(default_factory=dict)  # drops of several sites, stacked
    heads: list[int] | None = None  # (:func:`_heads`), when known
    arrays: kernel.RouteArrays | None = None  # the route as the places' kernel reads it, when known
    places: dict[tuple[str, int, int, tuple[bool, ...]], list[Place]] = field(default_factory=dict)  # (:func:`_places`)
    tail: tuple[int, float, int, int] | None = None  # (:func:`_tail`), when known
    visits: NDArray[np.int64] | None = None  # its visits as (node, hold) rows, for the pricing kernel, when known

    @property
    def route(self) -> Route | None:
        return None if self.timed is None else self.timed.route

    @property
    def deliveries(self) -> list[LotDelivery]:
        return [] if self.timed is None else self.timed.deliveries

    @property
    def cost(self) -> float:
        return 0.0 if self.timed is None else self.timed.cost


def reinsert(net: Network, table: FreshnessTable, routes: list[Visits], starts: list[int],
             lots: Sequence[HarvestLot], bounds: dict[str, LotBounds | None], *, now: int,
             slot_s: int, enforce_freshness: bool = True, poll: Callable[[], None] | None = None,
             deadline: Deadline | None = None, lot_cost: LotCost | None = None,
             untried: list[str] | None = None, keep: Mapping[int, int] | None = None,
             vehicles: Collection[int] | Mapping[str, Collection[int]] | NearRoutes | None = None,
             inside: bool = True,
             ordered: bool = False,
             memo: Memo | None = None,
             limit: float | None = None, least: Callable[[HarvestLot], float] | None = None,
             floors: dict[str, Floors] | None = None, only: Collection[int] | None = None) -> list[str]:
    """Place ``lots`` on ``routes`` (changed in place) where they fit, each
    at the place (a trip at the end of a day, or inside a route) where the
    day's cost (the routes' cost plus, with ``lot_cost``, the lots') grows
    least; returns the ids of the lots inserted. ``keep[v]``: vehicle
    ``v``'s first visits nothing is placed before (a fixed route's committed
    stops); a visit served before ``now`` is never delayed either. ``poll``
    is called once per lot (what it raises, a cancel, stops the work); once
    ``deadline`` has passed no further lot is tried (the lots not reached
    stay out, their ids appended to ``untried``). ``vehicles``: the only
    routes tried (None: all; empty vehicles are always tried, one per type),
    or per lot id its only routes (and those a lot went to in this call),
    or a function giving a lot's only routes when its turn comes, from the
    routed lots' vehicles as they then stand (by lot id).
    ``inside`` False: trips at the end of a day only (building a whole day
    from empty days on every route: 240 lots in 2.4 s against 13-17 s with
    the places inside; :mod:`.start` tries the places inside the routes of a
    lot's neighbours only, about 1 s). The lots are tried most
    valuable first, or in the given order when ``ordered``. ``memo``: the
    routes already timed by earlier calls on the same day (the same starts,
    bounds and ``lot_cost``), by vehicle and visits; the calls of a
    ruin-and-recreate search change a few routes of many. ``limit``: the
    day's cost the routes with ``lots`` must stay under (a ruin-and-recreate
    step whose plan would cost more is not taken); each lot adds at least
    ``least(lot)`` to the routes' cost, placed or not
    (:func:`least_added`, or what leaving it out costs if less): once the
    routes with the lots placed and the least of those to come cost more,
    the lots not yet tried are not (their ids appended to ``untried``), and
    a place whose lower bound is above what that leaves for it is not built
    (placing a lot never makes the routes or the other lots cheaper: no
    place did in 600 steps of the embedded day). ``floors``: per lot, its
    own cost at the least by vehicle type, house and pickup, as earlier
    calls with the same ``now``, ``lot_cost`` and rules found them (a lot
    re-inserted step after step: on the embedded day they took 8 % of the
    search's time, computed afresh at each call). ``only``: no route
    outside it is tried, empty or not (a walk changing its part of a plan:
    :mod:`.plan_parts`)."""
    per_lot = vehicles if isinstance(vehicles, Mapping) else None
    near = vehicles if callable(vehicles) else None
    owner = {_lot_of(net, n): v for v, r in enumerate(routes) for n, _ in r} if near is not None else {}
    indices = range(len(net.vehicles)) if only is None else sorted(only)
    tried = [] if per_lot is not None or near is not None else [  # (per lot: each lot's, below)
        v for v in indices
        if vehicles is None or v in vehicles or not routes[v]]  # type: ignore[operator]
    changed: set[int] = set()  # the routes a lot went to in this call
    days = [_recalled(memo, v, r) or _remember(memo, v, r, _built(net, table, v, starts[v], r, lot_cost))
            for v, r in enumerate(routes)]
    used: Slots = defaultdict(float)
    stored: dict[str, float] = defaultdict(float)  # kg delivered per house (its cold store, :mod:`.houses`)
    for day in days:
        _count(day.deliveries, used, stored, slot_s, 1)
    inserted = []
    prices = pricer(net, table, lot_cost)  # (a place's price before it is built: :mod:`.price_kernel`)
    queue = list(lots) if ordered else sorted(lots, key=lambda lot: (-lot.value, lot.id))
    pace = _Pace()
    # the routes' cost with the lots placed, and what each lot adds at the least (those to come, summed)
    spent = sum(day.cost + day.lots_cost for day in days) if limit is not None else 0.0
    lows = [least(lot) if least is not None and limit is not None else 0.0 for lot in queue]
    coming = sum(lows)
    for k, lot in enumerate(queue):
        own = lows[k]
        coming -= own
        if (deadline is not None and deadline.expired()) or (limit is not None and spent + own + coming > limit):
            if untried is not None:
                untried += [x.id for x in queue[k:]]
            break
        if poll is not None:
            poll()
        clock = time.perf_counter if deadline is None else deadline.clock
        if per_lot is not None:
            mine = per_lot.get(lot.id, ())
            tried = [v for v in indices if v in mine or v in changed or not routes[v]]
        elif near is not None:
            mine = near(lot, owner)
            tried = [v for v in indices if v in mine or not routes[v]]
        began = clock()
        # the lot's own cost at the least, per vehicle type and house (both searches ask)
        own_floors: Floors = {} if floors is None else floors.setdefault(lot.id, {})
        best = _cheapest_trips(net, table, routes, starts, days, lot, bounds, now=now, used=used, stored=stored,
                               slot_s=slot_s, enforce_freshness=enforce_freshness, lot_cost=lot_cost, tried=tried,
                               floors=own_floors, priced=prices)
        pace.trips_s, pace.lots = pace.trips_s + clock() - began, pace.lots + 1
        if inside and (deadline is None or pace.inside_fits(deadline.left(), len(queue) - k - 1)):
            began = clock()
            best = _cheapest_insides(net, table, routes, starts, days, lot, bounds, best, now=now, used=used,
                                     stored=stored, slot_s=slot_s, enforce_freshness=enforce_freshness,
                                     lot_cost=lot_cost, keep=keep or {}, tried=tried, floors=own_floors,
                                     cap=math.inf if limit is None else limit - spent - coming, priced=prices)
            pace.inside_s, pace.insides = pace.inside_s + clock() - began, pace.insides + 1
        if best is None:
            spent += own  # (left out)
            continue
        price, v, visits, timed = best
        spent += price
        _count(days[v].deliveries, used, stored, slot_s, -1)
        routes[v] = visits
        days[v] = _remember(memo, v, visits, _Day(timed, _lots_cost(net, timed.deliveries, lot_cost)))
        _count(days[v].deliveries, used, stored, slot_s, 1)
        inserted.append(lot.id)
        changed.add(v)
        owner[lot.id] = v
    return inserted


NearRoutes = Callable[[HarvestLot, Mapping[str, int]], Collection[int]]  # a lot's routes from the lots' vehicles
Memo = dict[tuple[int, tuple[tuple[int, int], ...]], "_Day"]  # a vehicle's visits -> its day, timed
MEMO_SIZE = 5_000  # days a memo holds before it is emptied
PLACES_PER_DAY = 64  # lots whose places a remembered day holds before they are emptied


def _recalled(memo: Memo | None, v: int, visits: Visits) -> _Day | None:
    """The day ``memo`` holds for vehicle ``v`` and ``visits`` (its room,
    delay costs and drops as computed before), if any."""
    return None if memo is None else memo.get((v, tuple(visits)))


def remember_timed(memo: Memo, key: tuple[int, tuple[tuple[int, int], ...]], timed: Timed, lots_cost: float) -> None:
    """Keep in ``memo`` a vehicle's visits (``key``) as timed elsewhere
    (:func:`.schedule.time_route`, the same start), with its lots' cost (the
    same ``lot_cost``, summed in the deliveries' order): the judge's routes."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = _Day(timed, lots_cost)


def _remember(memo: Memo | None, v: int, visits: Visits, day: _Day) -> _Day:
    """``day``, kept in ``memo`` (emptied first when full)."""
    if memo is not None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[(v, tuple(visits))] = day
    return day


Option = tuple[float, int, Visits, Timed]  # the change in the day's cost, the vehicle, its new visits, timed


def _cheapest_trips(net: Network, table: FreshnessTable, routes: list[Visits], starts: list[int],
                    days: list[_Day], lot: HarvestLot, bounds: dict[str, LotBounds | None], *, now: int,
                    used: Slots, stored: dict[str, float], slot_s: int, enforce_freshness: bool,
                    lot_cost: LotCost | None, tried: Sequence[int], floors: Floors, priced: Pricer | None = None
                    ) -> Option | None:
    """The cheapest trip for ``lot`` at the end of the day of a vehicle of
    ``tried`` (the first vehicle on a tie), the vehicles tried by their
    trip's lower bound (:func:`_trip_floors`), lowest first, until it is no
    cheaper than the best found: the same trip as trying every vehicle, with
    fewer trips timed (300 steps of the embedded day: 31,142 against 34,909)."""
    best: Option | None = None
    idle: set[str] = set()  # vehicle types one of whose empty days is tried (the others are alike)
    kept = []
    for v in tried:
        if not routes[v]:
            if net.vehicles[v].type.id in idle:
                continue
            idle.add(net.vehicles[v].type.id)
        kept.append(v)
    for floor, v in _trip_floors(net, table, kept, routes, days, lot, now=now, floors=floors,
                                 enforce_freshness=enforce_freshness, lot_cost=lot_cost):
        if best is not None and floor >= best[0] + FLOOR_MARGIN:
            break
        option = _cheapest_trip(net, table, v, starts[v], routes[v], lot, bounds.get(lot.id), now=now,
                                used=used, stored=stored, slot_s=slot_s, enforce_freshness=enforce_freshness,
                                lot_cost=lot_cost, last_unloading=max((d.delivered for d in days[v].deliveries),
                                                                      default=None), base=days[v].timed,
                                priced=priced, day=days[v], above=None if best is None else best[0])
        if option is None:
            continue
        price = option[0] - days[v].cost
        if best is None or price < best[0] or (price == best[0] and v < best[1]):
            best = (price, v, option[1], option[5])
    return best


def _trip_floors(net: Network, table: FreshnessTable, vehicles: list[int], routes: list[Visits], days: list[_Day],
                 lot: HarvestLot, *, now: int, floors: Floors, enforce_freshness: bool, lot_cost: LotCost | None
                 ) -> list[tuple[float, int]]:
    """Per vehicle of ``vehicles``, a lower bound on what one more trip for
    ``lot`` at the end of its day adds to the day's cost, as (bound,
    vehicle), lowest first (ties: the lower vehicle): the added metres at the
    type's rate, the added free-flow seconds beyond the last leg as timed at
    its rate (rush hours only slow; a day that leaves its last stop before
    the lot is ready waits for it), the fixed cost of an empty day, and the
    lot's own cost delivered straight after its earliest pickup
    (:func:`_own_floor`), or after the soonest the day can reach it (its
    last stop left plus the free-flow leg, on a ``PICK_GRID_S`` grid below)
    where a later pickup costs no less (:func:`_later_costs_more`: 300
    steps of the embedded day timed 15,405 trips against 67,386, the same
    plan, about 10 % less CPU); the least over its packing houses (infinite
    when it spoils on the way to all of them). Computed for all the vehicles of a
    profile at once (one vehicle at a time, the 2,000-lot generated day's
    start spent 4.6 of its 8.7 s on 188,000 bounds; the same floats)."""
    if not vehicles:
        return []
    farm = net.nodes[net.pickup[lot.id]].site
    houses = list(net.delivery[lot.id].items())
    hs = np.array([net.nodes[node].site for _, node in houses], dtype=np.int64)
    fleet = net.fleet()
    v_all = np.array(vehicles, dtype=np.int64)
    out = np.empty(len(vehicles))
    for profile in {net.vehicles[v].type.profile for v in vehicles}:
        mine = [k for k, v in enumerate(vehicles) if net.vehicles[v].type.profile == profile]
        vs = v_all[mine]
        tails = [_tail(net, v, routes[v], days[v]) for v in vs.tolist()]
        last = np.array([t[0] for t in tails], dtype=np.int64)
        fixed = np.array([t[1] for t in tails])
        last_leg = np.array([t[2] for t in tails], dtype=np.int64)
        leaves = np.array([t[3] for t in tails], dtype=np.int64)
        types = {net.vehicles[v].type.id: net.vehicles[v].type for v in vs.tolist()}
        per_type = {t: [_floor(net, table, vt, lot, house, now=now, floors=floors, enforce_freshness=enforce_freshness,
                               lot_cost=lot_cost) for house, _ in houses] for t, vt in types.items()}
        legs, end = net.legs(profile), fleet.end[vs]
        metres_m, free_m = legs[:, :, 0], legs[:, :, 2]
        # the lot picked up no sooner than the day can reach it: its own cost there where a later pickup costs
        # no less (:func:`_later_costs_more`), on a grid of PICK_GRID_S below it (fewer costs computed)
        earliest = max(lot.ready, now)
        soonest = np.where(leaves == FREE_START, earliest, np.maximum(earliest, leaves + free_m[last, farm]))
        rows = []
        for v, pick in zip(vs.tolist(), soonest.tolist(), strict=True):
            vt = net.vehicles[v].type
            if pick < earliest + PICK_GRID_S or not _later_costs_more(table, lot, vt, floors):
                rows.append(per_type[vt.id])
            else:
                at = max(earliest, pick - pick % PICK_GRID_S)
                rows.append([_floor_at(net, table, vt, lot, house, at, floors=floors,
                                       enforce_freshness=enforce_freshness, lot_cost=lot_cost) for house, _ in houses])
        own = np.array(rows, dtype=np.float64).reshape(len(vs), len(houses))  # (None: nan)
        metres = (metres_m[last, farm][:, None] + metres_m[farm, hs][None, :] + metres_m[hs[None, :], end[:, None]]
                  - metres_m[last, end][:, None])
        reach = np.maximum(free_m[last, farm], max(lot.ready, now) - leaves)  # (waiting for the lot)
        secs = (reach[:, None] + lot.service_s + free_m[farm, hs][None, :]
                + free_m[hs[None, :], end[:, None]] - last_leg[:, None])
        cost = (fixed[:, None] + fleet.per_km[vs][:, None] * metres / 1000
                + fleet.per_hour[vs][:, None] * np.maximum(secs, 0) / 3600 + own)
        cost[np.isnan(own)] = math.inf  # spoils on the way to that house
        out[mine] = cost.min(axis=1, initial=math.inf)
    order = np.lexsort((v_all, out))
    return list(zip(out[order].tolist(), v_all[order].tolist(), strict=True))


def _tail(net: Network, v: int, visits: Visits, day: _Day) -> tuple[int, float, int, int]:
    """Where vehicle ``v``'s day ends before it drives to its end, the fixed
    cost one more trip adds (an empty day's), the seconds of its last leg as
    timed (its start's free-flow seconds to its end when empty) and when it
    leaves its last stop (``FREE_START`` when empty: its start may move)."""
    if day.tail is None:
        vt = net.vehicles[v].type
        if visits and day.route is not None:
            stops = day.route.stops
            day.tail = (net.nodes[visits[-1][0]].site, 0.0, stops[-1].arrival - stops[-2].departure,
                        stops[-2].departure)
        else:
            home, end = net.nodes[2 * v].site, net.nodes[2 * v + 1].site
            day.tail = (home, vt.fixed_cost, int(net.legs(vt.profile)[home, end, 2]), FREE_START)
    return day.tail


def _cheapest_insides(net: Network, table: FreshnessTable, routes: list[Visits], starts: list[int],
                      days: list[_Day], lot: HarvestLot, bounds: dict[str, LotBounds | None], best: Option | None,
                      *, now: int, used: Slots, stored: dict[str, float], slot_s: int, enforce_freshness: bool,
                      lot_cost: LotCost | None, keep: Mapping[int, int], tried: Sequence[int],
                      floors: Floors, cap: float = math.inf, priced: Pricer | None = None) -> Option | None:
    """The cheapest place for ``lot`` inside a route of ``tried`` if cheaper
    than ``best``, else ``best``: the places of every route ranked by their
    estimate together, built cheapest first (at most ``MAX_TRIALS`` per
    route), none whose lower bound is no cheaper than the best found so far
    (the same places as ranking route by route, where a route's bound was
    the best of the routes before it) or than ``cap`` (what a step's limit
    leaves for the lot: :func:`reinsert`). A place built no cheaper than the
    best found is not checked against the rules (the same places kept; on
    the embedded day the rules' checks took 6.5 % of the search's time)."""
    box = bounds.get(lot.id)
    ranked: list[tuple[float, float, int, int, int, str]] = []
    heads: dict[int, list[int]] = {}
    prices = _own_prices(table, lot, now, lot_cost)
    rooms = tuple(_stores(net, lot, stored))  # (the same for every route)
    for v in tried:
        day, vt = days[v], net.vehicles[v].type
        if not routes[v] or day.route is None or not _may_carry(net, vt, lot, box, enforce_freshness):
            continue
        if day.room is None:
            day.room = _room(net, table, vt, day, bounds, enforce_freshness)
        if day.delays is None and lot_cost is not None and day.timed is not None:
            day.delays = delay_costs(net, table, vt, day.timed, lot_cost)
        if day.heads is None:
            day.heads = _heads(net, routes[v])
        heads[v] = day.heads
        key = (lot.id, now, keep.get(v, 0), rooms)
        found = day.places.get(key)
        if found is None:
            found = _places(net, table, v, routes[v], heads[v], day, lot, box, now=now, stored=stored,
                            enforce_freshness=enforce_freshness, lot_cost=lot_cost, keep=keep.get(v, 0),
                            floors=floors, prices=prices)
            if len(day.places) >= PLACES_PER_DAY:
                day.places.clear()
            day.places[key] = found
        ranked += [(estimate, floor, v, p, d, house) for estimate, floor, p, d, house in found]
    ranked.sort()
    trials: dict[int, int] = defaultdict(int)
    latest = _latest(lot, box, enforce_freshness)
    built = 0
    for _, floor, v, p, d, house in ranked:
        if built == MAX_BUILDS:
            break
        if (best is not None and floor >= best[0]) or floor > cap or trials[v] == MAX_TRIALS:
            continue
        trials[v] += 1
        built += 1
        day, vt = days[v], net.vehicles[v].type
        i, j, pickup, hold, drop = _insertion(net, routes[v], heads[v], p, d, lot, house, profile=vt.profile,
                                              now=now, latest=latest)
        if priced is not None and best is not None:  # (its price first, compiled: most places are no cheaper)
            if day.visits is None:
                day.visits = np.array(routes[v], dtype=np.int64).reshape(len(routes[v]), 2)
            route_cost, lots_cost, _ = priced.price_inserted(v, starts[v], day.visits, i, j, (pickup, hold), drop)
            if route_cost - day.cost + lots_cost - day.lots_cost >= best[0]:
                continue
        trial = [*routes[v][:i], (pickup, hold), *routes[v][i:j], (drop, 0), *routes[v][j:]]
        timed = time_route(net, table, v, starts[v], trial, base=day.timed)
        price = timed.cost - day.cost + _lots_cost(net, timed.deliveries, lot_cost) - day.lots_cost
        if best is not None and price >= best[0]:
            continue  # (no cheaper: its rules need no check)
        if _keeps_rules(net, table, vt, timed.route, timed.deliveries, day, bounds, used=used, slot_s=slot_s,
                        enforce_freshness=enforce_freshness):
            best = (price, v, trial, timed)
    return best


def _stores(net: Network, lot: HarvestLot, stored: dict[str, float]) -> list[bool]:
    """Per packing house of the lot: its cold store has room for it."""
    out = []
    for house in net.delivery[lot.id]:
        cap = net.case.site_by_id[house].cold_storage_kg
        out.append(cap is None or stored[house] + lot.kg <= cap + 1e-9)
    return out


@dataclass(slots=True)
class _Pace:
    """Seconds the two searches have taken so far. With a deadline, a lot's
    places inside the routes are searched only while the time left holds
    that search and twice the trips' search for every lot after it: the
    end-of-day trips of the lots not yet tried come first (a lot the
    deadline leaves untried is left out)."""

    trips_s: float = 0.0
    lots: int = 0
    inside_s: float = 0.0
    insides: int = 0

    def inside_fits(self, left: float, after: int) -> bool:
        trip = self.trips_s / max(self.lots, 1)
        inside = self.inside_s / self.insides if self.insides else INSIDE_PER_TRIP * trip
        return left > inside + 2 * trip * after


def _built(net: Network, table: FreshnessTable, v: int, start: int, visits: Visits,
           lot_cost: LotCost | None) -> _Day:
    if not visits:
        return _Day(None, 0.0)
    timed = time_route(net, table, v, start, visits)
    return _Day(timed, _lots_cost(net, timed.deliveries, lot_cost))


def _lots_cost(net: Network, deliveries: list[LotDelivery], lot_cost: LotCost | None) -> float:
    if lot_cost is None:
        return 0.0
    return sum(lot_cost(_lot(net, d.lot_id), d) for d in deliveries)


def _lot_of(net: Network, node: int) -> str:
    lot = net.nodes[node].lot
    assert lot is not None
    return lot.id


def _lot(net: Network, lot_id: str) -> HarvestLot:
    lot = net.nodes[net.pickup[lot_id]].lot
    assert lot is not None
    return lot


def _count(deliveries: list[LotDelivery], used: Slots, stored: dict[str, float], slot_s: int, sign: int) -> None:
    for d in deliveries:
        used[(d.packing_house, d.delivered // slot_s)] += sign * d.kg
        stored[d.packing_house] += sign * d.kg


def _may_carry(net: Network, vt: VehicleType, lot: HarvestLot, box: LotBounds | None, enforce_freshness: bool) -> bool:
    """A vehicle of type ``vt`` can save the lot and hold it alone."""
    if box is not None and enforce_freshness and box.vehicle_types is not None and vt.id not in box.vehicle_types:
        return False
    return vt.capacity_kg >= lot.kg and not (vt.capacity_boxes and vt.capacity_boxes < net.boxes(lot))


def _latest(lot: HarvestLot, box: LotBounds | None, enforce_freshness: bool) -> int:
    """The latest pickup: the lot's window and, enforcing freshness, its box."""
    return min(lot.latest_pickup, box.p_hi if box is not None and enforce_freshness else lot.latest_pickup)


def _cheapest_trip(net: Network, table: FreshnessTable, v: int, start: int, visits: Visits, lot: HarvestLot,
                   box: LotBounds | None, *, now: int, used: dict[tuple[str, int], float],
                   stored: dict[str, float], slot_s: int, enforce_freshness: bool,
                   lot_cost: LotCost | None = None, last_unloading: int | None = None, base: Timed | None = None,
                   priced: Pricer | None = None, day: _Day | None = None, above: float | None = None
                   ) -> tuple[float, Visits, str, int, float, Timed] | None:
    """The cheapest trip for ``lot`` at the end of vehicle ``v``'s day: its
    price (the route's cost plus ``lot_cost`` of the lot's delivery), the
    visits, the packing house, the unloading time, the route's cost and the
    route timed; None if none fits. ``last_unloading``: when the route's
    last unloading starts as built (a lot placed inside the route delays the
    visits after it beyond the times they hold); the trip starts after it.
    ``base``: the route as it stands, timed (the trip is timed from its end).
    With ``priced`` (:mod:`.price_kernel`) and ``day`` (the route as it
    stands), a trip is priced before it is timed and not timed when no
    cheaper than the best trip of this vehicle, or when its price less the
    day's cost is above ``above`` (the best of the other vehicles' so far):
    every trip timed ends the trips to its house, so the same trip is found."""
    vt = net.vehicles[v].type
    if not _may_carry(net, vt, lot, box, enforce_freshness):
        return None
    pickup = net.pickup[lot.id]
    last_node, last_t = visits[-1] if visits else (2 * v, max(start, vt.shift.start, now))
    if visits and last_unloading is not None:
        last_t = max(last_t, last_unloading)
    t_pick = max(last_t + net.transit(vt.profile, last_node, pickup), lot.ready, now)
    if t_pick > _latest(lot, box, enforce_freshness):
        return None
    best: tuple[float, Visits, str, int, float, Timed] | None = None
    for house, node in net.delivery[lot.id].items():
        site = net.case.site_by_id[house]
        if site.cold_storage_kg is not None and stored[house] + lot.kg > site.cold_storage_kg + 1e-9:
            continue
        arrival = t_pick + net.transit(vt.profile, pickup, node)
        # unload on arrival, or wait for the next slots' intake (the budget permitting)
        for t_drop in [arrival, *((arrival // slot_s + k) * slot_s for k in range(1, WAIT_SLOTS + 1))]:
            window = next((w for w in site.opening if w.end >= t_drop), None) if site.opening else None
            if site.opening:
                if window is None:
                    break
                t_drop = max(t_drop, window.start)
            if t_drop + net.transit(vt.profile, node, 2 * v + 1) > vt.shift.end:
                break
            if site.intake_kg_per_hour is not None and \
                    used[(house, t_drop // slot_s)] + lot.kg > site.intake_kg_per_hour * slot_s / 3600 + 1e-9:
                continue
            if priced is not None and day is not None:  # (priced first, compiled: most trips are no cheaper)
                if day.visits is None:
                    day.visits = np.array(visits, dtype=np.int64).reshape(len(visits), 2)
                route_cost, _, own = priced.price_inserted(v, start, day.visits, len(visits), len(visits),
                                                           (pickup, t_pick), node, t_drop)
                price = route_cost + own
                if (best is not None and price >= best[0]) or (above is not None and price - day.cost > above):
                    break
            trial = [*visits, (pickup, t_pick), (node, t_drop)]
            timed = time_route(net, table, v, start, trial, base=base)
            deliveries, duration = timed.deliveries, timed.duration_s  # (its Route made only if kept: :class:`Timed`)
            if duration > min(vt.max_work_s or duration, vt.break_after_s or duration):
                break  # a longer day than the working rules allow (with a break rule: one needing no break)
            if timed.rows[-1][2] > vt.shift.end or deliveries[-1].delivered // slot_s != t_drop // slot_s:
                break  # as built, later than planned here (the exact checks would refuse it)
            left = deliveries[-1].budget_left_s - ambient_wait(net.case, table, deliveries[-1], lot.product)[0]
            if enforce_freshness and left < 0:
                break  # waiting longer only spends more
            price = timed.cost + (lot_cost(lot, deliveries[-1]) if lot_cost is not None else 0.0)
            if best is None or price < best[0]:
                best = (price, trial, house, t_drop, timed.cost, timed)
            break
    return best


Place = tuple[float, float, int, int, str]  # estimate, lower bound, pickup before stop p, delivery before d, house
# (vehicle type, house[, pickup]) -> the lot's own cost at the least (picked up then); ("later", type) -> 1.0
# when a later pickup costs no less (:func:`_later_costs_more`)
Floors = dict[tuple[str, ...] | tuple[str, str, int], float | None]


def _heads(net: Network, visits: Visits) -> list[int]:
    """Index of each stop's first visit (a stop: consecutive visits of one
    site and kind, as :func:`.schedule.build_route` groups them)."""
    heads = []
    for k, (node, _) in enumerate(visits):
        n = net.nodes[node]
        if k == 0 or (net.nodes[visits[k - 1][0]].site, net.nodes[visits[k - 1][0]].kind) != (n.site, n.kind):
            heads.append(k)
    return heads


def _room(net: Network, table: FreshnessTable, vt: VehicleType, day: _Day, bounds: dict[str, LotBounds | None],
          enforce_freshness: bool) -> list[float]:
    """How much later each stop of the route (by its index in its stops)
    may be reached, every rule it and the later stops hold still kept, as
    far as a cheap bound tells (a delay beyond it surely breaks one; within
    it the exact checks decide): a stop's waiting absorbs a delay, what is
    left moves its service and every later one, within each lot's latest
    pickup, within each lot's budget at its slowest loss, and within the
    shift end and the working rules (for a type with a break rule, a day
    that needs no break)."""
    assert day.route is not None
    stops, by_lot = day.route.stops, {d.lot_id: d for d in day.deliveries}
    limit = min(vt.max_work_s or math.inf, vt.break_after_s or math.inf)
    room = [0.0] * len(stops)
    room[-1] = max(0.0, min(vt.shift.end - stops[-1].arrival, limit - day.route.duration_s))
    for k in range(len(stops) - 2, 0, -1):
        slack = room[k + 1]
        for lot_id in stops[k].lot_ids:
            d, lot = by_lot[lot_id], _lot(net, lot_id)
            if stops[k].kind == "pickup":
                slack = min(slack, _latest(lot, bounds.get(lot_id), enforce_freshness) - d.picked_up)
            elif enforce_freshness:
                slowest = float(table.riding(lot.product, vt).rates.min())
                slack = min(slack, d.budget_left_s / slowest if slowest > 0 else math.inf)
        room[k] = stops[k].waiting + max(0.0, slack)
    return room


def _places(net: Network, table: FreshnessTable, v: int, visits: Visits, heads: list[int], day: _Day,
            lot: HarvestLot, box: LotBounds | None, *, now: int, stored: dict[str, float],
            enforce_freshness: bool, lot_cost: LotCost | None, keep: int, floors: Floors,
            prices: tuple[float, float, int] | None = None) -> list[Place]:
    """The places inside the route worth building: the pickup before stop
    ``p`` (0-based among the route's stops), reached in time and with room
    on board; the delivery at a house with room in its cold store, before
    stop ``d`` for ``p <= d <=`` the trip's next unloading, or appended to
    that unloading when it is at the same house; neither delaying the stops
    after it beyond their room (:func:`_room`, by the free-flow times).
    Each with an estimate of its price (added metres and seconds at the
    type's rates, the lot's own cost delivered straight after its earliest
    pickup; with the lot's ``prices`` (:func:`_own_prices`) and the route's
    delay costs, ``day.delays``: plus what the delay costs the route's lots,
    the lot's wait in the orchard until the route comes and its ride beyond
    the straight one, and its downgrade when unloaded past its target) and
    a lower bound of it
    (the added metres and the lot's own cost at the least: waiting may
    absorb the seconds)."""
    assert day.route is not None and day.room is not None
    vt = net.vehicles[v].type
    prof = vt.profile
    if day.arrays is None:
        stops = day.route.stops  # start, one per head, end
        day.arrays = kernel.route_arrays(
            heads, [s.arrival for s in stops], [s.departure for s in stops], [s.load_kg for s in stops],
            [s.load_boxes for s in stops],
            [net.nodes[2 * v].site, *(net.nodes[visits[h][0]].site for h in heads), net.nodes[2 * v + 1].site],
            day.room, [net.nodes[visits[h][0]].kind == "delivery" for h in heads], day.delays)
    every = net.legs(prof)
    farm = net.nodes[net.pickup[lot.id]].site
    names, sites, owns, drops = [], [], [], []
    for house, node in sorted(net.delivery[lot.id].items()):  # (ties between places go to the smaller id)
        cap = net.case.site_by_id[house].cold_storage_kg
        if cap is not None and stored[house] + lot.kg > cap + 1e-9:
            continue  # its cold store is full
        own = _floor(net, table, vt, lot, house, now=now, floors=floors, enforce_freshness=enforce_freshness,
                     lot_cost=lot_cost)
        if own is not None:
            h = net.nodes[node].site
            names.append(house)
            sites.append(h)
            owns.append(own)
            drops.append(_drops(net, day, prof, h))
    if not names:
        return []
    hs = np.array(sites, dtype=np.int64)
    key = tuple(sites)
    if key not in day.stacked:
        day.stacked[key] = np.stack(drops)
    with_prices = prices is not None and day.delays is not None
    travel = _travel(net, prof)
    found = kernel.places(
        day.arrays, travel, houses=(hs, np.array(owns, dtype=np.float64), day.stacked[key], every[farm, hs]),
        rates=(table.ambient(lot.product), table.riding(lot.product, vt)) if with_prices else None, farm=farm,
        latest=_latest(lot, box, enforce_freshness), kg=lot.kg, boxes=net.boxes(lot),
        service_s=lot.service_s, ready=lot.ready, prices=prices if prices is not None else (0.0, 0.0, 0),
        keep=keep, now=now, capacity_kg=vt.capacity_kg, capacity_boxes=vt.capacity_boxes or 0,
        per_km=vt.cost_per_km, per_hour=vt.cost_per_hour, shift_start=vt.shift.start,
        unload_s=net.case.settings.packing_service_s, max_trials=MAX_TRIALS)
    return [(estimate, floor, p, d, names[k]) for estimate, floor, p, d, k in found]


def _travel(net: Network, profile: str) -> kernel.Travel:
    """The profile's legs and rush hours as the places' kernel reads them, made once per network."""
    found = net.travels.get(profile)
    if found is None:
        every, rush = net.legs(profile), net.rush.get(profile)
        found = net.travels[profile] = kernel.Travel(every, False, *kernel.NO_RUSH) if rush is None else \
            kernel.Travel(every, True, rush.base, rush.slowness, rush.profile.starts)
    return found


def _own_prices(table: FreshnessTable, lot: HarvestLot, now: int, lot_cost: LotCost | None
                ) -> tuple[float, float, int] | None:
    """What ``lot`` loses unloaded past its target, what it costs per
    reference second of shelf life (:func:`.delays.late_loss`,
    :func:`.delays.shelf_price`) and its pre-cooling target (reference
    seconds), once per lot for every route's estimate; None without
    ``lot_cost``."""
    if lot_cost is None:
        return None
    at_earliest = LotDelivery(lot.id, "", "", max(lot.ready, now), max(lot.ready, now), 0.0, 0.0, lot.kg)
    target = precool_budgets(table.case.product_by_id[lot.product])[1]
    if isinstance(lot_cost, PricedLots) and lot_cost.complete:
        return *lot_cost.prices(lot, at_earliest), target
    return late_loss(lot, at_earliest, lot_cost), shelf_price(lot, at_earliest, lot_cost), target


def _drops(net: Network, day: _Day, profile: str, h: int) -> NDArray[np.int64]:
    """Per stop ``d`` of the route: what unloading at site ``h`` between
    stops ``d`` and ``d + 1`` adds (metres, seconds, free-flow seconds) and
    the free-flow seconds from stop ``d`` to ``h``, one row each; remembered
    per route and site (every lot tried on the route asks)."""
    if h not in day.drops:
        assert day.arrays is not None
        every, sites = net.legs(profile), day.arrays.sites
        a, b = sites[:-1], sites[1:]
        to_h = every[a, h]
        day.drops[h] = np.concatenate([to_h + every[h, b] - every[a, b], to_h[:, 2:]], axis=1)
    return day.drops[h]


def least_added(net: Network, table: FreshnessTable, lot: HarvestLot, box: LotBounds | None, *, now: int,
                enforce_freshness: bool, lot_cost: LotCost | None) -> float:
    """The least placing ``lot`` adds to the day's cost: its own cost picked
    up at its earliest and driven straight to a packing house
    (:func:`_own_floor`), the least over the vehicle types that can save it
    and its houses (infinite when none can); ``box``: its bounds."""
    found = [_own_floor(net, table, vt, lot, house, max(lot.ready, now), enforce_freshness=enforce_freshness,
                        lot_cost=lot_cost)
             for vt in {veh.type.id: veh.type for veh in net.vehicles}.values()
             if _may_carry(net, vt, lot, box, enforce_freshness) for house in net.delivery[lot.id]]
    return min((x for x in found if x is not None), default=math.inf)


def _later_costs_more(table: FreshnessTable, lot: HarvestLot, vt: VehicleType, floors: Floors) -> bool:
    """Whether ``lot`` driven straight in on ``vt`` costs no less picked up
    later: it rides no faster than it waits at ambient at every hour (the
    shelf life it spends picked up at ``t`` and unloaded a fixed time
    after grows by the ambient rate at ``t``, less the riding rate there,
    plus the riding rate at the unloading), as the day's lot cost grows with
    the shelf life spent (:func:`.costs.delivery_cost`); remembered in
    ``floors``."""
    key = ("later", vt.id)
    if key not in floors:
        riding, ambient = table.riding(lot.product, vt), table.ambient(lot.product)
        floors[key] = float(bool(np.all(riding.rates <= ambient.rates)))
    return bool(floors[key])


def _floor_at(net: Network, table: FreshnessTable, vt: VehicleType, lot: HarvestLot, house: str, pick: int, *,
              floors: Floors, enforce_freshness: bool, lot_cost: LotCost | None) -> float | None:
    """:func:`_own_floor` picked up at ``pick``, remembered in ``floors``."""
    key = (vt.id, house, pick)
    if key not in floors:
        floors[key] = _own_floor(net, table, vt, lot, house, pick, enforce_freshness=enforce_freshness,
                                 lot_cost=lot_cost)
    return floors[key]


def _floor(net: Network, table: FreshnessTable, vt: VehicleType, lot: HarvestLot, house: str, *, now: int,
           floors: Floors, enforce_freshness: bool, lot_cost: LotCost | None) -> float | None:
    """:func:`_own_floor` from the lot's earliest pickup, remembered in ``floors``."""
    key = (vt.id, house)
    if key not in floors:
        floors[key] = _own_floor(net, table, vt, lot, house, max(lot.ready, now),
                                 enforce_freshness=enforce_freshness, lot_cost=lot_cost)
    return floors[key]


def _own_floor(net: Network, table: FreshnessTable, vt: VehicleType, lot: HarvestLot, house: str, pick: int, *,
               enforce_freshness: bool, lot_cost: LotCost | None) -> float | None:
    """The lot's own cost picked up at ``pick`` (its earliest) and driven
    straight to ``house`` (the free-flow time), the least it can cost on
    ``vt``; None when it spoils even then."""
    rush = net.rush.get(vt.profile)
    farm, h = net.nodes[net.pickup[lot.id]].site, net.nodes[net.delivery[lot.id][house]].site
    drop = pick + lot.service_s + (int(rush.base[farm, h]) if rush is not None else net.seconds(vt.profile, farm, h))
    consumed = table.consumed(lot, vt, pick, drop)
    left = table.budget(lot.product) - consumed
    if enforce_freshness and left < 0:
        return None
    if lot_cost is None:
        return 0.0
    ref = net.case.product_by_id[lot.product].ref_shelf_life_s
    return lot_cost(lot, LotDelivery(lot.id, house, "", pick, drop, ref - consumed, left, lot.kg))


def _insertion(net: Network, visits: Visits, heads: list[int], p: int, d: int, lot: HarvestLot, house: str, *,
               profile: str, now: int, latest: int) -> tuple[int, int, int, int, int]:
    """Where and how ``visits`` take the lot picked up before stop ``p`` and
    unloaded at ``house`` before stop ``d`` (``d == p``: straight after):
    the visits ``i`` and ``j`` its pickup and its unloading go before, the
    pickup's node and hold and the unloading's node (the changed visits are
    ``visits[:i] + [(pickup, hold)] + visits[i:j] + [(unloading, 0)] +
    visits[j:]``). Its pickup is held at its ready time, and, first on the
    route or joining a pickup at the same farm, as late as the next visit's
    hold allows (the vehicle leaves no earlier than it must); its unloading
    is not held (on arrival; joining an unloading, at that stop's)."""
    i = heads[p]
    j = heads[d] if d < len(heads) else len(visits)
    pickup = net.pickup[lot.id]
    hold = max(lot.ready, now)
    node, held = visits[i]
    if p == 0 or (net.nodes[node].kind == "pickup" and net.nodes[node].site == net.nodes[pickup].site):
        hold = max(hold, min(latest, held - net.transit(profile, pickup, node)))
    return i, j, pickup, hold, net.delivery[lot.id][house]


def _keeps_rules(net: Network, table: FreshnessTable, vt: VehicleType, route: Route, deliveries: list[LotDelivery],
                 day: _Day, bounds: dict[str, LotBounds | None], *, used: Slots, slot_s: int,
                 enforce_freshness: bool) -> bool:
    """Every rule holds on the changed route: shift, working rules, load,
    and for every lot (a lot over a bound before the change no worse)
    pickup window and box, opening hours, budget (with the wait at ambient
    at a house that does not pre-cool) and the intake of its slot."""
    first, last = route.stops[0].departure, route.stops[-1].arrival
    if first < vt.shift.start or last > vt.shift.end:
        return False
    if route.duration_s > min(vt.max_work_s or route.duration_s, vt.break_after_s or route.duration_s):
        return False  # a longer day than the working rules allow (with a break rule: one needing no break)
    if any(s.load_kg > vt.capacity_kg + 1e-6 or (vt.capacity_boxes and s.load_boxes > vt.capacity_boxes)
           for s in route.stops):
        return False
    before = {d.lot_id: d for d in day.deliveries}
    for d in deliveries:
        lot, old = _lot(net, d.lot_id), before.get(d.lot_id)
        box = bounds.get(d.lot_id)
        latest = _latest(lot, box, enforce_freshness)
        if d.picked_up > latest and (old is None or d.picked_up > old.picked_up):
            return False
        if not net.case.site_by_id[d.packing_house].is_open(d.delivered):
            return False
        if enforce_freshness and not _fresh(net, table, lot, d, old):
            return False
    return _intake_holds(net, deliveries, day.deliveries, used=used, slot_s=slot_s)


def _fresh(net: Network, table: FreshnessTable, lot: HarvestLot, d: LotDelivery, old: LotDelivery | None) -> bool:
    """The lot's budget lasts until its unloading and, at a house that does
    not pre-cool, its first freight (or, already over, it is no worse)."""
    left = d.budget_left_s - ambient_wait(net.case, table, d, lot.product)[0]
    if left >= 0:
        return True
    return old is not None and left >= old.budget_left_s - ambient_wait(net.case, table, old, lot.product)[0]


def _intake_holds(net: Network, deliveries: list[LotDelivery], old: list[LotDelivery], *, used: Slots,
                  slot_s: int) -> bool:
    """Every slot the changed route unloads in stays within its house's
    intake, the other routes' deliveries counted (a slot over it before the
    change no fuller)."""
    mine: Slots = defaultdict(float)
    for d in old:
        mine[(d.packing_house, d.delivered // slot_s)] -= d.kg
    for d in deliveries:
        mine[(d.packing_house, d.delivered // slot_s)] += d.kg
    for key, change in mine.items():
        intake = net.case.site_by_id[key[0]].intake_kg_per_hour
        total = used[key] + change
        if intake is not None and change > 1e-9 and total > intake * slot_s / 3600 + 1e-9:
            return False
    return True
