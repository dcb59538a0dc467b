"""Build the planning case of one simulated day: the base case with the
scenario's standing changes (fleet, lanes), the day's weather, disruptions,
orders and lots, and whatever the previous day carried over."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta

import numpy as np

from planner.domain import Case, Lane, Site, TimeWindow, VehicleType
from planner.domain.geo import Location
from planner.domain.units import DAY, HOUR, MINUTE
from planner.travel.great_circle import haversine_m

from .generate import ActiveDisruption, DayDraw
from .spec import DisruptionKind, PackingHouseAdd, ScenarioSpec

Streams = Callable[[str], np.random.Generator]  # a random stream per name


def standing_case(base: Case, spec: ScenarioSpec) -> Case:
    """The base case with the scenario's fleet, lane and packing-house
    changes (every day), at full scale (:func:`sampled` scales it per day)."""
    fleet = list(base.vehicle_types)
    for change in spec.fleet:
        fleet = [replace(v, count=change.new_count(v.count)) if v.id == change.vehicle_type else v
                 for v in fleet]
    lanes: list[Lane] = []
    changes = {c.lane: c for c in spec.lanes}
    for lane in base.lanes:
        c = changes.get(lane.id)
        if c is None:
            lanes.append(lane)
        elif not c.remove:
            lanes.append(replace(
                lane, units_per_departure=c.units_per_departure or lane.units_per_departure,
                cost_per_unit=lane.cost_per_unit * c.cost_factor,
                cost_per_kg=lane.cost_per_kg * c.cost_factor,
                min_charge=lane.min_charge * c.cost_factor,
                transit_s=max(1, round(lane.transit_s * c.transit_factor)),
            ))
    case = base.replace(vehicle_types=tuple(fleet), lanes=tuple(lanes), orders=(), lots=())
    for house in spec.packing_houses:
        case = with_packing_house(case, house)
    return case


def with_packing_house(case: Case, house: PackingHouseAdd) -> Case:
    """``case`` with a new packing house built like ``house.like`` (see
    :class:`PackingHouseAdd`): the site, copies of the lanes leaving the
    model house (same tariffs; transit longer or shorter by the extra road
    distance at the case's truck speed), and vehicles moved from their types
    to ones based there."""
    like = case.site_by_id[house.like]
    where = Location(house.lat, house.lon)
    site = replace(like, id=house.id, name=house.name or f"{house.id} (scenario)", location=where,
                   commune=house.commune or like.commune)
    travel = case.settings.travel
    truck_ms = dict(travel.speeds_kmh).get("truck", 40.0) / 3.6
    lanes = list(case.lanes)
    for lane in case.lanes:
        if lane.origin != like.id or lane.destination == house.id:
            continue
        dest = case.site_by_id[lane.destination].location
        old, new = (float(haversine_m([a], [dest])[0, 0]) for a in (like.location, where))
        extra_s = travel.detour_factor * (new - old) / truck_ms
        lanes.append(replace(lane, id=f"{house.id}:{lane.id}", origin=house.id,
                             transit_s=max(10 * MINUTE, round(lane.transit_s + extra_s))))
    fleet = []
    for v in case.vehicle_types:
        moved = house.vehicles.get(v.id, 0)
        fleet.append(replace(v, count=max(0, v.count - moved)))
        if moved:
            fleet.append(replace(v, id=f"{v.id}@{house.id}", name=f"{v.name} at {site.name}", count=moved,
                                 home=house.id, end=house.id if v.end in (like.id, v.home) else v.end))
    return case.replace(sites=(*case.sites, site), lanes=tuple(lanes), vehicle_types=tuple(fleet))


def sampled(case: Case, share: float, streams: Streams, *, min_intake_kg_h: float = 0.0) -> Case:
    """``case`` with its capacities scaled to a ``share`` sample of its lots
    and orders, so that the sample sees the world at the same scale:

    - vehicle counts and lane units per departure by randomised rounding,
      ``floor(n * share + u)`` with ``u`` uniform on [0, 1) from the type's or
      lane's own stream: the expected count is exactly ``n * share`` (a type
      of 6 at 0.2 has 2 vehicles with probability 0.2, else 1; a type of 3 has
      none with probability 0.4); a lane left with no unit does not run;
    - packing-house intake (kg an hour), treatment (kg a day) and cold-store
      (kg) capacity times ``share``; intake no lower than ``min_intake_kg_h``
      (the day's largest lot, which must fit an hour's intake).

    :func:`capacity_totals` of the result over the base's gives the effective
    ratios (the simulator records them in ``meta.json``)."""

    def rounded(n: int, key: str) -> int:
        return int(np.floor(n * share + streams(key).random()))

    fleet = tuple(replace(v, count=rounded(v.count, f"fleet {v.id}")) for v in case.vehicle_types)
    lanes = []
    for lane in case.lanes:
        units = rounded(lane.units_per_departure, f"lane {lane.id}")
        if units >= 1:
            lanes.append(replace(lane, units_per_departure=units))
    sites = tuple(replace(
        s,
        intake_kg_per_hour=max(s.intake_kg_per_hour * share, min_intake_kg_h)
        if s.intake_kg_per_hour else s.intake_kg_per_hour,
        treatment_kg_per_day=s.treatment_kg_per_day * share
        if s.treatment_kg_per_day else s.treatment_kg_per_day,
        cold_storage_kg=s.cold_storage_kg * share if s.cold_storage_kg else s.cold_storage_kg,
    ) for s in case.sites)
    return case.replace(vehicle_types=fleet, lanes=tuple(lanes), sites=sites)


CAPACITIES = ("vehicles", "vehicle_kg", "lane_units", "intake_kg_h", "treatment_kg_day",
              "cold_storage_kg")


def capacity_totals(case: Case) -> dict[str, float]:
    """The case's capacity by kind (:data:`CAPACITIES`): vehicles, their kg,
    lane units per departure (summed over lanes), intake kg an hour,
    treatment kg a day and cold-store kg (summed over sites)."""
    sites = case.sites
    return {
        "vehicles": float(sum(v.count for v in case.vehicle_types)),
        "vehicle_kg": float(sum(v.count * v.capacity_kg for v in case.vehicle_types)),
        "lane_units": float(sum(lane.units_per_departure for lane in case.lanes)),
        "intake_kg_h": float(sum(s.intake_kg_per_hour or 0.0 for s in sites)),
        "treatment_kg_day": float(sum(s.treatment_kg_per_day or 0.0 for s in sites)),
        "cold_storage_kg": float(sum(s.cold_storage_kg or 0.0 for s in sites)),
    }


def day_case(standing: Case, draw: DayDraw, *, carried_orders: Iterable[object] = (),
             carried_lots: Iterable[object] = (), announced_by_h: float | None = None) -> Case:
    """The case the planner gets on ``draw.day``: with the disruptions known
    by ``announced_by_h`` (hours of the day; None: all of them). A
    disruption that began on an earlier day is known."""
    s = standing.settings
    speed_factor = 1.0
    fleet = list(standing.vehicle_types)
    lanes = list(standing.lanes)
    sites = list(standing.sites)
    for active in draw.disruptions:
        told = active.spec.announced_h
        if (announced_by_h is not None and told is not None and active.started == draw.day
                and told > announced_by_h):
            continue
        kind = active.spec.kind
        if kind is DisruptionKind.ROAD_DELAY:
            speed_factor *= max(active.amount, 1.0)
        elif kind is DisruptionKind.VEHICLE_BREAKDOWN:
            fleet = [_broken(v, active) for v in fleet]
        elif kind is DisruptionKind.FLIGHT_CANCELLATION:
            lanes = [x for x in (_cancelled(lane, active) for lane in lanes) if x is not None]
        else:
            sites = [_closed(site, active, s.horizon_s) for site in sites]
    travel = replace(s.travel, speeds_kmh=tuple((p, v / speed_factor) for p, v in s.travel.speeds_kmh))
    settings = replace(s, epoch=s.epoch + timedelta(days=draw.day), ambient_c=draw.ambient_c,
                       travel=travel, name=f"{s.name} (day {draw.day})")
    return standing.replace(
        settings=settings, sites=tuple(sites), vehicle_types=tuple(fleet), lanes=tuple(lanes),
        orders=tuple(carried_orders) + draw.orders, lots=tuple(carried_lots) + draw.lots,
    )


def _broken(vehicle: VehicleType, active: ActiveDisruption) -> VehicleType:
    if vehicle.id != active.spec.target:
        return vehicle
    return replace(vehicle, count=max(0, vehicle.count - round(active.amount)))


def _cancelled(lane: Lane, active: ActiveDisruption) -> Lane | None:
    """The lane without its departures from ``start_h`` for ``hours`` (by
    default the day's), None when none are left."""
    if lane.id != active.spec.target:
        return lane
    start = round(active.spec.start_h * HOUR)
    end = start + round(active.spec.hours * HOUR)
    left = tuple(d for d in lane.departures if not start <= d.time < end)
    return replace(lane, departures=left) if left else None


def _closed(site: Site, active: ActiveDisruption, horizon_s: int) -> Site:
    """The site closed from ``start_h`` for ``hours`` on the day."""
    if site.id != active.spec.target:
        return site
    start = round(active.spec.start_h * HOUR)
    end = start + round(active.spec.hours * HOUR)
    windows = site.opening or (TimeWindow(0, horizon_s),)
    kept: list[TimeWindow] = []
    for w in windows:
        if w.end < start or w.start > end:
            kept.append(w)
            continue
        if w.start < start:
            kept.append(TimeWindow(w.start, start - 1))
        if w.end > end:
            kept.append(TimeWindow(end + 1, w.end))
    if not kept:  # closed over the whole horizon: one closed instant past it
        kept.append(TimeWindow(horizon_s + DAY, horizon_s + DAY))
    return replace(site, opening=tuple(kept))
