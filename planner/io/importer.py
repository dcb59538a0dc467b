"""``planner import``: a folder of spreadsheets (CSV in any encoding and
delimiter, XLSX files) or one workbook turned into a clean case folder (UTF-8
CSV with commas and decimal points, NFC text, TOML files in UTF-8), with a
report of what was read, what was changed and what could not be."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import CaseError
from . import csv_files
from .decoding import DecodeError, decode, nfc
from .reader import read_case
from .tables import (
    FileNote,
    FileOptions,
    ReadLog,
    Table,
    TableError,
    read_sheet,
    read_table,
    source_of,
)
from .toml_files import file_options

TABLES = ("sites", "lots", "orders", "fleet", "drivers")
COLUMNS = {
    "sites": csv_files.SITE_COLUMNS, "lots": csv_files.LOT_COLUMNS, "orders": csv_files.ORDER_COLUMNS,
    "fleet": csv_files.FLEET_COLUMNS, "drivers": csv_files.DRIVER_COLUMNS,
}
REQUIRED_TABLES = frozenset({"sites"})
TOMLS = ("settings", "products", "markets", "lanes")
REQUIRED_TOMLS = frozenset({"settings", "products", "markets"})


@dataclass(slots=True)
class ImportReport:
    """What ``import_case`` read, changed and could not do; ``problems`` and
    ``warnings`` are those of the case written (validated after writing)."""

    source: Path
    out: Path
    read: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    could_not: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not any("required" in c for c in self.could_not)

    def lines(self) -> list[str]:
        out = [f"import {self.source} -> {self.out}", "read:"]
        out += [f"  {x}" for x in self.read] or ["  nothing"]
        out += ["changed:"] + ([f"  {x}" for x in self.changed] or ["  nothing"])
        out += ["could not:"] + ([f"  {x}" for x in self.could_not] or ["  nothing left out"])
        if self.problems:
            out += [f"the case written has {len(self.problems)} problem(s) (planner validate {self.out}):"]
            out += [f"  {p}" for p in self.problems]
        else:
            out.append(f"the case written is valid ({len(self.warnings)} warning(s); planner validate {self.out})")
        return out


def _toml_text(path: Path, report: ImportReport) -> str | None:
    try:
        decoded = decode(path.read_bytes())
    except (OSError, DecodeError) as exc:
        report.could_not.append(f"{path.name}: {exc}")
        return None
    text = nfc(decoded.text)
    if decoded.encoding != "UTF-8":
        report.changed.append(f"{path.name}: re-encoded from {decoded.encoding} to UTF-8")
    if text != decoded.text:
        report.changed.append(f"{path.name}: text normalised to Unicode NFC")
    return text


def _without_files_table(text: str) -> str:
    """settings.toml without its ``[files]`` table: the files written are clean."""
    return re.sub(r"(?ms)^\[files\][^\[]*", "", text)


def _copy_tomls(folder: Path, out: Path, report: ImportReport) -> FileOptions:
    options = FileOptions()
    for name in TOMLS:
        path = folder / f"{name}.toml"
        if not path.exists():
            need = "required" if name in REQUIRED_TOMLS else "optional"
            report.could_not.append(f"{name}.toml: not found in {folder} ({need}; write it as docs/case-format.md says)")
            continue
        text = _toml_text(path, report)
        if text is None:
            continue
        if name == "settings":
            try:
                raw = tomllib.loads(text).get("files", {})
            except tomllib.TOMLDecodeError as exc:
                report.could_not.append(f"settings.toml: not valid TOML ({exc}); copied as it is")
                raw = {}
            problems: list[str] = []
            options = file_options(raw, problems)
            report.could_not += problems
            if raw:
                text = _without_files_table(text)
                report.changed.append("settings.toml: [files] removed (the tables written are UTF-8, ',' and '.')")
        (out / path.name).write_text(text, encoding="utf-8")
        report.read.append(f"{path.name}")
    return options


def _tables_of(source: Path, options: FileOptions, report: ImportReport) -> dict[str, Table]:
    found: dict[str, Table] = {}
    if source.is_file():  # one workbook: a sheet per table
        from openpyxl import load_workbook

        try:
            sheets = load_workbook(source, read_only=True).sheetnames
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            report.could_not.append(f"{source.name}: not a readable XLSX workbook ({exc})")
            return found
        for sheet in sheets:
            name = sheet.strip().casefold()
            if name not in TABLES:
                report.could_not.append(f"{source.name} [{sheet}]: not read (no table of the case is named so)")
                continue
            try:
                found[name] = read_sheet(source, sheet, options=options, required=COLUMNS[name])
            except TableError as exc:
                report.could_not.append(str(exc))
        return found
    for name in TABLES:
        if source_of(source / f"{name}.csv") is None:
            continue
        try:
            found[name] = read_table(source / f"{name}.csv", options, COLUMNS[name])
        except TableError as exc:
            report.could_not.append(str(exc))
    return found


def _write_table(table: Table, path: Path) -> None:
    columns = [c for c in table.columns if c]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for _, cells in table.rows:
            writer.writerow([cells.get(c, "").strip() for c in columns])


def _changes(note: FileNote) -> list[str]:
    out = []
    if note.header_row > 1:
        out.append(f"{note.source}: the {note.header_row - 1} row(s) above the header (a title) left out")
    if note.fmt == "CSV" and (note.encoding != "UTF-8" or note.delimiter != ","):
        out.append(f"{note.source}: {note.encoding}, delimiter {note.delimiter!r} -> UTF-8, ','")
    if note.decimal_cells:
        out.append(f"{note.source}: {note.decimal_cells:,} number(s) with a decimal comma -> decimal point")
    if note.date_cells:
        order = "day/month/year" if note.dates == "dmy" else "month/day/year"
        out.append(f"{note.source}: {note.date_cells:,} date(s) written like 12/06/2025 ({order}) -> ISO 8601")
    if note.nfc_cells:
        out.append(f"{note.source}: {note.nfc_cells:,} text field(s) normalised to Unicode NFC")
    return out


def import_case(source: str | Path, out: str | Path) -> ImportReport:
    """Write the case in ``source`` (a folder or one .xlsx workbook) as a clean
    case folder ``out``, and validate it. ``out`` must not hold a case already."""
    source, out = Path(source), Path(out)
    report = ImportReport(source, out)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such folder or workbook")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: exists and is not empty (choose a new folder)")
    out.mkdir(parents=True, exist_ok=True)
    folder = source if source.is_dir() else source.parent
    options = _copy_tomls(folder, out, report)
    tables = _tables_of(source, options, report)
    geojson = folder / "sites.geojson"
    if "sites" not in tables and geojson.exists():
        (out / "sites.geojson").write_text(nfc(geojson.read_text(encoding="utf-8-sig")), encoding="utf-8")
        report.read.append("sites.geojson")
    for name in TABLES:
        table = tables.get(name)
        if table is None:
            if name in REQUIRED_TABLES and not (out / "sites.geojson").exists():
                report.could_not.append(f"{name}: no {name}.csv, {name}.xlsx or sheet '{name}' found (required)")
            continue
        _write_table(table, out / f"{name}.csv")
        report.read.append(table.note.describe())
        report.changed += _changes(table.note)
    log = ReadLog()
    try:
        read_case(out, log=log)
    except CaseError as exc:
        report.problems = exc.problems
    report.warnings = log.warnings
    (out / "import-report.txt").write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
    return report
