"""Intake boards: what arrives at each packing house hour by hour, so the
house can staff its weighing and pre-cooling lines.

Per hour: vehicles and kg arriving (against the house's intake capacity),
kg in pre-cooling (delivered within the plan's ``precool_s``), kg in the cold
store (delivered and pre-cooled, not yet departed on a shipment from this
house, against its cold-store capacity) and kg leaving. Written as
``DIR/intake.html`` and shown as a section of the report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain import Case, SiteKind
from ..i18n import Lang
from .index import Plan, PlanIndex, parse_time, shipment_kg
from .templates import environment

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Hour:
    label: str
    vehicles: int
    arriving_kg: float
    arriving: str
    intake_pct: float  # of capacity, 0 when the house has no stated capacity
    intake: str
    over: bool
    precooling: str
    stored: str
    stored_pct: float
    leaving: str
    names: str  # the vehicles arriving


@dataclass(frozen=True)
class Board:
    site_id: str
    name: str
    contact: str
    phone: str
    capacity: str
    cold_store: str
    total: str
    peak: str
    hours: list[Hour]


def _moment(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _events(plan: Plan, index: PlanIndex) -> tuple[dict[str, list[tuple[datetime, float, str]]],
                                                   dict[str, list[tuple[datetime, float]]]]:
    arrivals: dict[str, list[tuple[datetime, float, str]]] = defaultdict(list)
    for i, d in enumerate(plan["deliveries"]):
        lot = index.lot(d["lot_id"], f"deliveries[{i}].lot_id")
        index.site(d["packing_house"], f"deliveries[{i}].packing_house")
        arrivals[d["packing_house"]].append(
            (parse_time(d["delivered"], f"deliveries[{i}].delivered"), lot.kg, d["vehicle_id"]))
    departures: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for i, s in enumerate(plan["shipments"]):
        departures[s["origin"]].append(
            (parse_time(s["departure"], f"shipments[{i}].departure"), shipment_kg(s)))
    return arrivals, departures


def _hours(arrivals: list[tuple[datetime, float, str]], departures: list[tuple[datetime, float]],
           precool: timedelta) -> list[datetime]:
    times = [t for t, _, _ in arrivals] + [t for t, _ in departures if arrivals]
    start = _moment(min(t for t, _, _ in arrivals))
    end = _moment(max(times + [max(t for t, _, _ in arrivals) + precool]))
    return [start + k * HOUR for k in range(int((end - start) / HOUR) + 1)]


def _board(site_id: str, arrivals: list[tuple[datetime, float, str]],
           departures: list[tuple[datetime, float]], precool: timedelta, index: PlanIndex,
           lang: Lang, drivers: Mapping[str, str]) -> Board:
    site = index.sites[site_id]
    capacity = site.intake_kg_per_hour
    hours: list[Hour] = []
    grid = _hours(arrivals, departures, precool)
    first_day = grid[0].date()
    quiet_from: datetime | None = None
    for h in grid:
        now = [(t, kg, v) for t, kg, v in arrivals if h <= t < h + HOUR]
        kg = sum(x[1] for x in now)
        end = h + HOUR
        cooling = sum(k for t, k, _ in arrivals if t < end and t + precool > end - HOUR / 2)
        cooled = sum(k for t, k, _ in arrivals if t + precool <= end)
        gone = sum(k for t, k in departures if t < end)
        stored = max(cooled - gone, 0.0)
        leaving = sum(k for t, k in departures if h <= t < end)
        vehicles = sorted({v for _, _, v in now})
        pct = kg / capacity if capacity else 0.0
        cold = stored / site.cold_storage_kg if site.cold_storage_kg else 0.0
        quiet = not now and not leaving and not cooling
        if quiet and quiet_from is not None and hours and hours[-1].stored == (
                lang.kg(stored) if stored else ""):
            hours.pop()  # one row for quiet hours with the same stock
        else:
            quiet_from = h
        if not quiet:
            quiet_from = None
        since = quiet_from or h
        label = (lang.clock(since) if since.date() == first_day else lang.day_clock(since)) \
            + "–" + (lang.clock(end) if end.date() == first_day or end == _moment(end) and
                     (end - HOUR).date() == first_day else lang.day_clock(end))
        hours.append(Hour(
            label, len(vehicles), kg, lang.kg(kg) if kg else "",
            min(pct, 1.0) * 100, lang.pct(kg, capacity) if capacity and kg else "", pct > 1,
            lang.kg(cooling) if cooling else "", lang.kg(stored) if stored else "",
            min(cold, 1.0) * 100, lang.kg(leaving) if leaving else "",
            ", ".join(drivers.get(v, v) for v in vehicles),
        ))
    busiest = max(hours, key=lambda x: x.arriving_kg)
    return Board(
        site_id, site.name, site.contact, site.phone,
        lang._("{kg} per hour", kg=lang.kg(capacity)) if capacity else lang._("not stated"),
        lang.kg(site.cold_storage_kg) if site.cold_storage_kg else lang._("not stated"),
        lang.kg(sum(k for _, k, _ in arrivals)),
        lang._("{kg} at {hour}", kg=busiest.arriving, hour=busiest.label),
        hours,
    )


def intake_boards(plan: Plan, case: Case, lang: Lang) -> list[Board]:
    """A board for every packing house receiving lots in ``plan``, in case order."""
    from ..domain import drivers_by_vehicle
    from .route_sheets import driver_of

    index = PlanIndex(case)
    arrivals, departures = _events(plan, index)
    precool = timedelta(seconds=float(plan.get("params", {}).get("precool_s", 1800)))
    by_vehicle = drivers_by_vehicle(case.drivers)
    drivers = {}
    for i, r in enumerate(plan["routes"]):
        d = driver_of(r, case, by_vehicle, f"routes[{i}]")
        drivers[r["vehicle_id"]] = f"{d.name} ({r['vehicle_id']})" if d else r["vehicle_id"]
    return [_board(s.id, arrivals[s.id], departures.get(s.id, []), precool, index, lang, drivers)
            for s in case.sites_of(SiteKind.PACKING_HOUSE) if arrivals.get(s.id)]


def render_intake(plan: Plan, case: Case, lang: Lang, *, boards: list[Board] | None = None) -> str:
    """``intake.html``: every packing house's board, one page each in print."""
    return environment().get_template("intake.html").render(
        boards=intake_boards(plan, case, lang) if boards is None else boards,
        title=plan["case"]["name"], lang=lang.code, _=lang._)


def board_context(plan: Plan, case: Case, lang: Lang) -> dict[str, Any]:
    return {"boards": intake_boards(plan, case, lang)}
