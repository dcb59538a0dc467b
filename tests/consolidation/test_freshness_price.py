"""Shelf life has a price: the fresher of two equal-cost plans wins, the
shelf life a plan spends is reported in kg-days and money, and priorities
are honoured under shortage with their own reason."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.consolidation import ConsolidationParams, Reason, check_result, consolidate
from planner.consolidation.shelf_value import shelf_life_values
from planner.domain import Mode, Priority
from planner.domain.units import DAY, HOUR


def test_value_is_derived_from_what_orders_pay(kit):
    case = kit.case([], [kit.order("A", kg=10, value=100_000), kit.order("B", kg=30, value=700_000)])
    # 800,000 VND for 40 kg = 20,000 VND/kg, over 25 days of reference shelf life
    assert shelf_life_values(case) == {"lychee": pytest.approx(800.0)}
    stated = case.replace(products=(replace(case.products[0], shelf_life_value_per_kg_day=123.0),))
    assert shelf_life_values(stated, weight=2.0) == {"lychee": 246.0}


def test_shelf_life_spent_is_reported_in_kg_days_and_money(kit):
    # available 06:00, the truck leaves 10:00 (4 h stored at 5 C, rate 1), rides 2 h at 4 C
    lanes = [kit.lane("ph-hub", "ph", "hub", transit_h=2, temp=4, per_unit=100_000,
                      departures=((10, 8),))]
    case = kit.case(lanes, [kit.order("O1", kg=10, value=100_000)])
    result = consolidate(case, [kit.supply(at_h=6)], params=kit.fast)
    spent_s = 4 * HOUR + 2 * HOUR * 3.3 ** (-0.1)
    assert result.shelf_life_used_kg_days == pytest.approx(10 * spent_s / DAY, rel=1e-9)
    # 100,000 VND for 10 kg over 25 days: 400 VND per kg and day
    assert result.shelf_life_cost == pytest.approx(400 * 10 * spent_s / DAY, rel=1e-9)
    assert result.objective == pytest.approx(result.cost + result.shelf_life_cost)


def noi_bai(kit):
    # two equal flights to LAX, tonight and tomorrow night: fruit irradiated in
    # the day can take either; waiting a day at the airport costs shelf life
    lanes = [
        kit.lane("ph-irr", "ph", "irr", transit_h=1, per_unit=100_000),
        kit.lane("irr-han", "irr", "han", transit_h=1, per_unit=50_000),
        kit.lane("han-lax", "han", "lax", mode=Mode.AIR, transit_h=18, temp=6, per_kg=50_000,
                 departures=((23, 20), (47, 44))),
    ]
    orders = [kit.order("US1", kg=20, hub="lax", market="US", deadline_h=80)]
    return kit.case(lanes, orders), [kit.supply(at_h=6)]


def flight(result):
    return next(s.departure for s in result.shipments if s.mode == "air")


def test_the_fresher_of_two_equal_cost_plans_wins(kit):
    case, supplies = noi_bai(kit)
    params = ConsolidationParams(time_limit_s=5, relative_gap=0.0, handling_cost_per_kg=0.0)
    priced = consolidate(case, supplies, params=params)
    assert check_result(case, supplies, priced, params=params) == []
    assert flight(priced) == 23 * HOUR
    # without the price the first-expired-first-out tie-break ships the least
    # fresh fruit it can: tomorrow's flight, the fruit a day older at delivery
    unpriced = consolidate(case, supplies, params=replace(params, freshness_weight=0.0))
    assert flight(unpriced) == 47 * HOUR
    assert unpriced.cost == pytest.approx(priced.cost)
    assert unpriced.shelf_life_used_kg_days > priced.shelf_life_used_kg_days + 20 * 0.9


def shortage(kit, priority):
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    orders = [replace(kit.order("contract", kg=20, value=100_000), priority=priority),
              kit.order("livestream", kg=20, value=900_000)]
    return kit.case(lanes, orders), [kit.supply(kg=30)]


def test_priority_is_honoured_under_shortage(kit):
    case, supplies = shortage(kit, Priority.CONTRACT)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    assert set(result.itineraries) == {"contract"}
    (u,) = result.unserved
    assert u.reason is Reason.PRIORITY
    assert "went to 1 contract order(s) (20 kg) of higher priority" in u.detail
    assert u.detail.endswith("(20 kg to hub, due 06:00 13 Jun)")


def test_without_priority_the_more_valuable_order_is_served(kit):
    case, supplies = shortage(kit, Priority.STANDARD)
    result = consolidate(case, supplies, params=kit.fast)
    assert set(result.itineraries) == {"livestream"}
    assert {u.order_id: u.reason for u in result.unserved} == {"contract": Reason.NO_SUPPLY}


def test_priority_and_shelf_value_are_read_from_the_case_files(tiny_case, tmp_path):
    from planner.exceptions import CaseError
    from planner.io import read_case, write_case

    orders = (replace(tiny_case.orders[0], priority=Priority.CONTRACT), *tiny_case.orders[1:])
    products = (replace(tiny_case.products[0], shelf_life_value_per_kg_day=1234.0),)
    write_case(tiny_case.replace(orders=orders, products=products), tmp_path / "case")
    back = read_case(tmp_path / "case")
    assert [o.priority for o in back.orders] == [Priority.CONTRACT, Priority.STANDARD]
    assert back.products[0].shelf_life_value_per_kg_day == 1234.0
    text = (tmp_path / "case" / "orders.csv").read_text(encoding="utf-8")
    (tmp_path / "case" / "orders.csv").write_text(text.replace(",contract", ",urgent"), encoding="utf-8")
    with pytest.raises(CaseError, match="priority: must be one of standard, export, contract"):
        read_case(tmp_path / "case")
