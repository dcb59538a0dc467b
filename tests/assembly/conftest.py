from __future__ import annotations

import pytest

from planner.assembly import DailyPlan, PlanParams, plan_day
from planner.domain import Case


@pytest.fixture(scope="module")
def tiny_plan(tiny_case: Case) -> DailyPlan:
    return plan_day(tiny_case, PlanParams(time_limit_s=4), seed=3)
