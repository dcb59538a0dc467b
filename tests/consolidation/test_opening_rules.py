"""Opening hours on tiny cases: freight is loaded only while its origin is
open, and a treatment batch ends before its facility closes. Each rule is
shown binding (the plan differs from what it would be without it) and the
checker reports a plan that breaks it."""

from __future__ import annotations

from dataclasses import replace

from planner.consolidation import Reason, check_result, consolidate
from planner.domain import Mode, TimeWindow
from planner.domain.units import DAY, HOUR


def with_opening(case, site_id, open_h, close_h):
    windows = tuple(TimeWindow(d * DAY + round(open_h * HOUR), d * DAY + round(close_h * HOUR))
                    for d in range(4))
    sites = tuple(replace(s, opening=windows) if s.id == site_id else s for s in case.sites)
    return case.replace(sites=sites)


def house_case(kit, deadline_h):
    # the packing house opens 03:00-23:00; fruit is ready at 01:00; 2 h to the hub
    lanes = [kit.lane("ph-hub", "ph", "hub", transit_h=2, handling_h=0.5, per_unit=100_000)]
    case = with_opening(kit.case(lanes, [kit.order("O1", deadline_h=deadline_h)]), "ph", 3, 23)
    return case, [kit.supply(at_h=1)]


def test_freight_waits_for_the_packing_house_to_open(kit):
    case, supplies = house_case(kit, deadline_h=8)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    (ship,) = result.shipments
    # loaded from the opening at 03:00, leaves 03:30 (not 02:30 from the 02:00 slot)
    assert (ship.cutoff, ship.departure) == (3 * HOUR, 3 * HOUR + 1800)
    assert result.itineraries["O1"].delivered == 5 * HOUR + 1800


def test_closed_packing_house_makes_an_early_deadline_unreachable(kit):
    # without the rule the 02:00 slot leaves 02:30 and arrives 04:30, in time for 05:00
    case, supplies = house_case(kit, deadline_h=5)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    assert {u.order_id: u.reason for u in result.unserved} == {"O1": Reason.NO_ITINERARY_IN_TIME}
    assert "by its deadline 05:00 12 Jun" in result.unserved[0].detail  # clock times for people


def test_checker_reports_loading_at_a_closed_packing_house(kit):
    case, supplies = house_case(kit, deadline_h=8)
    result = consolidate(case, supplies, params=kit.fast)
    (ship,) = result.shipments
    early = replace(ship, cutoff=2 * HOUR, departure=2 * HOUR + 1800, arrival=4 * HOUR + 1800)
    route = replace(result.itineraries["O1"], delivered=early.arrival)
    broken = replace(result, shipments=[early], itineraries={"O1": route})
    problems = check_result(case, supplies, broken, params=kit.fast)
    assert any("loaded 02:00-02:30 12 Jun while ph is closed" in p for p in problems), problems


def treatment_case(kit, deadline_h):
    # irradiation 06:00-22:00, 2 h a batch; fruit ready at 19:30 reaches the
    # centre at 21:00 earliest, too late for a batch ending by 22:00
    lanes = [
        kit.lane("ph-irr", "ph", "irr", transit_h=1, per_unit=100_000),
        kit.lane("irr-han", "irr", "han", transit_h=1, per_unit=50_000),
        kit.lane("han-lax", "han", "lax", mode=Mode.AIR, transit_h=18, temp=6, per_kg=50_000,
                 departures=((34, 32), (58, 56))),
    ]
    orders = [kit.order("US1", kg=20, hub="lax", market="US", deadline_h=deadline_h)]
    return kit.case(lanes, orders), [kit.supply(at_h=19.5)]


def test_treatment_ends_before_the_facility_closes(kit):
    case, supplies = treatment_case(kit, deadline_h=80)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    (step,) = [t for s in result.shipments for t in s.treatments]
    # the batch lies within one day's 06:00-22:00 (the fruit keeps best in the
    # packing house's cold store, so it is treated as late as the flight allows)
    day, start = divmod(step.start, DAY)
    assert start >= 6 * HOUR and start + 2 * HOUR <= 22 * HOUR and step.end == step.start + 2 * HOUR
    assert day >= 1
    flight = next(s for s in result.shipments if s.mode == "air")
    assert flight.departure == 58 * HOUR


def test_treatment_past_closing_would_catch_the_earlier_flight(kit):
    # a batch 21:00-23:00 would reach the 10:00 flight on the 13th (cut-off 08:00):
    # with the rule the fruit reaches Noi Bai at 09:00 and the deadline is lost
    case, supplies = treatment_case(kit, deadline_h=60)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    assert {u.order_id: u.reason for u in result.unserved} == {"US1": Reason.NO_ITINERARY_IN_TIME}


def test_checker_reports_a_treatment_past_closing(kit):
    case, supplies = treatment_case(kit, deadline_h=80)
    result = consolidate(case, supplies, params=kit.fast)
    ship = next(s for s in result.shipments if s.treatments)
    step = replace(ship.treatments[0], start=21 * HOUR, end=23 * HOUR)
    broken = replace(result, shipments=[replace(ship, treatments=(step,)) if s is ship else s
                                        for s in result.shipments])
    problems = check_result(case, supplies, broken, params=kit.fast)
    assert any("irradiation 21:00-23:00 12 Jun at irr outside its opening hours" in p
               for p in problems), problems


def test_checker_reports_a_treatment_step_naming_an_order_not_on_board(kit):
    """A step's orders are those the shipment carries: an edited plan whose
    step names another order (here US2, on no manifest) is refused."""
    case, supplies = treatment_case(kit, deadline_h=80)
    result = consolidate(case, supplies, params=kit.fast)
    ship = next(s for s in result.shipments if s.treatments)
    step = replace(ship.treatments[0], order_ids=(*ship.treatments[0].order_ids, "US2"))
    broken = replace(result, shipments=[replace(ship, treatments=(step,)) if s is ship else s
                                        for s in result.shipments])
    problems = check_result(case, supplies, broken, params=kit.fast)
    assert f"shipment {ship.id}: its irradiation step at irr names US2, not on its manifest" in problems, problems
    assert check_result(case, supplies, result, params=kit.fast) == []
