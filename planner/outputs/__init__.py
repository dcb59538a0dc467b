"""The outputs derived from a plan.json (schema 1.0) and its case: GeoJSON for
GIS users, a manifest per logistics partner, the dispatcher's HTML report and
the PNG maps. Every writer works on the plan dict, so an edited plan.json
renders the same way as a fresh one."""

from __future__ import annotations

import json
from pathlib import Path

from ..domain import Case
from .geojson import routes_geojson as routes_geojson
from .geojson import shipments_geojson as shipments_geojson
from .index import Plan
from .manifests import write_manifests as write_manifests
from .report_html import render_report as render_report
from .report_png import write_report_png as write_report_png


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_outputs(plan: Plan, case: Case, out_dir: Path) -> dict[str, Path]:
    """Write routes.geojson, shipments.geojson, manifests/PARTNER.csv,
    report.html and report.png into ``out_dir``. Returns the paths by name
    (``manifests/PARTNER.csv`` files under ``manifest:PARTNER-FILE``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "routes.geojson": _write_json(out / "routes.geojson", routes_geojson(plan, case)),
        "shipments.geojson": _write_json(out / "shipments.geojson", shipments_geojson(plan, case)),
    }
    for path in write_manifests(plan, case, out):
        paths[f"manifests/{path.name}"] = path
    report = out / "report.html"
    report.write_text(render_report(plan, case), encoding="utf-8")
    paths["report.html"] = report
    paths["report.png"] = write_report_png(plan, case, out / "report.png")
    return paths
