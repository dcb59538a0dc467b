"""The day built from empty days (planner.routing.start)."""

from __future__ import annotations

from planner.routing import RoutingParams
from planner.routing.costs import lot_cost
from planner.routing.deadline import Deadline
from planner.routing.engine import _bounds
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.reinsert import reinsert
from planner.routing.start import (
    LARGE_DAY,
    NEAR_ROUTES,
    NEAR_ROUTES_LARGE,
    build_day,
    near_routes,
    routes_per_lot,
)
from planner.travel import GreatCircleProvider


def test_a_lots_routes_are_those_of_its_nearest_routed_lots():
    routes_of = near_routes({"X": ["a", "b", "c", "d"]}, 2)
    lot_x = type("L", (), {"id": "X"})()
    assert routes_of(lot_x, {"b": 2, "c": 2, "d": 5}) == {2, 5}  # a is not routed; b and c share route 2
    assert near_routes({"X": ["a", "b", "c", "d"]}, 1)(lot_x, {"b": 2, "c": 2, "d": 5}) == {2}
    assert routes_of(lot_x, {}) == set()
    assert routes_of(type("L", (), {"id": "Y"})(), {"b": 2}) == set()  # a lot without neighbours


def _road(rk):
    """ph at 0 km, f1 at 2 km, f2 at 4 km on one road; two motorbikes of
    200 kg; A (f2) and B (f1), 50 kg each, ready at 04:00."""
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50)])
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    return case, lots, net, table, bounds


def test_the_day_takes_a_lot_on_the_way_of_its_neighbours_trip(rk):
    """A is placed first (ready together, A's id first): a trip of the first
    motorbike out to f2 and back. B, at f1 on the way back, is picked up
    inside that trip (no metre added, one unloading for both), not as a
    second trip or on the second motorbike (its fixed cost); the trips-only
    greedy (the former start) makes two trips."""
    case, lots, net, table, bounds = _road(rk)
    priced = lot_cost(case)
    routes: list[list[tuple[int, int]]] = [[], []]
    placed = build_day(net, table, routes, [0, 0], lots, dict(bounds), now=0, slot_s=3600,
                       enforce_freshness=True, deadline=Deadline.after(30), lot_cost=priced)
    assert sorted(placed) == ["A", "B"]
    assert routes[1] == []
    nodes = [n for n, _ in routes[0]]
    (d_a,), (d_b,) = net.delivery["A"].values(), net.delivery["B"].values()
    assert nodes[:2] == [net.pickup["A"], net.pickup["B"]]
    assert set(nodes[2:]) == {d_a, d_b} and len(nodes) == 4
    trips: list[list[tuple[int, int]]] = [[], []]
    reinsert(net, table, trips, [0, 0], lots, dict(bounds), now=0, slot_s=3600, inside=False)
    assert sum(1 for n, _ in trips[0] + trips[1] if net.nodes[n].kind == "pickup") == 2
    assert [net.nodes[n].kind for n, _ in trips[0]] == ["pickup", "delivery", "pickup", "delivery"]


def test_past_its_deadline_the_day_tries_no_lot(rk):
    _, lots, net, table, bounds = _road(rk)
    routes: list[list[tuple[int, int]]] = [[], []]
    untried: list[str] = []
    assert build_day(net, table, routes, [0, 0], lots, dict(bounds), now=0, slot_s=3600, enforce_freshness=True,
                     deadline=Deadline.after(0), lot_cost=lot_cost(net.case), untried=untried) == []
    assert routes == [[], []] and sorted(untried) == ["A", "B"]


def test_the_plan_from_the_day_passes_the_checker(rk, solve_checked):
    case, *_ = _road(rk)
    result = solve_checked(case, params=RoutingParams(time_limit_s=5.0, improve_steps=0))
    assert {d.lot_id for d in result.deliveries} == {"A", "B"} and len(result.routes) == 1


def test_a_large_day_tries_fewer_routes_a_lot():
    assert routes_per_lot(240) == routes_per_lot(LARGE_DAY) == NEAR_ROUTES
    assert routes_per_lot(LARGE_DAY + 1) == NEAR_ROUTES_LARGE < NEAR_ROUTES


def test_short_of_time_the_day_is_built_the_quick_way(rk, monkeypatch):
    """Less time left than FAST_S_PER_LOT a lot: one trip each at the end of
    a day (the former start), not B inside A's trip."""
    from planner.routing import start

    case, lots, net, table, bounds = _road(rk)
    monkeypatch.setattr(start, "FAST_S_PER_LOT", 1000.0)
    routes: list[list[tuple[int, int]]] = [[], []]
    placed = build_day(net, table, routes, [0, 0], lots, dict(bounds), now=0, slot_s=3600,
                       enforce_freshness=True, deadline=Deadline.after(30), lot_cost=lot_cost(case))
    assert sorted(placed) == ["A", "B"]
    assert [net.nodes[n].kind for n, _ in routes[0]] == ["pickup", "delivery", "pickup", "delivery"]
