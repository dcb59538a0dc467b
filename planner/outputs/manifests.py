"""manifests/PARTNER.csv: what each logistics partner carries, one row per
order line of each of its shipments."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..domain import Case
from .index import Plan, PlanIndex

COLUMNS = [
    "partner", "shipment_id", "lane_id", "mode", "origin", "destination",
    "departure", "arrival", "temperature_c", "unit", "unit_name", "order_id",
    "kg", "boxes", "supply_id", "channel", "destination_city", "destination_country",
    "destination_region", "hub", "deadline", "shelf_life_left_days", "treatments",
]


def partner_file_name(partner: str) -> str:
    """A file name for ``partner``: letters, digits, ``.``, ``_`` and ``-`` only."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", partner).strip("-.")
    return f"{slug or 'no-partner'}.csv"


def _lines(shipment: dict[str, Any], index: PlanIndex, where: str) -> list[dict[str, Any]]:
    lane = index.lane(shipment["lane_id"], f"{where}.lane_id")
    treatments = ",".join(f"{t['treatment']} at {t['facility']}" for t in shipment["treatments"])
    rows = []
    for j, line in enumerate(shipment["manifest"]):
        order = index.order(line["order_id"], f"{where}.manifest[{j}].order_id")
        rows.append({
            "partner": shipment["partner"],
            "shipment_id": shipment["id"],
            "lane_id": shipment["lane_id"],
            "mode": shipment["mode"],
            "origin": shipment["origin"],
            "destination": shipment["destination"],
            "departure": shipment["departure"],
            "arrival": shipment["arrival"],
            "temperature_c": shipment["temperature_c"],
            "unit": line["unit"],
            "unit_name": lane.unit_name,
            "order_id": order.id,
            "kg": round(line["kg"], 3),
            "boxes": line["boxes"],
            "supply_id": line.get("supply_id", ""),
            "channel": str(order.channel),
            "destination_city": order.destination.city,
            "destination_country": order.destination.country,
            "destination_region": order.destination.region,
            "hub": order.destination.hub,
            "deadline": index.iso(order.deadline),
            "shelf_life_left_days": round(line["shelf_life_left_days"], 2),
            "treatments": treatments,
        })
    return rows


def manifest_frame(plan: Plan, case: Case) -> pd.DataFrame:
    """Every manifest line of every shipment, ordered by departure, shipment, unit."""
    index = PlanIndex(case)
    rows = [
        row
        for i, shipment in enumerate(plan["shipments"])
        for row in _lines(shipment, index, f"shipments[{i}]")
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["_t"] = pd.to_datetime(frame["departure"], utc=True, format="ISO8601")
    frame = frame.sort_values(
        ["_t", "shipment_id", "unit", "order_id"], kind="stable", ignore_index=True
    )
    return frame.drop(columns="_t")


def write_manifest_frame(frame: pd.DataFrame, partners: list[str], out_dir: Path) -> list[Path]:
    """Write ``frame`` (from :func:`manifest_frame`) as one CSV per partner."""
    folder = Path(out_dir) / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.csv"):
        stale.unlink()
    paths: list[Path] = []
    for partner in sorted(set(partners)):
        path = folder / partner_file_name(partner)
        rows = frame[frame["partner"] == partner]
        if path in paths:  # two partner names with one file name: append
            rows.to_csv(path, mode="a", header=False, index=False)
        else:
            rows.to_csv(path, index=False)
            paths.append(path)
    return paths


def write_manifests(plan: Plan, case: Case, out_dir: Path) -> list[Path]:
    """Write ``out_dir/manifests/PARTNER.csv`` for every partner with a shipment
    (header only when its shipments carry no order lines). Stale CSV files
    in ``out_dir/manifests`` are removed first. Returns the files written."""
    frame = manifest_frame(plan, case)
    return write_manifest_frame(frame, [s["partner"] for s in plan["shipments"]], out_dir)
