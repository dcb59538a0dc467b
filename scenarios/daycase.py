"""Build the planning case of one simulated day: the base case with the
scenario's standing changes (fleet, lanes), the day's weather, disruptions,
orders and lots, and whatever the previous day carried over."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from planner.domain import Case, Lane, Site, TimeWindow, VehicleType
from planner.domain.geo import Location
from planner.domain.units import DAY, HOUR, MINUTE
from planner.travel.great_circle import haversine_m

from .generate import ActiveDisruption, DayDraw
from .spec import DisruptionKind, PackingHouseAdd, ScenarioSpec


def standing_case(base: Case, spec: ScenarioSpec) -> Case:
    """The base case with the scenario's fleet and lane changes (every day)."""
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
    return sampled(case, spec.sample) if spec.sample < 1.0 else case


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


def sampled(case: Case, share: float) -> Case:
    """``case`` with its capacities scaled to a ``share`` sample of its lots and
    orders: vehicle counts (at least one of each type that had any), lane
    units per departure (at least one), treatment capacity (kg a day) and
    cold-store capacity (kg).
    Packing-house intake (kg an hour) is kept: in a sample its hourly slots
    would be too coarse for lots of up to 1.5 t."""
    fleet = tuple(replace(v, count=max(1, round(v.count * share)) if v.count else 0)
                  for v in case.vehicle_types)
    lanes = tuple(replace(lane, units_per_departure=max(1, round(lane.units_per_departure * share)))
                  for lane in case.lanes)
    sites = tuple(replace(s, treatment_kg_per_day=s.treatment_kg_per_day * share
                          if s.treatment_kg_per_day else s.treatment_kg_per_day,
                          cold_storage_kg=s.cold_storage_kg * share if s.cold_storage_kg else s.cold_storage_kg)
                  for s in case.sites)
    return case.replace(vehicle_types=fleet, lanes=lanes, sites=sites)


def day_case(standing: Case, draw: DayDraw, *, carried_orders: Iterable[object] = (),
             carried_lots: Iterable[object] = ()) -> Case:
    """The case the planner gets on ``draw.day``."""
    s = standing.settings
    speed_factor = 1.0
    fleet = list(standing.vehicle_types)
    lanes = list(standing.lanes)
    sites = list(standing.sites)
    for active in draw.disruptions:
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
