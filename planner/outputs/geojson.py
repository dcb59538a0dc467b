"""routes.geojson and shipments.geojson: plan features for GIS users.

A route (a vehicle's day) is cut into trips at the packing houses (see
:func:`.index.trips_of`): one LineString per trip with its times, load and
fill; ``distance_m`` and ``cost`` of a trip are the route's apportioned by
straight-line length and by time (the route's own figures are in
``route_distance_m``, ``route_duration_s`` and ``route_cost``). Stops are
Points.

Coordinates are WGS84 longitude/latitude (RFC 7946). Every feature has a
``feature_type`` property (``route``, ``stop`` or ``shipment``) and scalar
properties only (lists are joined with commas) so the files convert to
GeoPackage or shapefile as they are. Freight lines follow the great circle
and are split at the antimeridian (a flight to Los Angeles is a MultiLineString).
"""

from __future__ import annotations

from typing import Any

import antimeridian
import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point

from ..domain import Case, Location
from .index import (
    Plan,
    PlanIndex,
    Trip,
    parse_time,
    shipment_boxes,
    shipment_fill,
    shipment_kg,
    trips_of,
)
from .roads import Roads

WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")
DENSIFY_M = 50_000  # a freight line gets a vertex every 50 km along the great circle


ROUTE_FIELDS = (
    "feature_type", "vehicle_id", "trip", "vehicle_type", "vehicle_name", "temperature", "profile",
    "start", "end", "distance_m", "duration_s", "cost", "stops", "pickups", "lots", "kg",
    "max_load_kg", "fill", "packing_houses", "route_distance_m", "route_duration_s", "route_cost",
)
STOP_FIELDS = (
    "feature_type", "vehicle_id", "trip", "sequence", "kind", "site", "site_name", "arrival",
    "departure", "waiting_s", "load_kg", "lot_ids", "lots", "kg",
)
SHIPMENT_FIELDS = (
    "feature_type", "shipment_id", "lane_id", "mode", "partner", "origin", "origin_name",
    "destination", "destination_name", "departure", "arrival", "temperature_c", "kg", "boxes",
    "units", "unit_name", "fill", "orders", "cost", "cost_per_kg", "treatments",
)


def _frame(rows: list[dict[str, Any]], geoms: list[Any], ids: list[str],
           fields: tuple[str, ...]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, columns=list(fields), geometry=geoms, crs=WGS84, index=ids)


def _share(part: float, whole: float, n: int) -> float:
    return part / whole if whole > 0 else 1.0 / n


def _trip_rows(route: dict[str, Any], trips: list[Trip], index: PlanIndex,
               where: str) -> list[dict[str, Any]]:
    """One row per trip of ``route``; distance and cost are the route's,
    apportioned by straight-line length and by time."""
    vtype = index.vehicle_type(route["vehicle_type"], f"{where}.vehicle_type")
    stops = route["stops"]
    lengths = [GEOD.line_length([s["lon"] for s in stops[t.first: t.last + 1]],
                                [s["lat"] for s in stops[t.first: t.last + 1]]) for t in trips]
    times = [(parse_time(stops[t.first]["departure"], f"{where}.stops[{t.first}].departure"),
              parse_time(stops[t.last]["arrival"], f"{where}.stops[{t.last}].arrival")) for t in trips]
    seconds = [(b - a).total_seconds() for a, b in times]
    rows = []
    for trip, length, span in zip(trips, lengths, seconds, strict=True):
        part = stops[trip.first: trip.last + 1]
        lots = [lot for s in part if s["kind"] == "pickup" for lot in s["lot_ids"]]
        max_load = max((s["load_kg"] for s in part), default=0.0)
        rows.append({
            "feature_type": "route", "vehicle_id": route["vehicle_id"], "trip": trip.number,
            "vehicle_type": route["vehicle_type"], "vehicle_name": vtype.name,
            "temperature": route["temperature"], "profile": route["profile"],
            "start": part[0]["departure"], "end": part[-1]["arrival"],
            "distance_m": round(route["distance_m"] * _share(length, sum(lengths), len(trips))),
            "duration_s": round(span),
            "cost": round(route["cost"] * _share(span, sum(seconds), len(trips)), 2),
            "stops": sum(s["kind"] in ("pickup", "delivery") for s in part[1:]),
            "pickups": sum(s["kind"] == "pickup" for s in part),
            "lots": len(lots),
            "kg": round(sum(index.lot(lot, f"{where}.stops").kg for lot in lots), 3),
            "max_load_kg": max_load,
            "fill": round(max_load / vtype.capacity_kg, 4),
            "packing_houses": ",".join(
                dict.fromkeys(s["site"] for s in part if s["kind"] == "delivery")),
            "route_distance_m": route["distance_m"], "route_duration_s": route["duration_s"],
            "route_cost": route["cost"],
        })
    return rows


def _trips_by_route(plan: Plan) -> dict[int, list[Trip]]:
    by_route: dict[int, list[Trip]] = {}
    for trip in trips_of(plan):
        by_route.setdefault(trip.route, []).append(trip)
    return by_route


def route_lines(plan: Plan, case: Case, roads: Roads | None = None) -> gpd.GeoDataFrame:
    """One LineString per trip of every route, through its stops: along the
    roads with ``roads`` (a case with an OSM graph), else straight."""
    index = PlanIndex(case)
    rows, geoms, ids = [], [], []
    for i, trips in _trips_by_route(plan).items():
        route = plan["routes"][i]
        rows += _trip_rows(route, trips, index, f"routes[{i}]")
        for trip in trips:
            part = route["stops"][trip.first: trip.last + 1]
            road = roads.line([Location(s["lat"], s["lon"]) for s in part], route["profile"]) \
                if roads else None
            geoms.append(road or LineString([(s["lon"], s["lat"]) for s in part]))
            ids.append(f"route/{trip.vehicle_id}/{trip.number}")
    return _frame(rows, geoms, ids, ROUTE_FIELDS)


def route_stops(plan: Plan, case: Case) -> gpd.GeoDataFrame:
    """One Point per stop of every route, in visiting order, with its trip
    (a packing house between two trips ends the first)."""
    index = PlanIndex(case)
    rows, geoms, ids = [], [], []
    for i, trips in _trips_by_route(plan).items():
        route = plan["routes"][i]
        for seq, stop in enumerate(route["stops"]):
            trip = next(t.number for t in trips if t.first <= seq <= t.last)
            where = f"routes[{i}].stops[{seq}]"
            site = index.site(stop["site"], f"{where}.site")
            kg = sum(index.lot(lot, f"{where}.lot_ids").kg for lot in stop["lot_ids"])
            rows.append({
                "feature_type": "stop",
                "vehicle_id": route["vehicle_id"],
                "trip": trip,
                "sequence": seq,
                "kind": stop["kind"],
                "site": stop["site"],
                "site_name": site.name,
                "arrival": stop["arrival"],
                "departure": stop["departure"],
                "waiting_s": stop["waiting_s"],
                "load_kg": stop["load_kg"],
                "lot_ids": ",".join(stop["lot_ids"]),
                "lots": len(stop["lot_ids"]),
                "kg": round(kg, 3),
            })
            geoms.append(Point(stop["lon"], stop["lat"]))
            ids.append(f"stop/{route['vehicle_id']}/{trip}/{seq}")
    return _frame(rows, geoms, ids, STOP_FIELDS)


def great_circle_line(a: tuple[float, float], b: tuple[float, float]) -> Any:
    """The great-circle line from ``a`` to ``b`` (lon, lat), split at the antimeridian."""
    _, _, dist = GEOD.inv(a[0], a[1], b[0], b[1])
    between = GEOD.npts(a[0], a[1], b[0], b[1], int(dist // DENSIFY_M)) if dist > DENSIFY_M else []
    line = antimeridian.fix_line_string(LineString([a, *between, b]), great_circle=True)
    return shapely.transform(line, lambda xy: np.round(xy, 6))


def _shipment_row(shipment: dict[str, Any], index: PlanIndex, where: str) -> dict[str, Any]:
    lane = index.lane(shipment["lane_id"], f"{where}.lane_id")
    origin = index.site(shipment["origin"], f"{where}.origin")
    destination = index.site(shipment["destination"], f"{where}.destination")
    kg = shipment_kg(shipment)
    treatments = [f"{t['treatment']} at {t['facility']}" for t in shipment["treatments"]]
    return {
        "feature_type": "shipment",
        "shipment_id": shipment["id"],
        "lane_id": shipment["lane_id"],
        "mode": shipment["mode"],
        "partner": shipment["partner"],
        "origin": origin.id,
        "origin_name": origin.name,
        "destination": destination.id,
        "destination_name": destination.name,
        "departure": shipment["departure"],
        "arrival": shipment["arrival"],
        "temperature_c": shipment["temperature_c"],
        "kg": round(kg, 3),
        "boxes": shipment_boxes(shipment),
        "units": len(shipment["units"]),
        "unit_name": lane.unit_name,
        "fill": round(shipment_fill(shipment), 4),
        "orders": len({m["order_id"] for m in shipment["manifest"]}),
        "cost": shipment["cost"],
        "cost_per_kg": round(shipment["cost"] / kg, 2) if kg else None,
        "treatments": ",".join(treatments),
    }


def shipment_lines(plan: Plan, case: Case) -> gpd.GeoDataFrame:
    """One (Multi)LineString per shipment, origin to destination."""
    index = PlanIndex(case)
    rows, geoms, ids = [], [], []
    for i, shipment in enumerate(plan["shipments"]):
        row = _shipment_row(shipment, index, f"shipments[{i}]")
        a, b = index.sites[row["origin"]].location, index.sites[row["destination"]].location
        rows.append(row)
        geoms.append(great_circle_line((a.lon, a.lat), (b.lon, b.lat)))
        ids.append(f"shipment/{shipment['id']}")
    return _frame(rows, geoms, ids, SHIPMENT_FIELDS)


def _collection(*frames: gpd.GeoDataFrame) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for frame in frames:
        if len(frame):
            features += frame.to_geo_dict(na="drop", drop_id=False)["features"]
    return {"type": "FeatureCollection", "features": features}


def routes_geojson(plan: Plan, case: Case, roads: Roads | None = None) -> dict[str, Any]:
    """A FeatureCollection of route LineStrings (along the roads with ``roads``)
    followed by their stop Points."""
    return _collection(route_lines(plan, case, roads), route_stops(plan, case))


def shipments_geojson(plan: Plan, case: Case) -> dict[str, Any]:
    """A FeatureCollection of shipment lines, origin to destination."""
    return _collection(shipment_lines(plan, case))
