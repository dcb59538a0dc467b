"""Waits the router plans (a free intake slot) are written into the plan as
``service_after`` and honoured when the plan is checked; build_route times a
route the way the plan checker re-times it."""

from __future__ import annotations

from planner.assembly import PlanParams, plan_day
from planner.assembly.check import check_plan
from planner.domain.units import HOUR
from planner.routing import Reason, RoutingParams, check_result, route_pickups
from planner.routing.repair import without_lots

from .conftest import lot, make_case, packing_house, site, vehicle


def _intake_case():  # type: ignore[no-untyped-def]
    # 300 kg/h of intake; three 200 kg lots ready together, two trucks: one must wait for the next hour
    ph = packing_house(intake_kg_per_hour=300.0)
    lots = [lot(k, "f", 200, ready_h=4.5, latest_h=10) for k in "ABC"]
    return make_case([ph, site("f", 2.0)], [vehicle("truck", kg=1000, count=3, profile="truck")], lots)


def test_an_intake_wait_is_a_service_after_and_the_plan_passes_its_check() -> None:
    case = _intake_case()
    plan = plan_day(case, PlanParams(time_limit_s=3.0, routing={"solution_limit": 50}), seed=1)
    doc = plan.to_json()
    held = [s for r in doc["routes"] for s in r["stops"] if "service_after" in s]
    assert held, "the plan needs a planned wait to be a test of it"
    assert all(s["waiting_s"] > 0 for s in held if s["kind"] == "delivery")
    report = check_plan(case, doc)
    assert report.violations == []
    hours = sorted(d.delivered // HOUR for d in plan.routing.deliveries)
    assert len(set(hours)) == len(hours)  # one 200 kg lot per hour at 300 kg/h


def test_without_the_wait_the_check_finds_the_overflow() -> None:
    """The test above fails if service_after is dropped from the document."""
    case = _intake_case()
    plan = plan_day(case, PlanParams(time_limit_s=3.0, routing={"solution_limit": 50}), seed=1)
    doc = plan.to_json()
    for r in doc["routes"]:
        for s in r["stops"]:
            s.pop("service_after", None)
    assert any("intake" in v for v in check_plan(case, doc).violations)


def test_taking_a_lot_out_keeps_every_other_stop_at_its_time() -> None:
    case = _intake_case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=3.0, solution_limit=50), seed=1)
    assert len(result.deliveries) == 3
    gone = result.deliveries[0].lot_id
    after = without_lots(case, result, {gone: (Reason.FLEET_EXHAUSTED, "taken out by the test")})
    assert check_result(case, after) == []
    before = {d.lot_id: (d.picked_up, d.delivered, d.packing_house) for d in result.deliveries if d.lot_id != gone}
    assert {d.lot_id: (d.picked_up, d.delivered, d.packing_house) for d in after.deliveries} == before
    assert [u.lot_id for u in after.unassigned] == [gone]


def test_rebuilding_an_unchanged_plan_changes_nothing() -> None:
    case = _intake_case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=3.0, solution_limit=50), seed=1)
    assert without_lots(case, result, {}) is result
