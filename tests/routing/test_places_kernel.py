"""The places' compiled kernel (planner.routing.places_kernel) against the
Python it replaces: the hourly rates, the rush-hour drive and the delay
costs give the same floats as their Python originals, and the kernel gives
the same places compiled as run by the interpreter, on the embedded Luc Ngan
day with its rush hours on QL31 and the day's lot costs."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from planner.io import read_case
from planner.routing import RoutingParams
from planner.routing import places_kernel as kernel
from planner.routing import reinsert as rs
from planner.routing.costs import lot_cost
from planner.routing.delays import DelayCosts, delay_costs
from planner.routing.engine import _bounds
from planner.routing.freshness import FreshnessTable, HourlyRates
from planner.routing.network import build_network
from planner.travel import GreatCircleProvider

H = 3600


@pytest.fixture(scope="module")
def day():
    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=3)
    return case, lots, net, FreshnessTable(case)


def test_hourly_rates_are_the_python_ones():
    """``_at`` and ``_until`` against :class:`HourlyRates` (before, inside
    and after the tabulated hours; budgets that end inside and past them)."""
    rng = random.Random(3)
    for _ in range(40):
        first_h = rng.randint(-30, 2)
        r = HourlyRates.of(np.array([rng.uniform(0.2, 3.0) for _ in range(rng.randint(1, 60))]), first_h=first_h)
        rates, prefix = np.asarray(r.rates, dtype=np.float64), np.asarray(r.prefix, dtype=np.float64)
        for _ in range(50):
            t = rng.randint((first_h - 5) * H, (first_h + len(r.rates) + 5) * H)
            assert kernel._at(rates, prefix, first_h, t) == r.at(t)
            budget = rng.uniform(-2.0, 80.0) * H
            assert kernel._until(rates, prefix, first_h, t, budget) == r.until(t, budget)


def test_the_rush_hour_drive_is_the_python_one(day):
    """``_travel`` against the time-dependent matrix's seconds, departures
    over two days (the peaks on QL31 and the midnight wrap)."""
    _, _, net, _ = day
    profile = net.vehicles[0].type.profile
    rush = net.rush[profile]
    rng = random.Random(5)
    n = rush.base.shape[0]
    for _ in range(3000):
        a, b, depart = rng.randrange(n), rng.randrange(n), rng.randint(-H, 48 * H)
        assert kernel._travel(int(rush.base[a, b]), rush.slowness[a, b], rush.profile.starts, depart) \
            == rush.seconds(a, b, depart)


def test_delay_costs_are_the_python_ones(day):
    """``_delay_cost`` on the packed rows against :meth:`DelayCosts.cost`:
    random tables (empty rows too) and the embedded day's routes."""
    rng = random.Random(7)
    for _ in range(30):
        n = rng.randint(2, 12)

        def rows(sizes: list[int]) -> list[list[float]]:
            return [sorted(rng.uniform(0, 5 * H) for _ in range(k)) for k in sizes]

        lines, steps = [rng.randint(0, 6) for _ in range(n)], [rng.randint(0, 4) for _ in range(n)]
        costs = DelayCosts([rng.randint(0, 600) * k for k in range(n)], rows(steps), rows(steps), rows(lines),
                           rows(lines), rows(lines))
        arrays = kernel.route_arrays([0] * (n - 2), [0] * n, [0] * n, [0.0] * n, [0] * n, [0] * n, [0.0] * n,
                                     [False] * (n - 2), costs)
        for _ in range(40):
            j, delay = rng.randint(0, n + 1), rng.choice([rng.randint(-60, 6 * H), rng.uniform(-60.0, 6.0 * H)])
            assert kernel._delay_cost(j, delay, arrays.rows, arrays.ints) == costs.cost(j, delay)


def _embedded_calls(day, monkeypatch) -> list[tuple]:
    """The kernel's arguments in the places' search of half the embedded
    day's lots placed into the other half's routes, with its lot costs."""
    case, lots, net, table = day
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    routes: list[list[tuple[int, int]]] = [[] for _ in net.vehicles]
    starts = [v.type.shift.start for v in net.vehicles]
    priced = lot_cost(case)
    rs.reinsert(net, table, routes, starts, lots[::2], bounds, now=0, slot_s=3600, lot_cost=priced, inside=False)
    calls = []
    compiled = kernel._places

    def recorded(*args):
        calls.append(args)
        return compiled(*args)

    monkeypatch.setattr(kernel, "_places", recorded)
    placed = rs.reinsert(net, table, routes, starts, lots[1::8], bounds, now=0, slot_s=3600, lot_cost=priced)
    monkeypatch.undo()
    assert placed
    return calls


def test_compiled_places_are_the_interpreted_ones(day, monkeypatch):
    """The same places, estimates and bounds compiled as run by Python (the
    kernel's integer and float arithmetic as the interpreter's), with and
    without the lot costs, on every route a lot of the embedded day tried."""
    calls = _embedded_calls(day, monkeypatch)
    assert len(calls) > 50
    found = 0
    for args in calls:
        for with_costs in (True, False):
            ints = args[-2].copy()
            ints[14] = ints[14] if with_costs else 0
            one = (*args[:-2], ints, args[-1])
            compiled, interpreted = kernel._places(*one), kernel._places.py_func(*one)
            for a, b in zip(compiled, interpreted, strict=True):
                assert np.array_equal(a, b)
            found += len(compiled[0])
    assert found > 100


def test_the_route_arrays_hold_the_route(day):
    """A route's arrays: its stops' times, load and sites, its heads, and
    its delay costs row by row, as :func:`delay_costs` gives them."""
    case, lots, net, table = day
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    routes: list[list[tuple[int, int]]] = [[] for _ in net.vehicles]
    starts = [v.type.shift.start for v in net.vehicles]
    priced = lot_cost(case)
    rs.reinsert(net, table, routes, starts, lots[:40], bounds, now=0, slot_s=3600, lot_cost=priced, inside=False)
    v = max(range(len(routes)), key=lambda k: len(routes[k]))
    timed = rs._built(net, table, v, starts[v], routes[v], priced).timed
    assert timed is not None
    stops, heads = timed.route.stops, rs._heads(net, routes[v])
    costs = delay_costs(net, table, net.vehicles[v].type, timed, priced)
    sites = [net.nodes[2 * v].site, *(net.nodes[routes[v][h][0]].site for h in heads), net.nodes[2 * v + 1].site]
    arrays = kernel.route_arrays(heads, [s.arrival for s in stops], [s.departure for s in stops],
                                 [s.load_kg for s in stops], [s.load_boxes for s in stops], sites, [1.0] * len(stops),
                                 [stops[k + 1].kind == "delivery" for k in range(len(heads))], costs)
    assert len(heads) == len(stops) - 2 and len(stops) > 4
    assert arrays.ints[kernel.ARRIVAL].tolist() == [s.arrival for s in stops]
    assert arrays.sites.tolist() == sites and arrays.ints[kernel.HEADS, :len(heads)].tolist() == heads
    assert arrays.ints[kernel.WAITS].tolist() == costs.waits
    for j in range(len(stops)):
        assert arrays.rows[kernel.THRESHOLDS, j, :arrays.ints[kernel.N_THRESHOLDS, j]].tolist() == costs.thresholds[j]
        assert arrays.rows[kernel.OFFSETS, j, :arrays.ints[kernel.N_STARTS, j]].tolist() == costs.offsets[j]
