"""Map panels of the HTML report, drawn as inline SVG with no tiles or fonts.

Geometries come from :mod:`.geojson` (WGS84), are projected with pyproj
through geopandas (``to_crs``, projections in :mod:`.projection`) and fitted
into a pixel box: the pickup area with routes coloured by vehicle and a scale
bar; the freight lanes, one line per lane, width by kg.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from ..domain import Case, Site, SiteKind
from ..i18n import Lang
from .geojson import GEOD, WGS84, route_lines, shipment_lines
from .index import Plan
from .labels import label as code_label
from .projection import bounds_lon_lat, degrees, grid_step, lanes_crs, pickup_crs, unwrap_lon
from .roads import Roads
from .style import CONTEXT_COLOR, SITE_COLOR, UNASSIGNED_COLOR, mode_color, vehicle_colors

ROAD_COLOR = "#c9cfd4"
REGIONAL_KM = 300.0  # the zoomed lanes map shows lane ends this close to the origins
SCALE_BARS_M = (500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


@dataclass(frozen=True)
class Frame:
    """Projected metres to SVG pixels (y down)."""

    minx: float
    maxy: float
    scale: float
    ox: float
    oy: float
    width: int
    height: int

    def px(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + (x - self.minx) * self.scale, self.oy + (self.maxy - y) * self.scale


def fit(bounds: Sequence[float], *, width: int, max_height: int, margin: int = 28,
        min_extent: float = 1000.0) -> Frame:
    """The frame showing ``bounds`` (minx, miny, maxx, maxy) ``width`` px wide."""
    minx, miny, maxx, maxy = bounds
    dx, dy = max(maxx - minx, min_extent), max(maxy - miny, min_extent)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    inner_w = width - 2 * margin
    height = int(min(max(dy / dx * inner_w + 2 * margin, 0.5 * width), max_height))
    scale = min(inner_w / dx, (height - 2 * margin) / dy)
    ox, oy = width / 2 - (dx / 2) * scale, height / 2 - (dy / 2) * scale
    return Frame(cx - dx / 2, cy + dy / 2, scale, ox, oy, width, height)


@dataclass(frozen=True)
class SvgPath:
    d: str
    cls: str
    color: str
    width: float
    title: str
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SvgMark:
    x: float
    y: float
    shape: str  # circle, square, triangle
    cls: str
    color: str
    size: float
    title: str


@dataclass(frozen=True)
class SvgLabel:
    x: float
    y: float
    text: str
    cls: str
    anchor: str = "start"


@dataclass(frozen=True)
class MapPanel:
    title: str
    width: int
    height: int
    grid: list[SvgPath]
    paths: list[SvgPath]
    marks: list[SvgMark]
    labels: list[SvgLabel]
    legend: list[tuple[str, str]]
    note: str = ""


def path_d(geom: BaseGeometry, frame: Frame) -> str:
    """SVG path data of a (Multi)LineString."""
    parts = getattr(geom, "geoms", [geom])
    out = []
    for part in parts:
        pts = [frame.px(x, y) for x, y in np.asarray(part.coords)[:, :2]]
        out.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts))
    return " ".join(out)


def short_name(site: Site) -> str:
    return site.name.split(" (")[0]


def _graticule(lon_lat_bounds: Sequence[float], crs: str, frame: Frame) -> tuple[
        list[SvgPath], list[SvgLabel]]:
    """Meridians and parallels every round step over the bounds (lon may exceed 180)."""
    w, s, e, n = lon_lat_bounds
    step = grid_step(max(e - w, n - s))
    lons = np.arange(math.floor(w / step) * step, e + step, step)
    lats = np.arange(math.floor(s / step) * step, n + step, step)
    lats = lats[(lats >= -85) & (lats <= 85)]
    lines, labels = [], []
    dense_lat = np.linspace(lats[0] - step, lats[-1] + step, 60).clip(-89, 89)
    dense_lon = np.linspace(lons[0] - step, lons[-1] + step, 120)
    geoms = [LineString(np.column_stack([np.full(60, lon), dense_lat])) for lon in lons]
    geoms += [LineString(np.column_stack([dense_lon, np.full(120, lat)])) for lat in lats]
    projected = gpd.GeoSeries(geoms, crs=WGS84).to_crs(crs)
    for g in projected:
        lines.append(SvgPath(path_d(g, frame), "grid", CONTEXT_COLOR, 0.5, ""))
    mid_lat, mid_lon = (s + n) / 2, (w + e) / 2
    pts = gpd.GeoSeries.from_xy(
        list(lons) + [mid_lon] * len(lats), [mid_lat] * len(lons) + list(lats), crs=WGS84
    ).to_crs(crs)
    for lon, p in zip(lons, pts[: len(lons)], strict=True):
        x, _ = frame.px(p.x, p.y)
        if 40 <= x <= frame.width - 50:
            labels.append(SvgLabel(x + 2, frame.height - 4, degrees(lon, axis="lon"), "grid-label"))
    for lat, p in zip(lats, pts[len(lons):], strict=True):
        _, y = frame.px(p.x, p.y)
        if 14 <= y <= frame.height - 18:
            labels.append(SvgLabel(3, y - 2, degrees(lat, axis="lat"), "grid-label"))
    return lines, labels


def _site_label(x: float, y: float, text: str, width: int) -> SvgLabel:
    """A site name right of its mark, or left of it near the right edge."""
    if x + 7 + 6.2 * len(text) > width:
        return SvgLabel(x - 7, y + 4, text, "site-label", "end")
    return SvgLabel(x + 7, y + 4, text, "site-label")


def _place_labels(candidates: Iterable[SvgLabel], *, dx: float = 70, dy: float = 11) -> list[SvgLabel]:
    """Keep labels that do not overlap one already kept (first come first kept)."""
    kept: list[SvgLabel] = []
    for label in candidates:
        if all(abs(label.x - k.x) > dx or abs(label.y - k.y) > dy for k in kept):
            kept.append(label)
    return kept


def _site_mark(site: Site, x: float, y: float, title: str) -> SvgMark:
    shape = {
        SiteKind.PACKING_HOUSE: "square", SiteKind.COLLECTION_POINT: "triangle",
    }.get(site.kind, "circle")
    return SvgMark(x, y, shape, f"site site-{site.kind}", SITE_COLOR, 5.0, title)


def _scale_bar(frame: Frame) -> tuple[list[SvgPath], list[SvgLabel]]:
    target_px = frame.width / 5
    metres = min(SCALE_BARS_M, key=lambda m: abs(m * frame.scale - target_px))
    x0, y0 = frame.width - 20 - metres * frame.scale, frame.height - 16
    d = f"M{x0:.1f},{y0:.1f} L{frame.width - 20:.1f},{y0:.1f}"
    text = f"{metres / 1000:g} km"
    return ([SvgPath(d, "scale-bar", SITE_COLOR, 3, text)],
            [SvgLabel(frame.width - 20, y0 - 5, text, "scale-label", "end")])


def pickup_sites(case: Case) -> tuple[list[Site], dict[str, list[str]]]:
    """Farms with lots, then packing houses and collection points; lot ids by farm."""
    lots_of: dict[str, list[str]] = {}
    for lot in case.lots:
        lots_of.setdefault(lot.farm, []).append(lot.id)
    sites = [case.site_by_id[f] for f in lots_of] + list(
        case.sites_of(SiteKind.PACKING_HOUSE, SiteKind.COLLECTION_POINT))
    return sites, lots_of


def _route_paths(projected: gpd.GeoDataFrame, frame: Frame) -> list[SvgPath]:
    colors = vehicle_colors(projected["vehicle_id"])
    return [
        SvgPath(path_d(g, frame), "route", colors[r.vehicle_id], 2.0,
                f"{r.vehicle_id} trip {r.trip} ({r.vehicle_type}, {r.temperature}): "
                f"{r.pickups} pickups, {r.kg:,.0f} kg, {r.distance_m / 1000:.1f} km, "
                f"{r.start[11:16]}-{r.end[11:16]}",
                {"vehicle": r.vehicle_id, "trip": str(r.trip)})
        for r, g in zip(projected.itertuples(), projected.geometry, strict=True)
    ]


def _house_labels(houses: list[tuple[float, float, str]], width: int, *,
                  drop: bool = False) -> list[SvgLabel]:
    """Names right, left, above or below their marks, wherever a label
    overlaps none placed before; one that fits nowhere is dropped with
    ``drop``, else kept right of its mark (packing houses are always named)."""
    kept: list[SvgLabel] = []
    for x, y, text in houses:
        w = 6.2 * len(text)
        options = [SvgLabel(x + 8, y + 4, text, "site-label house-label"),
                   SvgLabel(x - 8, y + 4, text, "site-label house-label", "end"),
                   SvgLabel(x, y - 9, text, "site-label house-label", "middle"),
                   SvgLabel(x, y + 17, text, "site-label house-label", "middle")]

        def span(label: SvgLabel, w: float = w) -> tuple[float, float]:
            left = {"start": label.x, "end": label.x - w, "middle": label.x - w / 2}[label.anchor]
            return left, left + w

        def free(label: SvgLabel) -> bool:
            a0, a1 = span(label)
            return a0 >= 0 and a1 <= width and all(
                abs(label.y - k.y) > 11 or a1 < span(k, 6.2 * len(k.text))[0]
                or a0 > span(k, 6.2 * len(k.text))[1] for k in kept)

        found = next((o for o in options if free(o)), None)
        if found is not None or not drop:
            kept.append(found or options[0])
    return kept


def _pickup_marks(sites: list[Site], site_xy: gpd.GeoSeries, lots_of: dict[str, list[str]],
                  unassigned: set[str], frame: Frame,
                  lang: Lang) -> tuple[list[SvgMark], list[SvgLabel]]:
    """Farms (red when a lot there is unassigned), packing houses (every one
    named) and collection points."""
    marks, houses = [], []
    for site, p in zip(sites, site_xy, strict=True):
        x, y = frame.px(p.x, p.y)
        if site.id not in lots_of:
            marks.append(_site_mark(site, x, y, site.name))
            if site.kind is SiteKind.PACKING_HOUSE:
                houses.append((x, y, short_name(site)))
            continue
        lots = lots_of[site.id]
        left = [lot for lot in lots if lot in unassigned]
        title = f"{site.name}: " + lang.n_("{n} lot", "{n} lots", len(lots))
        if left:
            title += ", " + lang._("unassigned: {lots}", lots=", ".join(left))
            marks.append(SvgMark(x, y, "circle", "farm unassigned", UNASSIGNED_COLOR, 3.5, title))
        else:
            marks.append(SvgMark(x, y, "circle", "farm", CONTEXT_COLOR, 2.5, title))
    return marks, _house_labels(houses, frame.width)


def pickup_panel(plan: Plan, case: Case, lang: Lang | None = None, *, width: int = 580,
                 max_height: int = 560, names: dict[str, str] | None = None,
                 roads: Roads | None = None) -> MapPanel:
    """The pickup area: farms with lots, packing houses, and every route; the
    legend names each vehicle's colour (``names``: how to call a vehicle)."""
    lang = lang or Lang("en")
    lines = route_lines(plan, case, roads)
    unassigned = {u["lot_id"] for u in plan["unassigned_lots"]}
    sites, lots_of = pickup_sites(case)
    stop_points = [xy for g in lines.geometry for xy in g.coords]
    points = [(s.location.lon, s.location.lat) for s in sites] + stop_points
    if not points:
        return MapPanel(lang._("Pickup area"), width, 120, [], [], [], [], [],
                        lang._("no sites to draw"))
    bounds = bounds_lon_lat(points)
    crs = pickup_crs(bounds)
    site_xy = gpd.GeoSeries.from_xy([p[0] for p in points[: len(sites)]],
                                    [p[1] for p in points[: len(sites)]], crs=WGS84).to_crs(crs)
    projected = lines.to_crs(crs)
    frame = fit(gpd.GeoSeries(list(site_xy) + list(projected.geometry)).total_bounds,
                width=width, max_height=max_height, min_extent=2000)
    grid, labels = _graticule(bounds, crs, frame)
    if roads is not None:  # the road network under the routes
        grid += [SvgPath(path_d(g, frame), "road", ROAD_COLOR, 0.6, "")
                 for g in roads.base_layer(bounds).to_crs(crs)]
    bar, bar_labels = _scale_bar(frame)
    paths = _route_paths(projected, frame)
    marks, house_labels = _pickup_marks(sites, site_xy, lots_of, unassigned, frame, lang)
    colors = vehicle_colors(projected["vehicle_id"])
    legend = [(lang._("farm with lots"), CONTEXT_COLOR),
              (lang._("farm with unassigned lots"), UNASSIGNED_COLOR)]
    legend += [((names or {}).get(v, v), c) for v, c in colors.items()]
    return MapPanel(
        lang._("Pickup routes"), width, frame.height, grid + bar, paths,
        marks, labels + bar_labels + house_labels, legend,
        lang._("{trips} trips of {vehicles} vehicles; along the roads", trips=len(paths),
               vehicles=lines["vehicle_id"].nunique()) if roads is not None else
        lang._("{trips} trips of {vehicles} vehicles; straight lines between stops",
               trips=len(paths), vehicles=lines["vehicle_id"].nunique()),
    )


def lane_rows(shipments: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The shipments (from :func:`.geojson.shipment_lines`) summed by lane."""
    rows = []
    for lane_id, group in shipments.groupby("lane_id", sort=True):
        first = group.iloc[0]
        rows.append({
            "lane_id": lane_id, "mode": first["mode"], "partner": first["partner"],
            "origin": first["origin"], "destination": first["destination"],
            "kg": float(group["kg"].sum()), "shipments": len(group), "geometry": first.geometry,
        })
    return rows


def origins_lon(lanes: list[dict[str, Any]], case: Case) -> float:
    """The mean longitude of the lanes' origins: the centre of the lanes map."""
    return float(np.mean([case.site_by_id[r["origin"]].location.lon for r in lanes]))


def near_origins(sites: list[Site], lanes: list[dict[str, Any]], case: Case, km: float) -> list[bool]:
    """Which sites lie within ``km`` of the lanes' origins (their mean point)."""
    origins = [case.site_by_id[r["origin"]].location for r in lanes]
    lon0 = float(np.mean([o.lon for o in origins]))
    lat0 = float(np.mean([o.lat for o in origins]))
    _, _, dist = GEOD.inv([lon0] * len(sites), [lat0] * len(sites),
                          [s.location.lon for s in sites], [s.location.lat for s in sites])
    return [d <= km * 1000 for d in np.atleast_1d(dist)]


def _lane_paths(lanes: list[dict[str, Any]], geoms: gpd.GeoSeries, frame: Frame) -> list[SvgPath]:
    """One path per lane, heaviest first (drawn below), width by kg."""
    top = max(r["kg"] for r in lanes) or 1.0
    return [
        SvgPath(path_d(g, frame), f"lane lane-{r['mode']}", mode_color(r["mode"]),
                round(1.5 + 5 * math.sqrt(r["kg"] / top), 2),
                f"{r['lane_id']} ({r['mode']}, {r['partner']}): {r['shipments']} shipment(s), "
                f"{r['kg']:,.0f} kg",
                {"lane": r["lane_id"], "mode": r["mode"]})
        for r, g in sorted(zip(lanes, geoms, strict=True), key=lambda rg: -rg[0]["kg"])
    ]


def _lane_marks(lanes: list[dict[str, Any]], sites: list[Site], site_xy: gpd.GeoSeries,
                shown: list[bool], frame: Frame) -> tuple[list[SvgMark], list[SvgLabel]]:
    """Lane ends, the busiest labelled first."""
    kg_at: dict[str, float] = {}
    for r in lanes:
        for end in (r["origin"], r["destination"]):
            kg_at[end] = kg_at.get(end, 0.0) + r["kg"]
    marks, names = [], []
    for site, p, keep in sorted(zip(sites, site_xy, shown, strict=True),
                                key=lambda sp: -kg_at[sp[0].id]):
        if keep:
            x, y = frame.px(p.x, p.y)
            marks.append(_site_mark(site, x, y, f"{site.name}: {kg_at[site.id]:,.0f} kg through"))
            names.append((x, y, short_name(site)))
    return marks, _house_labels(names, frame.width, drop=True)


def lanes_panel(plan: Plan, case: Case, lang: Lang | None = None, *,
                within_km: float | None = None, width: int = 580,
                max_height: int = 560) -> MapPanel:
    """Freight lanes used by the shipments, one line per lane, width by kg.
    With ``within_km``, the map is framed on the sites within that distance of
    the origins; lanes to farther places leave the frame."""
    lang = lang or Lang("en")
    title = lang._("Freight lanes within {km} km of the origins", km=lang.number(within_km)) \
        if within_km else lang._("Freight lanes")
    shipments = shipment_lines(plan, case)
    if not len(shipments):
        return MapPanel(title, width, 120, [], [], [], [], [], lang._("no shipments in this plan"))
    lanes = lane_rows(shipments)
    ids = list(dict.fromkeys(x for r in lanes for x in (r["origin"], r["destination"])))
    sites = [case.site_by_id[i] for i in ids]
    shown = near_origins(sites, lanes, case, within_km) if within_km else [True] * len(sites)
    lon0 = origins_lon(lanes, case)
    unwrap = [(unwrap_lon(s.location.lon, lon0), s.location.lat)
              for s, keep in zip(sites, shown, strict=True) if keep]
    crs = lanes_crs(lon0)
    geoms = gpd.GeoSeries([r["geometry"] for r in lanes], crs=WGS84).to_crs(crs)
    site_xy = gpd.GeoSeries.from_xy([s.location.lon for s in sites],
                                    [s.location.lat for s in sites], crs=WGS84).to_crs(crs)
    framed = list(site_xy[shown]) + ([] if within_km else list(geoms))
    frame = fit(gpd.GeoSeries(framed).total_bounds, width=width, max_height=max_height,
                min_extent=50_000)
    grid, labels = _graticule(bounds_lon_lat(unwrap), crs, frame)
    paths = _lane_paths(lanes, geoms, frame)
    marks, names = _lane_marks(lanes, sites, site_xy, shown, frame)
    modes = sorted({r["mode"] for r in lanes})
    note = lang._("{lanes} lanes, {shipments} shipments; great-circle lines, width by kg",
                  lanes=len(lanes), shipments=len(shipments))
    if within_km:
        note += "; " + lang._("lines leaving the frame go on to farther places")
    return MapPanel(title, width, frame.height, grid, paths, marks,
                    labels + names, [(code_label(m, lang), mode_color(m)) for m in modes], note)


def needs_regional_map(plan: Plan, case: Case, *, regional_km: float) -> bool:
    """True when some lane ends farther than ``regional_km`` from the origins
    and at least two lane ends lie within it (a zoomed map then helps)."""
    shipments = shipment_lines(plan, case)
    if not len(shipments):
        return False
    lanes = lane_rows(shipments)
    ends = [case.site_by_id[x] for x in
            dict.fromkeys(x for r in lanes for x in (r["origin"], r["destination"]))]
    near = near_origins(ends, lanes, case, regional_km)
    return not all(near) and sum(near) >= 2


def map_panels(plan: Plan, case: Case, lang: Lang | None = None, *,
               regional_km: float = REGIONAL_KM, names: dict[str, str] | None = None,
               roads: Roads | None = None) -> dict[str, MapPanel]:
    """The report's maps by element id: the pickup area, the lanes near the
    origins (only when some lane goes farther than ``regional_km``), all lanes."""
    panels = {"map-pickup": pickup_panel(plan, case, lang, names=names, roads=roads)}
    if needs_regional_map(plan, case, regional_km=regional_km):
        panels["map-lanes-regional"] = lanes_panel(plan, case, lang, within_km=regional_km)
    panels["map-lanes"] = lanes_panel(plan, case, lang)
    return panels
