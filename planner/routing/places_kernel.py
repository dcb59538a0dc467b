"""The places inside a route for one more lot, estimated in compiled code (Numba).

The exact search (:mod:`.improve`) spends most of its time ranking the places
a lot could take inside the routes near it (:func:`.reinsert._places`: 53
places a route on the embedded day, 750,000 in 300 steps), each a few dozen
additions and a few bisections in the route's delay costs (:mod:`.delays`)
and the lot's hourly rates (:class:`.freshness.HourlyRates`). In Python that
was about a third of a step; here it is one compiled loop over arrays the
route keeps while it stands (:func:`route_arrays`). The arithmetic is the
Python arithmetic, operation for operation and in the same order (IEEE
doubles, no fast-math), so the estimates and bounds are the same floats and
the search makes the same plans (checked on every instance of the pickup set
under a solution limit: the same routes, stop for stop).

Compiled once per machine (``cache=True``: the machine code is kept beside
the source); :func:`warm` compiles it before a solve's clock starts, so the
first solve of a fresh install does not spend its time limit compiling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from ..domain.units import HOUR
from ..travel.traffic import travel_seconds
from .delays import DelayCosts, delay_cost, delay_rows
from .freshness import HourlyRates

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


# the rows of RouteArrays.ints and of the kernel's int and float arguments
ARRIVAL, DEPARTURE, LOAD_BOXES, SITES, WAITS, HEADS, UNLOADS, N_THRESHOLDS, N_STARTS = range(9)
LOAD_KG, ROOM = range(2)


@dataclass(frozen=True, slots=True)
class RouteArrays:
    """A route as the kernel reads it, built once while the route stands:
    per stop (start, one per head, end; ``ints``) its arrival, departure,
    boxes on board, site, the waits summed up to it, and per head its first
    visit and whether it unloads; (``floats``) kg on board and its room
    (:func:`.reinsert._room`); the route's delay costs (:mod:`.delays`),
    one row per stop of each list (``rows``; their lengths in ``ints``, the
    rest padding)."""

    ints: Ints  # (9, stops)
    floats: Floats  # (2, stops)
    rows: Floats  # (5, stops, longest list)
    has_delays: bool

    @property
    def sites(self) -> Ints:
        return self.ints[SITES]


def route_arrays(heads: list[int], arrival: list[int], departure: list[int], load_kg: list[float],
                 load_boxes: list[int], sites: list[int], room: list[float], unloads: list[bool],
                 delays: DelayCosts | None) -> RouteArrays:
    """:class:`RouteArrays` of a route."""
    n = len(arrival)
    ints = np.zeros((9, n), dtype=np.int64)
    ints[ARRIVAL], ints[DEPARTURE], ints[LOAD_BOXES], ints[SITES] = arrival, departure, load_boxes, sites
    ints[HEADS, :len(heads)], ints[UNLOADS, :len(unloads)] = heads, unloads
    if delays is None:
        return RouteArrays(ints, np.array([load_kg, room], dtype=np.float64), _NO_ROWS, False)
    ints[WAITS], ints[N_THRESHOLDS], ints[N_STARTS] = delays.waits, delays.counts[0], delays.counts[1]
    return RouteArrays(ints, np.array([load_kg, room], dtype=np.float64), delays.rows, True)


_NO_ROWS = np.zeros((5, 1, 1))


@dataclass(frozen=True, slots=True)
class Travel:
    """A profile's legs (metres, seconds, free-flow seconds per pair of
    sites) and, with rush hours (``rush``), the free-flow seconds, the
    slowness per segment of the day and the segments' starts
    (:class:`..travel.traffic.TimeDependentTimes`)."""

    legs: Ints
    rush: bool
    base: Ints
    slowness: Floats
    starts: Ints


NO_RUSH = (np.zeros((1, 1), dtype=np.int64), np.ones((1, 1, 1)), np.zeros(1, dtype=np.int64))
_NO_RATES = (np.ones((2, 1)), np.zeros((2, 2)))


def places(route: RouteArrays, travel: Travel, *, houses: tuple[Ints, Floats, Ints, Ints],
           rates: tuple[HourlyRates, HourlyRates] | None, farm: int, latest: int, kg: float, boxes: int,
           service_s: int, ready: int, prices: tuple[float, float, int], keep: int, now: int, capacity_kg: float,
           capacity_boxes: int, per_km: float, per_hour: float, shift_start: int, unload_s: int, max_trials: int
           ) -> list[tuple[float, float, int, int, int]]:
    """The places worth building for the lot on the route, cheapest estimate
    first, as (estimate, lower bound, p, d, house's index in ``houses``):
    :func:`.reinsert._places`' places, not one with ``max_trials`` places
    before it whose lower bound is no higher (those are built first and
    fill the route's trials, or one was passed over for its bound and so is
    this one: the best found only falls). ``houses``: the packing houses
    the lot may go to, in the order of their ids (ties between places go to
    the smaller id): their sites, the lot's own cost at the least there
    (:func:`.reinsert._own_floor`), the route's drops there
    (:func:`.reinsert._drops`, one row per stop) and the farm's leg to
    each (metres, seconds, free-flow seconds). ``rates``: the lot's ambient
    and riding rates, and ``prices`` what it loses past its target, per
    reference second of shelf life, and its target
    (:func:`.reinsert._own_prices`), when the day has a lot cost (None:
    the estimate leaves the lots' costs out)."""
    with_delays = rates is not None and route.has_delays
    if rates is None:
        rate_rows, prefix_rows, first_h = *_NO_RATES, 0
    else:
        rate_rows, prefix_rows, first_h = _stacked(rates)
    ints = np.array([keep, now, farm, latest, boxes, capacity_boxes, service_s, unload_s, shift_start, ready,
                     prices[2], first_h, max_trials, travel.rush, with_delays], dtype=np.int64)
    floats = np.array([kg, capacity_kg, per_km, per_hour, prices[0], prices[1]], dtype=np.float64)
    est, flo, ps, ds, hs = _places(route.ints, route.floats, route.rows, travel.legs, travel.base, travel.slowness,
                                   travel.starts, *houses, rate_rows, prefix_rows, ints, floats)
    return list(zip(est.tolist(), flo.tolist(), ps.tolist(), ds.tolist(), hs.tolist(), strict=True))


_STACKED: dict[tuple[int, int], tuple[HourlyRates, HourlyRates, Floats, Floats]] = {}  # by the rates' ids


def _stacked(rates: tuple[HourlyRates, HourlyRates]) -> tuple[Floats, Floats, int]:
    """The two rates' hourly rates and prefix sums as two-row arrays,
    remembered by the objects (kept with them, so an id is not reused while
    remembered): every route a lot is tried on asks for the same pair."""
    key = (id(rates[0]), id(rates[1]))
    found = _STACKED.get(key)
    if found is None or found[0] is not rates[0] or found[1] is not rates[1]:
        if len(_STACKED) >= 4096:
            _STACKED.clear()
        found = _STACKED[key] = (rates[0], rates[1], np.stack([r.rates for r in rates]),
                                 np.stack([r.prefix for r in rates]))
    return found[2], found[3], rates[0].first_h


@numba.njit(cache=True)
def _at(rates: Floats, prefix: Floats, first_h: int, t: int) -> float:  # HourlyRates.at
    start = first_h * HOUR
    if t <= start:
        return rates[0] * (t - start)
    end = start + len(rates) * HOUR
    if t >= end:
        return prefix[-1] + rates[-1] * (t - end)
    h = (t - start) // HOUR
    return prefix[h] + rates[h] * (t - start - h * HOUR)


@numba.njit(cache=True)
def _until(rates: Floats, prefix: Floats, first_h: int, start: int, budget: float) -> int:  # HourlyRates.until
    target = _at(rates, prefix, first_h, start) + budget
    first = first_h * HOUR
    if target < 0:
        return first + math.floor(target / rates[0])
    h = np.searchsorted(prefix, target, side="right") - 1
    if h >= len(rates):
        return first + len(rates) * HOUR + math.floor((target - prefix[-1]) / rates[-1])
    return first + h * HOUR + math.floor((target - prefix[h]) / rates[h])


@numba.njit(cache=True)
def _places(route, route_f, rows, legs, base, slowness, rush_starts, h_sites, h_own, h_drops, h_direct, rates,
            prefix, ints, floats):  # pragma: no cover (compiled)
    keep, now, farm, latest, boxes, capacity_boxes, service_s, unload_s = ints[0], ints[1], ints[2], ints[3], \
        ints[4], ints[5], ints[6], ints[7]
    shift_start, ready, target, first_h, max_trials, rush, with_delays = ints[8], ints[9], ints[10], ints[11], \
        ints[12], ints[13] != 0, ints[14] != 0
    kg, capacity_kg, per_km, per_hour, loss, price_s = floats[0], floats[1], floats[2], floats[3], floats[4], \
        floats[5]
    arrival, departure, load_boxes, sites, waits = route[ARRIVAL], route[DEPARTURE], route[LOAD_BOXES], \
        route[SITES], route[WAITS]
    heads, unloads, load_kg, room = route[HEADS], route[UNLOADS], route_f[LOAD_KG], route_f[ROOM]
    counts = route[N_THRESHOLDS:]  # (the delay costs' rows' lengths: :class:`.delays.DelayCosts`)
    amb_rates, amb_prefix, ride_rates, ride_prefix = rates[0], prefix[0], rates[1], prefix[1]
    n_heads, n_houses = route.shape[1] - 2, len(h_sites)
    size = n_heads * (n_heads + 2) * n_houses + 1
    est, flo = np.empty(size), np.empty(size)
    ps, ds, hs = np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64)
    count = 0
    earliest = max(ready, now)
    at_ready = _at(amb_rates, amb_prefix, first_h, ready)
    at_earliest = _at(amb_rates, amb_prefix, first_h, earliest)
    # (only read with delays; set so that every path defines them)
    picks = loaded = delay = due_p = 0
    waited = ride_s = delayed = rest = moved = 0.0
    for p in range(n_heads):
        if heads[p] < keep or arrival[p + 1] < now:
            continue  # a committed stop, or one under way: nothing goes before it
        a, b = sites[p], sites[p + 1]
        m_pick = legs[a, farm, 0] + legs[farm, b, 0] - legs[a, b, 0]
        s_pick = legs[a, farm, 1] + legs[farm, b, 1] - legs[a, b, 1]
        f_pick = legs[a, farm, 2] + legs[farm, b, 2] - legs[a, b, 2]
        if load_kg[p] + kg > capacity_kg + 1e-6 or (capacity_boxes > 0 and load_boxes[p] + boxes > capacity_boxes):
            continue
        if p > 0 and f_pick + service_s > room[p + 1]:
            continue
        leave = departure[p]
        drive = travel_seconds(base[a, farm], slowness[a, farm], rush_starts, leave) if rush else legs[a, farm, 1]
        pick = max(leave + drive, ready, now)
        if pick > latest:
            if p > 0:
                break  # later stops are left later still
            continue
        nxt = p
        while nxt < n_heads - 1 and not unloads[nxt]:
            nxt += 1  # the trip's next unloading
        if with_delays:
            picks = pick if p > 0 else max(max(shift_start, now) + legs[sites[0], farm, 2], ready, now)
            loaded = picks + service_s
            delay = max(0, loaded + legs[farm, b, 2] - arrival[p + 1])
            at_picks = _at(amb_rates, amb_prefix, first_h, picks)
            spent = at_picks - at_ready
            due_p = picks - 1 if spent > target else _until(ride_rates, ride_prefix, first_h, picks, target - spent)
            waited = price_s * (at_picks - at_earliest)
            ride_s = price_s * (_at(ride_rates, ride_prefix, first_h, picks + 1)
                                - _at(ride_rates, ride_prefix, first_h, picks))
            delayed = delay_cost(p + 1, delay, rows, counts)
        for d in range(p, nxt + 2):
            merged = d == nxt + 1
            if d > p and not merged and (load_kg[d] + kg > capacity_kg + 1e-6
                                         or (capacity_boxes > 0 and load_boxes[d] + boxes > capacity_boxes)):
                break
            unload = 0 if merged else unload_s
            if with_delays and d > p:
                rest = max(0.0, delay - (waits[d] - waits[p]))
                moved = delayed - delay_cost(d + 1, rest, rows, counts)
            for k in range(n_houses):
                h = h_sites[k]
                if (merged or d == nxt) and (sites[nxt + 1] == h) != merged:
                    continue  # before the unloading at its own house: the same as merged into it
                if d == p:  # farm -> house in the leg before stop p
                    metres = legs[a, farm, 0] + h_direct[k, 0] + legs[h, b, 0] - legs[a, b, 0]
                    secs = legs[a, farm, 1] + h_direct[k, 1] + legs[h, b, 1] - legs[a, b, 1] + service_s
                    extra = (legs[a, farm, 2] + h_direct[k, 2] + legs[h, b, 2] - legs[a, b, 2] + service_s + unload
                             if p > 0 else 0)
                else:
                    metres = m_pick + h_drops[k, d, 0]
                    secs = s_pick + h_drops[k, d, 1] + service_s
                    extra = h_drops[k, d, 2] + unload
                if extra > room[d + 1]:
                    continue
                floor = per_km * metres / 1000 + h_own[k]
                estimate = floor + per_hour * max(secs + unload, 0) / 3600
                if with_delays:
                    if d == p:
                        drop = loaded + h_direct[k, 2]
                        estimate += delay_cost(p + 1, drop + unload + legs[h, b, 2] - arrival[p + 1], rows, counts)
                    else:
                        estimate += moved + delay_cost(d + 1, rest + extra, rows, counts)
                        drop = departure[d] + int(rest) + h_drops[k, d, 3]
                    estimate += waited + ride_s * max(0, drop - loaded - h_direct[k, 2])
                    if drop > due_p:
                        estimate += loss
                est[count] = estimate
                flo[count] = floor
                ps[count] = p
                ds[count] = d
                hs[count] = k
                count += 1
    take = _kept(est[:count], flo[:count], max_trials)
    return est[take], flo[take], ps[take], ds[take], hs[take]


@numba.njit(cache=True)
def _kept(est, flo, max_trials):  # pragma: no cover (compiled)
    """The places to keep, cheapest estimate first (ties: lower bound, then
    as given), each while fewer than ``max_trials`` places kept before it
    have a lower bound no higher."""
    by_floor = np.argsort(flo, kind="mergesort")
    order = by_floor[np.argsort(est[by_floor], kind="mergesort")]
    kept = np.empty(len(est), np.int64)
    n_kept = 0
    for i in order:
        below = 0
        for j in range(n_kept):
            if flo[kept[j]] <= flo[i]:
                below += 1
        if below < max_trials:
            kept[n_kept] = i
            n_kept += 1
    return kept[:n_kept]


def kept(places: list[tuple[float, float, int, int, str]], max_trials: int
         ) -> list[tuple[float, float, int, int, str]]:
    """The kernel's choice of ``places`` (given in the order p, d, house,
    as :func:`places` finds them) that may be built, cheapest estimate first."""
    if not places:
        return []
    take = _kept(np.array([x[0] for x in places], dtype=np.float64), np.array([x[1] for x in places],
                                                                            dtype=np.float64), max_trials)
    return [places[k] for k in take.tolist()]


def warm() -> None:
    """Compile the kernels (or load them from the cache) on a tiny route,
    the changed routes' pricing (:mod:`.price_kernel`) too."""
    from .price_kernel import (
        warm as warm_prices,  # (it reads this module's rates: imported here, not above)
    )

    warm_prices()
    travel_seconds(60, np.ones(1), np.zeros(1, dtype=np.int64), 0)  # (the re-timer's, called from Python)
    costs = DelayCosts(np.zeros(3, dtype=np.int64), *delay_rows(np.zeros(3, dtype=np.int64),
                                                                np.array([[2], [1]], dtype=np.int64),
                                                                np.ones((5, 1))))
    route = route_arrays([0], [0, 10, 20], [0, 10, 20], [0.0, 1.0, 0.0], [0, 0, 0], [0, 1, 0], [0.0, 5.0, 5.0],
                         [True], costs)
    legs = np.ones((2, 2, 3), dtype=np.int64)
    rates = HourlyRates.of(np.ones(2))
    houses = (np.array([0]), np.array([0.0]), np.ones((1, 2, 4), dtype=np.int64), np.ones((1, 3), dtype=np.int64))
    for rush in (False, True):
        travel = Travel(legs, rush, legs[:, :, 2].copy(), np.ones((2, 2, 1)), np.zeros(1, dtype=np.int64))
        places(route, travel, houses=houses, rates=(rates, rates), farm=1, latest=100, kg=1.0, boxes=1, service_s=1,
               ready=0, prices=(1.0, 1.0, 10), keep=0, now=0, capacity_kg=10.0, capacity_boxes=0, per_km=1.0,
               per_hour=1.0, shift_start=0, unload_s=1, max_trials=3)
