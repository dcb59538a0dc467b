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

from ..domain.units import DAY, HOUR
from .delays import DelayCosts
from .freshness import HourlyRates

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RouteArrays:
    """A route as the kernel reads it: per stop (start, one per head, end)
    its arrival, departure, load and site, its room (:func:`.reinsert._room`),
    per head whether it unloads, and the route's delay costs packed in rows
    (``counts``: each row's length; the rest is padding)."""

    heads: Ints
    arrival: Ints
    departure: Ints
    load_kg: Floats
    load_boxes: Ints
    sites: Ints
    room: Floats
    unloads: NDArray[np.bool_]
    has_delays: bool
    waits: Ints
    thresholds: Floats
    losses: Floats
    n_thresholds: Ints
    starts: Floats
    slopes: Floats
    offsets: Floats
    n_starts: Ints


def _rows(rows: list[list[float]]) -> tuple[Floats, Ints]:
    width = max((len(r) for r in rows), default=0)
    out = np.zeros((len(rows), max(width, 1)))
    for k, r in enumerate(rows):
        out[k, :len(r)] = r
    return out, np.array([len(r) for r in rows], dtype=np.int64)


def route_arrays(heads: list[int], arrival: list[int], departure: list[int], load_kg: list[float],
                 load_boxes: list[int], sites: list[int], room: list[float], unloads: list[bool],
                 delays: DelayCosts | None) -> RouteArrays:
    """:class:`RouteArrays` of a route (built once while the route stands)."""
    n = len(arrival)
    if delays is None:
        empty, counts = np.zeros((n, 1)), np.zeros(n, dtype=np.int64)
        waits = np.zeros(n, dtype=np.int64)
        thresholds = losses = starts = slopes = offsets = empty
        n_thresholds = n_starts = counts
    else:
        waits = np.array(delays.waits, dtype=np.int64)
        thresholds, n_thresholds = _rows(delays.thresholds)
        losses, _ = _rows(delays.losses)
        starts, n_starts = _rows(delays.starts)
        slopes, _ = _rows(delays.slopes)
        offsets, _ = _rows(delays.offsets)
    return RouteArrays(np.array(heads, dtype=np.int64), np.array(arrival, dtype=np.int64),
                       np.array(departure, dtype=np.int64), np.array(load_kg, dtype=np.float64),
                       np.array(load_boxes, dtype=np.int64), np.array(sites, dtype=np.int64),
                       np.array(room, dtype=np.float64), np.array(unloads, dtype=np.bool_), delays is not None,
                       waits, thresholds, losses, n_thresholds, starts, slopes, offsets, n_starts)


@dataclass(frozen=True, slots=True)
class Houses:
    """The packing houses a lot may go to on one route, in the order of
    their ids (ties between places go to the smaller id): site, the lot's
    own cost at the least there (:func:`.reinsert._own_floor`), the
    route's drops there (:func:`.reinsert._drops`, one row per stop) and
    the farm's leg to it (metres, seconds, free-flow seconds)."""

    sites: Ints
    own: Floats
    drops: Ints  # (houses, stops - 1, 4)
    direct: Ints  # (houses, 3)


@dataclass(frozen=True, slots=True)
class LotArrays:
    """One lot as the kernel reads it (the same on every route of one call).
    ``prices``: what it loses past its target, per reference second of
    shelf life, and its target (:func:`.reinsert._own_prices`), with its
    ambient and riding rates; all zeros when the day has no lot cost."""

    farm: int
    latest: int
    kg: float
    boxes: int
    service_s: int
    ready: int
    has_prices: bool
    loss: float
    price_s: float
    target: int
    ambient: HourlyRates | None
    riding: HourlyRates | None


_NO_RATES = (np.ones(1), np.zeros(2), 0)


def _rates(r: HourlyRates | None) -> tuple[Floats, Floats, int]:
    if r is None:
        return _NO_RATES
    return np.asarray(r.rates, dtype=np.float64), np.asarray(r.prefix, dtype=np.float64), int(r.first_h)


@dataclass(frozen=True, slots=True)
class Travel:
    """A profile's legs (metres, seconds, free-flow seconds per pair of
    sites) and, with rush hours, the slowness per segment of the day and the
    segments' starts (:class:`..travel.traffic.TimeDependentTimes`)."""

    legs: Ints
    rush: bool
    base: Ints
    slowness: Floats
    starts: Ints


def places(route: RouteArrays, lot: LotArrays, houses: Houses, travel: Travel, *, keep: int, now: int,
           capacity_kg: float, capacity_boxes: int, per_km: float, per_hour: float, shift_start: int,
           unload_s: int, max_trials: int) -> list[tuple[float, float, int, int, int]]:
    """The places worth building for the lot on the route, cheapest estimate
    first, as (estimate, lower bound, p, d, house's index in ``houses``):
    :func:`.reinsert._places`' places, not one with ``max_trials`` places
    before it whose lower bound is no higher (those are built first and
    fill the route's trials, or one was passed over for its bound and so is
    this one: the best found only falls)."""
    amb, ride = _rates(lot.ambient), _rates(lot.riding)
    est, flo, ps, ds, hs = _places(
        route.heads, int(keep), int(now), route.arrival, route.departure, route.load_kg, route.load_boxes, route.room,
        route.sites, route.unloads, travel.legs, int(lot.farm), int(lot.latest), float(lot.kg), int(lot.boxes),
        float(capacity_kg), int(capacity_boxes), int(lot.service_s), int(unload_s), float(per_km), float(per_hour),
        int(shift_start), int(lot.ready), travel.rush, travel.base, travel.slowness, travel.starts, houses.sites,
        houses.own, houses.drops, houses.direct, route.has_delays and lot.has_prices, float(lot.loss),
        float(lot.price_s), int(lot.target), amb[0], amb[1], amb[2], ride[0], ride[1], ride[2], route.waits,
        route.thresholds, route.losses, route.n_thresholds, route.starts, route.slopes, route.offsets, route.n_starts,
        int(max_trials))
    return list(zip(est.tolist(), flo.tolist(), ps.tolist(), ds.tolist(), hs.tolist(), strict=True))


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
def _travel(free_flow_s: int, slowness: Floats, starts: Ints, depart: int) -> int:  # traffic.travel_seconds
    if free_flow_s <= 0:
        return 0
    remaining = float(free_flow_s)
    t = float(depart)
    day0 = math.floor(t / DAY) * DAY
    k = np.searchsorted(starts, t - day0, side="right") - 1
    while True:
        end = day0 + (starts[k + 1] if k + 1 < len(starts) else DAY)
        rate = 1.0 / slowness[k]
        if remaining <= (end - t) * rate:
            return math.ceil(t + remaining / rate - depart - 1e-9)
        remaining -= (end - t) * rate
        t = end
        k += 1
        if k == len(starts):
            k, day0 = 0, day0 + DAY


@numba.njit(cache=True)
def _delay_cost(j: int, delay: float, thresholds: Floats, losses: Floats, n_thresholds: Ints, starts: Floats,
                slopes: Floats, offsets: Floats, n_starts: Ints) -> float:  # DelayCosts.cost
    if delay <= 0 or j >= len(n_thresholds):
        return 0.0
    k = np.searchsorted(thresholds[j, :n_thresholds[j]], delay, side="left")
    out = losses[j, k - 1] if k else 0.0
    k = np.searchsorted(starts[j, :n_starts[j]], delay, side="left")
    return out + (delay * slopes[j, k - 1] - offsets[j, k - 1] if k else 0.0)


@numba.njit(cache=True)
def _places(heads, keep, now, arrival, departure, load_kg, load_boxes, room, sites, unloads, legs, farm, latest,
            kg, boxes, capacity_kg, capacity_boxes, service_s, unload_s, per_km, per_hour, shift_start, ready,
            rush, base, slowness, rush_starts, h_sites, h_own, h_drops, h_direct, with_delays, loss, price_s,
            target, amb_rates, amb_prefix, amb_first, ride_rates, ride_prefix, ride_first, waits, thresholds,
            losses, n_thresholds, starts, slopes, offsets, n_starts, max_trials):  # pragma: no cover (compiled)
    n_heads, n_houses = len(heads), len(h_sites)
    size = n_heads * (n_heads + 2) * n_houses + 1
    est, flo = np.empty(size), np.empty(size)
    ps, ds, hs = np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64)
    count = 0
    earliest = max(ready, now)
    at_ready = _at(amb_rates, amb_prefix, amb_first, ready)
    at_earliest = _at(amb_rates, amb_prefix, amb_first, earliest)
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
        drive = _travel(base[a, farm], slowness[a, farm], rush_starts, leave) if rush else legs[a, farm, 1]
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
            at_picks = _at(amb_rates, amb_prefix, amb_first, picks)
            spent = at_picks - at_ready
            due_p = picks - 1 if spent > target else _until(ride_rates, ride_prefix, ride_first, picks, target - spent)
            waited = price_s * (at_picks - at_earliest)
            ride_s = price_s * (_at(ride_rates, ride_prefix, ride_first, picks + 1)
                                - _at(ride_rates, ride_prefix, ride_first, picks))
            delayed = _delay_cost(p + 1, delay, thresholds, losses, n_thresholds, starts, slopes, offsets, n_starts)
        for d in range(p, nxt + 2):
            merged = d == nxt + 1
            if d > p and not merged and (load_kg[d] + kg > capacity_kg + 1e-6
                                         or (capacity_boxes > 0 and load_boxes[d] + boxes > capacity_boxes)):
                break
            unload = 0 if merged else unload_s
            if with_delays and d > p:
                rest = max(0.0, delay - (waits[d] - waits[p]))
                moved = delayed - _delay_cost(d + 1, rest, thresholds, losses, n_thresholds, starts, slopes, offsets,
                                              n_starts)
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
                        estimate += _delay_cost(p + 1, drop + unload + legs[h, b, 2] - arrival[p + 1], thresholds,
                                                losses, n_thresholds, starts, slopes, offsets, n_starts)
                    else:
                        estimate += moved + _delay_cost(d + 1, rest + extra, thresholds, losses, n_thresholds, starts,
                                                        slopes, offsets, n_starts)
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
    """Compile the kernel (or load it from the cache) on a tiny route."""
    route = route_arrays([0], [0, 10, 20], [0, 10, 20], [0.0, 1.0, 0.0], [0, 0, 0], [0, 1, 0], [0.0, 5.0, 5.0],
                         [True], DelayCosts([0, 0, 0], [[], [1.0], []], [[], [1.0], []], [[], [0.0], []],
                                            [[], [1.0], []], [[], [0.0], []]))
    legs = np.ones((2, 2, 3), dtype=np.int64)
    rates = HourlyRates.of(np.ones(2))
    lot = LotArrays(1, 100, 1.0, 1, 1, 0, True, 1.0, 1.0, 10, rates, rates)
    houses = Houses(np.array([0]), np.array([0.0]), np.ones((1, 2, 4), dtype=np.int64), np.ones((1, 3), dtype=np.int64))
    for rush in (False, True):
        travel = Travel(legs, rush, legs[:, :, 2].copy(), np.ones((2, 2, 1)), np.zeros(1, dtype=np.int64))
        places(route, lot, houses, travel, keep=0, now=0, capacity_kg=10.0, capacity_boxes=0, per_km=1.0,
               per_hour=1.0, shift_start=0, unload_s=1, max_trials=3)
