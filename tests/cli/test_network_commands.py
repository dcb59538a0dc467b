"""``planner network calibrate`` rewrites settings.toml [travel] and keeps what
the case does not hold: [files] (how its tables are written) and [checks]."""

from __future__ import annotations

import csv
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from planner.cli import network_commands
from planner.io import read_case
from planner.io.tables import FileOptions, ReadLog

DATA = Path(__file__).resolve().parents[1] / "data"
OSM = DATA / "osm"
FILES = {"delimiter": ";", "decimal": ",", "encoding": "cp1258", "dates": "dmy"}
CHECKS = {"far_site_km": 25.0, "kg_per_box_max": 3.0}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    network_commands.register(app)
    return app


@pytest.fixture(scope="module")
def graph(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph") / "tiny.graphml"
    result = CliRunner().invoke(app, ["network", "build", "--osm", str(OSM / "tiny.osm"), "--out", str(out),
                                      "--profiles", str(OSM / "profiles.toml")])
    assert result.exit_code == 0, result.output
    return out


def _case_declaring_its_files(folder: Path) -> Path:
    """The tiny case with its tables as Excel writes them in Vietnam (';', decimal
    commas, Windows-1258), declared in settings.toml, and thresholds of its own."""
    shutil.copytree(DATA / "tiny", folder)
    for table in folder.glob("*.csv"):
        with table.open(encoding="utf-8", newline="") as fh:
            records = [[re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", c) for c in r] for r in csv.reader(fh)]
        with table.open("w", encoding="cp1258", newline="") as fh:
            csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(records)
    settings = (folder / "settings.toml").read_text(encoding="utf-8")
    settings += '\n[files]\ndelimiter = ";"\ndecimal = ","\nencoding = "cp1258"\ndates = "dmy"\n'
    settings += "\n[checks]\nfar_site_km = 25.0\nkg_per_box_max = 3.0\n"
    (folder / "settings.toml").write_text(settings, encoding="utf-8")
    return folder


def test_calibrate_keeps_the_files_and_checks_tables(app: typer.Typer, graph: Path, tmp_path: Path) -> None:
    case = _case_declaring_its_files(tmp_path / "case")
    before = read_case(case)
    assert before.orders == read_case(DATA / "tiny").orders
    result = CliRunner().invoke(app, ["network", "calibrate", "--graph", str(graph), "--case", str(case),
                                      "--sample", "20"])
    assert result.exit_code == 0, result.output
    written = tomllib.loads((case / "settings.toml").read_text(encoding="utf-8"))
    assert written["files"] == FILES and written["checks"] == CHECKS
    assert written["travel"]["detour_factor"] != before.settings.travel.detour_factor
    log = ReadLog()
    after = read_case(case, log=log)
    assert log.options == FileOptions(**FILES)
    assert after.orders == before.orders and after.settings.name == before.settings.name


def test_calibrate_of_a_case_without_them_adds_none(app: typer.Typer, graph: Path, tmp_path: Path) -> None:
    case = tmp_path / "plain"
    shutil.copytree(DATA / "tiny", case)
    result = CliRunner().invoke(app, ["network", "calibrate", "--graph", str(graph), "--case", str(case),
                                      "--sample", "20"])
    assert result.exit_code == 0, result.output
    written = tomllib.loads((case / "settings.toml").read_text(encoding="utf-8"))
    assert "files" not in written and "checks" not in written
