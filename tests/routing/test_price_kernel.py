"""The compiled pricing (planner.routing.price_kernel): a route's cost and its
lots' cost before it is built, to the last bit what the Python re-timer and
the lots' cost give."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from planner.domain import Location, TimeWindow
from planner.domain.traffic import Corridor, SlowPeriod
from planner.io import read_case
from planner.routing import RoutingParams, route_pickups
from planner.routing.costs import lot_cost
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.price_kernel import Pricer, pricer
from planner.routing.reinsert import _lots_cost
from planner.routing.schedule import time_route
from planner.travel import GreatCircleProvider

H = 3600
HOLDS = (0, 0, 6 * H, 9 * H)  # (the unloadings' holds drawn: one after the far house's first window)


def _day(rk, *, rush: bool):
    """Two packing houses (the far one open 05:00-08:00 and 10:00-20:00) and
    eight farms on a line, twelve lots ready 03:00-07:00, an ambient truck,
    a reefer and a motorbike with a break rule; with ``rush`` the road runs
    at half speed 05:00-06:30 (a leg's time depends on when it starts)."""
    farms = [rk.site(f"f{k}", 2.0 + 1.5 * k) for k in range(8)]
    lots = [rk.lot(f"L{k}", f"f{k % 8}", 40 + 5 * k, ready_h=3 + (k % 5), latest_h=12) for k in range(12)]
    far = rk.ph("ph2", 9.0, opening=(TimeWindow(5 * H, 8 * H), TimeWindow(10 * H, 20 * H)))
    fleet = [rk.vehicle("truck", kg=2000, shift=(2, 22), profile="truck"),
             rk.vehicle("reefer", kg=2000, shift=(2, 22), temp=rk.T.REEFER, per_h=45_000, profile="truck"),
             dataclasses.replace(rk.vehicle("moto", kg=2000, shift=(2, 22)), break_after_s=4 * H, break_s=1800)]
    case = rk.case([rk.ph(), far, *farms], fleet, lots)
    if rush:
        road = Corridor("road", "the road east", (Location(21.3, 106.49), Location(21.3, 106.7)), width_m=500)
        travel = dataclasses.replace(case.settings.travel, corridors=(road,),
                                     slow_periods=(SlowPeriod("road", 5 * H, 6 * H + 1800, 0.5),))
        case = case.replace(settings=dataclasses.replace(case.settings, travel=travel))
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=2)
    return case, net, FreshnessTable(case)


@pytest.mark.parametrize("rush", [False, True])
def test_a_routes_price_is_what_timing_it_gives_to_the_last_bit(rk, rush):
    case, net, table = _day(rk, rush=rush)
    priced = lot_cost(case, shelf_life_weight=0.8, late_weight=1.5)
    with_lots, without = Pricer(net, table, priced), Pricer(net, table, None)
    rng = random.Random(5)
    late = held = 0
    for _ in range(300):
        v = rng.randrange(len(net.vehicles))
        visits = rk.random_visits(net, rng.sample(list(case.lots), rng.randint(1, 9)), rng, unload_holds=HOLDS)
        start = rng.choice([2 * H, 3 * H, 5 * H])
        timed = time_route(net, table, v, start, visits)
        lots = _lots_cost(net, timed.deliveries, priced)
        last = priced(net.nodes[net.pickup[timed.deliveries[-1].lot_id]].lot, timed.deliveries[-1])
        assert with_lots.price(v, start, visits) == (timed.cost, lots, last)
        assert without.price(v, start, visits) == (timed.cost, 0.0, 0.0)
        late += any(priced(net.nodes[net.pickup[d.lot_id]].lot, d) > priced.terms["lychee"][0] * d.kg
                    * (priced.terms["lychee"][1] - d.shelf_life_left_s) + 1e-6 for d in timed.deliveries)
        held += any(s.waiting > 0 for s in timed.route.stops)
    assert late > 10 and held > 10  # (late lots and waits at a closed house or a held stop were priced)


def test_a_lot_inserted_is_priced_as_the_changed_visits_are(rk):
    """:meth:`Pricer.price_inserted` (the base route's rows and where the
    lot goes) prices what :meth:`Pricer.price` prices for the changed list,
    and both what timing it gives."""
    case, net, table = _day(rk, rush=True)
    priced = Pricer(net, table, lot_cost(case))
    rng = random.Random(8)
    for _ in range(200):
        v = rng.randrange(len(net.vehicles))
        lots = rng.sample(list(case.lots), rng.randint(1, 8))
        visits = rk.random_visits(net, lots[1:], rng, unload_holds=HOLDS)
        lot = lots[0]
        i = rng.randint(0, len(visits))
        j = rng.randint(i, len(visits))
        pickup = (net.pickup[lot.id], lot.ready + rng.choice([0, 900]))
        drop = net.delivery[lot.id][rng.choice(sorted(net.delivery[lot.id]))]
        drop_hold = rng.choice([0, 0, 7 * H])
        changed = [*visits[:i], pickup, *visits[i:j], (drop, drop_hold), *visits[j:]]
        rows = np.array(visits, dtype=np.int64).reshape(len(visits), 2)
        timed = time_route(net, table, v, 3 * H, changed)
        last = priced.lot_cost(net.nodes[net.pickup[timed.deliveries[-1].lot_id]].lot, timed.deliveries[-1])
        expected = (timed.cost, _lots_cost(net, timed.deliveries, priced.lot_cost), last)
        assert priced.price_inserted(v, 3 * H, rows, i, j, pickup, drop, drop_hold) == priced.price(v, 3 * H, changed) \
            == expected


def test_a_pricer_is_kept_per_table_and_lot_cost_and_none_for_an_unknown_lot_cost(rk):
    case, net, table = _day(rk, rush=False)
    priced = lot_cost(case)
    first = pricer(net, table, priced)
    assert first is not None and pricer(net, table, priced) is first
    assert pricer(net, table, lot_cost(case)) is not first  # (another lot cost: other terms)
    assert pricer(net, table, None) is not None
    assert pricer(net, table, lambda lot, d: 1.0) is None  # (its terms unknown: every place is timed)


def test_the_search_makes_the_same_plan_with_its_places_priced_first(monkeypatch):
    """The embedded day, 60 steps: the plan with the compiled pricing is the
    plan without it, stop for stop (a place priced no cheaper is one the
    search would have timed and passed over)."""
    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    params = RoutingParams(time_limit_s=600, solution_limit=60)
    fast = route_pickups(case, params=params, seed=3)
    monkeypatch.setattr("planner.routing.reinsert.pricer", lambda net, table, cost: None)
    slow = route_pickups(case, params=params, seed=3)
    assert [r.stops for r in fast.routes] == [r.stops for r in slow.routes]
    assert fast.day_cost == slow.day_cost
