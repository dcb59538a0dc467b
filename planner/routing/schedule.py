"""From solved node sequences to routes, stops and lot deliveries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain import SiteKind, next_open
from .costs import route_cost
from .freshness import FreshnessTable
from .network import Network
from .result import LotDelivery, Route, Stop, StopKind

Visits = list[tuple[int, int]]  # (node, service start)


def build_route(net: Network, table: FreshnessTable, vehicle: int, start: int,
                visits: Visits) -> tuple[Route, list[LotDelivery]]:
    """The route a vehicle drives through ``visits``, timed the way the plan
    checker re-times it (VROOM's plan mode): the planner's one re-timer.

    Consecutive visits to the same site and of the same kind are one stop.
    A stop's service starts at its arrival, or at its *hold* when later: the
    time the search gave the stop's first visit (a planned wait for a lot,
    a free intake slot, an opening), written as ``service_after``. At a
    pickup each lot is loaded from ``max(t, ready)`` for its loading time; at
    a delivery the packing house must be open (``next_open``) and every lot
    of the stop is delivered when the unloading starts, which lasts the
    case's ``packing_service_s``. Times are never later than the search's,
    so windows, shifts and freshness the search respected still hold; the
    exact checks (freshness, intake) run on what this returns."""
    timed = time_route(net, table, vehicle, start, visits)
    return timed.route, timed.deliveries


StopRow = tuple[str, StopKind, int, int, int, float, tuple[str, ...], int, int | None]  # a Stop's fields, in order


@dataclass(slots=True)
class Timed:
    """A route as :func:`build_route` times it, with the re-timer's state
    after each of its stops (``route.stops`` but the end), to time a changed
    copy of it from where the change begins (:func:`time_route`'s ``base``).
    Not changed once built; not frozen, as a frozen dataclass of its 12
    fields takes five times as long to build (4.7 against 0.75 us), once a
    route is timed. Its stops are kept as their fields (``rows``) and the
    :class:`Route` made on first asking (``route``): the exact search times
    about ten places for each lot it moves and keeps one at most, and a
    frozen :class:`Stop` takes 1.6 us to make (its fields' tuple 0.03)."""

    rows: list[StopRow]
    cost: float  # the route's (its Route's ``cost``)
    deliveries: list[LotDelivery]
    visits: Visits
    ends: list[int]  # per stop: the index of the visit after its last one (the start: 0)
    clock: list[int]  # per stop: the time the vehicle leaves it
    kg: list[float]  # per stop: kg on board after it (not rounded)
    boxes: list[int]
    metres: list[int]  # per stop: metres driven up to it
    sites: list[int]
    delivered: list[int]  # per stop: deliveries made up to and including it
    picked: dict[str, int]  # per lot picked up: when
    total_m: int  # metres of the whole route
    vehicle: tuple[str, str]  # the vehicle's id and type id
    _route: Route | None = None

    @property
    def duration_s(self) -> int:
        """The route's (first departure to last arrival)."""
        return self.rows[-1][2] - self.rows[0][3]

    @property
    def route(self) -> Route:
        """The route, made from ``rows`` once asked for."""
        if self._route is None:
            self._route = Route(self.vehicle[0], self.vehicle[1], tuple(Stop(*row) for row in self.rows),
                                self.total_m / 1000, self.duration_s, self.cost)
        return self._route


def time_route(net: Network, table: FreshnessTable, vehicle: int, start: int, visits: Visits, *,
               base: Timed | None = None) -> Timed:
    """:func:`build_route` with its state per stop. With ``base`` (the same
    vehicle and start, other visits), the stops of ``base`` wholly before
    the first visit the two lists differ in are taken as they are, and
    once the changed part is behind and the vehicle leaves a stop at the
    time, place and load it left it in ``base``, no lot on board picked up
    at another time, the rest of ``base`` is too (the re-timer is a forward
    pass: the same state, the same rest). The same result as without
    ``base``; an insertion into a long route times a few stops, not all."""
    veh = net.vehicles[vehicle]
    vt, profile = veh.type, veh.type.profile
    home, end_node = 2 * vehicle, 2 * vehicle + 1
    kept, prefix = 0, 0
    if base is not None:
        same, old = 0, base.visits
        limit = min(len(old), len(visits))
        while same < limit and old[same] == visits[same]:
            same += 1
        while kept + 1 < len(base.ends) and (base.ends[kept + 1] < same or base.ends[kept + 1] == same and (
                same == len(visits) or not _joins(net, visits[same - 1][0], visits[same][0]))):
            kept += 1  # (a stop ending where the lists differ is kept unless their first new visit joins it)
        prefix = base.ends[kept]
    if base is not None and kept > 0:
        stops = base.rows[:kept + 1]
        start = stops[0][3]
        ends, clock = base.ends[:kept + 1], base.clock[:kept + 1]
        kgs, boxes, metres_at = base.kg[:kept + 1], base.boxes[:kept + 1], base.metres[:kept + 1]
        sites, delivered = base.sites[:kept + 1], base.delivered[:kept + 1]
        deliveries = base.deliveries[:delivered[-1]]
        picked = dict(base.picked) if kept + 1 == len(base.ends) else {  # (all of its stops kept: all its pickups)
            lot_id: base.picked[lot_id] for s in stops if s[1] == "pickup" for lot_id in s[6]}
        tail = len(base.visits)  # the visits both lists end with
        common = 0
        while common < min(tail, len(visits)) - prefix and base.visits[tail - 1 - common] == visits[-1 - common]:
            common += 1
        resumable = {e: g for g, e in enumerate(base.ends)} if common else {}
    else:
        base = None
        if visits and vt.break_after_s is None:  # leave as late as the first service start allows
            # (with a break rule the search's start stands: a break it placed
            # before the first stop is the wait there)
            first_node, first_t = visits[0]
            ready = first_t - net.service(home, first_node)
            start = max(start, net.latest_departure(profile, net.nodes[home].site, net.nodes[first_node].site,
                                                    ready))
        stops = [(net.sites[net.nodes[home].site].id, "start", start, start, 0, 0.0, (), 0, None)]
        ends, clock, kgs, boxes, metres_at = [0], [start], [0.0], [0], [0]
        sites, delivered, deliveries, picked = [net.nodes[home].site], [0], [], {}
        common, resumable = 0, {}
    load_kg, load_boxes, metres = kgs[-1], boxes[-1], metres_at[-1]
    prev_site, t = sites[-1], clock[-1]
    nodes, rush = net.nodes, net.rush.get(profile)  # (looked up once: :meth:`Network.drive`'s legs)
    seconds_m, metres_m = net.matrices[profile].seconds, net.matrices[profile].metres
    moved: set[str] = set()  # lots on board picked up at another time than in base
    i, n = prefix, len(visits)
    while i < n:
        if base is not None and n - i <= common and not moved:
            g = resumable.get(len(base.visits) - (n - i), -1)
            if (g > 0 and base.clock[g] == t and base.sites[g] == prev_site and base.boxes[g] == load_boxes
                    and abs(base.kg[g] - load_kg) <= 1e-9):
                shift = len(visits) - len(base.visits)
                stops += base.rows[g + 1:]
                ends += [e + shift for e in base.ends[g + 1:]]
                clock += base.clock[g + 1:]
                kgs += base.kg[g + 1:]
                boxes += base.boxes[g + 1:]
                metres_at += [m - base.metres[g] + metres for m in base.metres[g + 1:]]
                sites += base.sites[g + 1:]
                delivered += [c - base.delivered[g] + len(deliveries) for c in base.delivered[g + 1:]]
                deliveries = deliveries + base.deliveries[base.delivered[g]:]
                picked.update((lot_id, base.picked[lot_id]) for s in base.rows[g + 1:] if s[1] == "pickup"
                              for lot_id in s[6])
                metres += base.total_m - base.metres[g]
                return Timed(stops, route_cost(vt, metres, stops[-1][2] - start), deliveries, visits, ends, clock,
                             kgs, boxes, metres_at, sites, delivered, picked, metres, (veh.id, vt.id))
        node0, hold = visits[i]
        first = nodes[node0]
        site_index, kind = first.site, first.kind
        j = i + 1
        while j < n and nodes[visits[j][0]].site == site_index and nodes[visits[j][0]].kind == kind:
            j += 1  # (the same stop: :func:`_joins`)
        site = net.sites[site_index]
        arrival = t + (rush.seconds(prev_site, site_index, t) if rush is not None
                       else int(seconds_m[prev_site, site_index]))
        metres += int(metres_m[prev_site, site_index])
        t = max(arrival, hold)
        lots = []
        services = 0
        if kind == "pickup":
            for node, _ in visits[i:j]:
                lot = nodes[node].lot
                assert lot is not None
                t = max(t, lot.ready)
                if base is not None and base.picked.get(lot.id) != t:
                    moved.add(lot.id)
                picked[lot.id] = t
                t += lot.service_s
                services += lot.service_s
                load_kg += lot.kg
                load_boxes += net.boxes(lot)
                lots.append(lot.id)
        else:
            opens = next_open(site.opening, t) if site.opening else t
            t = t if opens is None else opens  # closed for good: the checks report it
            for node, _ in visits[i:j]:
                lot = nodes[node].lot
                assert lot is not None
                at = picked[lot.id]
                consumed = table.consumed(lot, vt, at, t)
                ref = table.reference(lot.product)
                deliveries.append(LotDelivery(lot.id, site.id, veh.id, at, t, ref - consumed,
                                              table.budget(lot.product) - consumed, lot.kg))
                moved.discard(lot.id)
                load_kg -= lot.kg
                load_boxes -= net.boxes(lot)
                lots.append(lot.id)
            services = net.case.settings.packing_service_s
            t += services
        stops.append((site.id, kind, arrival, t, t - arrival - services, round(max(load_kg, 0.0), 6), tuple(lots),
                      load_boxes, hold if hold > arrival else None))
        ends.append(j)
        clock.append(t)
        kgs.append(load_kg)
        boxes.append(load_boxes)
        metres_at.append(metres)
        sites.append(site_index)
        delivered.append(len(deliveries))
        prev_site = site_index
        i = j
    end_site = net.nodes[end_node].site
    end_arrival = t + (rush.seconds(prev_site, end_site, t) if rush is not None
                       else int(seconds_m[prev_site, end_site]))
    metres += int(metres_m[prev_site, end_site])
    stops.append((net.sites[end_site].id, "end", end_arrival, end_arrival, 0, round(max(load_kg, 0.0), 6), (), 0, None))
    duration = end_arrival - start
    return Timed(stops, route_cost(vt, metres, duration), deliveries, visits, ends, clock, kgs, boxes, metres_at,
                 sites, delivered, picked, metres, (veh.id, vt.id))


def _joins(net: Network, a: int, b: int) -> bool:
    """Node ``b`` visited right after node ``a`` is the same stop (site and kind)."""
    return net.nodes[a].site == net.nodes[b].site and net.nodes[a].kind == net.nodes[b].kind


def intake_overflow(net: Network, deliveries: list[LotDelivery], *, slot_s: int,
                    value: dict[str, float]) -> list[tuple[LotDelivery, tuple[int, int]]]:
    """Deliveries beyond a packing house's intake in their slot (the least
    valuable, latest first), with the slot they overflow."""
    by_slot: dict[tuple[str, int], list[LotDelivery]] = defaultdict(list)
    for d in deliveries:
        by_slot[(d.packing_house, d.delivered // slot_s)].append(d)
    overflow = []
    for (ph, slot), items in by_slot.items():
        site = net.case.site_by_id[ph]
        if site.kind is not SiteKind.PACKING_HOUSE or site.intake_kg_per_hour is None:
            continue
        cap = site.intake_kg_per_hour * slot_s / 3600
        items.sort(key=lambda d: (-value[d.lot_id], d.delivered, d.lot_id))
        total = 0.0
        for d in items:
            if total + d.kg > cap + 1e-9:
                overflow.append((d, (slot * slot_s, (slot + 1) * slot_s - 1)))
            else:
                total += d.kg
    return overflow
