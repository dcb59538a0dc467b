"""Each constraint on a tiny hand-checked instance; every plan goes through
the independent checker (``solve_checked``)."""

from __future__ import annotations

from planner.domain import TimeWindow
from planner.domain.units import HOUR
from planner.routing import Reason


def test_capacity_forces_two_trips(rk, solve_checked):
    # two 150 kg lots at one farm 3 km out, one 200 kg motorbike: one lot a trip
    case = rk.case([rk.ph(), rk.site("f", 3.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 150), rk.lot("B", "f", 150)])
    result = solve_checked(case)
    assert not result.unassigned
    (route,) = result.routes
    assert route.trips == 2
    assert max(s.load_kg for s in route.stops) == 150
    assert [s.kind for s in route.stops] == ["start", "pickup", "delivery", "pickup", "delivery", "end"]


def test_one_trip_when_it_fits(rk, solve_checked):
    case = rk.case([rk.ph(), rk.site("f", 3.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 90), rk.lot("B", "f", 90)])
    (route,) = solve_checked(case).routes
    assert route.trips == 1
    assert sorted(route.stops[1].lot_ids) == ["A", "B"] and route.stops[1].load_kg == 180


def test_waits_for_ready_time_and_respects_latest_pickup(rk, solve_checked):
    # ready 05:00; the vehicle may leave at 03:00; 3 km at 10 m/s = 300 s
    case = rk.case([rk.ph(), rk.site("f", 3.0)], [rk.vehicle()], [rk.lot("A", "f", ready_h=5, latest_h=5.5)])
    result = solve_checked(case)
    d = result.delivery_of("A")
    assert d is not None and 5 * HOUR <= d.picked_up <= 5.5 * HOUR
    start, pickup = result.routes[0].stops[:2]
    assert pickup.arrival + pickup.waiting == d.picked_up
    assert start.departure >= 3 * HOUR


def test_multi_trip_between_waves(rk, solve_checked):
    # one motorbike, two lots ready 3 h apart at farms on either side
    case = rk.case([rk.ph(), rk.site("w", -4.0), rk.site("e", 4.0)], [rk.vehicle(kg=200)],
                   [rk.lot("early", "w", 120, ready_h=4, latest_h=5), rk.lot("late", "e", 120, ready_h=7, latest_h=8)])
    result = solve_checked(case)
    (route,) = result.routes
    assert route.lot_ids == ("early", "late") and route.trips == 2
    assert result.delivery_of("early").delivered < result.delivery_of("late").picked_up


def test_lot_outside_every_shift(rk, solve_checked):
    # shift 06:00-14:00; the lot must be collected by 05:00
    case = rk.case([rk.ph(), rk.site("f", 2.0)], [rk.vehicle(shift=(6, 14))],
                   [rk.lot("A", "f", ready_h=3, latest_h=5), rk.lot("B", "f", ready_h=6, latest_h=9)])
    result = solve_checked(case)
    (u,) = result.unassigned
    assert (u.lot_id, u.reason) == ("A", Reason.OUTSIDE_SHIFTS)
    assert result.delivery_of("B") is not None


def test_shift_end_bounds_the_route(rk, solve_checked):
    # ready 05:00, 10 km out: loaded 05:05, at the packing house 05:21:40,
    # unloaded 05:31:40; the shift ends 05:25
    case = rk.case([rk.ph(), rk.site("f", 10.0)], [rk.vehicle(shift=(3, 5 + 25 / 60))],
                   [rk.lot("A", "f", ready_h=5, latest_h=6)])
    result = solve_checked(case)
    assert result.unassigned[0].reason is Reason.OUTSIDE_SHIFTS


def test_packing_house_intake_per_hour(rk, solve_checked):
    # 300 kg/h intake, open 05:00-05:59 only; two 200 kg lots ready at 04:30:
    # only one can be taken, the more valuable one
    ph = rk.ph(intake_kg_per_hour=300.0, opening=(TimeWindow(5 * HOUR, 6 * HOUR - 1),))
    case = rk.case([ph, rk.site("f", 2.0)], [rk.vehicle("truck", kg=1000, count=2, profile="truck")],
                   [rk.lot("cheap", "f", 200, ready_h=4.5, value=1e6), rk.lot("dear", "f", 200, ready_h=4.5, value=5e6)])
    result = solve_checked(case)
    assert [d.lot_id for d in result.deliveries] == ["dear"]
    (u,) = result.unassigned
    assert (u.lot_id, u.reason) == ("cheap", Reason.PACKING_HOUSE_CAPACITY)


def test_packing_house_intake_spreads_deliveries(rk, solve_checked):
    # same, but open all morning: the second lot waits for the next hour
    ph = rk.ph(intake_kg_per_hour=300.0)
    case = rk.case([ph, rk.site("f", 2.0)], [rk.vehicle("truck", kg=1000, count=2, profile="truck")],
                   [rk.lot("a", "f", 200, ready_h=4.5), rk.lot("b", "f", 200, ready_h=4.5)])
    result = solve_checked(case)
    assert not result.unassigned
    hours = sorted(d.delivered // HOUR for d in result.deliveries)
    assert hours[0] != hours[1]


def test_packing_house_closed(rk, solve_checked):
    ph = rk.ph(opening=(TimeWindow(13 * HOUR, 14 * HOUR),))
    case = rk.case([ph, rk.site("f", 2.0)], [rk.vehicle(shift=(3, 12))], [rk.lot("A", "f")])
    assert solve_checked(case).unassigned[0].reason is Reason.PACKING_HOUSE_CLOSED


def test_freshness_forces_a_reefer(rk, solve_checked):
    # budget 2 h at 30 C; lot ready 03:00 on a farm 40 km out (4,000 s riding);
    # vehicles leave the packing house at 03:00 and reach it at 04:07.
    # Motorbike: 1.11 h waiting + 5 min loading + 1.11 h riding at 30 C > 2 h.
    # Reefer (4 C, rate 0.89 against 19.8 at 30 C): 1.2 h. The motorbike is
    # far cheaper, so only freshness makes the reefer go.
    case = rk.case(
        [rk.ph(), rk.site("far", 40.0)],
        [rk.vehicle("moto", kg=300, fixed=10_000, shift=(3, 14)),
         rk.vehicle("reefer", kg=300, temp=rk.T.REEFER, profile="truck", fixed=900_000, per_km=20_000, shift=(3, 14))],
        [rk.lot("A", "far", 100, ready_h=3, latest_h=10)], budget_h=2.0)
    result = solve_checked(case)
    d = result.delivery_of("A")
    assert d is not None and d.vehicle_id == "reefer#1"
    assert d.budget_left_s > 0


def test_freshness_forbids_motorbike_alone(rk, solve_checked):
    case = rk.case([rk.ph(), rk.site("far", 40.0)], [rk.vehicle("moto", kg=300)],
                   [rk.lot("A", "far", 100, ready_h=3, latest_h=10)], budget_h=2.0)
    (u,) = solve_checked(case).unassigned
    assert u.reason is Reason.SPOILS_BEFORE_REACHING


def test_freshness_forces_direct_trips(rk, solve_checked):
    # farms A (10 km) and B (20 km) on one road; A takes 80 min to load.
    # Alone: B spends 0.55 + 0.08 + 0.55 = 1.19 h, A 0.28 + 1.33 + 0.28 = 1.89 h
    # of a 2 h budget. Together (either order) one of them spends about 2.5 h.
    # Two vehicles with a high fixed cost: sharing one would be cheaper.
    case = rk.case(
        [rk.ph(), rk.site("A", 10.0), rk.site("B", 20.0)],
        [rk.vehicle("moto", kg=300, count=2, fixed=500_000)],
        [rk.lot("a", "A", 100, ready_h=3, latest_h=10, service_min=80),
         rk.lot("b", "B", 100, ready_h=3, latest_h=10)], budget_h=2.0)
    result = solve_checked(case)
    assert not result.unassigned
    assert sorted(len(r.lot_ids) for r in result.routes) == [1, 1]


def test_without_freshness_the_same_case_spoils(rk):
    from planner.routing import check_result, route_pickups

    case = rk.case(
        [rk.ph(), rk.site("A", 10.0), rk.site("B", 20.0)],
        [rk.vehicle("moto", kg=300, count=2, fixed=500_000)],
        [rk.lot("a", "A", 100, ready_h=3, latest_h=10, service_min=80),
         rk.lot("b", "B", 100, ready_h=3, latest_h=10)], budget_h=2.0)
    result = route_pickups(case, params=rk.fast.replace(enforce_freshness=False, repair_rounds=0))
    assert len(result.routes) == 1  # both lots on one vehicle...
    problems = check_result(case, result)
    assert any("freshness budget exceeded" in str(p) for p in problems)  # ...and one spoils
