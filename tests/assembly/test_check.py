from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from planner.assembly import DailyPlan
from planner.assembly.check import check_plan, check_plan_file, check_routes
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
    with pytest.raises(PlanCheckError, match="does not match plan schema 1"):
        check_plan_file(bad, tiny_case)
    with pytest.raises(PlanCheckError, match="does not match plan schema 1"):
        check_plan(tiny_case, {"routes": []})


def test_a_delivery_shelf_life_off_by_more_than_a_minute_is_a_violation(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    doc["deliveries"][0]["shelf_life_left_days"] += 50 / 86400
    assert check_plan(tiny_case, doc).ok
    doc["deliveries"][0]["shelf_life_left_days"] += 20 / 86400
    report = check_plan(tiny_case, doc)
    lot = doc["deliveries"][0]["lot_id"]
    assert any(v.startswith(f"{lot}: reported shelf life") and "(+70 reference s)" in v
               for v in report.violations), report.violations


def test_stale_times_of_an_edit_are_notes_by_kind(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    route = _route_with(doc, "L1")
    route["stops"][0]["departure"] = "2025-06-12T03:00+07:00"  # leave 49 min early: waits for L1 at the farm
    report = check_plan(tiny_case, doc)
    kinds = report.notes_by_kind()
    assert "stop times recomputed" in kinds
    assert any("written 03:49 12 Jun" in n for n in kinds["stop times recomputed"])
    assert report.ok, report.violations  # leaving early breaks no rule


def test_check_routes_checks_a_changed_route_with_the_intake_of_the_others(tiny_plan: DailyPlan,
                                                                          tiny_case: Case) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    route = _route_with(doc, "L1")
    assert check_routes(tiny_case, doc, [route["vehicle_id"]]).ok
    route["stops"][0]["departure"] = "2025-06-12T11:30+07:00"
    report = check_routes(tiny_case, doc, [route["vehicle_id"]])
    assert any("L1: picked up at 11:" in v for v in report.violations), report.violations
    assert check_routes(tiny_case, doc, ["nobody#1"]).violations == ["nobody#1: no such route in the plan"]
    # the other route's lot lands in the same hour: with room for one lot only, the changed one overflows
    lots = {lot.id: lot.kg for lot in tiny_case.lots}
    doc = copy.deepcopy(tiny_plan.to_json())
    other = next(d for d in doc["deliveries"] if d["lot_id"] == "L2")
    mine = next(d for d in doc["deliveries"] if d["lot_id"] == "L1")
    other["delivered"] = mine["delivered"]
    small = tiny_case.replace(sites=tuple(
        dataclasses.replace(s, intake_kg_per_hour=max(lots.values())) if s.id == "ph-chu" else s
        for s in tiny_case.sites))
    report = check_routes(small, doc, [route["vehicle_id"]])
    assert any(v.startswith("ph-chu: intake") for v in report.violations), report.violations
