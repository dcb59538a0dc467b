"""Case files as Excel on a Vietnamese Windows machine writes them (made here
with the csv module and openpyxl): each reads to the same case as the clean
files, or is refused with a message that says what to change."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planner.exceptions import CaseError
from planner.io import read_case
from planner.io.tables import ReadLog

from .conftest import build_case

TABLES = ("sites", "lots", "orders", "fleet")
TONES = "\u0300\u0301\u0303\u0309\u0323"  # the tone marks Windows-1258 writes as combining marks


def _vietnamese(text: str) -> str:
    """The tiny case with a Vietnamese farm id, names and a decimal kg."""
    return (text.replace("farm-a,Farm A", "vườn-hùng,Vườn ông Hùng")
                .replace(",farm-a,", ",vườn-hùng,").replace("Phuong Son", "Phượng Sơn")
                .replace("L1,vườn-hùng,lychee,A,150,", "L1,vườn-hùng,lychee,A,150.5,"))


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return build_case(tmp_path / "clean", {f"{t}.csv": _vietnamese for t in ("sites", "lots")})


def _records(folder: Path, table: str) -> list[list[str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _decimal_comma(cell: str) -> str:
    return cell.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", cell) else cell


def to_cp1258(text: str) -> bytes:
    """As Windows "ANSI" (Vietnamese) saves text: precomposed letters where the
    code page has them, tone marks as combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))
                       + "".join(c for c in d if c in TONES))
    return "".join(out).encode("cp1258")


def write_like_excel(
    clean: Path, folder: Path, *, delimiter: str, decimal: str, encode: Callable[[str], bytes],
    nfd: bool = False,
) -> Path:
    """The clean case's tables rewritten with csv.writer as Excel saves them."""
    build_case(folder, {})
    for t in ("settings", "products", "markets", "lanes"):
        (folder / f"{t}.toml").write_bytes((clean / f"{t}.toml").read_bytes())
    for table in TABLES:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        for record in _records(clean, table):
            cells = [_decimal_comma(c) if decimal == "," else c for c in record]
            writer.writerow([unicodedata.normalize("NFD", c) if nfd else c for c in cells])
        (folder / f"{table}.csv").write_bytes(encode(buffer.getvalue()))
    return folder


VARIANTS: dict[str, dict[str, object]] = {
    "utf8-bom-semicolon-decimal-comma": {
        "delimiter": ";", "decimal": ",", "encode": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        "note": ("UTF-8 with BOM", "semicolon", "decimal comma")},
    "cp1258-semicolon-decimal-comma": {
        "delimiter": ";", "decimal": ",", "encode": to_cp1258,
        "note": ("Windows-1258", "semicolon", "decimal comma", "normalised to Unicode NFC")},
    "utf16-tab (Excel 'Unicode text')": {
        "delimiter": "\t", "decimal": ".", "encode": lambda t: t.encode("utf-16"),
        "note": ("UTF-16 LE with BOM", "tab")},
    "utf16-without-bom": {
        "delimiter": ",", "decimal": ".", "encode": lambda t: t.encode("utf-16-le"),
        "note": ("UTF-16 LE", "comma")},
    "nfd-ids-and-names": {
        "delimiter": ",", "decimal": ".", "encode": lambda t: t.encode("utf-8"), "nfd": True,
        "note": ("UTF-8", "normalised to Unicode NFC")},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_excel_csv_reads_to_the_same_case(clean, tmp_path, variant):
    spec = dict(VARIANTS[variant])
    note = spec.pop("note")
    folder = write_like_excel(clean, tmp_path / "excel", **spec)  # type: ignore[arg-type]
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    lots = next(n.describe() for n in log.files if n.source == "lots.csv")
    for fragment in note:  # type: ignore[union-attr]
        assert fragment in lots, lots
    assert not log.warnings


def test_nfd_id_matches_its_site(clean, tmp_path):
    """'vườn-hùng' typed in NFD in lots.csv is the NFC site id of sites.csv."""
    folder = build_case(tmp_path / "nfd", {})
    for t in ("sites", "lots"):
        (folder / f"{t}.csv").write_text((clean / f"{t}.csv").read_text(encoding="utf-8"), encoding="utf-8")
    lots = (folder / "lots.csv").read_text(encoding="utf-8")
    (folder / "lots.csv").write_text(lots.replace("vườn-hùng", unicodedata.normalize("NFD", "vườn-hùng")),
                                     encoding="utf-8")
    case = read_case(folder)
    assert case.lots[0].farm == "vườn-hùng" == case.sites[0].id


def test_settings_and_tomls_saved_with_a_bom(clean, tmp_path):
    folder = build_case(tmp_path / "bom", {})
    for path in clean.iterdir():
        data = path.read_bytes()
        (folder / path.name).write_bytes(codecs.BOM_UTF8 + data if path.suffix == ".toml" else data)
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    assert "settings.toml: UTF-8 with BOM" in [n.describe() for n in log.files]


def _xlsx_value(cell: str) -> object:
    """A cell as a person types it into Excel: numbers, dates and times as such."""
    if re.fullmatch(r"-?\d+", cell):
        return int(cell)
    if re.fullmatch(r"-?\d+\.\d+", cell):
        return float(cell)
    if re.fullmatch(r"\d\d:\d\d", cell):
        return time(int(cell[:2]), int(cell[3:]))
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", cell):
        return datetime.fromisoformat(cell)
    return cell or None


def _sheet(wb: Workbook, clean: Path, table: str, *, first: bool) -> None:
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = table
    for n, record in enumerate(_records(clean, table)):
        ws.append(record if n == 0 else [_xlsx_value(c) for c in record])


def test_one_workbook_with_a_sheet_per_table(clean, tmp_path):
    folder = build_case(tmp_path / "book", {f"{t}.csv": None for t in TABLES})
    wb = Workbook()
    for n, table in enumerate(TABLES):
        _sheet(wb, clean, table, first=n == 0)
    wb.save(folder / "vải thiều 2025.xlsx")
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    assert "vải thiều 2025.xlsx [orders]: 2 row(s), XLSX sheet" in " ".join(n.describe() for n in log.files)


def test_one_workbook_per_table(clean, tmp_path):
    folder = build_case(tmp_path / "books", {f"{t}.csv": None for t in TABLES})
    for table in TABLES:
        wb = Workbook()
        _sheet(wb, clean, table, first=True)
        wb.save(folder / f"{table}.xlsx")
    assert read_case(folder) == read_case(clean)


def test_numbers_typed_as_text_with_decimal_commas_in_a_sheet(clean, tmp_path):
    folder = build_case(tmp_path / "text", {f"{t}.csv": None for t in TABLES})
    for table in TABLES:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for record in _records(clean, table):
            ws.append([_decimal_comma(c) for c in record])
        wb.save(folder / f"{table}.xlsx")
    assert read_case(folder) == read_case(clean)


def test_thousands_points_with_decimal_commas(case_with):
    lots = ("id;farm;product;kg;boxes;ready;latest_pickup;value\n"
            "L1;farm-a;lychee;1.150,5;115;2025-06-12T04:00;2025-06-12T10:00;36.684.000\n")
    folder = case_with({"lots.csv": lots})
    lot = read_case(folder).lots[0]
    assert (lot.kg, lot.value) == (1150.5, 36_684_000)


def test_decimal_commas_in_a_comma_separated_file_are_refused_with_the_fix(case_with):
    lots = "id,farm,product,kg,ready,latest_pickup\nL1,farm-a,lychee,150,5,2025-06-12T04:00,2025-06-12T10:00\n"
    with pytest.raises(CaseError) as info:
        read_case(case_with({"lots.csv": lots}))
    (problem,) = info.value.problems
    assert problem.startswith("lots.csv row 2: 7 fields but the header has 6: a decimal comma")
    assert "semicolon" in problem


def test_an_undetectable_decimal_comma_says_what_to_declare(case_with):
    lots = ('id,farm,product,kg,ready,latest_pickup,service_min\n'
            'L1,farm-a,lychee,"150,5",2025-06-12T04:00,2025-06-12T10:00,2.5\n')
    with pytest.raises(CaseError) as info:
        read_case(case_with({"lots.csv": lots}))
    assert info.value.problems == [
        "lots.csv row 2, kg: must be a number, got '150,5' (a decimal comma: declare "
        'decimal = "," under [files] in settings.toml)'
    ]


def test_declared_file_options_are_used(clean, tmp_path):
    """Options declared in settings.toml [files] apply to every table."""
    folder = write_like_excel(clean, tmp_path / "declared", delimiter="|", decimal=",", encode=to_cp1258)
    settings = (clean / "settings.toml").read_text(encoding="utf-8")
    (folder / "settings.toml").write_text(
        settings + '\n[files]\ndelimiter = "|"\ndecimal = ","\nencoding = "cp1258"\n', encoding="utf-8")
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    assert "lots.csv: 2 row(s), Windows-1258, delimiter pipe ('|'), decimal comma (',')" in \
        log.files[5].describe()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ('delimiter = ":"', "settings.toml [files], delimiter: must be one of"),
        ('decimal = ";"', "settings.toml [files], decimal: must be '.' or ','"),
        ('encoding = "win-vn"', "settings.toml [files], encoding: unknown encoding 'win-vn'"),
        ('delimeter = ";"', "settings.toml [files], delimeter: unknown key"),
    ],
)
def test_bad_file_options_are_named(case_with, files, expected):
    settings = (build_case.__globals__["TINY"] / "settings.toml").read_text(encoding="utf-8")
    with pytest.raises(CaseError) as info:
        read_case(case_with({"settings.toml": settings + f"\n[files]\n{files}\n"}))
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


def test_a_declared_encoding_that_does_not_fit_names_the_byte(case_with):
    settings = (build_case.__globals__["TINY"] / "settings.toml").read_text(encoding="utf-8")
    lots = "id,farm,product,kg,ready,latest_pickup\nL1,farm-a,lychee,150,04:00,10:00\n"
    folder = case_with({"settings.toml": settings + '\n[files]\nencoding = "utf-16"\n',
                        "lots.csv": lots.encode("utf-8") + b"\xd8"})
    with pytest.raises(CaseError) as info:
        read_case(folder)
    assert any(p.startswith("lots.csv: not UTF-16 as declared in settings.toml [files]")
               for p in info.value.problems), info.value.problems


def test_a_csv_and_a_workbook_of_the_same_table(clean, tmp_path):
    folder = build_case(tmp_path / "both", {})
    wb = Workbook()
    _sheet(wb, clean, "lots", first=True)
    wb.save(folder / "lots.xlsx")
    log = ReadLog()
    read_case(folder, log=log)
    assert log.warnings == ["lots.xlsx: not read, lots.csv was (remove one of them)"]


def test_excels_sep_line_names_the_delimiter(case_with):
    lots = ("sep=;\r\nid;farm;product;kg;ready;latest_pickup\r\n"
            "L1;farm-a;lychee;150,5;2025-06-12T04:00;2025-06-12T10:00\r\nL2;farm-b;lychee;x;04:00;10:00\r\n")
    with pytest.raises(CaseError) as info:
        read_case(case_with({"lots.csv": lots}))
    assert info.value.problems == ["lots.csv row 3, kg: must be a number, got 'x'"]  # as Excel shows it


def test_a_title_above_the_table_is_skipped_and_rows_keep_their_numbers(clean, tmp_path):
    folder = build_case(tmp_path / "titled", {f"{t}.csv": None for t in TABLES})
    for table in TABLES:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append([f"DANH SÁCH {table.upper()} - HTX Lục Ngạn"])  # a title, then a blank row
        ws.append([])
        for n, record in enumerate(_records(clean, table)):
            ws.append(record if n == 0 else [_xlsx_value(c) for c in record])
        wb.save(folder / f"{table}.xlsx")
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    assert "header on row 3 (the rows above it skipped)" in log.files[-1].describe()
    book = load_workbook(folder / "lots.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=5, column=5).value = -3  # the kg of the second lot, row 5 as Excel shows it
    book.save(folder / "lots.xlsx")
    with pytest.raises(CaseError) as info:
        read_case(folder)
    assert info.value.problems == ["lots.xlsx row 5, kg: must be > 0, got -3"]


def test_a_title_line_above_a_csv_header(case_with):
    lots = ("Danh sách lô hàng ngày 12/06;;;;;\n;;;;;\nid;farm;product;kg;ready;latest_pickup\n"
            "L1;farm-a;lychee;-5;04:00;10:00\n")
    with pytest.raises(CaseError) as info:
        read_case(case_with({"lots.csv": lots}))
    assert info.value.problems == ["lots.csv row 4, kg: must be > 0, got -5"]


def _slash_dates(text: str, *, month_first: bool = False) -> str:
    """ISO datetimes as a Vietnamese (12/06/2025 04:00) or US (06/12/2025 04:00) Excel writes them."""
    def swap(m: re.Match[str]) -> str:
        y, mo, d, hh, mm = m.groups()
        return f"{mo}/{d}/{y} {hh}:{mm}" if month_first else f"{d}/{mo}/{y} {hh}:{mm}"
    return re.sub(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)", swap, text)


def test_dates_written_day_first_as_in_vietnam(clean, tmp_path):
    folder = write_like_excel(clean, tmp_path / "dmy", delimiter=";", decimal=",",
                              encode=lambda t: _slash_dates(t).encode("utf-8"))
    log = ReadLog()
    assert read_case(folder, log=log) == read_case(clean)
    assert "4 date(s) written like 12/06/2025 read as day/month/year" in log.files[5].describe()


def test_dates_written_month_first_when_a_day_says_so(case_with):
    lots = ("id,farm,product,kg,ready,latest_pickup\n"
            "L1,farm-a,lychee,150,06/12/2025 04:00,06/12/2025 10:00\nL2,farm-b,lychee,400,06/13/2025 05:00,06/13/2025 11:00\n")
    case = read_case(case_with({"lots.csv": lots}))
    assert [lot.ready for lot in case.lots] == [4 * 3600, 86_400 + 5 * 3600]


def test_declared_date_order(case_with):
    settings = (build_case.__globals__["TINY"] / "settings.toml").read_text(encoding="utf-8")
    lots = "id,farm,product,kg,ready,latest_pickup\nL1,farm-a,lychee,150,06/12/2025 04:00,06/12/2025 10:00\n"
    case = read_case(case_with({"lots.csv": lots, "settings.toml": settings + '\n[files]\ndates = "mdy"\n'}))
    assert case.lots[0].ready == 4 * 3600
    with pytest.raises(CaseError) as info:
        read_case(case_with({"settings.toml": settings + '\n[files]\ndates = "ymd"\n'}))
    assert info.value.problems[0].startswith("settings.toml [files], dates: must be 'dmy'")


def test_a_broken_workbook_is_named(case_with):
    folder = case_with({"lots.csv": None})
    (folder / "lots.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CaseError) as info:
        read_case(folder)
    (problem,) = info.value.problems
    assert problem.startswith("lots.xlsx: not a readable XLSX workbook (")
