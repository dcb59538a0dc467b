"""`planner check` prints violations first, then one line per kind of note,
then the recomputed totals; --all-notes lists every note."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from planner.assembly import PlanParams, plan_day, write_plan_json
from planner.cli.main import app

from ..conftest import DATA

runner = CliRunner()


def test_violations_first_then_one_line_per_kind_of_note(tmp_path: Path, tiny_case) -> None:
    plan = tmp_path / "plan.json"
    write_plan_json(plan_day(tiny_case, PlanParams(time_limit_s=3), seed=1), plan)
    doc = json.loads(plan.read_text())
    first = doc["routes"][0]["stops"][0]
    first["departure"] = "2025-06-12T13:30+07:00"  # every later time of that route is stale, lots picked late
    plan.write_text(json.dumps(doc))
    result = runner.invoke(app, ["check", str(plan), str(DATA / "tiny")], env={"COLUMNS": "400"})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    head = next(i for i, line in enumerate(lines) if "violation(s)" in line)
    notes = [i for i, line in enumerate(lines) if "note(s)" in line]
    totals = next(i for i, line in enumerate(lines) if line.startswith("cost_total:"))
    assert notes and head < min(notes) and max(notes) < totals
    kinds = [lines[i].split(" note(s) ")[1].split(":")[0] for i in notes]
    assert len(kinds) == len(set(kinds)), "one line per kind"
    assert any("--all-notes lists them" in lines[i] for i in notes)
    listed = runner.invoke(app, ["check", str(plan), str(DATA / "tiny"), "--all-notes"], env={"COLUMNS": "400"})
    assert sum("note" in line for line in listed.output.splitlines()) > len(notes)
