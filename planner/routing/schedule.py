"""From solved node sequences to routes, stops and lot deliveries."""

from __future__ import annotations

from collections import defaultdict

from ..domain import SiteKind, next_open
from .costs import route_cost
from .freshness import FreshnessTable
from .network import Network, lot_boxes
from .result import LotDelivery, Route, Stop

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
    veh = net.vehicles[vehicle]
    vt, profile = veh.type, veh.type.profile
    home, end_node = 2 * vehicle, 2 * vehicle + 1
    if visits and vt.break_after_s is None:  # leave as late as the first service start allows
        # (with a break rule the search's start stands: a break it placed
        # before the first stop is the wait there)
        first_node, first_t = visits[0]
        ready = first_t - net.service(home, first_node)
        start = max(start, net.latest_departure(profile, net.nodes[home].site, net.nodes[first_node].site,
                                                ready))
    stops = [Stop(net.sites[net.nodes[home].site].id, "start", start, start, 0, 0.0)]
    picked: dict[str, int] = {}
    deliveries: list[LotDelivery] = []
    load_kg, load_boxes, metres = 0.0, 0, 0
    prev_site, t = net.nodes[home].site, start
    for group in _stops(net, visits):
        node0, hold = group[0]
        site_index, kind = net.nodes[node0].site, net.nodes[node0].kind
        site = net.sites[site_index]
        arrival = t + net.drive(profile, prev_site, site_index, t)
        metres += net.metres(profile, prev_site, site_index)
        t = max(arrival, hold)
        lots = []
        services = 0
        if kind == "pickup":
            for node, _ in group:
                lot = net.nodes[node].lot
                assert lot is not None
                t = max(t, lot.ready)
                picked[lot.id] = t
                t += lot.service_s
                services += lot.service_s
                load_kg += lot.kg
                load_boxes += lot_boxes(net.case, lot)
                lots.append(lot.id)
        else:
            opens = next_open(site.opening, t) if site.opening else t
            t = t if opens is None else opens  # closed for good: the checks report it
            for node, _ in group:
                lot = net.nodes[node].lot
                assert lot is not None
                consumed = table.consumed(lot, vt, picked[lot.id], t)
                ref = net.case.product_by_id[lot.product].ref_shelf_life_s
                deliveries.append(LotDelivery(lot.id, site.id, veh.id, picked[lot.id], t, ref - consumed,
                                              table.budget(lot.product) - consumed, lot.kg))
                load_kg -= lot.kg
                load_boxes -= lot_boxes(net.case, lot)
                lots.append(lot.id)
            services = net.case.settings.packing_service_s
            t += services
        stops.append(Stop(site.id, kind, arrival, t, t - arrival - services,  # type: ignore[arg-type]
                          round(max(load_kg, 0.0), 6), tuple(lots), load_boxes,
                          hold if hold > arrival else None))
        prev_site = site_index
    end_site = net.nodes[end_node].site
    end_arrival = t + net.drive(profile, prev_site, end_site, t)
    metres += net.metres(profile, prev_site, end_site)
    stops.append(Stop(net.sites[end_site].id, "end", end_arrival, end_arrival, 0, round(max(load_kg, 0.0), 6)))
    duration = end_arrival - start
    return Route(veh.id, vt.id, tuple(stops), metres / 1000, duration, route_cost(vt, metres, duration)), deliveries


def _stops(net: Network, visits: Visits) -> list[Visits]:
    """``visits`` cut into stops: runs of the same site and kind."""
    groups: list[Visits] = []
    for node, t in visits:
        n = net.nodes[node]
        if groups and (net.nodes[groups[-1][0][0]].site, net.nodes[groups[-1][0][0]].kind) == (n.site, n.kind):
            groups[-1].append((node, t))
        else:
            groups.append([(node, t)])
    return groups


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
