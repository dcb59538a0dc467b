from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from planner.assembly import DailyPlan
from planner.assembly.check import check_plan, check_plan_file
from planner.domain import Case
from planner.exceptions import PlanCheckError


def test_a_fresh_plan_has_no_violations(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    report = check_plan(tiny_case, tiny_plan.to_json())
    assert report.ok, report.violations
    assert report.totals["cost_total"] == pytest.approx(tiny_plan.kpis["cost_total"], abs=1)
    assert report.totals["km"] == pytest.approx(tiny_plan.kpis["km"], abs=0.1)


def _route_with(doc: dict, lot: str) -> dict:
    return next(r for r in doc["routes"] if any(lot in s["lot_ids"] for s in r["stops"]))


def test_a_late_start_breaks_the_window_and_the_freshness_budget(
    tiny_plan: DailyPlan, tiny_case: Case
) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    route = _route_with(doc, "L1")
    route["stops"][0]["departure"] = "2025-06-12T11:30+07:00"  # L1 must be picked by 10:00
    report = check_plan(tiny_case, doc)
    text = "\n".join(report.violations)
    assert "L1: picked up at" in text
    assert "L1: freshness budget exceeded" in text


def test_moving_a_lot_onto_a_motorbike_overloads_it(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    donor, taker = _route_with(doc, "L2"), _route_with(doc, "L1")
    if donor is taker:
        pytest.skip("both lots ride the same vehicle in this plan")
    donor["stops"] = [s for s in donor["stops"] if "L2" not in s["lot_ids"]]
    pickup = next(s for s in donor["stops"] if s["kind"] == "start") | {
        "site": "farm-b", "kind": "pickup", "lot_ids": ["L2"]}
    stops = taker["stops"]
    drop = next(i for i, s in enumerate(stops) if s["kind"] == "delivery")
    stops.insert(drop, pickup)
    stops[drop + 1]["lot_ids"].append("L2")
    report = check_plan(tiny_case, doc)
    assert any("capacity" in v for v in report.violations), report.violations


def test_an_unknown_lot_is_reported(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    doc["routes"][0]["stops"][1]["lot_ids"] = ["L99"]
    report = check_plan(tiny_case, doc)
    assert any("unknown lot L99" in v for v in report.violations)


def test_an_unreadable_or_malformed_plan_is_a_plan_check_error(tmp_path: Path, tiny_case: Case) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{not json")
    with pytest.raises(PlanCheckError, match="cannot read a JSON plan"):
        check_plan_file(bad, tiny_case)
    bad.write_text(json.dumps({"schema_version": "1.0"}))
    with pytest.raises(PlanCheckError, match="does not match plan schema 1.0"):
        check_plan_file(bad, tiny_case)
    with pytest.raises(PlanCheckError, match="does not match plan schema 1.0"):
        check_plan(tiny_case, {"routes": []})
