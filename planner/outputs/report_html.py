"""report.html: the page a dispatcher opens offline.

One file with its styles inline and its maps and timeline as inline SVG: it
fetches nothing (no script, font, image or stylesheet), so it renders the same
with the network off. Rendered with Jinja2 (autoescaped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..domain import Case
from .index import Plan, PlanIndex, parse_time
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
from .timeline import vehicle_timeline

TEMPLATE = "report_template.html"
_ENV = Environment(
    loader=PackageLoader("planner.outputs", ""),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
)


def report_context(plan: Plan, case: Case, *, max_rows: int = 200) -> dict[str, Any]:
    """Everything the template shows, computed from the plan and its case."""
    index = PlanIndex(case)
    currency = plan["case"]["currency"]
    day = parse_time(plan["case"]["epoch"], "case.epoch")
    if case.lots:  # plan.json has no date field: the day is the one the lots are ready on
        day = parse_time(index.iso(min(lot.ready for lot in case.lots)), "lots")

    def order_kg(i: int, item: Mapping[str, Any]) -> float:
        return index.order(item["order_id"], f"unserved_orders[{i}].order_id").kg

    def lot_kg(i: int, item: Mapping[str, Any]) -> float:
        return index.lot(item["lot_id"], f"unassigned_lots[{i}].lot_id").kg

    return {
        "title": plan["case"]["name"],
        "day": f"{day:%A %d %B %Y}",
        "seed": plan["seed"],
        "schema_version": plan["schema_version"],
        "timezone": plan["case"]["timezone"],
        "currency": currency,
        "cards": kpi_cards(plan["summary"], currency),
        "maps": map_panels(plan, case),
        "timeline": vehicle_timeline(plan),
        "fleet": fleet_table(plan, index, currency),
        "packing_houses": packing_house_table(plan, index),
        "shipments": shipments_table(plan, index, currency, cap=max_rows),
        "served": served_orders_table(plan, index),
        "unserved_reasons": reason_table(plan["unserved_orders"], order_kg),
        "unserved": unserved_orders_table(plan, index, cap=max_rows),
        "lot_reasons": reason_table(plan["unassigned_lots"], lot_kg),
        "lots": unassigned_lots_table(plan, index, cap=max_rows),
    }


def render_report(plan: Plan, case: Case, *, max_rows: int = 200) -> str:
    """The self-contained HTML report of ``plan``. Long tables (shipments,
    unserved orders, unassigned lots) show at most ``max_rows`` rows each."""
    return _ENV.get_template(TEMPLATE).render(**report_context(plan, case, max_rows=max_rows))
