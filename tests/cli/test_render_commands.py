"""``planner render PLAN.json CASE --out DIR``: outputs from a (perhaps edited) plan."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from planner.cli.main import app

DATA = Path(__file__).resolve().parents[1] / "data"
PLAN = DATA / "plans" / "tiny-plan.json"
runner = CliRunner()


def test_render_writes_every_output(tmp_path) -> None:
    result = runner.invoke(app, ["render", str(PLAN), str(DATA / "tiny"), "--out", str(tmp_path),
                                 "--no-pdf"])
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == ["intake.html", "manifests/viettel-post.csv", "manifests/viettel-post.xlsx",
                     "manifests/vna-cargo.csv", "manifests/vna-cargo.xlsx", "report.html",
                     "report.png", "routes.geojson", "sheets/moto-1.html", "sheets/reefer-1.html",
                     "shipments.geojson"]
    assert "report.html" in result.output and "rendered in" in result.output
    assert '<html lang="en">' in (tmp_path / "sheets" / "moto-1.html").read_text(encoding="utf-8")


def test_render_in_vietnamese(tmp_path) -> None:
    result = runner.invoke(app, ["render", str(PLAN), str(DATA / "tiny"), "--out", str(tmp_path),
                                 "--no-pdf", "--lang", "vi"])
    assert result.exit_code == 0, result.output
    assert "Lấy hàng" in (tmp_path / "sheets" / "moto-1.html").read_text(encoding="utf-8")


def test_render_warns_when_the_case_changed_since_planning(tmp_path) -> None:
    import shutil

    case = tmp_path / "case"
    shutil.copytree(DATA / "tiny", case)
    from planner.io.digest import case_digest

    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    doc["case"]["digest"] = case_digest(case)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    args = ["render", str(plan), str(case), "--out", str(tmp_path / "o"), "--no-pdf"]
    assert "changed since" not in runner.invoke(app, args).output
    with (case / "lots.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "changed since" in " ".join(result.output.split())


def test_render_refuses_a_plan_off_schema(tmp_path) -> None:
    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    doc["shipments"][0]["mode"] = "drone"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["render", str(bad), str(DATA / "tiny"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "shipments/0/mode" in result.output and not (tmp_path / "o").exists()


def test_render_names_an_id_the_case_lacks(tmp_path) -> None:
    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    doc["unserved_orders"][0]["order_id"] = "O404"
    edited = tmp_path / "plan.json"
    edited.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["render", str(edited), str(DATA / "tiny"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "unserved_orders[0].order_id: the case has no order 'O404'" in " ".join(result.output.split())
