"""``planner import``: an office's spreadsheets -> a clean case folder and a report."""

from __future__ import annotations

import codecs
import shutil

import pytest
from openpyxl import Workbook

from planner.io import read_case
from planner.io.importer import import_case

from .conftest import build_case
from .test_office_files import TABLES, _records, _sheet, _vietnamese, to_cp1258, write_like_excel


@pytest.fixture
def clean(tmp_path):
    return build_case(tmp_path / "clean", {f"{t}.csv": _vietnamese for t in ("sites", "lots")})


def test_a_folder_saved_by_excel_becomes_the_clean_case(clean, tmp_path):
    office = write_like_excel(clean, tmp_path / "office", delimiter=";", decimal=",", encode=to_cp1258)
    settings = (office / "settings.toml").read_bytes()
    (office / "settings.toml").write_bytes(codecs.BOM_UTF8 + settings)
    report = import_case(office, tmp_path / "case")
    assert report.ok, report.lines()
    assert read_case(tmp_path / "case") == read_case(clean)
    text = (tmp_path / "case" / "lots.csv").read_text(encoding="utf-8")
    assert "L1,vườn-hùng,lychee,A,150.5," in text  # UTF-8, commas, decimal point, NFC
    assert "lots.csv: Windows-1258, delimiter ';' -> UTF-8, ','" in report.changed
    assert "lots.csv: 1 number(s) with a decimal comma -> decimal point" in report.changed
    assert any(c.startswith("sites.csv: ") and "normalised to Unicode NFC" in c for c in report.changed)
    assert "settings.toml: re-encoded from UTF-8 with BOM to UTF-8" in report.changed
    assert (tmp_path / "case" / "import-report.txt").read_text(encoding="utf-8").splitlines() == report.lines()


def test_one_workbook_becomes_a_case_and_unknown_sheets_are_reported(clean, tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    for name in ("settings", "products", "markets", "lanes"):
        shutil.copy(clean / f"{name}.toml", office)
    wb = Workbook()
    for n, table in enumerate(TABLES):
        _sheet(wb, clean, table, first=n == 0)
    wb.create_sheet("Ghi chú").append(["a note for the office"])
    wb.save(office / "mùa vải 2025.xlsx")
    report = import_case(office / "mùa vải 2025.xlsx", tmp_path / "case")
    assert report.ok, report.lines()
    assert read_case(tmp_path / "case") == read_case(clean)
    assert "mùa vải 2025.xlsx [Ghi chú]: not read (no table of the case is named so)" in report.could_not


def test_what_is_missing_or_wrong_is_reported_and_nothing_is_lost(clean, tmp_path):
    office = build_case(tmp_path / "office", {"markets.toml": None, "fleet.csv": None})
    lots = (office / "lots.csv").read_text(encoding="utf-8")
    (office / "lots.csv").write_text(lots.replace("L2,farm-b,lychee,A,400,", "L2,farm-b,lychee,A,-400,"),
                                     encoding="utf-8")
    report = import_case(office, tmp_path / "case")
    assert not report.ok
    assert report.could_not[0].startswith("markets.toml: not found in")
    assert "lots.csv row 3, kg: must be > 0, got -400" in report.problems
    assert (tmp_path / "case" / "lots.csv").read_text(encoding="utf-8") == \
        (office / "lots.csv").read_text(encoding="utf-8")  # written as read, for the user to fix


def test_an_existing_case_folder_is_never_overwritten(clean, tmp_path):
    with pytest.raises(FileExistsError):
        import_case(clean, clean)
    assert read_case(clean) is not None


def test_the_records_helper_reads_the_clean_case(clean):
    assert _records(clean, "lots")[0][0] == "id"
