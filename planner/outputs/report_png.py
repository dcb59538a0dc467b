"""report.png: the plan's maps drawn with geopandas and matplotlib.

Left, the pickup routes over the farms and packing houses; right, the freight
lanes (width by kg, colour by mode). Drawn on a bare ``Figure`` (Agg canvas,
no pyplot state), so it works headless and in threads."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ..domain import Case, SiteKind
from .geojson import WGS84, route_lines, shipment_lines
from .index import Plan
from .projection import EARTH_A, bounds_lon_lat, degrees, grid_step, lanes_crs, pickup_crs
from .style import CONTEXT_COLOR, SITE_COLOR, UNASSIGNED_COLOR, mode_color, vehicle_colors
from .svg_map import (
    REGIONAL_KM,
    lane_rows,
    near_origins,
    needs_regional_map,
    origins_lon,
    pickup_sites,
    short_name,
)

MARKERS = {SiteKind.PACKING_HOUSE: "s", SiteKind.COLLECTION_POINT: "^"}


def _km_axes(ax: Axes) -> None:
    fmt = FuncFormatter(lambda v, _: f"{v / 1000:g}")
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.set_xlabel("km east of the centre")
    ax.set_ylabel("km north of the centre")


def _degree_axes(ax: Axes, lon0: float) -> None:
    """Round-degree ticks on an equirectangular map centred on ``lon0``."""
    per_deg = EARTH_A * math.pi / 180
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xstep = grid_step((x1 - x0) / per_deg)
    ystep = grid_step((y1 - y0) / per_deg)
    lons = np.arange(math.ceil((x0 / per_deg + lon0) / xstep) * xstep, x1 / per_deg + lon0, xstep)
    lats = np.arange(math.ceil(y0 / per_deg / ystep) * ystep, y1 / per_deg, ystep)
    ax.set_xticks((lons - lon0) * per_deg, [degrees(v, axis="lon") for v in lons])
    ax.set_yticks(lats * per_deg, [degrees(v, axis="lat") for v in lats])
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")


def _label(ax: Axes, x: float, y: float, text: str, placed: list[tuple[float, float]], *,
           min_gap: float) -> None:
    """Annotate unless a label was placed within ``min_gap`` (map units)."""
    if all(math.hypot(x - px, y - py) > min_gap for px, py in placed):
        ax.annotate(text, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=7,
                    path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        placed.append((x, y))


def draw_pickup(ax: Axes, plan: Plan, case: Case) -> None:
    """Routes coloured by vehicle over the farms with lots and the packing houses."""
    lines = route_lines(plan, case)
    sites, lots_of = pickup_sites(case)
    unassigned = {u["lot_id"] for u in plan["unassigned_lots"]}
    points = gpd.GeoDataFrame(
        {"site": [s.id for s in sites], "kind": [str(s.kind) for s in sites],
         "name": [short_name(s) for s in sites],
         "unassigned": [any(x in unassigned for x in lots_of.get(s.id, ())) for s in sites]},
        geometry=gpd.points_from_xy([s.location.lon for s in sites],
                                    [s.location.lat for s in sites]), crs=WGS84)
    lon_lat = [(p.x, p.y) for p in points.geometry] + [xy for g in lines.geometry for xy in g.coords]
    crs = pickup_crs(bounds_lon_lat(lon_lat))
    points = points.to_crs(crs)
    farms = points[points["site"].isin(list(lots_of))]
    if (~farms["unassigned"]).any():
        farms[~farms["unassigned"]].plot(ax=ax, color=CONTEXT_COLOR, markersize=6, zorder=1)
    if farms["unassigned"].any():
        farms[farms["unassigned"]].plot(ax=ax, color=UNASSIGNED_COLOR, markersize=18, marker="x",
                                        zorder=3)
    if len(lines):
        colors = vehicle_colors(lines["vehicle_id"])
        lines.to_crs(crs).plot(ax=ax, color=[colors[v] for v in lines["vehicle_id"]],
                               linewidth=1.2, alpha=0.85, zorder=2)
    placed: list[tuple[float, float]] = []
    for kind, marker in MARKERS.items():  # packing houses first: they keep their labels
        hubs = points[points["kind"] == str(kind)]
        if len(hubs):
            hubs.plot(ax=ax, color=SITE_COLOR, marker=marker, markersize=40, zorder=4)
            for p, name in zip(hubs.geometry, hubs["name"], strict=True):
                _label(ax, p.x, p.y, name, placed, min_gap=1500.0)
    _km_axes(ax)
    ax.set_title(f"Pickup routes: {len(lines)} trips, {lines['vehicle_id'].nunique()} vehicles, "
                 f"{len(unassigned)} lots unassigned", fontsize=10)
    ax.legend(handles=[
        Line2D([], [], color=CONTEXT_COLOR, marker="o", ls="", label="farm with lots"),
        Line2D([], [], color=UNASSIGNED_COLOR, marker="x", ls="", label="unassigned lot"),
        Line2D([], [], color=SITE_COLOR, marker="s", ls="", label="packing house"),
        Line2D([], [], color=SITE_COLOR, marker="^", ls="", label="collection point"),
    ], loc="lower left", fontsize=7)


def draw_lanes(ax: Axes, plan: Plan, case: Case, *, within_km: float | None = None) -> None:
    """Freight lanes (great circles), line width by kg, colour by mode; with
    ``within_km``, framed on the lane ends that close to the origins."""
    shipments = shipment_lines(plan, case)
    if not len(shipments):
        ax.set_axis_off()
        ax.set_title("Freight lanes: no shipments", fontsize=10)
        return
    lanes = gpd.GeoDataFrame(lane_rows(shipments), geometry="geometry", crs=WGS84)
    lon0 = origins_lon(lanes.to_dict("records"), case)
    crs = lanes_crs(lon0)
    top = float(lanes["kg"].max()) or 1.0
    lanes.to_crs(crs).plot(ax=ax, color=[mode_color(m) for m in lanes["mode"]],
                           linewidth=[0.8 + 4 * math.sqrt(kg / top) for kg in lanes["kg"]],
                           alpha=0.8)
    ids = list(dict.fromkeys(list(lanes["origin"]) + list(lanes["destination"])))
    sites = [case.site_by_id[i] for i in ids]
    ends = gpd.GeoSeries(gpd.points_from_xy([s.location.lon for s in sites],
                                            [s.location.lat for s in sites]), crs=WGS84).to_crs(crs)
    ends.plot(ax=ax, color=SITE_COLOR, markersize=10, zorder=3)
    if within_km:
        near = near_origins(sites, lanes.to_dict("records"), case, within_km)
        ends, sites = ends[near], [s for s, keep in zip(sites, near, strict=True) if keep]
        minx, miny, maxx, maxy = ends.total_bounds
        pad = max(maxx - minx, maxy - miny, 20_000) * 0.08
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
    placed: list[tuple[float, float]] = []
    span = max(float(ends.total_bounds[2] - ends.total_bounds[0]),
               float(ends.total_bounds[3] - ends.total_bounds[1]), 1.0)
    for site, p in zip(sites, ends, strict=True):
        _label(ax, p.x, p.y, short_name(site), placed, min_gap=span / 18)
    _degree_axes(ax, lon0)
    ax.grid(color=CONTEXT_COLOR, alpha=0.3, linewidth=0.5)
    modes = sorted(set(lanes["mode"]))
    ax.legend(handles=[Line2D([], [], color=mode_color(m), lw=2, label=m) for m in modes],
              loc="best", fontsize=7)
    where = f" within {within_km:,.0f} km of the origins" if within_km else ""
    ax.set_title(f"Freight lanes{where}: {len(lanes)} lanes, {len(shipments)} shipments, "
                 f"{shipments['kg'].sum() / 1000:,.1f} t (width by kg)", fontsize=10)


def write_report_png(plan: Plan, case: Case, path: Path, *, dpi: int = 110,
                     regional_km: float = REGIONAL_KM) -> Path:
    """Draw the pickup map, the lanes near the origins (when some lane goes
    farther than ``regional_km``) and all lanes side by side into ``path``."""
    regional = needs_regional_map(plan, case, regional_km=regional_km)
    fig = Figure(figsize=(20 if regional else 15, 7.5), dpi=dpi, layout="constrained")
    axes = fig.subplots(1, 3 if regional else 2)
    draw_pickup(axes[0], plan, case)
    if regional:
        draw_lanes(axes[1], plan, case, within_km=regional_km)
    draw_lanes(axes[-1], plan, case)
    fig.suptitle(f"{plan['case']['name']}: pickup routes and freight lanes", fontsize=12)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
