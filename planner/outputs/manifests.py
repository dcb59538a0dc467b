"""Partner manifests: what each logistics partner carries, one row per order
line of each of its shipments.

- ``manifests/PARTNER.csv``: UTF-8 with a byte order mark (so Excel reads
  "Hà Nội" as written), one row per order line, columns ``COLUMNS``.
- ``manifests/PARTNER.xlsx`` (openpyxl): a summary sheet with a row per
  shipment, then a sheet per shipment; dates are real date-times (local
  time of the case) and numbers real numbers, headers in the plan's language.

Rows carry names beside ids (origin, destination, hub), the consignee's
city, the last-mile courier of the order, every treatment the order went
through before this shipment (facility and time) and the carrying
temperature. Text cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return are neutralised as OWASP's CSV injection guidance says (a
leading apostrophe in the CSV; XLSX cells are stored as text, never formulas).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..domain import Case
from ..i18n import N_, Lang
from .index import Plan, PlanIndex, parse_time

# (column, label): the CSV header is the column, the XLSX header its label (translated).
FIELDS = (
    ("partner", N_("Partner")), ("shipment_id", N_("Shipment")), ("lane_id", N_("Lane")), ("mode", N_("Mode")),
    ("origin", N_("From (id)")), ("origin_name", N_("From")),
    ("destination", N_("To (id)")), ("destination_name", N_("To")),
    ("departure", N_("Departs")), ("arrival", N_("Arrives")), ("temperature_c", N_("Temperature (°C)")),
    ("unit", N_("Unit")), ("unit_name", N_("Unit type")), ("order_id", N_("Order")), ("kg", N_("kg")),
    ("boxes", N_("Boxes")), ("supply_id", N_("Lot")), ("channel", N_("Channel")),
    ("consignee_city", N_("Consignee city")), ("consignee_region", N_("Consignee district or region")),
    ("consignee_country", N_("Country")), ("hub", N_("Hub (id)")), ("hub_name", N_("Hub")),
    ("last_mile", N_("Last-mile courier")), ("deadline", N_("Deadline")),
    ("shelf_life_left_days", N_("Shelf life left at arrival (days at reference temperature)")),
    ("treatments", N_("Treatments done")),
)
COLUMNS = [c for c, _ in FIELDS]
TIMES = ("departure", "arrival", "deadline")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
TREATMENTS = (N_("irradiation"), N_("fumigation"))  # treatment names, translated in rows


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, made inert (OWASP):
    a leading apostrophe. Numbers and other texts are returned unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def partner_file_name(partner: str | None, suffix: str = ".csv") -> str:
    """A file name for ``partner``: letters, digits, ``.``, ``_`` and ``-`` only."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", partner or "").strip("-.")
    return f"{slug or 'no-partner'}{suffix}"


def _site_name(index: PlanIndex, site_id: str, where: str) -> str:
    return index.site(site_id, where).name


def _treatments_by_order(plan: Plan) -> dict[str, list[tuple[datetime, str, dict[str, Any]]]]:
    """Every treatment step of the shipments each order travels on that
    treated it (a step names its orders; one written without them, every
    step of the shipment), with the shipment's departure (to keep those done
    before a given shipment)."""
    steps: dict[str, list[dict[str, Any]]] = {}
    departs: dict[str, datetime] = {}
    for i, s in enumerate(plan["shipments"]):
        steps[s["id"]] = s["treatments"]
        departs[s["id"]] = parse_time(s["departure"], f"shipments[{i}].departure")
    out: dict[str, list[tuple[datetime, str, dict[str, Any]]]] = {}
    for o in plan["orders"]:
        out[o["order_id"]] = [(departs[sid], sid, t) for sid in o["shipments"] if sid in steps
                              for t in steps[sid] if o["order_id"] in t.get("order_ids", [o["order_id"]])]
    return out


def _treatment_text(steps: list[dict[str, Any]], index: PlanIndex, lang: Lang) -> str:
    return "; ".join(
        f"{lang._(t['treatment'])}, {_site_name(index, t['facility'], 'treatments.facility')} "
        f"({t['facility']}), {lang.day_clock(parse_time(t['start'], 'treatments.start'))}"
        f"–{lang.clock(parse_time(t['end'], 'treatments.end'))}"
        for t in steps)


def _lines(shipment: Mapping[str, Any], index: PlanIndex, where: str, lang: Lang,
           done: dict[str, list[tuple[datetime, str, dict[str, Any]]]]) -> list[dict[str, Any]]:
    lane = index.lane(shipment["lane_id"], f"{where}.lane_id")
    departs = parse_time(shipment["departure"], f"{where}.departure")
    head = {
        "partner": shipment["partner"] or "", "shipment_id": shipment["id"],
        "lane_id": shipment["lane_id"], "mode": shipment["mode"], "origin": shipment["origin"],
        "origin_name": _site_name(index, shipment["origin"], f"{where}.origin"),
        "destination": shipment["destination"],
        "destination_name": _site_name(index, shipment["destination"], f"{where}.destination"),
        "departure": shipment["departure"], "arrival": shipment["arrival"],
        "temperature_c": shipment["temperature_c"], "unit_name": lane.unit_name,
    }
    rows = []
    for j, line in enumerate(shipment["manifest"]):
        order = index.order(line["order_id"], f"{where}.manifest[{j}].order_id")
        # this shipment's own treatments and those of the order's earlier legs
        steps = [t for d, sid, t in done.get(order.id, [])
                 if d < departs or sid == shipment["id"]] or list(shipment["treatments"])
        dest = order.destination
        rows.append(head | {
            "unit": line["unit"], "order_id": order.id, "kg": round(line["kg"], 3),
            "boxes": line["boxes"], "supply_id": line.get("supply_id") or "",
            "channel": str(order.channel), "consignee_city": dest.city,
            "consignee_region": dest.region, "consignee_country": dest.country, "hub": dest.hub,
            "hub_name": _site_name(index, dest.hub, f"order {order.id}.hub"),
            "last_mile": order.partner, "deadline": index.iso(order.deadline),
            "shelf_life_left_days": round(line["shelf_life_left_days"], 2),
            "treatments": _treatment_text(steps, index, lang),
        })
    return rows


def manifest_frame(plan: Plan, case: Case, lang: Lang | None = None) -> pd.DataFrame:
    """Every manifest line of every shipment, ordered by departure, shipment, unit."""
    index = PlanIndex(case)
    lang = lang or Lang(case.settings.lang, plan["case"]["currency"])
    done = _treatments_by_order(plan)
    rows = [
        row
        for i, shipment in enumerate(plan["shipments"])
        for row in _lines(shipment, index, f"shipments[{i}]", lang, done)
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["_t"] = pd.to_datetime(frame["departure"], utc=True, format="ISO8601")
    frame = frame.sort_values(
        ["_t", "shipment_id", "unit", "order_id"], kind="stable", ignore_index=True
    )
    return frame.drop(columns="_t")


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(neutralise) for c in text})


def write_manifest_frame(frame: pd.DataFrame, partners: list[str | None], out_dir: Path, *,
                         plan: Plan | None = None, case: Case | None = None,
                         lang: Lang | None = None) -> list[Path]:
    """Write ``frame`` (from :func:`manifest_frame`) as one CSV per partner
    and, given the plan and case, one XLSX per partner beside it."""
    from .manifest_xlsx import write_workbook

    folder = Path(out_dir) / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [*folder.glob("*.csv"), *folder.glob("*.xlsx")]:
        stale.unlink()
    paths: list[Path] = []
    names = sorted({p or "" for p in partners})
    for partner in names:
        path = folder / partner_file_name(partner)
        rows = _csv_safe(frame[frame["partner"] == partner])
        if path in paths:  # two partner names with one file name: append
            rows.to_csv(path, mode="a", header=False, index=False, encoding="utf-8")
        else:
            rows.to_csv(path, index=False, encoding="utf-8-sig")
            paths.append(path)
    if plan is not None and case is not None:
        lang = lang or Lang(case.settings.lang, plan["case"]["currency"])
        for partner in names:
            book = folder / partner_file_name(partner, ".xlsx")
            if book not in paths:
                shipments = [s for s in plan["shipments"] if (s["partner"] or "") == partner
                             or partner_file_name(s["partner"], ".xlsx") == book.name]
                rows = frame[frame["partner"].map(lambda p: partner_file_name(p, ".xlsx"))
                             == book.name]
                paths.append(write_workbook(book, shipments, rows, case, lang))
    return paths


def write_manifests(plan: Plan, case: Case, out_dir: Path, *, lang: Lang | None = None) -> list[Path]:
    """Write ``out_dir/manifests/PARTNER.csv`` and ``PARTNER.xlsx`` for every
    partner with a shipment (header only when its shipments carry no order
    lines). Stale files in ``out_dir/manifests`` are removed first. Returns
    the files written."""
    frame = manifest_frame(plan, case, lang)
    return write_manifest_frame(frame, [s["partner"] for s in plan["shipments"]], out_dir,
                                plan=plan, case=case, lang=lang)


def local_time(text: str) -> datetime:
    """A plan time as the naive local date-time a spreadsheet cell holds."""
    return parse_time(text, "time").replace(tzinfo=None)


TIME_COLUMNS = TIMES
