"""Quick soak and property tests of the plan_day guarantee on the
hand-written second region (data/son-la): work-bounded plans (solution and
node limits, so the same on any machine) that ``planner check`` accepts,
with every lot and order accounted for. The 1-30 s x seeds x busy-CPU
matrix is benchmarks/plan_soak.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.assembly import DailyPlan, PlanParams, plan_day
from planner.assembly.check import check_plan
from planner.domain import Case
from planner.io import read_case

SON_LA = Path(__file__).resolve().parents[2] / "data" / "son-la"


def _params(solutions: int = 20) -> PlanParams:
    return PlanParams.from_dict({"time_limit_s": 60, "routing": {"solution_limit": solutions},
                                 "consolidation": {"node_limit": 50}})


@pytest.fixture(scope="module")
def son_la() -> Case:
    return read_case(SON_LA)


def _accounted(plan: DailyPlan) -> None:
    doc = plan.to_json()
    lots = [d["lot_id"] for d in doc["deliveries"]] + [u["lot_id"] for u in doc["unassigned_lots"]]
    assert sorted(lots) == sorted(lot.id for lot in plan.case.lots)
    orders = [o["order_id"] for o in doc["orders"]] + [u["order_id"] for u in doc["unserved_orders"]]
    assert sorted(orders) == sorted(o.id for o in plan.case.orders)
    assert all(u["reason"] and u["detail"] for u in doc["unassigned_lots"] + doc["unserved_orders"])


@pytest.mark.parametrize("seed", [1, 2])
def test_son_la_plans_pass_their_check(son_la: Case, seed: int) -> None:
    plan = plan_day(son_la, _params(), seed=seed)
    assert check_plan(son_la, plan.to_json()).violations == []
    assert plan.kpis["plan_check"]["violations"] == 0
    _accounted(plan)
    reasons = {u.lot_id: u.reason.value for u in plan.routing.unassigned}
    assert reasons.get("SL-019") == "no_vehicle_large_enough"  # 4,200 kg, largest vehicle 3,500 kg
    assert reasons.get("SL-022") == "outside_shifts"  # ready 17:40, every shift over by 18:00
    unserved = {u.order_id: u.reason.value for u in plan.consolidation.unserved}
    assert unserved.get("B2B-US-03") == "market_rule"  # Florida


def test_son_la_same_seed_same_plan(son_la: Case) -> None:
    a = plan_day(son_la, _params(5), seed=4).to_json()
    b = plan_day(son_la, _params(5), seed=4).to_json()
    for doc in (a, b):
        doc["summary"].pop("seconds", None)
        doc["summary"].pop("consolidation_seconds", None)
    assert a["routes"] == b["routes"] and a["orders"] == b["orders"] and a["unserved_orders"] == b["unserved_orders"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_part_of_the_day_gives_a_plan_that_passes_check(son_la: Case, data: st.DataObject) -> None:
    """Property: whichever lots are harvested and whichever orders placed,
    the plan returned passes its check and accounts for everything."""
    lots = data.draw(st.lists(st.sampled_from(son_la.lots), min_size=1, max_size=15, unique_by=lambda x: x.id))
    orders = data.draw(st.lists(st.sampled_from(son_la.orders), min_size=0, max_size=30, unique_by=lambda x: x.id))
    case = son_la.replace(lots=tuple(lots), orders=tuple(orders))
    plan = plan_day(case, _params(5), seed=data.draw(st.integers(0, 50)))
    assert check_plan(case, plan.to_json()).violations == []
    _accounted(plan)


def test_a_part_of_the_embedded_day_passes_its_check() -> None:
    """The embedded Luc Ngan case (its first 40 lots and 400 orders, to keep
    the test short; the whole day is in benchmarks/plan_soak.py)."""
    full = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    case = full.replace(lots=full.lots[:40], orders=full.orders[:400])
    plan = plan_day(case, _params(10), seed=1)
    assert check_plan(case, plan.to_json()).violations == []
    _accounted(plan)
    assert plan.routing.deliveries and plan.consolidation.itineraries
