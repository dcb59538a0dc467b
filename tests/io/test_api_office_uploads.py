"""Uploads to the HTTP API (api/services/ingest.py, api/web/uploads.py) are read
by the case reader's table readers: a CSV saved by Excel (semicolons, decimal
commas, Windows-1258, a BOM, NFD text) or an XLSX workbook gives the same rows
as the clean file, problems name the row as the spreadsheet numbers it and the
field; an order's priority reaches the case that is planned.

(Here rather than in tests/api: they test the office readers behind the API,
through its service functions, without a database.)"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from openpyxl import Workbook  # noqa: E402

from api.errors import ApiError  # noqa: E402
from api.services import ingest  # noqa: E402
from api.services.ingest import LOTS, ORDERS  # noqa: E402
from api.services.plans import case_of_snapshot  # noqa: E402
from api.web.uploads import rows_of_upload  # noqa: E402
from planner.domain import Priority  # noqa: E402
from planner.io import read_case  # noqa: E402

from .test_office_files import to_cp1258  # noqa: E402

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"
LOTS_CSV = (TINY / "lots.csv").read_text(encoding="utf-8")
ORDERS_CSV = (TINY / "orders.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base():  # noqa: ANN201
    return read_case(TINY)


def _excel_csv(text: str) -> str:
    """As Excel's 'CSV (semicolon)' writes it in Vietnam: ';' and decimal commas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for record in csv.reader(io.StringIO(text)):
        writer.writerow([c.replace(".", ",") if c.replace(".", "", 1).lstrip("-").isdigit() else c for c in record])
    return out.getvalue()


def _stored(kind, rows, base):  # noqa: ANN001, ANN202
    return [v.values for v in ingest.validate(kind, base, rows, file=f"{kind.name}.csv", first_row=2)]


VIETNAMESE_LOTS = LOTS_CSV.replace("VietGAP;growing-area-code", "VietGAP;growing-area-code;Mã vùng trồng")

FORMS = {
    "semicolons, decimal commas": lambda t: _excel_csv(t).encode("utf-8"),
    "UTF-8 with BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "UTF-16 (Unicode text)": lambda t: t.replace(",", "\t").encode("utf-16"),
    "Windows-1258": lambda t: to_cp1258(_excel_csv(t)),
    "NFD": lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
}


@pytest.mark.parametrize("form", FORMS)
def test_an_excel_saved_csv_upload_gives_the_rows_of_the_clean_file(form, base):
    text = VIETNAMESE_LOTS.replace("150,15", "150.5,15")
    clean = _stored(LOTS, ingest.csv_rows(text.encode("utf-8"), LOTS), base)
    for rows in (ingest.csv_rows(FORMS[form](text), LOTS), rows_of_upload(LOTS, "lots.csv", FORMS[form](text))):
        assert _stored(LOTS, rows, base) == clean
    assert clean[0]["kg"] == "150.5" and clean[0]["certifications"].endswith("Mã vùng trồng")


def test_the_json_api_reads_an_excel_csv_body_as_the_cli_does(base):
    rows, file, first = ingest.parse(ORDERS, "text/csv; charset=windows-1258", to_cp1258(_excel_csv(ORDERS_CSV)),
                                     max_rows=100)
    assert (file, first) == ("orders.csv", 2)
    assert [r["kg"] for r in rows] == ["5", "100"]
    assert _stored(ORDERS, rows, base) == _stored(ORDERS, ingest.csv_rows(ORDERS_CSV.encode(), ORDERS), base)


def test_problems_name_the_row_the_spreadsheet_shows_and_the_field(base):
    lines = LOTS_CSV.splitlines()
    title = "Harvest declarations;;;;;;;;;;;\n;;;;;;;;;;;\n"  # a title and a blank row above the header
    bad = lines[2].replace(",400,", ",-4,")
    text = title + _excel_csv("\n".join([lines[0], lines[1], "", bad]) + "\n")
    rows = rows_of_upload(LOTS, "harvest.csv", text.encode("utf-8"))
    with pytest.raises(ApiError) as err:
        ingest.validate(LOTS, base, rows, file="harvest.csv", first_row=2)
    assert err.value.problems == ["harvest.csv row 6, kg: must be > 0, got -4"]


def test_a_decimal_comma_in_a_comma_separated_upload_is_refused_saying_what_to_change():
    text = LOTS_CSV.replace(",150,", ",150,5,")
    with pytest.raises(ApiError) as err:
        ingest.csv_rows(text.encode("utf-8"), LOTS)
    assert err.value.status == 422
    assert err.value.message.startswith("lots.csv row 2: 13 fields but the header has 12: a decimal comma")


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_an_xlsx_upload_gives_the_rows_of_the_clean_csv(base):
    records = list(csv.reader(io.StringIO(LOTS_CSV)))
    cells: list[list[object]] = [["Vụ vải 2025"], [], records[0] + ["ghi chú"]]
    for r in records[1:]:
        typed: list[object] = [float(c) if c.isdigit() else c for c in r]
        typed[6], typed[7] = datetime.fromisoformat(r[6]), datetime.fromisoformat(r[7])
        cells.append([*typed, "note"])
    cells[3][4] = "150,5"  # a number typed as text with a decimal comma
    rows = rows_of_upload(LOTS, "lots.xlsx", _workbook(cells))
    assert rows.numbers == [4, 5]
    clean = LOTS_CSV.replace(",150,", ",150.5,").encode()
    assert _stored(LOTS, rows, base) == _stored(LOTS, ingest.csv_rows(clean, LOTS), base)


def test_an_unreadable_workbook_is_one_clear_line():
    with pytest.raises(ApiError) as err:
        rows_of_upload(LOTS, "lots.xlsx", b"PK\x03\x04 not really a zip")
    assert err.value.code == "invalid_xlsx" and err.value.message.startswith("lots.xlsx: not a readable XLSX workbook")


def test_an_order_priority_is_accepted_in_json_and_csv_and_reaches_the_planned_case(base):
    header, first, second = ORDERS_CSV.splitlines()
    text = f"{header},priority\n{first},contract\n{second},\n"
    csv_rows = ingest.csv_rows(text.encode("utf-8"), ORDERS)
    body = ('{"orders": [{"id": "O1", "channel": "livestream", "market": "domestic", "product": "lychee", '
            '"kg": 5, "ordered": "2025-06-12T09:00", "deadline": "2025-06-13T20:00", "city": "Hanoi", '
            '"country": "VN", "lat": 21.03, "lon": 105.85, "hub": "hub-hn", "priority": "export"}]}')
    json_rows, _, _ = ingest.parse(ORDERS, "application/json", body.encode(), max_rows=10)
    for rows, expected in ((csv_rows, [Priority.CONTRACT, Priority.STANDARD]), (json_rows, [Priority.EXPORT])):
        stored = _stored(ORDERS, rows, base)
        snapshot = {"lots": [], "orders": [{"org": "coop", "id": v["id"], "values": v} for v in stored]}
        planned = case_of_snapshot(base, snapshot)
        assert [o.priority for o in planned.orders] == expected


def test_a_wrong_priority_is_refused_naming_row_and_field(base):
    header, first, _ = ORDERS_CSV.splitlines()
    rows = ingest.csv_rows(f"{header},priority\n{first},urgent\n".encode(), ORDERS)
    with pytest.raises(ApiError) as err:
        ingest.validate(ORDERS, base, rows, file="orders.csv", first_row=2)
    assert err.value.problems == ["orders.csv row 2, priority: must be one of standard, export, contract; got 'urgent'"]
