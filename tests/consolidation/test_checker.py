"""The checker finds broken plans (so a clean bill from it means something)."""

from __future__ import annotations

from dataclasses import replace

from planner.consolidation import Reason, UnservedOrder, check_result, consolidate


def planned(kit):
    lanes = [kit.lane("ph-hub", "ph", "hub", unit_kg=100, per_unit=100_000,
                      departures=((10, 8), (20, 18)))]
    orders = [kit.order("A", kg=60), kit.order("B", kg=30)]
    case = kit.case(lanes, orders)
    supplies = [kit.supply(kg=200)]
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    return case, supplies, result


def test_overfull_unit_is_reported(kit):
    case, supplies, result = planned(kit)
    ship = result.shipments[0]
    bad_unit = replace(ship.units[0], kg=150.0)
    broken = replace(result, shipments=[replace(ship, units=(bad_unit, *ship.units[1:]))])
    problems = check_result(case, supplies, broken, params=kit.fast)
    assert any("over capacity" in p for p in problems)


def test_order_missing_or_twice_is_reported(kit):
    case, supplies, result = planned(kit)
    dropped = replace(result, itineraries={k: v for k, v in result.itineraries.items() if k != "A"})
    assert "order A: neither served nor unserved" in check_result(case, supplies, dropped)
    twice = replace(result, unserved=[UnservedOrder("A", Reason.CAPACITY, "x")])
    assert "order A: both served and unserved" in check_result(case, supplies, twice)


def test_late_supply_and_deadline_are_reported(kit):
    case, supplies, result = planned(kit)
    late = [replace(supplies[0], available_at=23 * 3600)]
    assert any("by the cut-off" in p for p in check_result(case, late, result, params=kit.fast))
    early = case.replace(orders=tuple(replace(o, deadline=2 * 3600) for o in case.orders))
    assert any("after its deadline" in p for p in check_result(early, supplies, result, params=kit.fast))


def test_shelf_life_shortfall_is_reported(kit):
    case, supplies, result = planned(kit)
    tired = [replace(supplies[0], shelf_life_left_s=5 * 86_400)]
    assert any("of shelf life left" in p for p in check_result(case, tired, result,
                                                                    params=kit.fast))
