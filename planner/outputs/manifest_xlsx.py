"""``manifests/PARTNER.xlsx`` with XlsxWriter: a summary sheet (a row per
shipment) and a sheet per shipment (a row per order line). Times are real
date-times in the case's local time (the time zone is in the title row),
weights and temperatures real numbers, texts written as text (never a
formula, whatever they start with), the header row frozen and filterable."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..domain import Case
from ..i18n import Lang
from .index import parse_time, shipment_boxes, shipment_kg
from .manifests import FIELDS, TIMES, local_time

DATE_FORMAT = "dd/mm/yyyy hh:mm"
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.bold = book.add_format({"bold": True, "bg_color": "#EEF2F5", "text_wrap": True,
                                     "valign": "top"})
        self.date = book.add_format({"num_format": DATE_FORMAT})

    def row(self, ws: Worksheet, r: int, values: Sequence[Any], *, head: bool = False) -> None:
        fmt: Format | None = self.bold if head else None
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v, fmt)  # text stays text, even "=..." (OWASP)
            elif isinstance(v, datetime):
                ws.write_datetime(r, c, v, self.date)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v, fmt)
            else:
                ws.write_number(r, c, float(v) if not isinstance(v, int) else v, fmt)


def _sheet_name(text: str, taken: set[str]) -> str:
    base = SHEET_NAME.sub("-", text).strip("'")[:31] or "sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:28]}~{n}"
    taken.add(name.lower())
    return name


def _summary(ws: Worksheet, w: _Writer, shipments: list[Mapping[str, Any]], case: Case,
             lang: Lang) -> None:
    sites = case.site_by_id
    title = lang._("Shipments of {partner}", partner=shipments[0]["partner"] or "—") \
        if shipments else lang._("No shipments")
    w.row(ws, 0, [title, lang._("times in {zone}", zone=case.settings.timezone)], head=True)
    header = [lang._("Shipment"), lang._("Lane"), lang._("Mode"), lang._("From"), lang._("To"),
              lang._("Departs"), lang._("Arrives"), "kg", lang._("Boxes"), lang._("Units"),
              lang._("Orders"), lang._("Temperature (°C)"), lang._("Treatments done"),
              lang._("Cost") + f" ({case.settings.currency})"]
    w.row(ws, 1, header, head=True)
    ordered = sorted(shipments, key=lambda s: (parse_time(s["departure"], "departure"), s["id"]))
    for r, s in enumerate(ordered, start=2):
        w.row(ws, r, [
            s["id"], s["lane_id"], s["mode"], sites[s["origin"]].name, sites[s["destination"]].name,
            local_time(s["departure"]), local_time(s["arrival"]), round(shipment_kg(s), 1),
            shipment_boxes(s), len(s["units"]), len({m["order_id"] for m in s["manifest"]}),
            s["temperature_c"],
            ", ".join(f"{lang._(t['treatment'])} {sites[t['facility']].name}" for t in s["treatments"]),
            s["cost"],
        ])
    ws.freeze_panes(2, 1)
    ws.set_column(0, 2, 14)
    ws.set_column(3, 4, 30)
    ws.set_column(5, 6, 17)
    ws.set_column(12, 12, 40)


SHIPMENT_FIELDS = ("partner", "shipment_id", "lane_id", "mode", "origin", "origin_name",
                   "destination", "destination_name", "departure", "arrival", "temperature_c",
                   "unit_name")  # the same on every line of a shipment: said once, above its lines


def _lines(ws: Worksheet, w: _Writer, rows: pd.DataFrame, lang: Lang) -> None:
    labels = dict(FIELDS)
    if len(rows):
        first = rows.iloc[0]
        for r, c in enumerate(SHIPMENT_FIELDS):
            value = first[c]
            w.row(ws, r, [lang._(labels[c]),
                          local_time(value) if c in TIMES else (value.item() if hasattr(value, "item") else value)],
                  head=False)
            ws.write_string(r, 0, lang._(labels[c]), w.bold)
    top = len(SHIPMENT_FIELDS) + 1
    columns = [c for c, _ in FIELDS if c not in SHIPMENT_FIELDS]
    w.row(ws, top, [lang._(labels[c]) for c in columns], head=True)
    for r, record in enumerate(rows[columns].itertuples(index=False), start=top + 1):
        w.row(ws, r, [local_time(v) if c in TIMES else (v.item() if hasattr(v, "item") else v)
                      for c, v in zip(columns, record, strict=True)])
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + max(len(rows), 1), len(columns) - 1)
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(columns) - 1, 14)
    ws.set_column(len(columns) - 1, len(columns) - 1, 50)


def write_workbook(path: Path, shipments: list[Mapping[str, Any]], rows: pd.DataFrame,
                   case: Case, lang: Lang) -> Path:
    """One partner's workbook: the summary, then a sheet per shipment."""
    with xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False}) as book:
        book.set_properties({"title": path.stem, "created": case.settings.epoch.replace(tzinfo=None)})
        w = _Writer(book)
        taken: set[str] = set()
        _summary(book.add_worksheet(_sheet_name(lang._("Summary"), taken)), w, shipments, case, lang)
        for s in sorted(shipments, key=lambda s: (parse_time(s["departure"], "departure"), s["id"])):
            ws = book.add_worksheet(_sheet_name(s["id"], taken))
            _lines(ws, w, rows[rows["shipment_id"] == s["id"]], lang)
    return path
