"""The vehicle timeline of the HTML report: an inline SVG Gantt chart, one row
per vehicle, one bar per trip split into driving, waiting and service. Bars
are coloured by state only (``STATE_COLORS``); a vehicle's own colour (as on
the map) is the swatch before its name, so no bar colour means two things."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .index import Plan, Trip, parse_time, trips_of
from .style import STATE_COLORS, vehicle_colors

ROW_H = 18
BAR_H = 10
LABEL_W = 215
TOP = 22
XScale = Callable[[datetime], float]


@dataclass(frozen=True)
class SvgRect:
    x: float
    y: float
    w: float
    h: float
    cls: str
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: list[tuple[int, str, str]]  # (y of the row's text baseline, label, vehicle colour)
    rects: list[SvgRect]
    ticks: list[Tick]
    trips: int


def _scale(t0: datetime, t1: datetime, width: int) -> XScale:
    px_per_s = (width - LABEL_W - 24) / max((t1 - t0).total_seconds(), 1.0)
    return lambda t: LABEL_W + (t - t0).total_seconds() * px_per_s


def _route_rects(
    route: dict[str, Any], trips: list[Trip], y: float, color: str, x: XScale, where: str
) -> list[SvgRect]:
    stops = route["stops"]
    arr = [parse_time(s["arrival"], f"{where}.stops[{i}].arrival") for i, s in enumerate(stops)]
    dep = [parse_time(s["departure"], f"{where}.stops[{i}].departure") for i, s in enumerate(stops)]
    vid = route["vehicle_id"]
    rects = []
    for t in trips:
        a, b = dep[t.first], arr[t.last]
        peak = max((s["load_kg"] for s in stops[t.first: t.last + 1]), default=0.0)
        rects.append(SvgRect(x(a), y - 1, max(x(b) - x(a), 1.0), BAR_H + 2, "trip", "none",
                             f"{vid} trip {t.number}: {a:%H:%M}-{b:%H:%M}, "
                             f"{sum(s['kind'] == 'pickup' for s in stops[t.first: t.last + 1])} "
                             f"pickups, up to {peak:,.0f} kg on board"))
    for i in range(1, len(stops)):
        rects.append(SvgRect(x(dep[i - 1]), y, max(x(arr[i]) - x(dep[i - 1]), 0.5), BAR_H,
                             "drive", STATE_COLORS["drive"], f"{vid}: drive to {stops[i]['site']}"))
        ready = arr[i] + timedelta(seconds=stops[i]["waiting_s"])
        if stops[i]["waiting_s"]:
            rects.append(SvgRect(x(arr[i]), y, max(x(ready) - x(arr[i]), 0.5), BAR_H, "wait",
                                 STATE_COLORS["wait"], f"{vid}: wait {stops[i]['waiting_s'] // 60} min "
                                 f"at {stops[i]['site']}"))
        if dep[i] > ready:
            lots = ", ".join(stops[i]["lot_ids"])
            kind = stops[i]["kind"]
            rects.append(SvgRect(x(ready), y, max(x(dep[i]) - x(ready), 1.0), BAR_H,
                                 f"service service-{kind}", STATE_COLORS.get(kind, "#222222"),
                                 f"{vid}: {stops[i]['kind']} at {stops[i]['site']} "
                                 f"{arr[i]:%H:%M}-{dep[i]:%H:%M}" + (f" ({lots})" if lots else "")))
    return rects


def vehicle_timeline(plan: Plan, *, width: int = 1100,
                     names: dict[str, str] | None = None) -> Timeline:
    """The Gantt chart of every route in ``plan``, vehicles ordered by first start."""
    routes = list(enumerate(plan["routes"]))
    trips: dict[int, list[Trip]] = {}
    for trip in trips_of(plan):
        trips.setdefault(trip.route, []).append(trip)
    if not routes:
        return Timeline(width, 40, [], [], [], 0)
    starts = [parse_time(r["stops"][0]["departure"], f"routes[{i}].stops[0].departure")
              for i, r in routes]
    ends = [parse_time(r["stops"][-1]["arrival"], f"routes[{i}].stops[-1].arrival")
            for i, r in routes]
    t0 = min(starts).replace(minute=0, second=0, microsecond=0)
    t1 = max(ends)
    t1 = t1.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    x = _scale(t0, t1, width)
    first: dict[str, datetime] = {}
    for (_, r), s in zip(routes, starts, strict=True):
        first[r["vehicle_id"]] = min(first.get(r["vehicle_id"], s), s)
    order = sorted(first, key=lambda v: (first[v], v))
    row_of = {v: TOP + i * ROW_H for i, v in enumerate(order)}
    colors = vehicle_colors(first)
    types = {r["vehicle_id"]: r["vehicle_type"] for _, r in routes}
    rects = [
        rect
        for i, r in routes
        for rect in _route_rects(r, trips[i], row_of[r["vehicle_id"]], colors[r["vehicle_id"]], x,
                                 f"routes[{i}]")
    ]
    hours = math.ceil((t1 - t0).total_seconds() / 3600)
    every = max(1, math.ceil(hours / 16))
    fmt = "%d %b %H:%M" if t0.date() != t1.date() and hours > 12 else "%H:%M"
    ticks = [Tick(x(t0 + timedelta(hours=h)), (t0 + timedelta(hours=h)).strftime(fmt))
             for h in range(0, hours + 1, every)]
    rows = [(row_of[v] + BAR_H - 1, names.get(v, v) if names else f"{v} ({types[v]})", colors[v])
            for v in order]
    return Timeline(width, TOP + len(order) * ROW_H + 8, rows, rects, ticks,
                    sum(map(len, trips.values())))
