"""Files as offices save them (CSV, or XLSX from Excel) read into the rows
the API's ingest service validates, by the case reader's table readers
(planner.io.tables); problems by row and field for the page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.io.tables import TableError, parse_xlsx

from ..errors import ApiError
from ..services.ingest import Kind, csv_rows, table_rows

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
PROBLEM = re.compile(r"^(?P<file>.+?) row (?P<row>\d+), (?P<field>[^:]+): (?P<message>.+)$")


@dataclass(frozen=True)
class Problem:
    row: str
    field: str
    message: str


def problems_of(lines: list[str]) -> list[Problem]:
    """``lots.csv row 3, kg: must be positive`` -> row 3, field kg, the message."""
    out = []
    for line in lines:
        m = PROBLEM.match(line)
        out.append(Problem(m["row"], m["field"], m["message"]) if m else Problem("", "", line))
    return out


def xlsx_rows(data: bytes, kind: Kind, name: str) -> list[dict[str, str]]:
    """Rows of the first sheet, read as the case reader reads a workbook (dates
    ISO, numbers typed as text with decimal commas, NFC; a title row above the
    header skipped); columns that are no field of ``kind`` are left out."""
    try:
        table = parse_xlsx(data, name, required=kind.columns)
    except TableError as exc:
        raise ApiError(422, "invalid_xlsx", str(exc)) from None
    return table_rows(table, kind, "invalid_xlsx", drop_unknown=True)


def rows_of_upload(kind: Kind, name: str, data: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded ``.csv`` or ``.xlsx`` file."""
    if not data:
        raise ApiError(422, "empty_file", f"{name or 'the file'} is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", f"{name} is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return xlsx_rows(data, kind, name)
    return csv_rows(data, kind, name)
