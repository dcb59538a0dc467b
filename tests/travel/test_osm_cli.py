"""``planner network build|fetch|calibrate``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
import typer
from typer.testing import CliRunner

from planner.cli import network_commands
from planner.io import read_case
from planner.travel import osm_graph
from planner.travel.factory import provider_for

DATA = Path(__file__).resolve().parents[1] / "data"
OSM = DATA / "osm"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    network_commands.register(app)
    return app


@pytest.fixture(scope="module")
def graph(app, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("graph") / "tiny.graphml"
    result = CliRunner().invoke(app, ["network", "build", "--osm", str(OSM / "tiny.osm"), "--out", str(out),
                                      "--profiles", str(OSM / "profiles.toml")])
    assert result.exit_code == 0, result.output
    assert "motorbike" in result.output and "truck" in result.output
    return out


def test_build_writes_the_graph(graph):
    assert osm_graph.graph_profiles(osm_graph.load_graph(graph)) == ("motorbike", "truck")


def test_build_names_a_bad_file(app, tmp_path):
    bad = tmp_path / "roads.csv"
    bad.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["network", "build", "--osm", str(bad), "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 2
    assert "roads.csv: unknown OSM file type" in result.stderr


def _offline(*args, **kwargs):
    raise requests.exceptions.ConnectionError("Failed to resolve 'overpass-api.de'")


def test_fetch_offline_fails_at_once_in_one_line(app, tmp_path, monkeypatch):
    monkeypatch.setattr(osm_graph.requests, "get", _offline)
    monkeypatch.setattr(osm_graph.ox, "graph_from_polygon", lambda *a, **k: pytest.fail("downloaded offline"))
    result = CliRunner().invoke(app, ["network", "fetch", "--bbox", "21.02,105.82,21.03,105.83",
                                      "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot reach the Overpass API" in result.stderr
    assert "offline" in result.stderr
    assert not (tmp_path / "g.graphml").exists()


def test_fetch_download_failure_is_one_line(app, tmp_path, monkeypatch):
    monkeypatch.setattr(osm_graph.requests, "get", lambda *a, **k: None)  # status page answers
    monkeypatch.setattr(osm_graph.ox, "graph_from_polygon", _offline)
    result = CliRunner().invoke(app, ["network", "fetch", "--bbox", "21.02,105.82,21.03,105.83",
                                      "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot download OpenStreetMap data" in result.stderr


@pytest.mark.parametrize("bbox", ["21.03,105.82,21.02,105.83", "21,105"])
def test_fetch_rejects_a_bad_bbox(app, tmp_path, bbox):
    result = CliRunner().invoke(app, ["network", "fetch", "--bbox", bbox, "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code != 0
    assert "S,W,N,E" in result.output + result.stderr or "south < north" in result.stderr


def test_calibrate_writes_the_case_settings(app, graph, tmp_path):
    case = tmp_path / "case"
    shutil.copytree(DATA / "tiny", case)
    before = read_case(case)
    result = CliRunner().invoke(app, ["network", "calibrate", "--graph", str(graph), "--case", str(case),
                                      "--sample", "30"])
    assert result.exit_code == 0, result.output
    after = read_case(case)
    travel = after.settings.travel
    assert travel.detour_factor > 1.1 and travel.detour_factor != before.settings.travel.detour_factor
    assert f"detour_factor = {travel.detour_factor}" in result.output
    assert after.settings.name == before.settings.name and after.orders == before.orders


def test_calibrate_can_select_the_graph(app, graph, tmp_path):
    case = tmp_path / "case"
    shutil.copytree(DATA / "tiny", case)
    local = case / "roads" / "tiny.graphml"
    local.parent.mkdir()
    shutil.copy(graph, local)
    result = CliRunner().invoke(app, ["network", "calibrate", "--graph", str(local), "--case", str(case),
                                      "--sample", "20", "--select"])
    assert result.exit_code == 0, result.output
    travel = read_case(case).settings.travel
    assert (travel.provider, travel.graph) == ("osm", "roads/tiny.graphml")
    provider = provider_for(travel, case)
    assert provider.profiles == ("motorbike", "truck")
