"""A plan cut into parts for the walks on several cores (planner.routing.plan_parts)."""

from __future__ import annotations

from planner.routing.deadline import Deadline
from planner.routing.network import build_network
from planner.routing.plan_parts import Part, merge, merged, split, units
from planner.travel import GreatCircleProvider

FARMS = {"w1": -8.0, "w2": -6.0, "w3": -4.0, "e1": 4.0, "e2": 6.0, "e3": 8.0}


def _plan(rk):
    """Eight motorbikes at a packing house between three farms to the west
    and three to the east; vehicle k takes the lot of farm k (k < 6),
    vehicles 6 and 7 have no route; lot X (5 km east) is out of the plan."""
    case = rk.case([rk.ph(), *(rk.site(f, km) for f, km in FARMS.items()), rk.site("x", 5.0)],
                   [rk.vehicle(count=8)], [*(rk.lot(f"L{f}", f, 50) for f in FARMS), rk.lot("X", "x", 50)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    routes = [[(net.pickup[f"L{f}"], 4 * rk.HOUR), (next(iter(net.delivery[f"L{f}"].values())), 5 * rk.HOUR)]
              for f in FARMS]
    return net, routes + [[], []], sorted(lot.id for lot in case.lots)


def test_every_vehicle_and_lot_is_in_one_part_the_routes_cut_where_they_lie(rk):
    net, routes, lot_ids = _plan(rk)
    west, east = frozenset({0, 1, 2}), frozenset({3, 4, 5})
    for seed in range(1, 21):
        parts = split(net, routes, lot_ids, 2, seed)
        assert len(parts) == 2
        assert sorted(v for p in parts for v in p.routes) == list(range(8))
        assert sorted(lid for p in parts for lid in p.lots) == lot_ids
        busy = {p.routes - {6, 7} for p in parts}
        assert busy == {west, east}  # (whatever the direction drawn, three lots a part, each side together)
        assert all(len(p.routes & {6, 7}) == 1 for p in parts)  # the empty vehicles dealt out in turn
        for p in parts:
            for v in p.routes - {6, 7}:
                assert {net.nodes[n].lot.id for n, _ in routes[v]} <= p.lots  # a route's lots go with it
        (with_x,) = [p for p in parts if "X" in p.lots]
        assert with_x.routes - {6, 7} == east  # the lot out goes where its pickup lies
        assert split(net, routes, lot_ids, 2, seed) == parts  # the same seed, the same cut


def test_three_parts_share_the_lots_out(rk):
    net, routes, lot_ids = _plan(rk)
    parts = split(net, routes, lot_ids, 3, 5)
    assert sorted(len(p.routes - {6, 7}) for p in parts) == [2, 2, 2]
    assert sorted(lid for p in parts for lid in p.lots) == lot_ids


def test_the_merge_takes_each_parts_routes_from_its_walk():
    start = [[(1, 0)], [(2, 0)], [(3, 0)], []]
    a, b = Part(frozenset({0, 3}), frozenset()), Part(frozenset({1}), frozenset())
    plan_a = [[(9, 0)], [(8, 0)], [(7, 0)], [(6, 0)]]  # (a walk changes only its part: the rest is ignored)
    plan_b = [[(5, 0)], [(4, 0)], [], []]
    assert merged(start, [(a, plan_a), (b, plan_b)]) == [[(9, 0)], [(4, 0)], [(3, 0)], [(6, 0)]]
    assert start == [[(1, 0)], [(2, 0)], [(3, 0)], []]


def test_units_keep_each_lot_on_one_route(rk):
    """A walk moved Lw1 from vehicle 0 to vehicle 1 and changed vehicle 3's
    visits alone: vehicles 0 and 1 are one unit, 3 another; unchanged
    routes are in none."""
    net, routes, lot_ids = _plan(rk)
    part = Part(frozenset({0, 1, 2, 3, 6}), frozenset())
    plan = [list(r) for r in routes]
    plan[1] = plan[0] + plan[1]
    plan[0] = []
    plan[3] = [(node, hold + 60) for node, hold in plan[3]]
    assert units(net, routes, plan, part) == [[0, 1], [3]]


def test_a_merge_the_checks_refuse_adds_the_other_walks_units_that_pay(rk):
    """Walk A (the cheaper) changed routes 0 and 1, walk B routes 3 and 4,
    each apart. The whole merge is refused (a stand-in for two parts'
    unloadings in one intake slot: routes 0 and 3 changed together); the
    merge is then A's plan with B's unit of route 4 (5 cheaper), not route
    3's (refused beside A's route 0)."""
    net, routes, lot_ids = _plan(rk)
    a, b = Part(frozenset({0, 1, 2, 6}), frozenset()), Part(frozenset({3, 4, 5, 7}), frozenset())
    plan_a, plan_b = [list(r) for r in routes], [list(r) for r in routes]
    for plan, changed in ((plan_a, (0, 1)), (plan_b, (3, 4))):
        for v in changed:
            plan[v] = [(n, h + 60) for n, h in routes[v]]
    saves = {0: 10, 1: 6, 3: 8, 4: 5}

    def evaluate(plan):
        if plan[0] != routes[0] and plan[3] != routes[3]:
            return None
        return 100.0 - sum(saved for v, saved in saves.items() if plan[v] != routes[v])

    assert (evaluate(plan_a), evaluate(plan_b)) == (84.0, 87.0)
    made, refused = merge(net, routes, [(a, plan_a, 84.0), (b, plan_b, 87.0)], evaluate)
    assert refused and made is not None and not made.whole and made.units == 1
    assert made.routes == [plan_a[0], plan_a[1], routes[2], routes[3], plan_b[4], *routes[5:]]
    assert made.cost == 79.0
    whole, refused = merge(net, routes, [(a, plan_a, 84.0), (b, plan_b, 87.0)], lambda plan: 70.0)
    assert not refused and whole is not None and whole.whole and whole.cost == 70.0
    assert whole.routes == [plan_a[0], plan_a[1], routes[2], plan_b[3], plan_b[4], *routes[5:]]
    none, _ = merge(net, routes, [(a, plan_a, 84.0), (b, plan_b, 87.0)], lambda plan: 95.0)
    assert none is None  # (no cheaper than walk A's plan)
    late, refused = merge(net, routes, [(a, plan_a, 84.0), (b, plan_b, 87.0)], evaluate, deadline=Deadline.after(0.0))
    assert refused and late is None  # (past the search's end no unit is judged)
