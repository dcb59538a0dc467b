"""``planner consolidate`` on the tiny case."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from planner.cli.main import app

TINY = str(Path(__file__).resolve().parent.parent / "data" / "tiny")


def test_consolidate_command_writes_a_checked_plan(tmp_path):
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(app, ["consolidate", TINY, "--time-limit", "3",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "checker: plan is valid" in result.output
    plan = json.loads(out.read_text())
    assert {s["lane_id"] for s in plan["shipments"]} >= {"nib-lax-air"}
    assert set(plan["itineraries"]) | {u["order_id"] for u in plan["unserved"]} == {"O1", "O2"}


def test_consolidate_command_rejects_bad_params(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("nonsense = 1\n")
    result = CliRunner().invoke(app, ["consolidate", TINY, "--params", str(bad)])
    assert result.exit_code == 2
