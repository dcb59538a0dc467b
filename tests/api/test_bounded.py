"""Bounded work: the year-9999 order is refused at ingest; the engine alone,
given such an order, needs no more memory than the day's plan; and a plan job
that grows or computes without end is stopped by its caps and ends failed
with a clear reason while the worker lives on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from apitest import fill, order, wait_for
from planfns import busy_plan, hungry_plan, quick_plan

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"

# The engine alone, in a child process under a 3 GB address-space cap (the
# machine must survive the code before the fix), on the tiny case with and
# without an order due in year 9999: peak memory and whether it planned.
ENGINE = """
import dataclasses, json, resource, sys
from planner import PlanParams, plan_day
from planner.domain.units import parse_datetime, to_seconds
from planner.io import read_case
case = read_case(sys.argv[1])
far = to_seconds(parse_datetime("9999-12-31T23:59", case.settings.timezone), case.settings.epoch)
early = to_seconds(parse_datetime("0001-01-01T00:00", case.settings.timezone), case.settings.epoch)
o, lot = case.orders[0], case.lots[0]
if sys.argv[2] == "deadline":
    case = case.replace(orders=case.orders + (dataclasses.replace(o, id="POISON", deadline=far),))
elif sys.argv[2] == "ordered":
    case = case.replace(orders=case.orders + (dataclasses.replace(o, id="POISON", ordered=early),))
elif sys.argv[2] == "latest_pickup":
    case = case.replace(lots=case.lots + (dataclasses.replace(lot, id="POISON", latest_pickup=far),))
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
try:
    plan = plan_day(case, PlanParams(time_limit_s=1), seed=0)
    ok = True
except MemoryError:
    ok = False
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"ok": ok, "peak_mb": peak}))
"""


def _engine(kind: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", ENGINE, str(TINY), kind], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def day_plan() -> dict[str, object]:
    return _engine("base")


@pytest.mark.parametrize("poison", ["deadline", "ordered", "latest_pickup"])
def test_the_engine_alone_needs_no_more_memory_for_a_year_9999_or_year_1_input(day_plan, poison):
    found = _engine(poison)
    assert day_plan["ok"] and found["ok"], (day_plan, found)
    assert float(found["peak_mb"]) <= float(day_plan["peak_mb"]) * 1.2 + 20, (day_plan, found)  # type: ignore[arg-type]


def test_the_year_9999_order_of_the_issue_is_refused_at_ingest(api):
    r = api.client.post("/v1/orders", json={"orders": [order("LS-9999", deadline="9999-12-31T23:59")]},
                        headers=api.auth("viettel-post"))
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0].startswith("orders row 1, deadline: must be within 366 days")


def test_a_job_past_its_memory_cap_fails_with_the_reason_and_the_worker_goes_on(make_api):
    api = make_api(plan_function=hungry_plan, plan_memory_mb=600)
    job = wait_for(api, api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"], timeout=60)
    assert (job["status"], job["error_code"]) == ("failed", "memory_limit"), job
    assert job["error"] == "the plan needed more than its memory cap (600 MB) and was stopped"
    assert job["peak_memory_mb"] is not None
    api.state.runner.plan_function = quick_plan  # the same worker runs the next job
    fill(api)
    nxt = wait_for(api, api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"], timeout=60)
    assert nxt["status"] == "succeeded", nxt
    assert nxt["peak_memory_mb"] > 0


def test_a_job_past_its_time_cap_fails_with_the_reason(make_api):
    api = make_api(plan_function=busy_plan, plan_time_limit_s=1, plan_grace_s=2)
    job = wait_for(api, api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"], timeout=60)
    assert (job["status"], job["error_code"]) == ("failed", "time_limit"), job
    assert job["error"] in {"the plan's process used more CPU time than its cap",
                            "the plan ran past its wall-clock limit (12 s) and was stopped"}, job
