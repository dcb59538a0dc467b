"""Unassigned lots and their reasons; re-planning with dispatched stops fixed;
determinism."""

from __future__ import annotations

import pytest

from planner.domain import TimeWindow
from planner.domain.units import HOUR
from planner.exceptions import InfeasibleError
from planner.routing import FixedRoute, FixedStop, Reason, RoutingParams, route_pickups


def test_no_vehicle_large_enough(rk, solve_checked):
    case = rk.case([rk.ph(), rk.site("f", 2.0)], [rk.vehicle(kg=200)],
                   [rk.lot("big", "f", 250), rk.lot("ok", "f", 150)])
    result = solve_checked(case)
    (u,) = result.unassigned
    assert (u.lot_id, u.reason, u.kg) == ("big", Reason.NO_VEHICLE_LARGE_ENOUGH, 250)
    assert "200" in u.detail


def test_fleet_exhausted_keeps_the_most_valuable(rk, solve_checked):
    # one motorbike, 4 h shift, four 150 kg lots 8 km out (each round trip
    # ~1,600 s + loading + unloading = ~41 min): all fit in time but the
    # pickup windows close at 05:00, so only about two can be served
    lots = [rk.lot(f"L{k}", "f", 150, ready_h=4, latest_h=5, value=v)
            for k, v in enumerate([1e6, 9e6, 2e6, 8e6])]
    case = rk.case([rk.ph(), rk.site("f", 8.0)], [rk.vehicle(kg=200, shift=(3, 7))], lots)
    result = solve_checked(case)
    served = {d.lot_id for d in result.deliveries}
    assert served == {"L1", "L3"}
    assert {u.lot_id: u.reason for u in result.unassigned} == {"L0": Reason.FLEET_EXHAUSTED,
                                                               "L2": Reason.FLEET_EXHAUSTED}


def test_spoils_before_reaching(rk, solve_checked):
    # 60 km out with a 2 h budget at 30 C: 6,000 s riding alone is 1.67 h, plus waiting
    case = rk.case([rk.ph(), rk.site("far", 60.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "far", 100, ready_h=3)], budget_h=1.5)
    (u,) = solve_checked(case).unassigned
    assert u.reason is Reason.SPOILS_BEFORE_REACHING and "pre-cooling budget" in u.detail
    assert "12 Jun" in u.detail  # clock times, not engine seconds


def test_a_lot_ready_after_every_shift_ends_is_outside_shifts(rk, solve_checked):
    # the packing house closes at 12:00 too, but the fleet has gone home at 12:00 before the lot is ready
    ph = rk.ph(opening=(TimeWindow(3 * HOUR, 12 * HOUR),))
    case = rk.case([ph, rk.site("f", 2.0)], [rk.vehicle(shift=(3, 12))],
                   [rk.lot("late", "f", ready_h=13, latest_h=16)])
    (u,) = solve_checked(case).unassigned
    assert u.reason is Reason.OUTSIDE_SHIFTS
    assert u.detail == "ready at 13:00 12 Jun, after moto's shift ends (12:00 12 Jun)"


def test_a_lot_that_arrives_after_the_shift_is_outside_shifts_not_closed(rk, solve_checked):
    # ready 11:55, 2 km away: the motorbike would reach the (closed) house after its shift ends at 12:00
    ph = rk.ph(opening=(TimeWindow(3 * HOUR, 11 * HOUR),))
    case = rk.case([ph, rk.site("f", 2.0)], [rk.vehicle(shift=(3, 12))],
                   [rk.lot("late", "f", ready_h=11 + 55 / 60, latest_h=16)])
    (u,) = solve_checked(case).unassigned
    assert u.reason is Reason.OUTSIDE_SHIFTS and "after its shift ends (12:00 12 Jun)" in u.detail


def _two_lots(rk):
    return rk.case([rk.ph(), rk.site("w", -3.0), rk.site("e", 3.0)], [rk.vehicle(kg=200, count=2)],
                   [rk.lot("A", "w", 100, ready_h=4), rk.lot("B", "e", 100, ready_h=4)])


def test_replan_keeps_fixed_stops_first(rk, solve_checked):
    case = _two_lots(rk)
    first = solve_checked(case)
    route = first.routes[0]
    done = route.stops[1]
    fixed = FixedRoute(route.vehicle_id, (FixedStop("pickup", done.lot_ids[0], time=done.arrival + done.waiting),))
    new_case = case.replace(lots=case.lots + (rk.lot("C", "e", 50, ready_h=6, latest_h=9),))
    second = solve_checked(new_case, fixed=[fixed], now=5 * HOUR)
    again = next(r for r in second.routes if r.vehicle_id == route.vehicle_id)
    assert again.stops[1].kind == "pickup" and done.lot_ids[0] in again.stops[1].lot_ids
    assert again.stops[1].arrival + again.stops[1].waiting >= done.arrival + done.waiting
    assert second.delivery_of("C") is not None
    # nothing new starts before now on the vehicles not fixed
    for r in second.routes:
        if r.vehicle_id != route.vehicle_id:
            assert r.stops[0].departure >= 5 * HOUR


def test_replan_fixed_delivery_and_order(rk, solve_checked):
    case = _two_lots(rk)
    fixed = FixedRoute("moto#2", (FixedStop("pickup", "B"), FixedStop("pickup", "A"), FixedStop("delivery", "A", "ph")))
    result = solve_checked(case, fixed=[fixed])
    (route,) = [r for r in result.routes if r.vehicle_id == "moto#2"]
    kinds = [(s.kind, s.lot_ids) for s in route.stops[1:4]]
    assert kinds[0] == ("pickup", ("B",)) and kinds[1] == ("pickup", ("A",))
    assert kinds[2][0] == "delivery" and "A" in kinds[2][1]


def test_fixed_route_errors(rk):
    case = _two_lots(rk)
    with pytest.raises(ValueError, match="unknown vehicle"):
        route_pickups(case, params=rk.fast, fixed=[FixedRoute("truck#1", ())])
    with pytest.raises(ValueError, match="unknown lot"):
        route_pickups(case, params=rk.fast, fixed=[FixedRoute("moto#1", (FixedStop("pickup", "Z"),))])
    with pytest.raises(ValueError, match="before its pickup"):
        FixedRoute("moto#1", (FixedStop("delivery", "A", "ph"),))


def test_fixed_route_that_cannot_be_kept(rk):
    # the stop was done at 03:00 but the lot was only ready at 04:00 and the
    # packing house is 3 km away: keep it, then the freshness/time rules fail
    case = rk.case([rk.ph(), rk.site("f", 3.0)], [rk.vehicle(kg=200, shift=(3, 4))],
                   [rk.lot("A", "f", 100, ready_h=3, latest_h=3.1)])
    fixed = FixedRoute("moto#1", (FixedStop("pickup", "A", time=round(3.9 * HOUR)),))
    with pytest.raises(InfeasibleError, match="fixed routes"):
        route_pickups(case, params=rk.fast, fixed=[fixed])


def test_same_seed_same_plan(rk):
    lots = [rk.lot(f"L{k}", f"f{k % 3}", 60 + 10 * k, ready_h=3.5 + 0.25 * k) for k in range(6)]
    sites = [rk.ph(), rk.site("f0", -4.0), rk.site("f1", 3.0), rk.site("f2", 6.0)]
    case = rk.case(sites, [rk.vehicle(kg=200, count=2)], lots)
    params = RoutingParams(time_limit_s=5.0, solution_limit=30)
    a = route_pickups(case, params=params, seed=3)
    b = route_pickups(case, params=params, seed=3)
    assert [r.stops for r in a.routes] == [r.stops for r in b.routes]
    assert a.deliveries == b.deliveries
