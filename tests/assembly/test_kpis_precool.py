"""The plan's KPIs state harvest to pre-cooling as the pickup plan has it."""

from __future__ import annotations

import statistics

import pytest

from planner.assembly import DailyPlan
from planner.domain import Case
from planner.domain.shelf_value import downgrade_losses


def test_precool_kpis_recount_from_the_deliveries(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    k, routing = tiny_plan.kpis, tiny_plan.routing
    lots = {lot.id: lot for lot in tiny_case.lots}
    products = tiny_case.product_by_id
    late = [d for d in routing.deliveries
            if products[lots[d.lot_id].product].precool_budget_s - d.budget_left_s
            > products[lots[d.lot_id].product].precool_target_budget_s + 1e-6]
    hours = {d.lot_id: (d.delivered - lots[d.lot_id].ready) / 3600 for d in routing.deliveries}
    kg = {d.lot_id: d.kg for d in routing.deliveries}
    assert k["pickup_precool_late_lots"] == len(late)
    assert k["pickup_precool_late_kg"] == pytest.approx(sum(d.kg for d in late), abs=0.1)
    loss = downgrade_losses(tiny_case)
    assert k["pickup_precool_late_cost"] == pytest.approx(
        sum(d.kg * loss[lots[d.lot_id].product] for d in late), abs=1)
    assert k["pickup_precool_hours_median"] == pytest.approx(statistics.median(hours.values()), abs=0.01)
    assert k["pickup_precool_hours_mean"] == pytest.approx(
        sum(hours[i] * kg[i] for i in hours) / sum(kg.values()), abs=0.01)
    assert k["pickup_day_cost"] == pytest.approx(
        routing.total_cost + routing.shelf_life_cost + k["pickup_precool_late_cost"], abs=2)


def test_a_target_no_plan_can_keep_shows_every_lot_late(tiny_case: Case) -> None:
    from dataclasses import replace

    from planner.assembly import PlanParams, plan_day

    case = tiny_case.replace(products=tuple(replace(p, precool_target_s=1) for p in tiny_case.products))
    plan = plan_day(case, PlanParams(time_limit_s=4), seed=3)
    k, routing = plan.kpis, plan.routing
    assert routing.deliveries and k["pickup_precool_late_lots"] == len(routing.deliveries)
    loss = downgrade_losses(case)
    lots = {lot.id: lot for lot in case.lots}
    lost = sum(d.kg * loss[lots[d.lot_id].product] for d in routing.deliveries)
    assert lost > 0 and k["pickup_precool_late_cost"] == pytest.approx(lost, abs=1)
    assert k["pickup_day_cost"] == pytest.approx(
        routing.total_cost + routing.shelf_life_cost + k["pickup_precool_late_cost"], abs=2)
