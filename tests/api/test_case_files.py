"""A case stored through the API keeps its drivers: plans made by
`planner serve` name the real driver of each route (route sheets, the web
page's driver list and re-plan form read them)."""

from __future__ import annotations

from pathlib import Path

from api.services.cases import files_of_folder, read_files

CASE = Path(__file__).resolve().parents[2] / "data" / "luc-ngan"


def test_the_stored_case_keeps_its_drivers() -> None:
    files = files_of_folder(CASE)
    assert "drivers.csv" in files and "orders.csv" not in files and "lots.csv" not in files
    case = read_files(files)
    assert len(case.drivers) == sum(1 for line in (CASE / "drivers.csv").read_text(encoding="utf-8-sig")
                                    .splitlines()[1:] if line.strip())
    assert all(d.name for d in case.drivers)
