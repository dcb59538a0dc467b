"""orders.csv read a column at a time gives what the row reader gives: the
same orders, and the same problems and warnings (file, row, field) in the
same order, for clean rows and for every kind of bad cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.io import csv_files as cf
from planner.io import read_case
from planner.io.fields import RowReader
from planner.io.order_columns import read_orders
from planner.io.tables import parse_csv

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"
HEADER = "id,channel,market,product,grade,kg,boxes,ordered,deadline,min_shelf_life_days,value,partner,city,country,region,lat,lon,hub,priority"
GOOD = "O{n},livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-13T20:00,5,300000,ghn,Hanoi,VN,,21.03,105.85,hub-hn,"
ROWS = [
    GOOD,
    "O{n},b2b,US,lychee,B,100.5,10,09:30,2025-06-14T20:00,12,1e6,,Los Angeles,us,CA,33.94,-118.41,lax,export",
    "O{n},b2b,US,lychee,,100,,2025-06-12T09:30,2025-06-14T20:00,,,,Los Angeles,US,US-CA,33.94,-118.41,lax,",
    "O{n},b2b,US,lychee,A,100,10,2025-06-12T09:30,2025-06-14T20:00,12,0,,Miami,US,Florida,25.79,-80.29,mia,",  # region by name
    "O{n},livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-13T20:00,5,0,,Hanoi,VN,Dong Da,21.03,105.85,hub-hn,",
    "O{n},drone,domestic,lychee,A,-5,1.5,2025-06-12T09:00,2025-06-12T08:00,-1,abc,,Hanoi,VN,,91,200,hub-hn,urgent",
    ",livestream,,,A,0,x,,,,,,,,,,,,",
    "O{n},livestream,domestic,lychee,A,\"5,5\",1,2025-06-12T09:00,2025-06-13T20:00,5,0,,Hanoi,Viet Nam,,21.03,nan,hub-hn,",
    "O{n},livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-12T09:00,5,0,,Hanoi,VN,,21.03,105.85,hub-hn,",
    "O{n},livestream,domestic,lychee,A,1e16,-1,12/06/2025,25:00,inf,-0.5,,Hanoi,VN,,-90,180,,",
    "O{n},livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-13T20:00,5,0,,Hanoi,VN,,21.03,105.85,hub-hn,standard",
]


def _table(lines: list[str]):  # noqa: ANN202 - a Table
    text = "\n".join([HEADER, *(line.format(n=i) for i, line in enumerate(lines))]) + "\n"
    return parse_csv(text.encode("utf-8"), "orders.csv")


def _by_rows(table, settings):  # noqa: ANN001, ANN202
    problems: list[str] = []
    warnings: list[str] = []
    out = []
    for n, values in table.rows:
        order = cf.read_order(RowReader("orders.csv", n, values, problems, warnings=warnings), settings)
        if order is not None:
            out.append((f"orders.csv row {n}", order))
    return out, problems, warnings


def test_column_reader_matches_the_row_reader(tiny_case):
    table = _table(ROWS * 3)
    problems: list[str] = []
    warnings: list[str] = []
    got = list(read_orders(table, tiny_case.settings, problems, warnings))
    expected, expected_problems, expected_warnings = _by_rows(_table(ROWS * 3), tiny_case.settings)
    assert got == expected
    assert problems == expected_problems
    assert warnings == expected_warnings
    assert len(got) == 6 * 3 and problems and warnings  # the rows above do exercise every path
    assert any(p.startswith("orders.csv row 7, channel:") for p in problems)
    assert any("row 5, region: 'Florida' read as ISO 3166-2 US-FL" in w for w in warnings)


def test_every_order_of_the_tiny_case_read_by_columns_equals_the_row_reader(tiny_case):
    table = cf.open_table(TINY / "orders.csv", [], cf.ORDER_COLUMNS)
    assert table is not None
    got = [o for _, o in read_orders(table, tiny_case.settings, [], [])]
    assert got == [o for _, o in _by_rows(table, tiny_case.settings)[0]]
    assert tuple(got) == read_case(TINY).orders


_CELLS = {  # per column: good values and every kind of bad one the row reader words
    "id": ["O", "", " O ", "Ô"], "channel": ["livestream", "b2b", "", "drone", " b2b"],
    "market": ["domestic", "US", "", "Mars"], "product": ["lychee", ""], "grade": ["", "A", "B "],
    "kg": ["5", "0", "-1", "", "1e16", "nan", "inf", "5,5", " 7 ", "1_0"],
    "boxes": ["", "1", "-1", "1.5", " 2", "x"],
    "ordered": ["2025-06-12T09:00", "09:00", "", "25:00", "12/06/2025", "2025-06-14T09:00"],
    "deadline": ["2025-06-13T20:00", "09:00", "", "2025-02-30T10:00", "2025-06-12T09:00"],
    "min_shelf_life_days": ["", "5", "-1", "inf", "x"], "value": ["", "0", "-0.5", "abc", "1e6"],
    "partner": ["", "ghn", " ghn "], "city": ["Hanoi", "", " Hà Nội "],
    "country": ["VN", "vn", "US", "", "Viet Nam", "USA", "XX"],
    "region": ["", "CA", "US-CA", "Florida", "Dong Da", "Bắc Giang", "54", "56", "HN"],
    "lat": ["21.03", "", "91", "-90", "nan", "x"], "lon": ["105.85", "180", "-180.5", "", "inf"],
    "hub": ["hub-hn", "", "lax"], "priority": ["", "export", "contract", "urgent", "STANDARD"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _CELLS.items()}), min_size=1, max_size=8))
def test_any_rows_read_by_columns_equal_the_row_reader(tiny_case, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_CELLS), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "id": f"{r['id']}{i}" if r["id"].strip() else r["id"]} for i, r in enumerate(rows))
    data = out.getvalue().encode("utf-8")
    problems: list[str] = []
    warnings: list[str] = []
    got = list(read_orders(parse_csv(data, "orders.csv"), tiny_case.settings, problems, warnings))
    assert (got, problems, warnings) == _by_rows(parse_csv(data, "orders.csv"), tiny_case.settings)
