from __future__ import annotations

from dataclasses import replace

from planner.assembly import PlanParams, plan_day
from planner.domain import Case
from planner.routing import Reason, RoutingParams, route_pickups


def _no_fleet(case: Case) -> Case:
    return case.replace(vehicle_types=tuple(replace(v, count=0) for v in case.vehicle_types))


def test_a_case_without_vehicles_leaves_every_lot_unassigned(tiny_case: Case) -> None:
    result = route_pickups(_no_fleet(tiny_case), params=RoutingParams(time_limit_s=2))
    assert result.routes == [] and result.deliveries == []
    assert [u.lot_id for u in result.unassigned] == [lot.id for lot in tiny_case.lots]
    assert {u.reason for u in result.unassigned} == {Reason.FLEET_EXHAUSTED}


def test_a_plan_without_vehicles_serves_nothing_and_says_why(tiny_case: Case) -> None:
    plan = plan_day(_no_fleet(tiny_case), PlanParams(time_limit_s=2))
    assert plan.kpis["orders_served"] == 0 and plan.kpis["cost_per_kg"] is None
    assert set(plan.kpis["kg_unserved_by_reason"]) <= {"no_supply", "market_rule", "cost"}
    assert "orders served 0/2" in plan.summary()
