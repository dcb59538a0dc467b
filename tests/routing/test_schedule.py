"""The re-timer (planner.routing.schedule): a changed route timed from its
base gives what timing it from scratch gives."""

from __future__ import annotations

import dataclasses
import random

import pytest

from planner.domain import Location
from planner.domain.traffic import Corridor, SlowPeriod
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.schedule import Timed, build_route, time_route
from planner.travel import GreatCircleProvider

H = 3600


def _day(rk, *, rush: bool):
    """Two packing houses and eight farms on the line, twelve lots ready
    between 03:00 and 07:00, one truck; with ``rush``, the road at half speed
    05:00-06:30 (the re-timer's drive depends on the departure)."""
    farms = [rk.site(f"f{k}", 2.0 + 1.5 * k) for k in range(8)]
    lots = [rk.lot(f"L{k}", f"f{k % 8}", 40 + 5 * k, ready_h=3 + (k % 5), latest_h=12) for k in range(12)]
    case = rk.case([rk.ph(), rk.ph("ph2", 9.0), *farms], [rk.vehicle(kg=2000, shift=(2, 22))], lots)
    if rush:
        road = Corridor("road", "the road east", (Location(21.3, 106.49), Location(21.3, 106.7)), width_m=500)
        travel = dataclasses.replace(case.settings.travel, corridors=(road,),
                                     slow_periods=(SlowPeriod("road", 5 * H, 6 * H + 1800, 0.5),))
        case = case.replace(settings=dataclasses.replace(case.settings, travel=travel))
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=2)
    return case, net, FreshnessTable(case)


def _assert_same(a: Timed, b: Timed) -> None:
    assert a.route == b.route and a.deliveries == b.deliveries
    assert (a.ends, a.clock, a.boxes, a.metres, a.sites, a.delivered, a.total_m) == \
        (b.ends, b.clock, b.boxes, b.metres, b.sites, b.delivered, b.total_m)
    assert a.kg == pytest.approx(b.kg) and a.picked == b.picked


@pytest.mark.parametrize("rush", [False, True])
def test_a_route_timed_from_its_base_is_the_route_timed_afresh(rk, rush):
    case, net, table = _day(rk, rush=rush)
    rng = random.Random(11)
    start = 2 * H
    resumed = 0
    for _ in range(60):
        lots = rng.sample(list(case.lots), rng.randint(3, 11))
        base_visits = rk.random_visits(net, lots, rng)
        base = time_route(net, table, 0, start, base_visits)
        assert (base.route, base.deliveries) == build_route(net, table, 0, start, base_visits)
        for _ in range(8):  # a lot in (pickup at i, unloading at j >= i), a visit out, a hold changed
            visits = list(base_visits)
            change = rng.choice(["insert", "remove", "hold"])
            spare = [lot for lot in case.lots if lot not in lots]
            if change == "insert" and spare:
                lot = rng.choice(spare)
                i = rng.randint(0, len(visits))
                j = rng.randint(i, len(visits))
                visits.insert(j, (net.delivery[lot.id][rng.choice(sorted(net.delivery[lot.id]))], 0))
                visits.insert(i, (net.pickup[lot.id], lot.ready))
            elif change == "remove" or not spare:
                gone = net.nodes[visits[rng.randrange(len(visits))][0]].lot.id
                visits = [v for v in visits if net.nodes[v[0]].lot.id != gone]
            else:
                k = rng.randrange(len(visits))
                visits[k] = (visits[k][0], visits[k][1] + rng.choice([-1800, 600, 3600]))
            fresh = time_route(net, table, 0, start, visits)
            again = time_route(net, table, 0, start, visits, base=base)
            _assert_same(again, fresh)
            resumed += again.rows[1] is base.rows[1] if len(again.rows) > 2 else 0  # (the same stop, taken)
    assert resumed > 100  # the check compared resumed timings, not only fresh ones


def test_a_trip_appended_to_a_day_reuses_every_stop_before_it(rk):
    case, net, table = _day(rk, rush=False)
    a, b = case.lots[0], case.lots[1]
    (ha, *_), (hb, *_) = sorted(net.delivery[a.id]), sorted(net.delivery[b.id])
    visits = [(net.pickup[a.id], a.ready), (net.delivery[a.id][ha], 0)]
    base = time_route(net, table, 0, 2 * H, visits)
    longer = time_route(net, table, 0, 2 * H, [*visits, (net.pickup[b.id], b.ready), (net.delivery[b.id][hb], 0)],
                        base=base)
    assert longer.route.stops[:3] == base.route.stops[:3]
    assert all(x is y for x, y in zip(longer.rows[:3], base.rows[:3], strict=True))
    assert [d.lot_id for d in longer.deliveries] == [a.id, b.id]


def test_a_timed_routes_cost_and_duration_are_its_routes_before_it_is_made(rk):
    """:class:`Timed` makes its :class:`Route` only when asked: the cost and
    duration the search reads first are the route's, and the stops are its rows."""
    case, net, table = _day(rk, rush=True)
    visits = rk.random_visits(net, list(case.lots)[:6], random.Random(3))
    timed = time_route(net, table, 0, 2 * H, visits)
    assert timed._route is None
    cost, duration = timed.cost, timed.duration_s
    route = timed.route
    assert (cost, duration) == (route.cost, route.duration_s) and timed.route is route
    assert [tuple(getattr(s, f) for f in s.__slots__) for s in route.stops] == timed.rows
    assert route.km == timed.total_m / 1000
