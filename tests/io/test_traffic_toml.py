"""Rush hours in settings.toml: read, refused with the field named, written back."""

from pathlib import Path

import pytest

from planner.domain.traffic import Corridor, SlowPeriod
from planner.exceptions import CaseError
from planner.io import read_case, write_case

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"

RUSH = """
[[travel.corridors]]
id = "ql31"
name = "QL31 Chũ - Bắc Giang"
points = [[21.373, 106.572], [21.29, 106.35], [21.275, 106.196]]
width_m = 1200

[[travel.slow_periods]]
corridor = "ql31"
from = "06:00"
to = "08:30"
speed_factor = 0.55
profiles = ["truck"]

[[travel.slow_periods]]
corridor = "*"
from = "22:00"
to = "05:00"
speed_factor = 1.2
"""


def _case_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    for f in TINY.iterdir():
        if f.is_file():
            (folder / f.name).write_bytes(f.read_bytes())
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def test_rush_hours_are_read_and_written_back(tmp_path: Path) -> None:
    case = read_case(_case_with(tmp_path, RUSH))
    travel = case.settings.travel
    assert travel.corridors[0].id == "ql31" and travel.corridors[0].width_m == 1200
    assert travel.corridors[0].name == "QL31 Chũ - Bắc Giang"
    assert travel.slow_periods == (
        SlowPeriod("ql31", 6 * 3600, 8 * 3600 + 1800, 0.55, ("truck",)),
        SlowPeriod("*", 22 * 3600, 5 * 3600, 1.2),
    )
    write_case(case, tmp_path / "again")
    assert read_case(tmp_path / "again").settings.travel == travel
    assert isinstance(travel.corridors[0], Corridor)


@pytest.mark.parametrize(("change", "expected"), [
    (("06:00", "6 am"), "slow_periods]] #1, from: must be a local time HH:MM"),
    (('corridor = "ql31"', 'corridor = "ql1a"'), "unknown corridor 'ql1a'"),
    (("speed_factor = 0.55", "speed_factor = 0.0"), "slow_periods]] #1, speed_factor"),
    (("width_m = 1200", "width_m = 1200\nlanes = 4"), "corridors]] #1, lanes: unknown key"),
    (("[[21.373, 106.572], ", "[[21.373], "), "corridors]] #1, points: must be a list of [lat, lon]"),
])
def test_bad_rush_hours_name_the_table_and_field(tmp_path: Path, change: tuple[str, str],
                                                   expected: str) -> None:
    with pytest.raises(CaseError) as info:
        read_case(_case_with(tmp_path, RUSH.replace(*change, 1)))
    assert expected in str(info.value)
