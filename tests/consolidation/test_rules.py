"""Each rule on a tiny hand-checked case; every plan goes through the checker."""

from __future__ import annotations

from planner.consolidation import Reason, check_result, consolidate
from planner.domain import Mode
from planner.domain.units import HOUR


def solve(kit, lanes, orders, supplies):
    case = kit.case(lanes, orders)
    result = consolidate(case, supplies, params=kit.fast, seed=0)
    assert check_result(case, supplies, result, params=kit.fast) == []
    return result


def reasons(result):
    return {u.order_id: u.reason for u in result.unserved}


def test_cutoff_takes_the_first_departure_after_supply_is_ready(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", departures=((10, 8), (20, 18)), per_unit=100_000)]
    # supply ready at 09:00 misses the 08:00 cut-off of the 10:00 departure
    result = solve(kit, lanes, [kit.order("O1", deadline_h=30)], [kit.supply(at_h=9)])
    (ship,) = result.shipments
    assert ship.departure == 20 * HOUR and ship.cutoff == 18 * HOUR
    assert result.itineraries["O1"].delivered == 22 * HOUR


def test_cutoff_missed_leaves_no_itinerary_in_time(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", departures=((10, 8), (20, 18)), per_unit=100_000)]
    result = solve(kit, lanes, [kit.order("O1", deadline_h=21)], [kit.supply(at_h=9)])
    assert reasons(result) == {"O1": Reason.NO_ITINERARY_IN_TIME}
    assert result.shipments == []


def test_capacity_serves_the_more_valuable_order(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", departures=((10, 8),), unit_kg=100, units=1,
                      per_unit=100_000)]
    orders = [kit.order("cheap", kg=60, value=1_000_000), kit.order("dear", kg=60, value=5_000_000)]
    result = solve(kit, lanes, orders, [kit.supply()])
    assert set(result.itineraries) == {"dear"}
    assert reasons(result) == {"cheap": Reason.CAPACITY}
    (ship,) = result.shipments
    assert [u.kg for u in ship.units] == [60]


def export_lanes(kit):
    return [
        kit.lane("ph-irr", "ph", "irr", transit_h=1, per_unit=100_000),
        kit.lane("irr-han", "irr", "han", transit_h=1, per_unit=50_000),
        kit.lane("han-lax", "han", "lax", mode=Mode.AIR, transit_h=18, temp=6, per_kg=50_000,
                 departures=((23, 20),)),
    ]


def test_treatment_capacity_per_day(kit):
    # 100 kg a day at the irradiation centre and one flight: one of two 60 kg orders flies
    orders = [kit.order(f"US{k}", kg=60, hub="lax", market="US", deadline_h=48, value=v)
              for k, v in ((1, 9_000_000), (2, 8_000_000))]
    result = solve(kit, export_lanes(kit), orders, [kit.supply()])
    assert set(result.itineraries) == {"US1"}
    assert reasons(result) == {"US2": Reason.TREATMENT_CAPACITY}
    steps = [t for s in result.shipments for t in s.treatments]
    assert [(t.facility, t.kg, t.order_ids) for t in steps] == [("irr", 60, ("US1",))]
    assert steps[0].end - steps[0].start == 2 * HOUR
    assert result.treatment_cost == 60 * 1000


def test_market_rules_region_and_certification(kit):
    orders = [
        kit.order("florida", kg=20, hub="lax", market="US", deadline_h=48, region="FL"),
        kit.order("no-cert", kg=20, hub="lax", market="US", deadline_h=48, region="CA"),
        kit.order("home", kg=20, deadline_h=30),
    ]
    lanes = [*export_lanes(kit), kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    result = solve(kit, lanes, orders, [kit.supply(certs=frozenset({"VietGAP"}))])
    assert reasons(result) == {"florida": Reason.MARKET_RULE, "no-cert": Reason.MARKET_RULE}
    assert set(result.itineraries) == {"home"}


def shelf_lanes(kit):
    return [
        kit.lane("ph-far-truck", "ph", "far", transit_h=40, per_unit=100_000),
        kit.lane("ph-han", "ph", "han", transit_h=1, per_unit=50_000),
        kit.lane("han-far-air", "han", "far", mode=Mode.AIR, transit_h=2, temp=18, per_kg=20_000,
                 departures=((12, 10), (36, 34))),
    ]


def test_shelf_life_forces_air_instead_of_truck(kit):
    # 7 days left; 40 h by truck at 4 C spends about 1.5 days, air about 0.7
    supplies = [kit.supply(days_left=7)]
    relaxed = solve(kit, shelf_lanes(kit), [kit.order("O1", hub="far", deadline_h=60)], supplies)
    assert [s.mode for s in relaxed.shipments] == ["reefer_truck"]
    strict = solve(kit, shelf_lanes(kit),
                   [kit.order("O1", hub="far", deadline_h=60, min_days=6)], supplies)
    assert sorted(s.mode for s in strict.shipments) == ["air", "reefer_truck"]
    assert strict.itineraries["O1"].shelf_life_left_s >= 6 * 86_400
    assert strict.cost > relaxed.cost


def test_shelf_life_too_short_for_any_itinerary(kit):
    result = solve(kit, shelf_lanes(kit), [kit.order("O1", hub="far", deadline_h=60, min_days=6.9)],
                   [kit.supply(days_left=7)])
    assert reasons(result) == {"O1": Reason.SHELF_LIFE}


def test_minimum_charge_makes_two_small_orders_share_a_unit(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", per_kg=1000, min_charge=1_000_000)]
    orders = [kit.order("early", kg=10, deadline_h=12), kit.order("late", kg=10, deadline_h=30)]
    result = solve(kit, lanes, orders, [kit.supply()])
    (ship,) = result.shipments
    assert ship.order_ids == ("early", "late") or set(ship.order_ids) == {"early", "late"}
    assert len(ship.units) == 1 and ship.units[0].kg == 20
    assert result.freight_cost == 1_000_000


def test_supply_shortfall_goes_to_value_and_fefo(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    supplies = [kit.supply("fresh", kg=30, days_left=20), kit.supply("older", kg=30, days_left=10)]
    orders = [kit.order("low", kg=40, value=100_000), kit.order("high", kg=40, value=900_000)]
    result = solve(kit, lanes, orders, supplies)
    assert reasons(result) == {"low": Reason.NO_SUPPLY}
    lines = [x for s in result.shipments for x in s.manifest]
    assert {(x.supply_id, x.kg) for x in lines} == {("older", 30), ("fresh", 10)}


def test_grade_without_supply_is_no_supply(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1")])
    b_only = [kit.supply().__class__("B1", "ph", "lychee", "B", 100, 0, 20 * 86_400)]
    result = consolidate(case, b_only, params=kit.fast)
    assert reasons(result) == {"O1": Reason.NO_SUPPLY}
    assert check_result(case, b_only, result, params=kit.fast) == []
