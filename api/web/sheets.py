"""Route sheets for the page: the field-outputs work's sheets
(``planner.outputs.route_sheets``: a phone page per driver, a printable
book), made from the newest version of the plan. A dispatcher's sheets name
only its own lots; another cooperative's lots on a shared route are shown
as ``other-N``."""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.domain import Case
from planner.i18n import Lang
from planner.outputs.route_sheets import render_book, render_sheet, sheet_book

from ..auth import Principal
from ..errors import ApiError
from ..services.results import split_id
from .dayplan import own


def anonymised(case: Case, document: dict[str, Any], who: Principal) -> tuple[Case, dict[str, Any]]:
    """The case and plan with the caller's lots under their own ids and others' as ``other-N``."""
    if who.is_planner:
        return case, document
    names: dict[str, str] = {}
    others = 0
    for lot in case.lots:
        if own(who, lot.id):
            names[lot.id] = split_id(lot.id)[1]
        else:
            others += 1
            names[lot.id] = f"other-{others}"
    lots = tuple(dataclasses.replace(lot, id=names[lot.id]) for lot in case.lots)
    routes = [{**r, "stops": [{**s, "lot_ids": [names.get(x, x) for x in s["lot_ids"]]} for s in r["stops"]]}
              for r in document["routes"]]
    deliveries = [{**d, "lot_id": names.get(d["lot_id"], d["lot_id"])} for d in document["deliveries"]]
    doc = {**document, "routes": routes, "deliveries": deliveries, "unassigned_lots": [], "shipments": [],
           "orders": [], "unserved_orders": []}
    return case.replace(lots=lots, orders=()), doc


def book(case: Case, document: dict[str, Any], who: Principal, lang: str, vehicle: str | None = None) -> str:
    """Every sheet (to print), or the phone page of ``vehicle``."""
    view_case, doc = anonymised(case, document, who)
    words = Lang(lang, case.settings.currency)
    pages = sheet_book(doc, view_case, words)
    if vehicle is None:
        return render_book(pages, words)
    sheet = next((s for s in pages.sheets if getattr(s, "vehicle_id", None) == vehicle), None)
    if sheet is None:
        raise ApiError(404, "not_found", f"no route sheet of {vehicle} in this plan")
    return render_sheet(pages, sheet, words)
