"""report.html: the page a dispatcher opens offline, on a desk, a phone or paper.

One file with its styles inline and its maps and timeline as inline SVG: it
fetches nothing (no script, font, image or stylesheet), so it renders the same
with the network off. Rendered with Jinja2 (autoescaped) in the plan's
language. Print CSS lays it out on A4 with no scroll box (every shipment row
printed), and at 390 px nothing scrolls sideways but the wide tables inside
their own boxes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain import Case, drivers_by_vehicle
from ..i18n import Lang
from .index import Plan, PlanIndex, parse_time
from .intake import intake_boards
from .roads import Roads
from .route_sheets import driver_of, not_needed
from .style import STATE_COLORS
from .svg_map import map_panels
from .tables import (
    fleet_table,
    kpi_cards,
    packing_house_table,
    reason_table,
    served_orders_table,
    shipments_table,
    unassigned_lots_table,
    unserved_orders_table,
)
from .templates import environment
from .timeline import vehicle_timeline

TEMPLATE = "report_template.html"


def vehicle_names(plan: Plan, case: Case) -> dict[str, str]:
    """``moto-chu#3 · Nguyễn Văn An`` for each vehicle of the plan (its id alone without a driver)."""
    by_vehicle = drivers_by_vehicle(case.drivers)
    names = {}
    for i, r in enumerate(plan["routes"]):
        d = driver_of(r, case, by_vehicle, f"routes[{i}]")
        names[r["vehicle_id"]] = f"{r['vehicle_id']} · {d.name}" if d else r["vehicle_id"]
    return names


def report_context(plan: Plan, case: Case, lang: Lang | None = None, *,
                   max_rows: int = 200, roads: Roads | None = None) -> dict[str, Any]:
    """Everything the template shows, computed from the plan and its case."""
    index = PlanIndex(case)
    lang = lang or Lang(case.settings.lang, plan["case"]["currency"])
    day = parse_time(plan["case"]["epoch"], "case.epoch")
    if case.lots:  # plan.json has no date field: the day is the one the lots are ready on
        day = parse_time(index.iso(min(lot.ready for lot in case.lots)), "lots")

    def order_kg(i: int, item: Mapping[str, Any]) -> float:
        return index.order(item["order_id"], f"unserved_orders[{i}].order_id").kg

    def lot_kg(i: int, item: Mapping[str, Any]) -> float:
        return index.lot(item["lot_id"], f"unassigned_lots[{i}].lot_id").kg

    names = vehicle_names(plan, case) if case.drivers or any(
        "driver_id" in r for r in plan["routes"]) else None
    ref = {p.ref_temp_c for p in case.products}
    return {
        "_": lang._,
        "lang": lang.code,
        "title": plan["case"]["name"],
        "day": lang.date(day),
        "seed": plan["seed"],
        "schema_version": plan["schema_version"],
        "timezone": plan["case"]["timezone"],
        "currency": plan["case"]["currency"],
        "cards": kpi_cards(plan["summary"], lang, ref_temp_c=ref.pop() if len(ref) == 1 else None),
        "maps": map_panels(plan, case, lang, names=names, roads=roads),
        "roads": roads is not None,
        "timeline": vehicle_timeline(plan, names=names),
        "states": STATE_COLORS,
        "fleet": fleet_table(plan, index, lang),
        "idle": [v for group in not_needed(plan, case, lang) for v in group],
        "packing_houses": packing_house_table(plan, index, lang),
        "boards": intake_boards(plan, case, lang),
        "shipments": shipments_table(plan, index, lang, cap=max_rows),
        "served": served_orders_table(plan, index, lang),
        "unserved_reasons": reason_table(plan["unserved_orders"], order_kg, lang),
        "unserved": unserved_orders_table(plan, index, lang, cap=max_rows),
        "lot_reasons": reason_table(plan["unassigned_lots"], lot_kg, lang),
        "lots": unassigned_lots_table(plan, index, lang, cap=max_rows),
    }


def render_report(plan: Plan, case: Case, lang: Lang | None = None, *, max_rows: int = 200,
                  roads: Roads | None = None) -> str:
    """The self-contained HTML report of ``plan`` in ``lang`` (default: the
    case's). Long tables (shipments, unserved orders, unassigned lots) show at
    most ``max_rows`` rows each."""
    context = report_context(plan, case, lang, max_rows=max_rows, roads=roads)
    return environment().get_template(TEMPLATE).render(**context)
