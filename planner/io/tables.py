"""The tables of a case as offices save them: CSV files in any delimiter,
decimal separator and encoding Excel writes, or XLSX workbooks (one file per
table, or one workbook with a sheet per table).

Each table becomes a list of rows of text cells (NFC, numbers with a decimal
point), and a :class:`FileNote` that says what was assumed and changed, so
that ``planner validate`` and ``planner import`` can tell the user."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from .decoding import DecodeError, decode, nfc

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")  # 107,7 or 1.150,5
_DOT_THOUSANDS_ONLY = re.compile(r"^[+-]?\d{1,3}(\.\d{3}){2,}$")  # 36.684.000
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_LOCALE_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


def delimiter_name(delimiter: str) -> str:
    return f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))} ({delimiter!r})"


@dataclass(frozen=True, slots=True)
class FileOptions:
    """What ``settings.toml [files]`` declares (empty: detect)."""

    delimiter: str = ""
    decimal: str = ""
    encoding: str = ""
    dates: str = ""  # "dmy" (12/06/2025 is 12 June, as in Vietnam) or "mdy"


@dataclass(slots=True)
class FileNote:
    """How one table was read: its source, encoding, delimiter and decimal
    separator, and how many cells were changed (NFC, decimal commas)."""

    source: str  # "orders.csv" or "case.xlsx [orders]"
    fmt: str  # "CSV" or "XLSX"
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    decimal: str = "."
    nfc_cells: int = 0
    decimal_cells: int = 0
    header_row: int = 1  # > 1: title rows above the table were skipped
    dates: str = ""  # how dates written 12/06/2025 were read: "dmy" or "mdy" ("" none seen)
    date_cells: int = 0

    def describe(self) -> str:
        if self.fmt == "TOML":
            nfc = ", text normalised to Unicode NFC" if self.nfc_cells else ""
            return f"{self.source}: {self.encoding}{nfc}"
        parts = [f"{self.rows:,} row(s)"]
        if self.header_row > 1:
            parts.append(f"header on row {self.header_row} (the rows above it skipped)")
        if self.fmt == "CSV":
            parts += [self.encoding, f"delimiter {delimiter_name(self.delimiter)}"]
        else:
            parts.append("XLSX sheet")
        parts.append(f"decimal {'comma' if self.decimal == ',' else 'point'} ({self.decimal!r})")
        if self.decimal_cells:
            parts.append(f"{self.decimal_cells:,} number(s) with a decimal comma read as decimal point")
        if self.date_cells:
            order = "day/month/year" if self.dates == "dmy" else "month/day/year"
            parts.append(f"{self.date_cells:,} date(s) written like 12/06/2025 read as {order}")
        if self.nfc_cells:
            parts.append(f"{self.nfc_cells:,} text field(s) normalised to Unicode NFC")
        return f"{self.source}: " + ", ".join(parts)


@dataclass(slots=True)
class ReadLog:
    """What reading a case noticed besides problems: a note per file read,
    the warnings (legal but implausible values), and the files' options."""

    files: list[FileNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    options: FileOptions = field(default_factory=FileOptions)


@dataclass(slots=True)
class Table:
    """The header and the rows of a table: ``records[i]`` holds the cells of
    spreadsheet row ``numbers[i]`` in column order (padded to the header's width)."""

    note: FileNote
    columns: list[str]
    numbers: list[int]
    records: list[list[str]]

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as (spreadsheet row number, cells by column)."""
        header = self.columns
        return ((n, dict(zip(header, r, strict=False))) for n, r in zip(self.numbers, self.records, strict=True))

    def column(self, name: str) -> list[str]:
        """The cells of column ``name``, stripped ("" for every row when absent;
        a repeated column name means its last column, as in :attr:`rows`)."""
        if name not in self.columns:
            return [""] * len(self.records)
        at = len(self.columns) - 1 - self.columns[::-1].index(name)
        return [r[at].strip() for r in self.records]


class TableError(ValueError):
    """A table that cannot be read at all; the message names the file and says what to change."""


def source_of(path: Path) -> Path | tuple[Path, str] | None:
    """Where the table ``path`` names (``folder/orders.csv``) is: that CSV file,
    ``orders.xlsx`` next to it, or the ``orders`` sheet of a workbook in the folder."""
    if path.exists():
        return path
    name = path.stem
    own = path.with_suffix(".xlsx")
    if own.exists():
        return own, ""
    for book in sorted(path.parent.glob("*.xlsx")):
        if book.name.startswith("~$") or book == own:  # Excel's lock files
            continue
        sheet = _sheet_named(book, name)
        if sheet:
            return book, sheet
    return None


def _sheet_named(book: Path, name: str) -> str:
    try:
        names = _workbook(book, book.stat().st_mtime_ns)[0]
    except (TableError, OSError):  # a broken workbook is reported when read, not here
        return ""
    return next((s for s in names if s.strip().casefold() == name.casefold()), "")


@lru_cache(maxsize=4)
def _workbook(book: Path, mtime_ns: int) -> tuple[list[str], dict[str, list[tuple[Any, ...]]]]:
    """Sheet names and the cell values of every sheet, read once per file version
    (opening a workbook parses all its shared strings: a case reads several sheets)."""
    return _load_workbook(book, book.name)


def _load_workbook(source: Path | bytes, label: str) -> tuple[list[str], dict[str, list[tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source if isinstance(source, Path) else io.BytesIO(source), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise TableError(f"{label}: not a readable XLSX workbook ({exc})") from None
    try:
        return list(wb.sheetnames), {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def read_table(path: Path, options: FileOptions = FileOptions(), required: Iterable[str] = ()) -> Table:
    """Read the table ``path`` names (see :func:`source_of`); raise TableError.
    The header is the first row holding every ``required`` column (a title row
    above the table is skipped), else the first row."""
    where = source_of(path)
    if where is None:
        raise FileNotFoundError(path)
    if isinstance(where, tuple):
        return read_sheet(*where, options=options, required=required)
    return read_csv(where, options, required)


# ---------------------------------------------------------------- CSV


def read_csv(path: Path, options: FileOptions = FileOptions(), required: Iterable[str] = ()) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    return parse_csv(data, path.name, options, required)


def parse_csv(
    data: bytes, name: str, options: FileOptions = FileOptions(), required: Iterable[str] = (),
) -> Table:
    """A CSV file's bytes (a file, an upload) as a table; ``name`` labels its problems."""
    try:
        decoded = decode(data, declared=options.encoding)
    except DecodeError as exc:
        raise TableError(f"{name}: {exc}") from None
    note = FileNote(name, "CSV", encoding=decoded.encoding)
    text = decoded.text
    hint = _SEP_LINE.match(text)  # Excel's "sep=;" first line, which Excel itself hides
    if hint:
        text = text[hint.end():]
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise TableError(f"{name}: the file is empty (a header row is needed)")
    note.delimiter = options.delimiter or (hint[1] if hint else "") or \
        _detect_delimiter(next(x for x in lines if x.strip()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=note.delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        msg = (f"{name}: not a readable CSV file (line {reader.line_num}: {exc}): "
               "a double quote that opens a field must close it")
        raise TableError(msg) from None
    at = _header_at(records, required)
    note.header_row = at + 1
    header = [nfc(c.strip()) for c in records[at]]
    width = len(header)
    numbers: list[int] = []
    kept: list[list[str]] = []
    for n, record in enumerate(records[at + 1:], start=at + 2):
        if len(record) == width and record[0].strip():  # the common row, checked cheaply
            numbers.append(n)
            kept.append(record)
            continue
        if not "".join(record).strip():
            continue  # blank lines and the ';;;;' rows Excel leaves below a table
        if len(record) > width:
            raise TableError(_too_many_fields(name, n, len(record), width, note.delimiter))
        numbers.append(n)
        kept.append(record + [""] * (width - len(record)))
    note.decimal = options.decimal or _detect_decimal(c for r in kept for c in r)
    if "/" in text:
        note.dates = options.dates or _detect_dates(c for r in kept for c in r)
    return _table(note, header, numbers, kept, is_nfc=unicodedata.is_normalized("NFC", text))


def _header_at(records: list[list[str]], required: Iterable[str]) -> int:
    """Index of the header row: the first of the first ten non-blank rows that
    holds every required column, else the first non-blank row."""
    filled = [i for i, r in enumerate(records[:50]) if "".join(r).strip()]
    need = set(required)
    for i in filled[:10] if need else ():
        if need <= {nfc(c.strip()) for c in records[i]}:
            return i
    return filled[0]


def _detect_delimiter(header: str) -> str:
    """The candidate that splits the header into the most columns (names hold none)."""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 1 else ","


def _too_many_fields(file: str, row: int, got: int, expected: int, delimiter: str) -> str:
    hint = ""
    if delimiter == ",":
        hint = (": a decimal comma in a comma-separated file? Save as 'CSV (semicolon)' "
                "or use a decimal point, or quote the numbers")
    elif delimiter == ";":
        hint = ": a ';' inside a text field needs the field in double quotes"
    return f"{file} row {row}: {got} fields but the header has {expected}{hint}"


def _detect_dates(cells: Iterable[str]) -> str:
    """How dates written ``12/06/2025`` are meant: "mdy" only when some date can
    only be month first (06/13/2025); "dmy" (Vietnam's order) otherwise; "" if none."""
    seen = False
    for cell in cells:
        m = _SLASH_DATE.match(cell.strip()) if "/" in cell else None
        if m:
            seen = True
            if int(m[1]) > 12:
                return "dmy"
            if int(m[2]) > 12:
                return "mdy"
    return "dmy" if seen else ""


def _iso_date(value: str, note: FileNote) -> str:
    """``12/06/2025 04:30`` as ``2025-06-12T04:30`` (in the order the file uses)."""
    m = _SLASH_DATE.match(value.strip())
    if not m:
        return value
    day, month = (m[1], m[2]) if note.dates == "dmy" else (m[2], m[1])
    note.date_cells += 1
    iso = f"{m[3]}-{int(month):02d}-{int(day):02d}"
    return f"{iso}T{int(m[4]):02d}:{m[5]}" + (f":{m[6]}" if m[6] else "") if m[4] else iso


def _detect_decimal(cells: Iterable[str]) -> str:
    """',' when numbers are written with decimal commas and none with a decimal point."""
    comma = False
    for cell in cells:
        if ("," in cell and _COMMA_DECIMAL.match(cell)) or ("." in cell and _DOT_THOUSANDS_ONLY.match(cell)):
            comma = True
        elif "." in cell and _DOT_DECIMAL.match(cell) and not _DOT_THOUSANDS.match(cell):
            return "."  # one number with a decimal point decides
    return "," if comma else "."


def _table(
    note: FileNote, header: list[str], numbers: list[int], records: list[list[str]], *, is_nfc: bool = False,
) -> Table:
    """The table, its cells in NFC with decimal points and ISO dates (changed in place)."""
    note.rows = len(records)
    if is_nfc and note.decimal == "." and not note.dates:  # the common case: nothing to change
        return Table(note, header, numbers, records)
    comma = note.decimal == ","
    for record in records:
        for i, raw in enumerate(record):
            value = raw if is_nfc else nfc(raw)
            if value != raw:
                note.nfc_cells += 1
            if comma and ("," in value or "." in value) and _LOCALE_NUMBER.match(value.strip()):
                value = value.strip().replace(".", "").replace(",", ".")
                note.decimal_cells += 1
            elif note.dates and "/" in value:
                value = _iso_date(value, note)
            record[i] = value
    return Table(note, header, numbers, records)


# ---------------------------------------------------------------- XLSX


def read_sheet(
    book: Path, sheet: str = "", *, options: FileOptions = FileOptions(),
    required: Iterable[str] = (),
) -> Table:
    """A sheet (by name; empty: the first) of an XLSX workbook (the header as
    :func:`read_table` finds it)."""
    names, sheets = _workbook(book, book.stat().st_mtime_ns)
    return _sheet_table(book.name, names, sheets, sheet, options, required)


def parse_xlsx(
    data: bytes, name: str, *, sheet: str = "", options: FileOptions = FileOptions(),
    required: Iterable[str] = (),
) -> Table:
    """A sheet (empty: the first) of an XLSX workbook's bytes (an upload);
    ``name`` labels its problems."""
    names, sheets = _load_workbook(data, name)
    if sheet and sheet not in sheets:
        raise TableError(f"{name}: no sheet named {sheet!r} (sheets: {', '.join(names)})")
    return _sheet_table(name, names, sheets, sheet, options, required)


def _sheet_table(
    book: str, names: list[str], sheets: dict[str, list[tuple[Any, ...]]], sheet: str,
    options: FileOptions, required: Iterable[str],
) -> Table:
    if not names:
        raise TableError(f"{book}: the workbook has no sheet")
    title = sheet or names[0]
    label = f"{book} [{title}]" if sheet else book
    note = FileNote(label, "XLSX", decimal=options.decimal or ".")
    raw_rows = sheets[title]
    texts = [[_cell_text(v) for v in values] for values in raw_rows]
    if not any("".join(r).strip() for r in texts):
        raise TableError(f"{label}: the sheet is empty (a header row is needed)")
    at = _header_at(texts, required)
    note.header_row = at + 1
    header = [t.strip() for t in texts[at]]
    while header and not header[-1]:
        header.pop()
    numbers, records = [], []
    for n, row in enumerate(texts[at + 1:], start=at + 2):
        cells = row[: len(header)]
        if "".join(cells).strip():
            numbers.append(n)
            records.append(cells + [""] * (len(header) - len(cells)))
    if not options.decimal:  # numbers typed as text ('107,7') in a sheet
        note.decimal = _detect_decimal(c for r in records for c in r)
    note.dates = options.dates or _detect_dates(c for r in records for c in r)  # dates typed as text
    return _table(note, [nfc(h) for h in header], numbers, records)


def _cell_text(value: Any) -> str:
    """A cell as the case's text format writes it (dates ISO, times HH:MM, 11.0 as 11)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes") if not value.second else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
