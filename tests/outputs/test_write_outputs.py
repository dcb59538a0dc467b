"""write_outputs: every derived file of a plan in one folder, the same bytes
for the same plan, nothing written for a plan that does not match its case."""

from __future__ import annotations

import json

import pytest

from planner.exceptions import PlanCheckError
from planner.outputs import write_outputs

EXPECTED = ["intake.html", "manifests/viettel-post.csv", "manifests/viettel-post.xlsx", "manifests/vna-cargo.csv",
            "manifests/vna-cargo.xlsx", "report.html", "report.png", "routes.geojson",
            "sheets/moto-1.html", "sheets/reefer-1.html", "shipments.geojson"]


def test_all_outputs_are_written_the_same_each_time(tiny_plan, tiny_case, tmp_path) -> None:
    a = write_outputs(tiny_plan, tiny_case, tmp_path / "a", pdf=False)
    assert sorted(a) == EXPECTED
    assert all(p.is_file() and p.stat().st_size > 0 for p in a.values())
    assert all(p.relative_to(tmp_path / "a").as_posix() == k for k, p in a.items())
    assert a["report.html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    routes = json.loads(a["routes.geojson"].read_text(encoding="utf-8"))
    assert len(routes["features"]) == 10
    b = write_outputs(tiny_plan, tiny_case, tmp_path / "b", pdf=False)
    for name in EXPECTED:
        if name.endswith(".xlsx"):  # the zip and document properties carry the time of writing
            assert _cells(a[name]) == _cells(b[name]), name
        else:
            assert a[name].read_bytes() == b[name].read_bytes(), name


def _cells(path):
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_a_plan_off_its_case_writes_nothing(tiny_plan, tiny_case, tmp_path) -> None:
    tiny_plan["shipments"][2]["manifest"][0]["order_id"] = "O404"
    with pytest.raises(PlanCheckError, match=r"shipments\[2\]\.manifest\[0\]\.order_id"):
        write_outputs(tiny_plan, tiny_case, tmp_path / "out")
    assert not (tmp_path / "out").exists()
