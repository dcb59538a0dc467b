"""Re-insertion of lots left out, with the exact checks (planner.routing.reinsert)."""

from __future__ import annotations

from planner.routing import RoutingParams, check_result, route_pickups
from planner.routing.engine import _bounds
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.reinsert import reinsert
from planner.routing.schedule import build_route
from planner.travel import GreatCircleProvider


def _setup(rk, intake=None, budget_h=6.0):
    case = rk.case([rk.ph(intake_kg_per_hour=intake), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle()],
                   [rk.lot("A", "f1", 150), rk.lot("B", "f2", 150)], budget_h=budget_h)
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    (d_a,) = net.delivery["A"].values()
    start = 4 * rk.HOUR - 400
    routes = [[(net.pickup["A"], 4 * rk.HOUR), (d_a, 4 * rk.HOUR + 600)]]
    return case, net, table, bounds, routes, start


def test_a_lot_left_out_becomes_a_second_trip(rk):
    case, net, table, bounds, routes, start = _setup(rk)
    added = reinsert(net, table, routes, [start], [lot for lot in case.lots if lot.id == "B"], bounds,
                     now=0, slot_s=3600)
    assert added == ["B"]
    nodes = [n for n, _ in routes[0]]
    assert nodes[:2] == [net.pickup["A"], *net.delivery["A"].values()]  # the first trip is kept
    assert nodes[2] == net.pickup["B"]
    deliveries = build_route(net, table, 0, start, routes[0])[1]
    assert [d.lot_id for d in deliveries] == ["A", "B"] and all(d.budget_left_s >= 0 for d in deliveries)


def test_a_full_intake_slot_means_waiting_for_the_next_or_no_trip(rk):
    # intake of 200 kg an hour: A's 150 kg fill the slot B reaches first, so
    # the motorbike waits for the next slot, if B's budget lasts that long
    case, net, table, bounds, routes, start = _setup(rk, intake=200.0)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert routes[0][-1][1] // 3600 == 4
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == ["B"]
    assert routes[0][-1][1] == 5 * rk.HOUR
    # a budget of 0.9 h at 30 C: B would arrive at about 4:43, in time, but
    # waiting for the 5:00 slot would spend it
    case, net, table, bounds, routes, start = _setup(rk, intake=200.0, budget_h=0.9)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == []
    case, net, table, bounds, routes, start = _setup(rk, budget_h=0.9)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == ["B"]


def test_router_serves_lots_the_intake_repair_left_out(rk):
    # ten 100 kg lots ready together near a packing house taking 400 kg an hour,
    # six motorbikes: the cheapest routes deliver most at once, the intake check
    # refuses some; the re-insertion finds them later slots within their budget
    sites = [rk.ph(intake_kg_per_hour=400.0), *(rk.site(f"f{k}", 1.0 + k) for k in range(5))]
    lots = [rk.lot(f"L{k}", f"f{k % 5}", 100, ready_h=4, latest_h=12) for k in range(10)]
    case = rk.case(sites, [rk.vehicle(count=6)], lots, budget_h=8.0)
    params = RoutingParams(time_limit_s=5, solution_limit=100)
    on = route_pickups(case, params=params)
    off = route_pickups(case, params=params.replace(reinsert=False))
    assert check_result(case, on) == [] and check_result(case, off) == []
    assert len(on.deliveries) >= len(off.deliveries)
    assert len(on.deliveries) == 10


def test_a_search_that_finds_nothing_in_time_still_gives_a_plan(monkeypatch):  # type: ignore[no-untyped-def]
    """A tiny time limit on a busy machine: OR-Tools returns no solution; the
    extra-trip construction makes the plan from empty days, under the exact checks."""
    from planner.routing import Reason, RoutingParams, check_result, engine, route_pickups

    from .conftest import lot, make_case, packing_house, site, vehicle

    monkeypatch.setattr(engine.PickupModel, "solve", lambda self, **kw: None)
    case = make_case([packing_house(), site("f", 2.0), site("g", 4.0)], [vehicle(kg=200, count=2)],
                     [lot("A", "f", 150), lot("B", "g", 150), lot("C", "g", 150, ready_h=4, latest_h=4.2)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=1.0), seed=1)
    assert check_result(case, result) == []
    assert {d.lot_id for d in result.deliveries} >= {"A", "B"}
    for u in result.unassigned:
        assert u.reason is Reason.FLEET_EXHAUSTED and "no plan within its time limit" in u.detail
