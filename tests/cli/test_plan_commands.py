from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from planner.assembly import plan_schema
from planner.cli.main import app

from ..conftest import DATA

runner = CliRunner()


def test_plan_writes_every_output_and_check_accepts_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(DATA / "tiny"), "--out", str(out), "--time-limit", "3", "--seed", "1"])
    assert result.exit_code == 0, result.output
    for name in ("plan.json", "routes.geojson", "shipments.geojson", "report.html", "report.png"):
        assert (out / name).stat().st_size > 0, name
    assert list((out / "manifests").glob("*.csv"))
    jsonschema.validate(json.loads((out / "plan.json").read_text()), plan_schema())
    checked = runner.invoke(app, ["check", str(out / "plan.json"), str(DATA / "tiny")])
    assert checked.exit_code == 0, checked.output
    assert "no violations" in checked.output


def test_check_exits_1_on_an_edited_plan(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["plan", str(DATA / "tiny"), "--out", str(out), "--time-limit", "3"]).exit_code == 0
    doc = json.loads((out / "plan.json").read_text())
    doc["routes"][0]["stops"][0]["departure"] = "2025-06-12T13:30+07:00"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    result = runner.invoke(app, ["check", str(edited), str(DATA / "tiny")])
    assert result.exit_code == 1
    assert "violation" in result.output


def test_plan_rejects_a_date_without_lots_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(DATA / "tiny"), "--out", str(tmp_path), "--date", "2025-07-01"])
    assert result.exit_code == 2
    assert "no lots are ready on 2025-07-01" in result.output
    assert "Traceback" not in result.output


def test_check_reports_a_missing_plan_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.json"), str(DATA / "tiny")])
    assert result.exit_code == 2
    assert "cannot read a JSON plan" in result.output


def test_a_solution_limit_gives_the_same_plan_twice(tmp_path: Path) -> None:
    docs = []
    for k in range(2):
        out = tmp_path / f"out{k}"
        args = ["plan", str(DATA / "tiny"), "--out", str(out), "--time-limit", "20",
                "--seed", "5", "--solution-limit", "20"]
        assert runner.invoke(app, args).exit_code == 0
        docs.append(json.loads((out / "plan.json").read_text()))
    assert docs[0] == docs[1]
    assert docs[0]["params"]["routing"] == {"solution_limit": 20}


def test_a_plan_the_guarantee_refuses_is_one_line_and_nothing_written(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import planner.assembly as assembly
    from planner.exceptions import SolverError

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise SolverError("the plan still breaks 1 rule after 6 repair rounds")

    monkeypatch.setattr(assembly, "plan_day", refuse)  # the command imports it when it runs
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(DATA / "tiny"), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 2, result.output
    assert "no plan written: the plan still breaks 1 rule" in result.output
    assert "Traceback" not in result.output
    assert not (out / "plan.json").exists()
