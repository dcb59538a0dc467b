"""The outputs derived from a plan.json (schema 1.0) and its case. Every
writer works on the plan dict, so an edited plan.json renders the same way as
a fresh one; ids the case does not know raise PlanCheckError naming the place.

- ``routes.geojson``: a LineString per trip (``feature_type`` ``route``:
  vehicle_id, trip, vehicle_type, temperature, start, end, distance_m,
  duration_s, cost, stops, pickups, lots, kg, max_load_kg, fill,
  packing_houses, route_*), then a Point per stop (``stop``: vehicle_id, trip,
  sequence, kind, site, arrival, departure, waiting_s, load_kg, lot_ids).
- ``shipments.geojson``: a great-circle (Multi)LineString per shipment
  (lane_id, mode, partner, origin/destination, departure, arrival, kg, boxes,
  units, fill, orders, cost, cost_per_kg, treatments).
- ``manifests/PARTNER.csv``: one row per order line of each shipment.
- ``report.html``: self-contained (inline CSS and SVG, no script, nothing
  fetched): KPI cards, maps, vehicle timeline, tables, unplanned items.
- ``report.png``: the maps drawn with geopandas/matplotlib.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..domain import Case
from .geojson import routes_geojson as routes_geojson
from .geojson import shipments_geojson as shipments_geojson
from .index import Plan
from .manifests import manifest_frame, write_manifest_frame
from .manifests import write_manifests as write_manifests
from .report_html import render_report as render_report
from .report_png import write_report_png as write_report_png


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_outputs(plan: Plan, case: Case, out_dir: Path) -> dict[str, Path]:
    """Write routes.geojson, shipments.geojson, manifests/PARTNER.csv,
    report.html and report.png into ``out_dir``. Everything is computed before
    the first file is written, so a plan that does not match its case
    (PlanCheckError) leaves ``out_dir`` as it was. Returns the paths by their
    name relative to ``out_dir`` (``manifests/viettel-post.csv``...)."""
    routes = routes_geojson(plan, case)
    shipments = shipments_geojson(plan, case)
    manifests = manifest_frame(plan, case)
    html = render_report(plan, case)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "routes.geojson": _write_json(out / "routes.geojson", routes),
        "shipments.geojson": _write_json(out / "shipments.geojson", shipments),
    }
    partners = [s["partner"] for s in plan["shipments"]]
    for path in write_manifest_frame(manifests, partners, out):
        paths[f"manifests/{path.name}"] = path
    report = out / "report.html"
    report.write_text(html, encoding="utf-8")
    paths["report.html"] = report
    paths["report.png"] = write_report_png(plan, case, out / "report.png")
    return paths
