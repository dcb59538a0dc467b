"""write_outputs: every derived file of a plan in one folder, the same bytes
for the same plan."""

from __future__ import annotations

import json

from planner.outputs import write_outputs

EXPECTED = ["manifests/viettel-post.csv", "manifests/vna-cargo.csv", "report.html", "report.png",
            "routes.geojson", "shipments.geojson"]


def test_all_outputs_are_written(tiny_plan, tiny_case, tmp_path) -> None:
    paths = write_outputs(tiny_plan, tiny_case, tmp_path / "out")
    assert sorted(paths) == EXPECTED
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    assert all(p.relative_to(tmp_path / "out").as_posix() == k for k, p in paths.items())
    assert paths["report.html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    routes = json.loads(paths["routes.geojson"].read_text(encoding="utf-8"))
    assert len(routes["features"]) == 10


def test_same_plan_same_files(tiny_plan, tiny_case, tmp_path) -> None:
    a = write_outputs(tiny_plan, tiny_case, tmp_path / "a")
    b = write_outputs(tiny_plan, tiny_case, tmp_path / "b")
    for name in EXPECTED:
        if name != "report.png":
            assert a[name].read_bytes() == b[name].read_bytes(), name
