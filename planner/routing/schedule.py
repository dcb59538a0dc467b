"""From solved node sequences to routes, stops and lot deliveries."""

from __future__ import annotations

from collections import defaultdict

from ..domain import SiteKind
from .freshness import FreshnessTable
from .network import Network, lot_boxes
from .result import LotDelivery, Route, Stop

Visits = list[tuple[int, int]]  # (node, service start)


def retime(net: Network, vehicle: int, start: int, visits: Visits) -> Visits:
    """Service starts after stops were removed: never earlier than before
    (keeps intake slots and freshness), never before the vehicle can arrive."""
    profile = net.vehicles[vehicle].type.profile
    prev, t_prev, out = 2 * vehicle, start, []
    for node, t in visits:
        arrival = t_prev + net.transit(profile, prev, node)
        t_new = max(t, arrival)
        out.append((node, t_new))
        prev, t_prev = node, t_new
    return out


def build_route(net: Network, table: FreshnessTable, vehicle: int, start: int,
                visits: Visits) -> tuple[Route, list[LotDelivery]]:
    veh = net.vehicles[vehicle]
    vt, profile = veh.type, veh.type.profile
    home, end_node = 2 * vehicle, 2 * vehicle + 1
    if visits:  # leave as late as the first service start allows
        first_node, first_t = visits[0]
        start = max(start, first_t - net.transit(profile, home, first_node))
    chain = [(home, start), *visits]
    stops = [Stop(net.sites[net.nodes[home].site].id, "start", start, start, 0, 0.0)]
    picked: dict[str, int] = {}
    deliveries: list[LotDelivery] = []
    load_kg, load_boxes, metres = 0.0, 0, 0
    k = 1
    while k < len(chain):
        group = [chain[k]]
        while (k + len(group) < len(chain)
               and net.nodes[chain[k + len(group)][0]].site == net.nodes[group[0][0]].site
               and net.nodes[chain[k + len(group)][0]].kind == net.nodes[group[0][0]].kind):
            group.append(chain[k + len(group)])
        prev_node, prev_t = chain[k - 1]
        arrival = prev_t + net.transit(profile, prev_node, group[0][0])
        metres += net.metres(profile, net.nodes[prev_node].site, net.nodes[group[0][0]].site)
        nxt = chain[k + len(group)][0] if k + len(group) < len(chain) else end_node
        services = sum(net.service(n, m) for (n, _), m in
                       zip(group, [g[0] for g in group[1:]] + [nxt], strict=True))
        departure = group[-1][1] + net.service(group[-1][0], nxt)
        kind = net.nodes[group[0][0]].kind
        lots = []
        for node, t in group:
            lot = net.nodes[node].lot
            assert lot is not None
            lots.append(lot.id)
            sign = 1 if kind == "pickup" else -1
            load_kg += sign * lot.kg
            load_boxes += sign * lot_boxes(net.case, lot)
            if kind == "pickup":
                picked[lot.id] = t
            else:
                consumed = table.consumed(lot, vt, picked[lot.id], t)
                budget = table.budget(lot.product)
                ref = net.case.product_by_id[lot.product].ref_shelf_life_s
                deliveries.append(LotDelivery(
                    lot.id, net.sites[net.nodes[node].site].id, veh.id, picked[lot.id], t,
                    ref - consumed, budget - consumed, lot.kg))
        site = net.sites[net.nodes[group[0][0]].site].id
        stops.append(Stop(site, kind, arrival, departure, departure - arrival - services,  # type: ignore[arg-type]
                          round(max(load_kg, 0.0), 6), tuple(lots), load_boxes))
        k += len(group)
    last_node, last_t = chain[-1]
    end_arrival = last_t + net.transit(profile, last_node, end_node)
    metres += net.metres(profile, net.nodes[last_node].site, net.nodes[end_node].site)
    stops.append(Stop(net.sites[net.nodes[end_node].site].id, "end", end_arrival, end_arrival, 0,
                      round(max(load_kg, 0.0), 6)))
    duration = end_arrival - start
    cost = vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration / 3600
    return Route(veh.id, vt.id, tuple(stops), metres / 1000, duration, cost), deliveries


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
