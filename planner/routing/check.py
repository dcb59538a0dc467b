"""An independent checker of pickup plans.

Recomputes every route's times, loads, freshness and costs from the raw case
(sites, lots, fleet, settings, products) and a travel provider, without the
router's network, schedule, cost or freshness tables: travel seconds and
metres come from the provider, shelf life from ``model_for(product).consumed``
over hourly pieces of the ambient and vehicle temperatures.

:func:`retime` is the checkers' one route re-timer (the planner has its own,
``schedule.build_route``): a vehicle leaves its start when the plan says,
drives (in the case's rush hours a leg takes the time its departure gives:
Ichoua-Gendreau-Potvin travel), starts each stop's service on arrival, or at
the stop's planned wait ``service_after`` when later (a free intake slot, an
opening); at a
pickup each lot loads from ``max(t, ready)`` for its loading time; at a
delivery the packing house must be open (the vehicle waits for the opening)
and every lot is delivered when unloading starts, which lasts the case's
``packing_service_s``. :func:`check_result` re-times every route of a result
and reports each time, load, shelf life or cost that differs, and every rule
the re-timed plan breaks. Messages give local clock times and durations.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, Location, SiteKind, VehicleType, next_open
from ..domain.clock import clock, duration
from ..domain.units import HOUR
from ..freshness import model_for
from ..travel import GreatCircleProvider, TravelTimeProvider
from ..travel.traffic import TimeDependentTimes
from .reasons import Reason
from .result import LotDelivery, Route, RoutingResult, Stop

TOL_KG = 1e-6
TOL_REF_S = 1e-3
TOL_SHELF_S = 60.0  # shelf life reported vs recomputed: one minute of reference life
TOL_TIME_S = 1  # a time written in whole seconds


@dataclass(frozen=True, slots=True)
class Violation:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlannedStop(Protocol):
    """What the re-timer reads of a stop: a route's ``Stop`` or a stop read
    back from a plan document."""

    @property
    def site(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def lot_ids(self) -> tuple[str, ...]: ...
    @property
    def departure(self) -> int: ...
    @property
    def service_after(self) -> int | None: ...


@dataclass(slots=True)
class Retimed:
    """A route driven as planned: its stops, when each lot was picked up and
    delivered (and where), the metres, duration and cost."""

    stops: list[Stop] = field(default_factory=list)
    idle: list[tuple[int, int]] = field(default_factory=list)  # the driver waits (a break if long enough)
    picked: dict[str, int] = field(default_factory=dict)
    delivered: dict[str, tuple[str, int]] = field(default_factory=dict)
    metres: int = 0
    duration: int = 0
    cost: float = 0.0

    def route(self, vehicle_id: str, vehicle_type: str) -> Route:
        return Route(vehicle_id, vehicle_type, tuple(self.stops), self.metres / 1000, self.duration,
                     self.cost)


def vehicle_cost(vt: VehicleType, metres: float, duration_s: float) -> float:
    """The checkers' copy of what a route costs: fixed, per km driven, per
    hour from the first departure to the last arrival (waiting is paid)."""
    return vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration_s / 3600


def boxes_of(case: Case, lot: HarvestLot) -> int:
    """Boxes of a lot: as given, or from the product's kg per box."""
    return lot.boxes if lot.boxes > 0 else math.ceil(lot.kg / case.product_by_id[lot.product].kg_per_box)


def retime(case: Case, vt: VehicleType, stops: Sequence[PlannedStop], travel: TravelTimeProvider,
           lots: dict[str, HarvestLot]) -> Retimed:
    """Drive ``stops`` with a vehicle of type ``vt`` (sites and lots known)."""
    out = Retimed()
    if not stops:
        return out
    locs = [case.site_by_id[s.site].location for s in stops]
    matrix = travel.matrix(locs, locs, vt.profile)
    rush = _rush_hours(case, vt.profile, locs, matrix.seconds)
    t = stops[0].departure
    out.stops.append(Stop(stops[0].site, "start", t, t, 0, 0.0))
    load, boxes = 0.0, 0
    for k, ps in enumerate(stops[1:], start=1):
        arrival = t + (int(matrix.seconds[k - 1, k]) if rush is None else rush.seconds(k - 1, k, t))
        out.metres += int(matrix.metres[k - 1, k])
        t = arrival if ps.service_after is None else max(arrival, ps.service_after)
        out.idle.append((arrival, t))
        service = 0
        if ps.kind == "pickup":
            for lid in ps.lot_ids:
                lot = lots[lid]
                out.idle.append((t, max(t, lot.ready)))
                t = max(t, lot.ready)
                out.picked[lid] = t
                t += lot.service_s
                service += lot.service_s
                load += lot.kg
                boxes += boxes_of(case, lot)
        elif ps.kind == "delivery":
            site = case.site_by_id[ps.site]
            opens = next_open(site.opening, t) if site.opening else t
            out.idle.append((t, t if opens is None else opens))
            t = t if opens is None else opens  # closed for good: reported by check_result
            for lid in ps.lot_ids:
                out.delivered[lid] = (ps.site, t)
                load -= lots[lid].kg
                boxes -= boxes_of(case, lots[lid])
            service = case.settings.packing_service_s
            t += service
        departure = t if ps.kind != "end" else arrival
        out.stops.append(Stop(ps.site, ps.kind, arrival, departure,  # type: ignore[arg-type]
                              max(0, departure - arrival - service), round(max(load, 0.0), 6),
                              tuple(ps.lot_ids), max(boxes, 0), ps.service_after))
        t = departure
    out.duration = out.stops[-1].arrival - out.stops[0].departure
    out.cost = vehicle_cost(vt, out.metres, out.duration)
    return out


def _rush_hours(case: Case, profile: str, locs: list[Location], seconds: NDArray[np.int64]
                ) -> TimeDependentTimes | None:
    """Travel times by departure time when the case has rush hours for
    ``profile`` (a trip leaving later never arrives earlier), else None."""
    settings = case.settings.travel
    if not any(p.applies_to(profile) for p in settings.slow_periods):
        return None
    times = TimeDependentTimes.build(np.asarray(seconds, dtype=np.int64), locs, settings.corridors,
                                     settings.slow_periods, profile)
    return None if times.profile.flat else times


def hourly_legs(start: int, end: int, temp: Callable[[int], float]) -> list[tuple[float, float]]:
    """(duration, temperature) pieces of ``[start, end]`` cut on the hour."""
    legs, t = [], start
    while t < end:
        nxt = min(end, (t // HOUR + 1) * HOUR)
        legs.append((float(nxt - t), temp(t)))
        t = nxt
    return legs


def consumed(case: Case, lot: HarvestLot, vehicle: VehicleType, picked_up: int, delivered: int) -> float:
    """Reference seconds a lot spends from its harvest (at ambient) through
    its ride (at the vehicle's temperature) to its delivery."""
    legs = hourly_legs(lot.ready, picked_up, case.settings.ambient_at)
    legs += hourly_legs(picked_up, delivered, lambda t: case.temperature_of(vehicle, t))
    if not legs:
        return 0.0
    durations, temps = zip(*legs, strict=True)
    return model_for(case.product_by_id[lot.product]).consumed(durations, temps)


def check_result(case: Case, result: RoutingResult, *, travel: TravelTimeProvider | None = None,
                 lots: Sequence[HarvestLot] | None = None, slot_s: int = 3600,
                 intake_of: Sequence[LotDelivery] | None = None) -> list[Violation]:
    """Every broken rule of ``result``; an empty list for a valid plan.

    With ``intake_of``, ``result`` holds a few routes of a plan (those a
    person changed) and ``intake_of`` the deliveries of the others: they count
    in the packing-house intake, and lots the few routes do not carry are not
    reported as neither routed nor unassigned."""
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    lot_by_id = {lot.id: lot for lot in (case.lots if lots is None else lots)}
    out: list[Violation] = []
    if intake_of is None:
        out += _coverage(result, lot_by_id)
    types = {vt.id: vt for vt in case.vehicle_types}
    retimed: dict[str, Retimed] = {}
    seen: set[str] = set()
    for route in result.routes:
        vt = types.get(route.vehicle_type)
        name, _, number = route.vehicle_id.partition("#")
        if vt is None or name != vt.id or not number.isdigit() or not 1 <= int(number) <= vt.count:
            out.append(Violation(route.vehicle_id, f"not a vehicle of type {route.vehicle_type}"))
            continue
        if route.vehicle_id in seen:
            out.append(Violation(route.vehicle_id, "vehicle used by two routes"))
        seen.add(route.vehicle_id)
        problems = _route_shape(case, route, vt, lot_by_id)
        out += problems
        if problems:
            continue
        again = retime(case, vt, route.stops, travel, lot_by_id)
        retimed[route.vehicle_id] = again
        out += _route(case, route, vt, again, lot_by_id)
        out += working_rules(case, route.vehicle_id, vt, again)
    out += _deliveries(case, result, lot_by_id, types, retimed)
    out += _intake(case, [*result.deliveries, *(intake_of or ())], lot_by_id, slot_s)
    return out


def working_rules(case: Case, where: str, vt: VehicleType, again: Retimed) -> list[Violation]:
    """The vehicle type's working rules on a re-timed route: its working day
    (first departure to last arrival) at most ``max_work_s``; never more
    than ``break_after_s`` at work without a break, a wait of at least
    ``break_s`` (shorter waits count as work)."""
    if not again.stops:
        return []
    out = []
    first, last = again.stops[0].departure, again.stops[-1].arrival
    if vt.max_work_s is not None and last - first > vt.max_work_s:
        out.append(Violation(where, f"works {duration(last - first)} ({_at(case, first)} to {_at(case, last)}), "
                                    f"more than the {duration(vt.max_work_s)} a {vt.id} may"))
    if vt.break_after_s is not None:
        since = first
        for a, b in [*sorted(w for w in again.idle if w[1] - w[0] >= vt.break_s), (last, last)]:
            if a - since > vt.break_after_s:
                out.append(Violation(where, f"works {duration(a - since)} without a break "
                                            f"({_at(case, since)} to {_at(case, a)}); a {vt.id} rests "
                                            f"{duration(vt.break_s)} at least every {duration(vt.break_after_s)}"))
            since = max(since, b)
    return out


def _at(case: Case, t: float) -> str:
    return clock(t, case.settings.epoch, case.settings.timezone)


def _later(seconds: int) -> str:
    """``+3 min`` later or ``-45 s`` earlier, for people."""
    return f"+{duration(seconds)}" if seconds >= 0 else duration(seconds)


def _coverage(result: RoutingResult, lots: dict[str, HarvestLot]) -> list[Violation]:
    out = []
    routed = [d.lot_id for d in result.deliveries]
    left = [u.lot_id for u in result.unassigned]
    for lot_id in sorted(set(lots) - set(routed) - set(left)):
        out.append(Violation(lot_id, "neither routed nor unassigned"))
    for lot_id in sorted(set(routed) & set(left)):
        out.append(Violation(lot_id, "both routed and unassigned"))
    if len(routed) != len(set(routed)) or len(left) != len(set(left)):
        out.append(Violation("result", "a lot is listed twice"))
    for u in result.unassigned:
        if not isinstance(u.reason, Reason) or not u.detail:
            out.append(Violation(u.lot_id, "unassigned without a reason code and detail"))
    return out


def _route_shape(case: Case, route: Route, vt: VehicleType, lots: dict[str, HarvestLot]) -> list[Violation]:
    """What must hold before a route can be driven at all."""
    where = route.vehicle_id
    stops = route.stops
    if len(stops) < 2 or stops[0].kind != "start" or stops[-1].kind != "end":
        return [Violation(where, "a route runs from a start stop to an end stop")]
    out = [Violation(f"{where} stop {k}", f"unknown site {s.site}")
           for k, s in enumerate(stops) if s.site not in case.site_by_id]
    out += [Violation(f"{where} stop {k} ({s.site})", f"unknown lot {lid}")
            for k, s in enumerate(stops) for lid in s.lot_ids if lid not in lots]
    return out


def _route(case: Case, route: Route, vt: VehicleType, again: Retimed,
           lots: dict[str, HarvestLot]) -> list[Violation]:
    out: list[Violation] = []
    where = route.vehicle_id
    stops = route.stops
    if stops[0].site != vt.home or stops[-1].site != vt.end_site:
        out.append(Violation(where, f"does not start at {vt.home} or end at {vt.end_site}"))
    first, last = again.stops[0].departure, again.stops[-1].arrival
    if first < vt.shift.start or last > vt.shift.end:
        out.append(Violation(where, f"drives {_at(case, first)} to {_at(case, last)}, outside its shift "
                                    f"{_at(case, vt.shift.start)} to {_at(case, vt.shift.end)}"))
    onboard: dict[str, float] = {}
    for k, (stop, re) in enumerate(zip(stops, again.stops, strict=True)):
        w = f"{where} stop {k} ({stop.site})"
        if abs(stop.arrival - re.arrival) > TOL_TIME_S or abs(stop.departure - re.departure) > TOL_TIME_S:
            out.append(Violation(w, f"route says {_at(case, stop.arrival)} to {_at(case, stop.departure)}, "
                                    f"driven as planned {_at(case, re.arrival)} to {_at(case, re.departure)} "
                                    f"({_later(stop.arrival - re.arrival)}, {_later(stop.departure - re.departure)})"))
        if stop.waiting < 0 or stop.departure < stop.arrival + stop.waiting:
            out.append(Violation(w, "negative waiting or departs before it arrives"))
        for lot_id in stop.lot_ids:
            if stop.kind == "pickup":
                if stop.site != lots[lot_id].farm:
                    out.append(Violation(w, f"lot {lot_id} is at {lots[lot_id].farm}"))
                onboard[lot_id] = 0.0
            elif stop.kind == "delivery":
                if lot_id not in onboard:
                    out.append(Violation(w, f"delivers {lot_id} not on board"))
                onboard.pop(lot_id, None)
        if stop.kind == "delivery" and case.site_by_id[stop.site].kind is not SiteKind.PACKING_HOUSE:
            out.append(Violation(w, "delivery at a site that is not a packing house"))
        if abs(re.load_kg - stop.load_kg) > 1e-3:
            out.append(Violation(w, f"load after stop is {re.load_kg:g} kg, route says {stop.load_kg:g}"))
        if re.load_kg > vt.capacity_kg + TOL_KG:
            out.append(Violation(w, f"load {re.load_kg:g} kg > capacity {vt.capacity_kg:g} kg"))
        if vt.capacity_boxes and re.load_boxes > vt.capacity_boxes:
            out.append(Violation(w, f"{re.load_boxes} boxes > capacity {vt.capacity_boxes}"))
    if onboard:
        out.append(Violation(where, f"ends with lots on board: {sorted(onboard)}"))
    if abs(again.metres / 1000 - route.km) > 1e-6:
        out.append(Violation(where, f"km {route.km} but the stops measure {again.metres / 1000}"))
    if route.duration_s != again.duration or abs(route.cost - again.cost) > 1e-6 * max(1.0, again.cost):
        out.append(Violation(where, f"duration {duration(route.duration_s)} and cost {route.cost:,.0f}, "
                                    f"the stops give {duration(again.duration)} and {again.cost:,.0f}"))
    return out


def _deliveries(case: Case, result: RoutingResult, lots: dict[str, HarvestLot],
                types: dict[str, VehicleType], retimed: dict[str, Retimed]) -> list[Violation]:
    out: list[Violation] = []
    packing = {s.id for s in case.sites_of(SiteKind.PACKING_HOUSE)}
    for d in result.deliveries:
        lot = lots.get(d.lot_id)
        if lot is None:
            out.append(Violation(d.lot_id, "unknown lot"))
            continue
        again = retimed.get(d.vehicle_id)
        picked = again.picked.get(d.lot_id) if again else None
        dropped = again.delivered.get(d.lot_id) if again else None
        if picked is None or dropped is None or dropped[0] != d.packing_house:
            out.append(Violation(d.lot_id, f"not picked up and delivered at {d.packing_house} by {d.vehicle_id}"))
            continue
        delivered = dropped[1]
        if abs(d.picked_up - picked) > TOL_TIME_S or abs(d.delivered - delivered) > TOL_TIME_S:
            out.append(Violation(d.lot_id, f"reported picked up {_at(case, d.picked_up)} and delivered "
                                           f"{_at(case, d.delivered)}, the route does it {_at(case, picked)} "
                                           f"and {_at(case, delivered)}"))
        if not lot.ready <= picked <= lot.latest_pickup:
            out.append(Violation(d.lot_id, f"picked up at {_at(case, picked)}, outside its window "
                                           f"{_at(case, lot.ready)} to {_at(case, lot.latest_pickup)}"))
        if d.packing_house not in (lot.packing_houses or tuple(packing)):
            out.append(Violation(d.lot_id, f"{d.packing_house} is not allowed"))
        if not case.site_by_id[d.packing_house].is_open(delivered):
            out.append(Violation(d.lot_id, f"{d.packing_house} is closed at {_at(case, delivered)}"))
        vt = types[d.vehicle_id.partition("#")[0]]
        spent = consumed(case, lot, vt, picked, delivered)
        product = case.product_by_id[lot.product]
        if spent > product.precool_budget_s + TOL_REF_S:
            out.append(Violation(d.lot_id, f"freshness budget exceeded by "
                                           f"{duration(spent - product.precool_budget_s)} of reference life"
                                           f" (harvested {_at(case, lot.ready)}, delivered {_at(case, delivered)})"))
        left = product.ref_shelf_life_s - spent
        if abs(left - d.shelf_life_left_s) > TOL_SHELF_S:
            out.append(Violation(d.lot_id, f"reported shelf life {duration(d.shelf_life_left_s)} differs from "
                                           f"{duration(left)} recomputed "
                                           f"({d.shelf_life_left_s - left:+.0f} reference s)"))
    return out


def _intake(case: Case, deliveries: Sequence[LotDelivery], lots: dict[str, HarvestLot],
            slot_s: int) -> list[Violation]:
    kg: dict[tuple[str, int], float] = defaultdict(float)
    for d in deliveries:
        kg[(d.packing_house, d.delivered // slot_s)] += lots[d.lot_id].kg if d.lot_id in lots else 0.0
    out = []
    for (ph, slot), total in sorted(kg.items()):
        site = case.site_by_id.get(ph)
        cap = site.intake_kg_per_hour if site else None
        if cap is not None and total > cap * slot_s / 3600 + TOL_KG:
            out.append(Violation(ph, f"intake {total:,.1f} kg in the slot {_at(case, slot * slot_s)} to "
                                     f"{_at(case, (slot + 1) * slot_s)} > {cap:,.0f} kg/h"))
    return out
