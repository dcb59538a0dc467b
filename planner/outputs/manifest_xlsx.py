"""``manifests/PARTNER.xlsx`` with openpyxl: a summary sheet (a row per
shipment) and a sheet per shipment (a row per order line). Times are real
date-times in the case's local time (the time zone is in the title row),
weights and temperatures real numbers, texts stored as text so nothing a
partner receives can run as a formula."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..domain import Case
from ..i18n import Lang
from .index import parse_time, shipment_boxes, shipment_kg
from .manifests import FIELDS, TIMES, local_time

DATE_FORMAT = "dd/mm/yyyy hh:mm"
BOLD = Font(bold=True)
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False, time: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    if time:
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def _row(ws: WriteOnlyWorksheet, values: Sequence[Any], *, bold: bool = False,
         times: frozenset[int] = frozenset()) -> None:
    ws.append([_cell(ws, v, bold=bold, time=i in times) for i, v in enumerate(values)])


def _sheet_name(text: str, taken: set[str]) -> str:
    base = SHEET_NAME.sub("-", text)[:31] or "sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:28]}~{n}"
    taken.add(name.lower())
    return name


def _summary(ws: WriteOnlyWorksheet, shipments: list[Mapping[str, Any]], case: Case,
             lang: Lang) -> None:
    sites = case.site_by_id
    _row(ws, [lang._("Shipments of {partner}", partner=shipments[0]["partner"] or "—")
              if shipments else lang._("No shipments"),
              lang._("times in {zone}", zone=case.settings.timezone)], bold=True)
    header = [lang._("Shipment"), lang._("Lane"), lang._("Mode"), lang._("From"), lang._("To"),
              lang._("Departs"), lang._("Arrives"), "kg", lang._("Boxes"), lang._("Units"),
              lang._("Orders"), lang._("Temperature (°C)"), lang._("Treatments done"),
              lang._("Cost") + f" ({case.settings.currency})"]
    _row(ws, header, bold=True)
    for s in sorted(shipments, key=lambda s: (parse_time(s["departure"], "departure"), s["id"])):
        _row(ws, [
            s["id"], s["lane_id"], s["mode"], sites[s["origin"]].name, sites[s["destination"]].name,
            local_time(s["departure"]), local_time(s["arrival"]), round(shipment_kg(s), 1),
            shipment_boxes(s), len(s["units"]), len({m["order_id"] for m in s["manifest"]}),
            s["temperature_c"],
            ", ".join(f"{lang._(t['treatment'])} {sites[t['facility']].name}" for t in s["treatments"]),
            s["cost"],
        ], times=frozenset({5, 6}))


def _lines(ws: WriteOnlyWorksheet, rows: pd.DataFrame, lang: Lang) -> None:
    _row(ws, [lang._(label) for _, label in FIELDS], bold=True)
    times = frozenset(i for i, (c, _) in enumerate(FIELDS) if c in TIMES)
    for record in rows.itertuples(index=False):
        values = [local_time(v) if c in TIMES else (v.item() if hasattr(v, "item") else v)
                  for (c, _), v in zip(FIELDS, record, strict=True)]
        _row(ws, values, times=times)


def write_workbook(path: Path, shipments: list[Mapping[str, Any]], rows: pd.DataFrame,
                   case: Case, lang: Lang) -> Path:
    """One partner's workbook: the summary, then a sheet per shipment."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    _summary(book.create_sheet(_sheet_name(lang._("Summary"), taken)), shipments, case, lang)
    for s in sorted(shipments, key=lambda s: (parse_time(s["departure"], "departure"), s["id"])):
        ws = book.create_sheet(_sheet_name(s["id"], taken))
        _lines(ws, rows[rows["shipment_id"] == s["id"]], lang)
    book.save(path)
    return path
