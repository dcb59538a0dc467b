from __future__ import annotations

import dataclasses

import pytest

from planner.assembly import DailyPlan, PlanParams, plan_day
from planner.domain import Case


@pytest.fixture(scope="module")
def tiny_plan(tiny_case: Case) -> DailyPlan:
    return plan_day(tiny_case, PlanParams(time_limit_s=4), seed=3)


@pytest.fixture
def with_house():  # type: ignore[no-untyped-def]
    """``with_house(case, **changes)``: the case with packing house ph-chu changed."""
    def change(case: Case, **changes: object) -> Case:
        sites = tuple(dataclasses.replace(s, **changes) if s.id == "ph-chu" else s  # type: ignore[arg-type]
                      for s in case.sites)
        return case.replace(sites=sites)

    return change
