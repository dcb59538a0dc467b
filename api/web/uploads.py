"""Files as offices save them (CSV, or XLSX from Excel) read into the rows
the API's ingest service validates; problems by row and field for the page."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ..errors import ApiError
from ..services.ingest import Kind, csv_rows

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


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def xlsx_rows(data: bytes, kind: Kind, name: str) -> list[dict[str, str]]:
    """Rows of the first sheet (header = row 1), cells as the CSV reader would see them."""
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook: one clear line
        raise ApiError(422, "invalid_xlsx", f"{name}: not a readable Excel workbook ({type(exc).__name__})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in kind.columns if c not in frame.columns]
    if missing:
        raise ApiError(422, "invalid_xlsx", f"{name}: missing column(s) {', '.join(missing)}")
    known = [c for c in frame.columns if c in kind.fields]
    return [{k: _cell(v) for k, v in rec.items()} for rec in frame[known].to_dict("records")]


def rows_of_upload(kind: Kind, name: str, data: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded ``.csv`` or ``.xlsx`` file."""
    if not data:
        raise ApiError(422, "empty_file", f"{name or 'the file'} is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", f"{name} is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return xlsx_rows(data, kind, name)
    return csv_rows(data.removeprefix(b"\xef\xbb\xbf"), kind)
