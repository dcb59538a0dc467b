"""plan_day with packed stock already at the packing houses (``stock=``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.assembly import PlanParams, plan_day
from planner.consolidation import Supply
from planner.domain import Case
from planner.domain.units import DAY

PARAMS = PlanParams.from_dict({"time_limit_s": 60, "routing": {"solution_limit": 5},
                               "consolidation": {"node_limit": 20}})


def _stock(site: str = "ph-chu", kg: float = 500.0) -> Supply:
    return Supply(id="stock-1", site=site, product="lychee", grade="A", kg=kg, available_at=0,
                  shelf_life_left_s=20 * DAY, certifications=frozenset({"VietGAP", "growing-area-code"}))


def test_stock_alone_serves_the_orders(tiny_case: Case) -> None:
    """No lot is harvested: the orders are served from yesterday's packed fruit."""
    plan = plan_day(tiny_case.replace(lots=()), PARAMS, seed=1, stock=[_stock()])
    assert plan.supplies == (_stock(),)
    assert plan.consolidation.itineraries  # something shipped, all of it from the stock
    assert {sid for it in plan.consolidation.itineraries.values() for sid in it.supplies} == {"stock-1"}
    without = plan_day(tiny_case.replace(lots=()), PARAMS, seed=1)
    assert not without.consolidation.itineraries


def test_stock_must_be_at_a_packing_house(tiny_case: Case) -> None:
    with pytest.raises(ValueError, match="stock stock-1: site must be a packing house of the case, got 'hub-hn'"):
        plan_day(tiny_case, PARAMS, seed=1, stock=[_stock(site="hub-hn")])


@pytest.mark.parametrize("cooled", [True, False])
def test_stock_round_trips_through_plan_json_and_its_check(tiny_case: Case, cooled: bool) -> None:
    """``planner check`` reads the ``stock`` section, ``cooled`` included
    (fruit waiting at ambient ages faster): the written plan passes it."""
    import json

    from planner.assembly.check import check_plan
    from planner.assembly.plan_reader import stock_supplies

    stock = replace(_stock(), cooled=cooled)
    plan = plan_day(tiny_case, PARAMS, seed=1, stock=[stock])
    doc = json.loads(json.dumps(plan.to_json()))
    assert doc["stock"][0]["cooled"] is cooled
    assert stock_supplies(tiny_case, doc) == [stock]
    report = check_plan(tiny_case, doc)
    assert report.violations == []


def test_a_cold_store_the_stock_fills_takes_out_enough_lots_in_one_round(tiny_plan, tiny_case: Case) -> None:
    """The check names an overflow of 500 kg at ph-chu; the day's lots there
    are L1 (150 kg) and L2 (400 kg): both must go in one round (one lot a
    round left a peak day over its six rounds)."""
    from planner.assembly.guarantee import attribute

    house = tiny_plan.routing.deliveries[0].packing_house
    text = f"{house}: 50,500.0 kg of pre-cooled fruit waiting in the cold store at 23:59 12/06 > cold_storage_kg 50,000"
    fix = attribute(tiny_plan, [text])
    assert sorted(fix.lots) == ["L1", "L2"] and not fix.unattributed
    assert {reason.value for reason, _ in fix.lots.values()} == {"packing_house_capacity"}
    small = text.replace("50,500.0", "50,100.0")  # 100 kg over: the least valuable lot by kg covers it
    assert len(attribute(tiny_plan, [small]).lots) == 1


def test_stock_beside_the_day_lots_overflowing_the_cold_store_is_a_checked_plan(tiny_case: Case) -> None:
    """ph-chu's cold store holds 600 kg; 300 kg of stock wait there from
    midnight and the day brings 550 kg: the plan takes lots out (reason
    packing_house_capacity) instead of failing, and passes its check."""
    sites = tuple(replace(s, cold_storage_kg=600.0) if s.id == "ph-chu" else s for s in tiny_case.sites)
    case = tiny_case.replace(sites=sites)
    plan = plan_day(case, PARAMS, seed=1, stock=[_stock(kg=300.0)])
    assert plan.kpis["plan_check"]["violations"] == 0
    out = {u.lot_id: u.reason.value for u in plan.routing.unassigned}
    assert out and set(out.values()) <= {"packing_house_capacity"}
