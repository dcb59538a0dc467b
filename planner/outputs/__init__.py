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
- ``manifests/PARTNER.csv`` (UTF-8 with BOM) and ``PARTNER.xlsx``: one row
  per order line of each shipment; the workbook has a summary sheet and a
  sheet per shipment (:mod:`.manifests`, :mod:`.manifest_xlsx`).
- ``report.html``: self-contained (inline CSS and SVG, no script, nothing
  fetched): KPI cards, maps, vehicle timeline, tables, unplanned items.
- ``report.png``: the maps drawn with geopandas/matplotlib.
- ``intake.html``: per packing house and hour, vehicles and kg arriving
  against intake capacity, pre-cooling and cold-store use (:mod:`.intake`).
- ``sheets/VEHICLE.html`` and ``sheets/route-sheets.pdf``: what each driver
  takes on the road (:mod:`.route_sheets`; the PDF is printed by headless
  Chromium and left out, with a note, where none is installed).

Files people read are written in the case's language (``settings.lang``) or
the one asked for (``lang``): Vietnamese or English, numbers, money and
times formatted by Babel for that locale.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..domain import Case
from ..i18n import Lang
from .geojson import routes_geojson as routes_geojson
from .geojson import shipments_geojson as shipments_geojson
from .index import Plan
from .intake import render_intake
from .manifests import manifest_frame, write_manifest_frame
from .manifests import write_manifests as write_manifests
from .pdf import PdfError, print_pdf
from .report_html import render_report as render_report
from .report_png import write_report_png as write_report_png
from .roads import RoadRouter, Roads
from .route_sheets import render_book, render_sheet, sheet_book


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _write_sheets(book_html: str, pages: dict[str, str], out: Path, *, pdf: bool,
                  notes: list[str]) -> dict[str, Path]:
    folder = out / "sheets"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [*folder.glob("*.html"), *folder.glob("*.pdf")]:
        stale.unlink()
    paths = {}
    for name, html in pages.items():
        path = folder / name
        path.write_text(html, encoding="utf-8")
        paths[f"sheets/{name}"] = path
    if pdf:
        with tempfile.TemporaryDirectory(prefix="planner-sheets-") as tmp:
            source = Path(tmp) / "route-sheets.html"
            source.write_text(book_html, encoding="utf-8")
            try:
                paths["sheets/route-sheets.pdf"] = print_pdf(source, folder / "route-sheets.pdf")
            except PdfError as exc:
                notes.append(str(exc))
    return paths


def write_outputs(plan: Plan, case: Case, out_dir: Path, *, lang: str | None = None,
                  pdf: bool = True, notes: list[str] | None = None,
                  roads: RoadRouter | None = None) -> dict[str, Path]:
    """Write routes.geojson, shipments.geojson, manifests/PARTNER.csv,
    report.html, report.png and the route sheets into ``out_dir``, in
    ``lang`` (default: the case's). Everything is computed before the first
    file is written, so a plan that does not match its case
    (PlanCheckError) leaves ``out_dir`` as it was. What could not be written
    (the PDF without a browser) is said in ``notes``. Returns the paths by
    their name relative to ``out_dir`` (``manifests/viettel-post.csv``...).
    With ``roads`` (the case's OSM travel provider) routes are drawn along
    the roads over a road base layer."""
    notes = [] if notes is None else notes
    lines = Roads(roads) if roads is not None else None
    language = Lang(lang or case.settings.lang, plan["case"]["currency"])
    routes = routes_geojson(plan, case, lines)
    shipments = shipments_geojson(plan, case)
    manifests = manifest_frame(plan, case, language)
    html = render_report(plan, case, language, roads=lines)
    book = sheet_book(plan, case, language, roads=lines)
    pages = {sheet.file: render_sheet(book, sheet, language) for sheet in book.sheets}
    book_html = render_book(book, language)
    intake = render_intake(plan, case, language)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "routes.geojson": _write_json(out / "routes.geojson", routes),
        "shipments.geojson": _write_json(out / "shipments.geojson", shipments),
    }
    partners = [s["partner"] for s in plan["shipments"]]
    for path in write_manifest_frame(manifests, partners, out, plan=plan, case=case,
                                     lang=language):
        paths[f"manifests/{path.name}"] = path
    report = out / "report.html"
    report.write_text(html, encoding="utf-8")
    paths["report.html"] = report
    (out / "intake.html").write_text(intake, encoding="utf-8")
    paths["intake.html"] = out / "intake.html"
    paths["report.png"] = write_report_png(plan, case, out / "report.png")
    paths.update(_write_sheets(book_html, pages, out, pdf=pdf, notes=notes))
    return paths
