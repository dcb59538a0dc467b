"""A changed route's price in compiled code (Numba), before it is built.

The exact search (:mod:`.improve`) builds about ten places for each lot it
moves (:func:`.reinsert._cheapest_insides`) and keeps one at most: on gen-500
87 % of the routes it timed were no cheaper than the best place already
found, and timing a route in Python (:func:`.schedule.time_route`, with its
stops, deliveries and the lots' costs) took a third of a step. Here the
route's cost and its lots' cost are computed as that re-timer computes them,
operation for operation and in the same order (IEEE doubles, no fast-math:
the same floats), from arrays of the day's nodes, lots, opening hours and
hourly consumption rates built once per search (:class:`Pricer`); only a
place priced below the best is timed in Python and checked against the
rules. End-of-day trips (:func:`.reinsert._cheapest_trip`) are priced so
too. The same plans: the route hashes of 600 steps of the embedded day and
the day with a packing house down and 300 of gen-500 and son-la are those
of 411c621, and 100,000 prices of four days' searches were each the re-timer's
to the last bit. Measured at 60 s (2 walks beside a 20-minute run on the
other core, load 2.5-3.5, seeds 1-4, against 411c621; with the lazily made
stops of :class:`.schedule.Timed` and the lots' cost terms looked up once):
steps 3,117 -> 4,502 on the embedded day, 3,509 -> 5,206 on the house-down
day, 3,211 -> 5,101 on gen-500 (by catchments); mean day cost 58.94 -> 57.82,
77.07 -> 73.90 and 125.37 -> 122.53 M VND (cheaper for 4, 3 and 3 seeds of 4).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from ..travel.traffic import travel_seconds
from .costs import LotCost, PricedLots
from .freshness import FreshnessTable
from .network import Network
from .places_kernel import _at
from .schedule import Visits

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

PICKUP, DELIVERY = 0, 1


class Pricer:
    """The arrays :func:`price` reads, for one network, freshness table and
    lot cost (``None``: the lots cost nothing): per node its site, kind and
    lot; per lot its ready time, loading, kg, product and cost terms; per
    site its opening windows; per vehicle its type, home and end sites; per
    vehicle type its costs and profile's legs; the consumption rates per
    product in the air and per product and type riding."""

    def __init__(self, net: Network, table: FreshnessTable, lot_cost: PricedLots | None) -> None:
        self.net, self.table, self.lot_cost = net, table, lot_cost
        case = net.case
        unique = list(dict.fromkeys(node.lot for node in net.nodes if node.lot is not None))
        lot_index = {lot.id: k for k, lot in enumerate(unique)}
        products = sorted({lot.product for lot in unique})
        p_index = {p: k for k, p in enumerate(products)}
        types = list(dict.fromkeys(v.type for v in net.vehicles))
        t_index = {vt.id: k for k, vt in enumerate(types)}
        self.node_site = np.array([n.site for n in net.nodes], dtype=np.int64)
        self.node_kind = np.array([PICKUP if n.kind == "pickup" else DELIVERY if n.kind == "delivery" else -1
                                   for n in net.nodes], dtype=np.int64)
        self.node_lot = np.array([lot_index[n.lot.id] if n.lot is not None else -1 for n in net.nodes],
                                 dtype=np.int64)
        self.lot_ints = np.array([[lot.ready, lot.service_s, p_index[lot.product]] for lot in unique],
                                 dtype=np.int64).reshape(len(unique), 3)
        self.lot_kg = np.array([lot.kg for lot in unique], dtype=np.float64)
        # per product: shelf value per kg and reference second, reference shelf life, hard budget, target,
        # loss per kg when late (:class:`.costs.PricedLots`' terms; zeros when the lots cost nothing)
        self.terms = np.zeros((len(products), 5), dtype=np.float64)
        self.priced = lot_cost is not None
        for p, k in p_index.items():
            if lot_cost is not None:
                self.terms[k] = lot_cost.terms[p]
        self.budgets = np.array([table.budget(p) for p in products], dtype=np.int64)
        self.references = np.array([table.reference(p) for p in products], dtype=np.int64)
        ambient = [table.ambient(p) for p in products]
        riding = [[table.riding(p, vt) for vt in types] for p in products]
        self.first_h = ambient[0].first_h if ambient else 0
        self.amb_rates = np.array([r.rates for r in ambient], dtype=np.float64)
        self.amb_prefix = np.array([r.prefix for r in ambient], dtype=np.float64)
        self.rid_rates = np.array([[r.rates for r in row] for row in riding], dtype=np.float64)
        self.rid_prefix = np.array([[r.prefix for r in row] for row in riding], dtype=np.float64)
        windows = [[(w.start, w.end) for w in s.opening] for s in net.sites]
        self.open_from = np.cumsum([0, *(len(w) for w in windows)]).astype(np.int64)
        self.open_windows = np.array([w for ws in windows for w in ws], dtype=np.int64).reshape(-1, 2)
        self.vehicle_type = np.array([t_index[v.type.id] for v in net.vehicles], dtype=np.int64)
        self.type_costs = np.array([[vt.fixed_cost, vt.cost_per_km, vt.cost_per_hour] for vt in types],
                                   dtype=np.float64).reshape(len(types), 3)
        self.type_breaks = np.array([vt.break_after_s is not None for vt in types], dtype=np.int64)
        self.homes = np.array([net.nodes[2 * k].site for k in range(len(net.vehicles))], dtype=np.int64)
        self.ends = np.array([net.nodes[2 * k + 1].site for k in range(len(net.vehicles))], dtype=np.int64)
        self.unload_s = case.settings.packing_service_s
        self.picked = np.zeros(len(unique), dtype=np.int64)  # (the kernel's scratch: per lot, when picked up)
        # the kernels' arguments after the visits and the start: per vehicle (home, end, type, its profile's legs
        # and rush hours), then the same for every vehicle
        self.vehicle_args: list[tuple[Any, ...]] = []
        for v, k in enumerate(self.vehicle_type.tolist()):
            profile = types[k].profile
            rush = net.rush.get(profile)
            timing = (0, _NO_BASE, _NO_SLOWNESS, _NO_STARTS) if rush is None else (
                1, rush.base, rush.slowness, rush.profile.starts)
            self.vehicle_args.append((int(self.homes[v]), int(self.ends[v]), k, net.legs(profile), *timing))
        self.static_args = (self.node_site, self.node_kind, self.node_lot, self.lot_ints, self.lot_kg, self.terms,
                            self.budgets, self.references, self.first_h, self.amb_rates, self.amb_prefix,
                            self.rid_rates, self.rid_prefix, self.open_from, self.open_windows, self.type_costs,
                            self.type_breaks, self.unload_s, self.priced, self.picked)

    def price(self, v: int, start: int, visits: Visits) -> tuple[float, float, float]:
        """Vehicle ``v``'s route through ``visits`` from ``start``: its cost
        and its lots' cost, as :func:`.schedule.time_route` and
        :func:`.reinsert._lots_cost` would find them, and the cost of the
        lot unloaded last (what its lot cost charges that delivery)."""
        arr = np.array(visits, dtype=np.int64).reshape(len(visits), 2)
        # (Numba's stub takes one argument: the starred ones are more)
        out = _price(arr, start, *self.vehicle_args[v], *self.static_args)  # type: ignore[call-arg]
        return float(out[0]), float(out[1]), float(out[2])

    def price_inserted(self, v: int, start: int, visits: Ints, i: int, j: int, pickup: tuple[int, int],
                       drop: int, drop_hold: int = 0) -> tuple[float, float, float]:
        """:meth:`price` of ``visits`` (rows of node and hold) with the
        visit ``pickup`` (node, hold) before row ``i`` and the unloading
        ``drop`` (held at ``drop_hold``) before row ``j``
        (:func:`.reinsert._insertion`): no list of the changed visits is made."""
        head = (visits, i, j, pickup[0], pickup[1], drop, drop_hold, start)
        out = _price_inserted(*head, *self.vehicle_args[v], *self.static_args)  # type: ignore[call-arg]
        return float(out[0]), float(out[1]), float(out[2])


_NO_BASE = np.zeros((1, 1), dtype=np.int64)
_NO_SLOWNESS = np.ones((1, 1, 1), dtype=np.float64)
_NO_STARTS = np.zeros(1, dtype=np.int64)


def pricer(net: Network, table: FreshnessTable, lot_cost: LotCost | None) -> Pricer | None:
    """The network's :class:`Pricer` for ``table`` and ``lot_cost``
    (remembered on the network), or None when ``lot_cost`` is not one whose
    terms the kernel knows (:class:`.costs.PricedLots`)."""
    if lot_cost is not None and not (isinstance(lot_cost, PricedLots) and lot_cost.complete):
        return None
    key = (id(table), id(lot_cost))
    found = net.pricers.get(key)
    if found is None or found.table is not table or found.lot_cost is not lot_cost:
        if len(net.pricers) >= 8:
            net.pricers.clear()
        found = net.pricers[key] = Pricer(net, table, lot_cost)
    return found


@numba.njit(cache=True)
def _travel(legs, timed, base, slowness, starts, a, b, t):  # pragma: no cover (compiled)
    if timed:
        return travel_seconds(base[a, b], slowness[a, b], starts, t)
    return legs[a, b, 1]


@numba.njit(cache=True)
def _price_inserted(rows, i, j, pickup, hold, drop, drop_hold, start, home, end, k, legs, timed, base, slowness, starts,
                    node_site, node_kind, node_lot, lot_ints, lot_kg, terms, budgets, references, first_h, amb_rates,
                    amb_prefix, rid_rates, rid_prefix, open_from, open_windows, type_costs, type_breaks, unload_s,
                    priced, picked):  # pragma: no cover (compiled)
    n = rows.shape[0]
    visits = np.empty((n + 2, 2), dtype=np.int64)
    visits[:i] = rows[:i]
    visits[i, 0], visits[i, 1] = pickup, hold
    visits[i + 1:j + 1] = rows[i:j]
    visits[j + 1, 0], visits[j + 1, 1] = drop, drop_hold
    visits[j + 2:] = rows[j:]
    return _price(visits, start, home, end, k, legs, timed, base, slowness, starts, node_site, node_kind, node_lot,
                  lot_ints, lot_kg, terms, budgets, references, first_h, amb_rates, amb_prefix, rid_rates,
                  rid_prefix, open_from, open_windows, type_costs, type_breaks, unload_s, priced, picked)


@numba.njit(cache=True)
def _price(visits, start, home, end, k, legs, timed, base, slowness, starts, node_site, node_kind, node_lot,
           lot_ints, lot_kg, terms, budgets, references, first_h, amb_rates, amb_prefix, rid_rates, rid_prefix,
           open_from, open_windows, type_costs, type_breaks, unload_s, priced, picked):  # pragma: no cover
    n = visits.shape[0]
    if n > 0 and type_breaks[k] == 0:  # leave as late as the first service start allows (Network.latest_departure)
        first = node_site[visits[0, 0]]
        arrive = visits[0, 1]
        if timed:
            lo, hi = arrive - legs[home, first, 1], arrive - base[home, first]
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if mid + travel_seconds(base[home, first], slowness[home, first], starts, mid) <= arrive:
                    lo = mid
                else:
                    hi = mid - 1
            latest = lo
        else:
            latest = arrive - legs[home, first, 1]
        start = max(start, latest)
    t = start
    prev = home
    metres = 0
    lots_cost = 0.0
    last = 0.0  # (the cost of the lot unloaded last)
    i = 0
    while i < n:
        site = node_site[visits[i, 0]]
        kind = node_kind[visits[i, 0]]
        hold = visits[i, 1]
        j = i + 1
        while j < n and node_site[visits[j, 0]] == site and node_kind[visits[j, 0]] == kind:
            j += 1
        arrival = t + _travel(legs, timed, base, slowness, starts, prev, site, t)
        metres += legs[prev, site, 0]
        t = max(arrival, hold)
        if kind == PICKUP:
            for q in range(i, j):
                lot = node_lot[visits[q, 0]]
                t = max(t, lot_ints[lot, 0])
                picked[lot] = t
                t += lot_ints[lot, 1]
        else:
            lo_w, hi_w = open_from[site], open_from[site + 1]
            if hi_w > lo_w:  # next_open: the first window not over yet (closed for good: t stays)
                for w in range(lo_w, hi_w):
                    if t <= open_windows[w, 1]:
                        t = max(t, open_windows[w, 0])
                        break
            for q in range(i, j):
                lot = node_lot[visits[q, 0]]
                if priced:
                    p = lot_ints[lot, 2]
                    at = picked[lot]
                    wait = _at(amb_rates[p], amb_prefix[p], first_h, at) - _at(amb_rates[p], amb_prefix[p], first_h,
                                                                              lot_ints[lot, 0])
                    spent = wait + (_at(rid_rates[p, k], rid_prefix[p, k], first_h, t)
                                    - _at(rid_rates[p, k], rid_prefix[p, k], first_h, at))
                    shelf_left = references[p] - spent  # (a LotDelivery's, as time_route sets them)
                    budget = budgets[p]
                    budget_left = budget - spent
                    kg = lot_kg[lot]
                    cost = terms[p, 0] * kg * max(0.0, terms[p, 1] - shelf_left)
                    last = cost + (terms[p, 4] * kg if budget - budget_left > terms[p, 3] + 1e-6 else 0.0)
                    lots_cost += last
            t += unload_s
        prev = site
        i = j
    end_arrival = t + _travel(legs, timed, base, slowness, starts, prev, end, t)
    metres += legs[prev, end, 0]
    duration = end_arrival - start
    cost = type_costs[k, 0] + type_costs[k, 1] * metres / 1000 + type_costs[k, 2] * duration / 3600
    out = np.empty(3)
    out[0] = cost
    out[1] = lots_cost
    out[2] = last
    return out


def warm() -> None:
    """Compile the kernels (or load them from the cache) on a tiny route: two
    nodes (a pickup and its unloading) of one lot, with and without rush
    hours, priced whole and as the empty route with both inserted."""
    visits = np.array([[0, 0], [1, 0]], dtype=np.int64)
    legs = np.ones((2, 2, 3), dtype=np.int64)
    rates = np.ones((1, 2))
    for timed in (0, 1):
        _price_inserted(np.zeros((0, 2), dtype=np.int64), 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, legs, timed,
                        legs[:, :, 2].copy(), np.ones((2, 2, 1)), np.zeros(1, dtype=np.int64),
                        np.array([1, 0]), np.array([PICKUP, DELIVERY]), np.zeros(2, dtype=np.int64),
                        np.zeros((1, 3), dtype=np.int64), np.ones(1), np.ones((1, 5)), np.ones(1, dtype=np.int64),
                        np.ones(1, dtype=np.int64), 0, rates, np.ones((1, 3)), np.ones((1, 1, 2)), np.ones((1, 1, 3)),
                        np.zeros(3, dtype=np.int64), np.zeros((0, 2), dtype=np.int64), np.ones((1, 3)),
                        np.zeros(1, dtype=np.int64), 60, True, np.zeros(1, dtype=np.int64))
        _price(visits, 0, 0, 0, 0, legs, timed, legs[:, :, 2].copy(), np.ones((2, 2, 1)), np.zeros(1, dtype=np.int64),
               np.array([1, 0]), np.array([PICKUP, DELIVERY]), np.zeros(2, dtype=np.int64),
               np.zeros((1, 3), dtype=np.int64), np.ones(1), np.ones((1, 5)), np.ones(1, dtype=np.int64),
               np.ones(1, dtype=np.int64), 0, rates, np.ones((1, 3)), np.ones((1, 1, 2)), np.ones((1, 1, 3)),
               np.zeros(3, dtype=np.int64), np.zeros((0, 2), dtype=np.int64), np.ones((1, 3)),
               np.zeros(1, dtype=np.int64), 60, True, np.zeros(1, dtype=np.int64))
