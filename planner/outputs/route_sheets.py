"""Route sheets: what each driver or rider takes on the road.

``DIR/sheets/VEHICLE.html``: one page per vehicle used, made for a 360 px
phone (one column, tap-to-call numbers, a navigation link per stop, a small
route map), self-contained so it can be sent as one file in a chat app.
``DIR/sheets/route-sheets.pdf``: every sheet on A4 (one page or more per
vehicle used) and a last page with the vehicles and drivers not needed,
printed from the same HTML by headless Chromium (:mod:`.pdf`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import geopandas as gpd

from ..domain import Case, Driver, Location, Site, drivers_by_vehicle
from ..exceptions import PlanCheckError
from ..i18n import Lang
from .geojson import WGS84
from .index import Plan, PlanIndex, parse_time, trips_of
from .projection import bounds_lon_lat, pickup_crs
from .roads import Roads
from .style import SITE_COLOR, vehicle_colors
from .svg_map import MapPanel, SvgLabel, SvgMark, SvgPath, fit, path_d, short_name
from .templates import environment

MAPS_URL = "https://www.google.com/maps/dir/?"  # opens turn-by-turn navigation on phones


def file_name(vehicle_id: str) -> str:
    """``moto-chu#3`` -> ``moto-chu-3`` (letters, digits, ``.``, ``_``, ``-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", vehicle_id).strip("-.") or "vehicle"


def tel(phone: str) -> str:
    """A ``tel:`` URI of a phone number as people write it (``0000 001 130``)."""
    digits = re.sub(r"[^0-9+]", "", phone)
    return f"tel:{digits}" if digits else ""


def navigation_url(lat: float, lon: float) -> str:
    """A maps link that starts navigation to the point (Google Maps URLs API)."""
    return MAPS_URL + urlencode({"api": "1", "destination": f"{lat:.6f},{lon:.6f}",
                                 "travelmode": "driving"})


@dataclass(frozen=True)
class Lot:
    id: str
    kg: str
    boxes: str


@dataclass(frozen=True)
class Stop:
    number: int
    kind: str  # pickup, delivery
    label: str
    arrive: str
    leave: str
    wait: str
    site_id: str
    name: str
    contact: str
    phone: str
    tel: str
    address: str
    lots: list[Lot]
    total: str
    load_after: str
    nav: str
    trip: int = 1


@dataclass(frozen=True)
class Sheet:
    vehicle_id: str
    file: str
    driver: str
    phone: str
    tel: str
    plate: str
    vehicle: str
    temperature: str
    color: str
    start: str
    start_place: str
    end: str
    end_place: str
    summary: str
    stops: list[Stop]
    drops: list[str]
    map: MapPanel


@dataclass(frozen=True)
class Idle:
    vehicle_id: str
    vehicle: str
    driver: str
    phone: str
    tel: str
    plate: str
    home: str


@dataclass(frozen=True)
class SheetBook:
    title: str
    day: str
    lang: str
    sheets: list[Sheet]
    idle: list[Idle]
    standby: list[Idle] = field(default_factory=list)


def _lots(stop: Mapping[str, Any], index: PlanIndex, lang: Lang, where: str) -> tuple[list[Lot], float]:
    lots = [index.lot(lot_id, f"{where}.lot_ids") for lot_id in stop["lot_ids"]]
    rows = [Lot(lot.id, lang.kg(lot.kg), lang.n_("{n} box", "{n} boxes", lot.boxes)) for lot in lots]
    return rows, sum(lot.kg for lot in lots)


def _stop(n: int, stop: Mapping[str, Any], site: Site, index: PlanIndex, lang: Lang,
          where: str) -> Stop:
    arrive = parse_time(stop["arrival"], f"{where}.arrival")
    leave = parse_time(stop["departure"], f"{where}.departure")
    lots, kg = _lots(stop, index, lang, where)
    pickup = stop["kind"] == "pickup"
    label = lang._("Pick up") if pickup else lang._("Drop at packing house")
    wait = lang._("wait {time}", time=lang.duration(stop["waiting_s"])) if stop["waiting_s"] else ""
    return Stop(
        n, stop["kind"], label, lang.clock(arrive), lang.clock(leave), wait, site.id,
        short_name(site), site.contact, site.phone, tel(site.phone), site.address, lots,
        lang.kg(kg), lang.kg(stop["load_kg"]), navigation_url(stop["lat"], stop["lon"]),
    )


def _route_map(route: Mapping[str, Any], color: str, *, width: int = 320,
               roads: Roads | None = None) -> MapPanel:
    """The stops of one route joined in order (along the roads with
    ``roads``), numbered as on the sheet."""
    stops = route["stops"]
    points = [(s["lon"], s["lat"]) for s in stops]
    crs = pickup_crs(bounds_lon_lat(points))
    xy = gpd.GeoSeries.from_xy([p[0] for p in points], [p[1] for p in points], crs=WGS84).to_crs(crs)
    frame = fit(xy.total_bounds, width=width, max_height=260, margin=22, min_extent=1500)
    px = [frame.px(p.x, p.y) for p in xy]
    road = roads.line([Location(s["lat"], s["lon"]) for s in stops], route["profile"]) \
        if roads else None
    d = path_d(gpd.GeoSeries([road], crs=WGS84).to_crs(crs).iloc[0], frame) if road else \
        "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in px)
    marks, labels = [], []
    number = 0
    for stop, (x, y) in zip(stops, px, strict=True):
        if stop["kind"] == "pickup":
            number += 1
            marks.append(SvgMark(x, y, "circle", "stop", color, 7.0, stop["site"]))
            labels.append(SvgLabel(x, y + 3.5, str(number), "stop-number", "middle"))
        elif stop["kind"] == "delivery":
            number += 1
            marks.append(SvgMark(x, y, "square", "drop", SITE_COLOR, 6.0, stop["site"]))
            labels.append(SvgLabel(x, y + 3.5, str(number), "stop-number", "middle"))
    x0, y0 = px[0]
    marks.insert(0, SvgMark(x0, y0, "triangle", "start", SITE_COLOR, 7.0, stops[0]["site"]))
    path = SvgPath(d, "route", color, 2.5, route["vehicle_id"])
    return MapPanel("", width, frame.height, [], [path], marks, labels, [])


def _sheet(i: int, route: Mapping[str, Any], index: PlanIndex, lang: Lang,
           drivers: Mapping[str, Driver], color: str, trips: int,
           roads: Roads | None = None) -> Sheet:
    where = f"routes[{i}]"
    vid = route["vehicle_id"]
    vt = index.vehicle_type(route["vehicle_type"], f"{where}.vehicle_type")
    driver = driver_of(route, index.case, drivers, where)
    stops: list[Stop] = []
    drops: list[str] = []
    trip = 1
    for j, st in enumerate(route["stops"]):
        if st["kind"] not in ("pickup", "delivery"):
            continue
        if st["kind"] == "pickup" and stops and stops[-1].kind == "delivery":
            trip += 1  # a new trip after unloading, as trips_of counts them
        site = index.site(st["site"], f"{where}.stops[{j}].site")
        stop = replace(_stop(len(stops) + 1, st, site, index, lang, f"{where}.stops[{j}]"),
                       trip=trip)
        stops.append(stop)
        if st["kind"] == "delivery":
            drops.append(lang._("{time} at {place}: {kg}", time=stop.arrive,
                                place=short_name(site), kg=stop.total))
    first, last = route["stops"][0], route["stops"][-1]
    start_site = index.site(first["site"], f"{where}.stops[0].site")
    end_site = index.site(last["site"], f"{where}.stops[-1].site")
    pickups = [s for s in stops if s.kind == "pickup"]
    kg = sum(index.lot(lot.id, where).kg for s in pickups for lot in s.lots)
    summary = ", ".join([
        lang.n_("{n} pickup", "{n} pickups", len(pickups)), lang.kg(kg),
        f"{lang.number(route['distance_m'] / 1000, 1)} km",
        lang.n_("{n} trip", "{n} trips", trips),
    ])
    temperature = {"ambient": lang._("no cooling"), "iced": lang._("iced"),
                   "reefer": lang._("refrigerated")}[route["temperature"]]
    return Sheet(
        vid, file_name(vid) + ".html", driver.name if driver else lang._("(no driver assigned)"),
        driver.phone if driver else "", tel(driver.phone) if driver else "",
        driver.plate if driver else "", vt.name, temperature, color,
        lang.clock(parse_time(first["departure"], f"{where}.stops[0].departure")),
        short_name(start_site),
        lang.clock(parse_time(last["arrival"], f"{where}.stops[-1].arrival")), short_name(end_site),
        summary, stops, drops, _route_map(route, color, roads=roads),
    )


def driver_of(route: Mapping[str, Any], case: Case, by_vehicle: Mapping[str, Driver],
              where: str) -> Driver | None:
    """The route's ``driver_id`` (plan.json 1.1; a dispatcher may change it),
    else the driver of its vehicle by fleet order (:func:`drivers_by_vehicle`)."""
    driver_id = route.get("driver_id")
    if driver_id is None:
        return by_vehicle.get(route["vehicle_id"])
    found = next((d for d in case.drivers if d.id == driver_id), None)
    if found is None:
        msg = f"plan {where}.driver_id: the case has no driver {driver_id!r}"
        raise PlanCheckError(msg)
    return found


def _idle(vid: str, vehicle: str, driver: Driver | None, home: Site, lang: Lang) -> Idle:
    return Idle(vid, vehicle, driver.name if driver else lang._("(no driver assigned)"),
                driver.phone if driver else "", tel(driver.phone) if driver else "",
                driver.plate if driver else "", short_name(home))


def sheet_book(plan: Plan, case: Case, lang: Lang, *, roads: Roads | None = None) -> SheetBook:
    """Every route sheet of ``plan``, vehicles in order of their first start,
    and the vehicles (with their drivers) the plan does not use."""
    index = PlanIndex(case)
    drivers = drivers_by_vehicle(case.drivers)
    routes = sorted(enumerate(plan["routes"]), key=lambda ir: (
        parse_time(ir[1]["stops"][0]["departure"], f"routes[{ir[0]}].stops[0].departure"),
        ir[1]["vehicle_id"]))
    colors = vehicle_colors(r["vehicle_id"] for r in plan["routes"])
    trips: dict[str, int] = {}
    for t in trips_of(plan):
        trips[t.vehicle_id] = trips.get(t.vehicle_id, 0) + 1
    sheets = [_sheet(i, r, index, lang, drivers, colors[r["vehicle_id"]],
                     trips.get(r["vehicle_id"], 0), roads) for i, r in routes]
    idle, standby = not_needed(plan, case, lang)
    day = _day(plan, case)
    return SheetBook(plan["case"]["name"], lang.date(day), lang.code, sheets, idle, standby)


def not_needed(plan: Plan, case: Case, lang: Lang) -> tuple[list[Idle], list[Idle]]:
    """The fleet's vehicles the plan leaves idle (with their drivers), and the
    drivers on standby beyond the fleet's counts, neither driving today."""
    index = PlanIndex(case)
    drivers = drivers_by_vehicle(case.drivers)
    used = {r["vehicle_id"] for r in plan["routes"]}
    busy = {d.id for i, r in enumerate(plan["routes"])
            if (d := driver_of(r, case, drivers, f"routes[{i}]")) is not None}
    idle = [_idle(f"{vt.id}#{k}", vt.name, drivers.get(f"{vt.id}#{k}"),
                  index.site(vt.home, f"vehicle type {vt.id}.home"), lang)
            for vt in case.vehicle_types for k in range(1, vt.count + 1)
            if f"{vt.id}#{k}" not in used
            and (f"{vt.id}#{k}" not in drivers or drivers[f"{vt.id}#{k}"].id not in busy)]
    fleet = {f"{vt.id}#{k}" for vt in case.vehicle_types for k in range(1, vt.count + 1)}
    standby = [_idle("", index.vehicle_type(d.vehicle_type, "drivers").name, d,
                     index.site(d.home or index.vehicle_type(d.vehicle_type, "drivers").home,
                                f"driver {d.id}.home"), lang)
               for vid, d in drivers.items() if vid not in fleet and d.id not in busy]
    return idle, standby


def _day(plan: Plan, case: Case) -> datetime:
    day = parse_time(plan["case"]["epoch"], "case.epoch")
    if plan["routes"]:
        day = parse_time(plan["routes"][0]["stops"][0]["departure"], "routes[0].stops[0].departure")
    return day


def render_sheet(book: SheetBook, sheet: Sheet, lang: Lang) -> str:
    """The phone page of one vehicle."""
    return environment().get_template("route_sheets.html").render(
        book=book, sheets=[sheet], idle=None, _=lang._, phone=True)


def render_book(book: SheetBook, lang: Lang) -> str:
    """Every sheet, one after another, and the page of vehicles not needed: the PDF's source."""
    return environment().get_template("route_sheets.html").render(
        book=book, sheets=book.sheets, idle=book.idle + book.standby, _=lang._, phone=False)
