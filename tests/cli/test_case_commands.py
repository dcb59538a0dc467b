"""``planner validate`` and ``planner info`` (typer's CliRunner)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from planner.cli import case_commands, import_commands

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny"
BAD = DATA / "bad"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    case_commands.register(app)
    import_commands.register(app)
    return app


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_validate_the_tiny_case(app, runner):
    result = runner.invoke(app, ["validate", str(TINY)])
    assert result.exit_code == 0, result.output
    *read, last = result.stdout.splitlines()
    assert last == f"valid {TINY}: 7 sites, 2 lots, 2 orders, 2 vehicle types, 4 lanes"
    assert "  read settings.toml: UTF-8" in read
    assert "  read orders.csv: 2 row(s), UTF-8, delimiter comma (','), decimal point ('.')" in read
    assert result.stderr == ""


def _only_read_lines(stdout: str) -> bool:
    """validate names how it read each file, even when the case is refused."""
    return all(line.startswith("  read ") for line in stdout.splitlines())


def test_validate_lists_every_problem_and_exits_2(app, runner):
    result = runner.invoke(app, ["validate", str(BAD / "several")])
    assert result.exit_code == 2
    _no_traceback(result)
    assert _only_read_lines(result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0] == f"{BAD / 'several'}: 8 problem(s)"
    assert sorted(line.strip() for line in lines[1:]) == sorted([
        "lots.csv row 2, latest_pickup: must be at or after ready (2025-06-12T04:00), got 2025-06-12T03:00",
        "orders.csv row 2, kg: must be > 0, got -3",
        "fleet.csv row 2, shift_end: must be after shift_start (12:00), got 03:00",
        "sites.csv row 2, id: duplicate id (2 times)",
        "lots.csv row 3, farm: site 'nib' is a airport, not a farm or collection point",
        "orders.csv row 3, market: unknown market 'mars'",
        "lanes.toml lane 1 (chu-hn-reefer), destination: unknown site 'hub-hn'",
        "lanes.toml lane 4 (nib-lax-air), origin: unknown site 'nowhere'",
    ])


def test_long_problem_lines_are_not_wrapped(app, runner):
    result = runner.invoke(app, ["validate", str(BAD / "several")], terminal_width=40)
    assert len(result.stderr.splitlines()) == 9


@pytest.mark.parametrize("command", ["validate", "info"])
@pytest.mark.parametrize(
    ("case", "line"),
    [
        ("malformed-toml", "settings.toml: not valid TOML (Invalid value (at line 4, column 12))"),
        ("malformed-csv", "orders.csv: not a readable CSV file (line 3: unexpected end of data)"),
    ],
)
def test_malformed_files_give_one_clear_line(app, runner, command, case, line):
    result = runner.invoke(app, [command, str(BAD / case)])
    assert result.exit_code == 2
    _no_traceback(result)
    assert _only_read_lines(result.stdout) and (command == "validate" or not result.stdout)
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{BAD / case}/{line}")


@pytest.mark.parametrize("command", ["validate", "info"])
def test_a_missing_folder_gives_one_clear_line(app, runner, tmp_path, command):
    result = runner.invoke(app, [command, str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    _no_traceback(result)
    assert result.stderr == f"{tmp_path / 'nowhere'}: no such case folder\n"


def test_a_file_instead_of_a_folder_gives_one_clear_line(app, runner):
    result = runner.invoke(app, ["validate", str(TINY / "sites.csv")])
    assert result.exit_code == 2
    assert result.stderr == f"{TINY / 'sites.csv'}: is a file, not a case folder\n"


def test_a_missing_argument_is_a_usage_error(app, runner):
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument" in result.output
    _no_traceback(result)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("settings.toml", "\x00\x01\x02"),
        ("products.toml", "[lychee]\nq10 = [1, 2]\nref_temp_c = 5\nref_shelf_life_days = 25\n"),
        ("sites.csv", ""),
        ("lots.csv", "id\n"),
        ("orders.csv", "\"unterminated\n"),
        ("fleet.csv", "id,profile,capacity_kg,temperature,home,shift_start,shift_end\n,,,,,,x\n"),
        ("lanes.toml", "lane = [1, 2]\n"),
        ("markets.toml", "US = 'x'\n"),
    ],
)
def test_garbage_in_any_file_never_gives_a_traceback(app, runner, tmp_path, name, text):
    folder = tmp_path / "case"
    shutil.copytree(TINY, folder)
    (folder / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert name in result.stderr


def test_info_prints_counts_and_tables(app, runner, monkeypatch):
    monkeypatch.setattr(case_commands.console, "width", 200)  # rich: 80 columns when not a tty
    result = runner.invoke(app, ["info", str(TINY)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "tiny hand-checked case  epoch 2025-06-12 (Asia/Ho_Chi_Minh), 2 day(s), VND" in out
    assert ("7 sites, 2 lots (550 kg), 2 orders (105 kg), 3 vehicles in 2 types, 4 lanes") in out
    rows = {tuple(c.strip() for c in line.strip("│┃ ").split("│")) for line in out.splitlines()}
    # orders by destination, market and day: (key, orders, kg)
    assert ("Los Angeles, US", "1", "100") in rows
    assert ("Hanoi, VN", "1", "5") in rows
    assert ("US", "1", "100") in rows and ("domestic", "1", "5") in rows
    assert ("2025-06-12", "2", "105") in rows
    # shelf-life budget: 25 d * (1 - 0.2) - 5 d = 15 d for domestic, 8 d for the US; at 30 C the
    # lychee loses 3.3 ** 2.5 = 19.78 reference days a day: 15 d -> 18.2 h, 8 d -> 9.7 h
    # 25 d - the 2 h default target at 27 C (Q10 3.3: 1.15 d) - 5 d left at delivery
    assert ("domestic (lychee)", "none", "5.0", "18.8", "22.9") in rows
    assert ("US (lychee)", "irradiation", "12.0", "11.8", "14.4") in rows


def test_info_on_a_bad_case_lists_the_problems(app, runner):
    result = runner.invoke(app, ["info", str(BAD / "several")])
    assert result.exit_code == 2
    assert "8 problem(s)" in result.stderr
    _no_traceback(result)


def test_info_on_a_case_without_orders_or_lots(app, runner, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(TINY, folder)
    (folder / "orders.csv").unlink()
    (folder / "lots.csv").unlink()
    result = runner.invoke(app, ["info", str(folder)])
    assert result.exit_code == 0, result.output
    assert "7 sites, 0 lots (0 kg), 0 orders (0 kg), 3 vehicles in 2 types, 4 lanes" in result.stdout


def _with_warnings(tmp_path: Path) -> Path:
    """The tiny case with two region names (mapped with a warning) and a 1,850 kg lot in 18 boxes."""
    folder = tmp_path / "warned"
    shutil.copytree(TINY, folder)
    orders = (folder / "orders.csv").read_text(encoding="utf-8")
    orders = orders.replace("Los Angeles,US,CA,", "Los Angeles,US,California,")
    orders += "O3,b2b,US,lychee,A,50,5,2025-06-12T09:30,2025-06-14T20:00,12,6000000,,Los Angeles,US,California,33.94,-118.41,lax\n"
    (folder / "orders.csv").write_text(orders, encoding="utf-8")
    lots = (folder / "lots.csv").read_text(encoding="utf-8")
    (folder / "lots.csv").write_text(lots.replace("L2,farm-b,lychee,A,400,40,", "L2,farm-b,lychee,A,1850,18,"),
                                     encoding="utf-8")
    return folder


def test_validate_lists_warnings_apart_and_exits_0(app, runner, tmp_path):
    folder = _with_warnings(tmp_path)
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("valid "))
    assert lines[start + 1:] == [
        "3 warning(s) (legal but implausible; check them):",
        "  orders.csv rows 3, 4 (2 rows), region: 'California' read as ISO 3166-2 US-CA (California): write CA",
        "  lots.csv row 3, boxes: 1,850.0 kg in 18 box(es) is 102.78 kg a box; lychee is packed 10 kg a box "
        "(expected 0.5-20): kg or boxes mistyped?",
    ]
    assert result.stderr == ""


def test_commands_that_load_a_case_repeat_its_warnings_on_stderr(app, runner, tmp_path):
    """plan, info, consolidate and render load the case as info does (load_or_exit)."""
    result = runner.invoke(app, ["info", str(_with_warnings(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "3 warning(s) (legal but implausible; check them):"
    assert "  lots.csv row 3, boxes: 1,850.0 kg in 18 box(es)" in result.stderr


def test_import_writes_a_case_and_its_report(app, runner, tmp_path):
    office = tmp_path / "office"
    shutil.copytree(TINY, office)
    sites = re.sub(r"(\d)\.(\d)", r"\1,\2", (office / "sites.csv").read_text(encoding="utf-8").replace(",", ";"))
    (office / "sites.csv").write_bytes(sites.encode("utf-16"))
    result = runner.invoke(app, ["import", str(office), "--out", str(tmp_path / "case")])
    assert result.exit_code == 0, result.output
    assert "  sites.csv: UTF-16 LE with BOM, delimiter ';' -> UTF-8, ','" in result.stdout.splitlines()
    assert "the case written is valid (0 warning(s); planner validate" in result.stdout
    result = runner.invoke(app, ["import", str(office), "--out", str(tmp_path / "case")])
    assert result.exit_code == 2
    assert "exists and is not empty" in result.stderr


def test_grouped_warnings_one_line_per_file_and_message():
    warnings = [f"orders.csv row {n}, region: 'Hanoi' read as ISO 3166-2 VN-HN (Hà Nội): write HN" for n in range(2, 12)]
    warnings += ["lots.csv row 3, boxes: 1,850.0 kg in 18 box(es)", "settings.toml [files], x: y"]
    assert case_commands.grouped_warnings(warnings) == [
        "orders.csv rows 2, 3, 4, 5, 6, 7, 8, 9 and 2 more (10 rows), region: 'Hanoi' read as ISO 3166-2 "
        "VN-HN (Hà Nội): write HN",
        "lots.csv row 3, boxes: 1,850.0 kg in 18 box(es)",
        "settings.toml [files], x: y",
    ]


def test_all_warnings_lists_every_group(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(case_commands, "WARNINGS_SHOWN", 1)
    folder = _with_warnings(tmp_path)
    short = runner.invoke(app, ["validate", str(folder)]).stdout
    assert "  ... and 1 more (planner validate --all-warnings lists them)" in short
    full = runner.invoke(app, ["validate", str(folder), "--all-warnings"]).stdout
    assert "... and" not in full and "lots.csv row 3, boxes" in full


def test_info_shows_communes_new_then_old(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(case_commands.console, "width", 200)
    folder = tmp_path / "communes"
    shutil.copytree(TINY, folder)
    sites = (folder / "sites.csv").read_text(encoding="utf-8")
    (folder / "sites.csv").write_text(sites.replace("Phuong Son,\n", "Quy Son,Bac Giang\n").replace("Chu,\n", "Chu,Bac Ninh\n"),
                                      encoding="utf-8")
    out = runner.invoke(app, ["info", str(folder)]).stdout
    rows = {tuple(c.strip() for c in line.strip("│┃ ").split("│")) for line in out.splitlines()}
    assert ("Phường Phượng Sơn (Quy Son)", "07612", "1", "0") in rows
    assert ("Phường Chũ", "07525", "1", "1") in rows
