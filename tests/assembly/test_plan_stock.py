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
