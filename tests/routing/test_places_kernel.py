"""The places' compiled kernel (planner.routing.places_kernel) and the delay
costs' rows (planner.routing.delays) against the Python they replace: the
hourly rates and the delay costs give the same floats as their Python
originals, the kernel drives its legs as the re-timer does, and it gives
the same places compiled as run by the interpreter, on the embedded Luc Ngan
day with its rush hours on QL31 and the day's lot costs."""

from __future__ import annotations

import random
from bisect import bisect_left
from pathlib import Path

import numpy as np
import pytest

from planner.io import read_case
from planner.routing import RoutingParams
from planner.routing import places_kernel as kernel
from planner.routing import reinsert as rs
from planner.routing.costs import lot_cost
from planner.routing.delays import DelayCosts, delay_costs, delay_rows
from planner.routing.engine import _bounds
from planner.routing.freshness import FreshnessTable, HourlyRates
from planner.routing.network import build_network
from planner.travel import GreatCircleProvider
from planner.travel.traffic import travel_seconds

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


def test_the_kernel_drives_as_the_re_timer(day):
    """The kernel's drive (:func:`travel_seconds` on a leg's slowness row)
    against the time-dependent matrix's remembered seconds, departures over
    two days (the peaks on QL31 and the midnight wrap)."""
    _, _, net, _ = day
    profile = net.vehicles[0].type.profile
    rush = net.rush[profile]
    rng = random.Random(5)
    n = rush.base.shape[0]
    for _ in range(3000):
        a, b, depart = rng.randrange(n), rng.randrange(n), rng.randint(-H, 48 * H)
        assert travel_seconds(int(rush.base[a, b]), rush.slowness[a, b], rush.profile.starts, depart) \
            == rush.seconds(a, b, depart)


def _python_rows(waits: list[int], items: list[tuple]) -> list[dict[str, list[float]]]:
    """The delay costs' lists per stop, as the Python before the kernel built them."""
    out = []
    for j in range(len(waits)):
        steps, lines = [], []
        for k, q, margin, ride, amb, loss, price in items:
            if j == 0 or k < j:
                continue
            at_unloading = waits[k] - waits[j - 1]
            lines.append((at_unloading, price * ride))
            if q >= j:
                lines.append((waits[q] - waits[j - 1], price * (amb - ride)))
            if loss > 0:
                steps.append((margin / max(amb if q >= j else ride, 1e-9) + at_unloading, loss))
        row: dict[str, list[float]] = {"thresholds": [], "losses": [], "starts": [], "slopes": [], "offsets": []}
        total = slope = offset = 0.0
        for threshold, loss in sorted(steps):
            total += loss
            row["thresholds"].append(threshold)
            row["losses"].append(total)
        for start, rate in sorted(lines):
            slope += rate
            offset += rate * start
            row["starts"].append(start)
            row["slopes"].append(slope)
            row["offsets"].append(offset)
        out.append(row)
    return out


def _python_cost(row: dict[str, list[float]], delay: float) -> float:
    if delay <= 0:
        return 0.0
    k = bisect_left(row["thresholds"], delay)
    out = row["losses"][k - 1] if k else 0.0
    k = bisect_left(row["starts"], delay)
    return out + (delay * row["slopes"][k - 1] - row["offsets"][k - 1] if k else 0.0)


def test_delay_rows_are_the_python_ones():
    """The compiled rows (:func:`delay_rows`: per stop, the lots' steps and
    lines sorted and summed) and their cost (:func:`delay_cost`) against
    the Python that built and read them before: random routes of 2-14
    stops and 0-12 lots, ties between starts and thresholds included, lots
    with no loss and lots picked up before the route."""
    rng = random.Random(7)
    for _ in range(60):
        n = rng.randint(2, 14)
        waits = [0]
        for _ in range(n - 1):
            waits.append(waits[-1] + rng.choice([0, 0, rng.randint(1, 1800)]))
        items = []
        for _ in range(rng.randint(0, 12)):
            k = rng.randint(1, n - 1)
            items.append((k, rng.randint(0, k), rng.uniform(-H, 3 * H), rng.choice([0.5, 1.0, rng.uniform(0.3, 2)]),
                          rng.choice([1.0, rng.uniform(0.5, 4)]), rng.choice([0.0, rng.uniform(1e3, 1e6)]),
                          rng.uniform(0.0, 50.0)))
        ints = np.array([item[:2] for item in items], dtype=np.int64).reshape(len(items), 2).T.copy()
        floats = np.array([item[2:] for item in items], dtype=np.float64).reshape(len(items), 5).T.copy()
        costs = DelayCosts(np.array(waits, dtype=np.int64), *delay_rows(np.array(waits, dtype=np.int64), ints, floats))
        expected = _python_rows(waits, items)
        for j in range(n):
            for which, name in enumerate(("thresholds", "losses", "starts", "slopes", "offsets")):
                assert costs.row(which, j) == expected[j][name], (j, name)
            for _ in range(20):
                delay = rng.choice([rng.randint(-60, 6 * H), rng.uniform(-60.0, 6.0 * H)])
                assert costs.cost(j, delay) == _python_cost(expected[j], delay)
        assert costs.cost(n + 1, 60.0) == 0.0


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
    assert arrays.ints[kernel.WAITS].tolist() == costs.waits.tolist()
    assert arrays.ints[kernel.N_THRESHOLDS].tolist() == costs.counts[0].tolist()
    assert arrays.ints[kernel.N_STARTS].tolist() == costs.counts[1].tolist() and arrays.rows is costs.rows
    assert arrays.ints[kernel.UNLOADS, :len(heads)].any() and not arrays.ints[kernel.UNLOADS, len(heads):].any()
