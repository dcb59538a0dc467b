"""One conversion from a lot at a packing house to supply, with figures
computed by hand, and fruit at a house without pre-cooling aging at ambient
until its freight leaves."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.consolidation import (
    check_result,
    consolidate,
    supplies_from_lots,
    supply_at_house,
    supply_from_arrival,
)
from planner.consolidation.supply import ambient_spent
from planner.domain.units import DAY, HOUR
from planner.routing.freshness import FreshnessTable

R30, R25 = 3.3 ** 2.5, 3.3 ** 2.0  # lychee at 30 C and 25 C, reference 5 C, Q10 3.3


def test_arrival_is_packed_at_ambient_then_precooled(tiny_case):
    s = supply_from_arrival(tiny_case, "L1", site="ph-chu", arrived=6 * HOUR,
                            shelf_life_left_s=20 * DAY, precooling_s=HOUR)
    assert (s.site, s.kg, s.grade, s.cooled) == ("ph-chu", 150, "A", True)
    assert s.available_at == 6 * HOUR + 600 + HOUR
    # 10 min of packing at 30 C, then an hour of pre-cooling at the reference rate
    assert s.shelf_life_left_s == int(20 * DAY - 600 * R30 - HOUR)
    assert "growing-area-code" in s.certifications
    with pytest.raises(ValueError, match="no such lot"):
        supply_from_arrival(tiny_case, "nope", site="ph-chu", arrived=0, shelf_life_left_s=1)


def evening_case(tiny_case):
    """25 C from 22:00 to midnight, 30 C otherwise; L1 harvested at 22:00 the
    evening before the planning day (a lot carried over)."""
    ambient = tuple(25.0 if h >= 22 else 30.0 for h in range(24))
    lots = tuple(replace(lot, ready=-2 * HOUR) if lot.id == "L1" else lot for lot in tiny_case.lots)
    return tiny_case.replace(settings=replace(tiny_case.settings, ambient_c=ambient), lots=lots)


def test_a_lot_carried_over_keeps_its_ageing_before_midnight(tiny_case):
    case = evening_case(tiny_case)
    by_id = {s.id: s for s in supplies_from_lots(case, pickup_delay_s=3 * HOUR, precooling_s=HOUR)}
    s = by_id["L1"]
    # 22:00-00:00 at 25 C and 00:00-01:00 at 30 C on the way, packing 01:00-01:10 at 30 C,
    # an hour of pre-cooling: available at 02:10
    spent = 2 * HOUR * R25 + HOUR * R30 + 600 * R30 + HOUR
    assert s.available_at == HOUR + 600 + HOUR
    assert s.shelf_life_left_s == int(25 * DAY - spent)


def test_ambient_ageing_agrees_with_the_router_to_the_minute(tiny_case):
    case = evening_case(tiny_case)
    table = FreshnessTable(case)
    for start, end in ((0, 600), (21 * HOUR + 1234, 23 * HOUR + 17), (4 * HOUR, 30 * HOUR + 59)):
        router = table.ambient("lychee").between(start, end)
        assert ambient_spent(case, "lychee", start, end) == pytest.approx(router, abs=60)


def no_precooling(case, site_id):
    sites = tuple(replace(s, precooling=False) if s.id == site_id else s for s in case.sites)
    return case.replace(sites=sites)


def test_a_house_without_precooling_gives_supply_that_waits_at_ambient(tiny_case):
    case = no_precooling(tiny_case, "ph-chu")
    lot = next(lot for lot in case.lots if lot.id == "L2")
    s = supply_at_house(case, lot, site="ph-chu", arrived=6 * HOUR, shelf_life_left_s=20 * DAY,
                        precool_s=HOUR)
    assert s is not None and not s.cooled
    assert s.available_at == 6 * HOUR + 600  # no pre-cooling step
    assert s.shelf_life_left_s == int(20 * DAY - 600 * R30)


def test_fruit_waiting_at_ambient_ages_until_its_freight_leaves(kit):
    # ambient 30 C all day: waiting 4 h at the house spends 4 h x 19.8 of reference life
    lanes = [kit.lane("ph-hub", "ph", "hub", transit_h=2, temp=4, per_unit=100_000,
                      departures=((10, 8), (34, 32)))]
    case = no_precooling(kit.case(lanes, [kit.order("O1", kg=10, deadline_h=40, min_days=5)]), "ph")
    warm = [replace(kit.supply(at_h=6, days_left=20), cooled=False)]
    result = consolidate(case, warm, params=kit.fast)
    assert check_result(case, warm, result, params=kit.fast) == []
    (ship,) = result.shipments
    # the next day's truck would find it 28 h x 19.8 = 23 days older: only 10:00 serves it
    assert ship.departure == 10 * HOUR
    left = 20 * DAY - 4 * HOUR * R30 - 2 * HOUR * 3.3 ** -0.1
    assert result.itineraries["O1"].shelf_life_left_s == pytest.approx(left, abs=2)
    # a checker counting the wait in a cold store would be a day and a half off
    cold = [replace(warm[0], cooled=True)]
    assert any("cold store" in p for p in check_result(case, cold, result, params=kit.fast))
