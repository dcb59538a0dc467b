"""Greedy re-insertion of the lots the search left out, with the exact checks.

The OR-Tools model holds packing-house intake only through check and repair
(:mod:`.engine`): the cheapest routes bunch deliveries into the same hour,
the exact intake check then refuses some lots, and the repair rounds do not
always find them a place again. This pass closes the gap at the end: each
lot still out (most valuable first) is tried as one more trip at the end of
every vehicle's day (multi-trip: the vehicle is empty after its last
delivery), to each allowed packing house, and kept at the cheapest place
where every rule still holds exactly: pickup window and freshness box, the
vehicle types that can save the lot, capacity, opening hours, shift end, the
freshness budget recomputed hour by hour, the working rules (the longest
day; for a type with a break rule, a day that needs no break), and the intake of the slot (a
vehicle finding the slot full may wait for one of the next ``WAIT_SLOTS``
slots while the lot's budget lasts), the house's cold store and, at a house
that does not pre-cool, the wait at ambient for the first freight
(:mod:`.houses`). A place costs what the day's one objective charges
(:mod:`.costs`): the route's cost plus the lot's (``lot_cost``: the shelf
life it consumes and, unloaded after its pre-cooling target, its loss).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from ..domain import HarvestLot
from .costs import LotCost
from .deadline import Deadline
from .freshness import FreshnessTable, LotBounds
from .houses import ambient_wait
from .network import Network, lot_boxes
from .schedule import Visits, build_route

WAIT_SLOTS = 3  # intake slots a vehicle may wait for at a full packing house


def reinsert(net: Network, table: FreshnessTable, routes: list[Visits], starts: list[int],
             lots: Sequence[HarvestLot], bounds: dict[str, LotBounds | None], *, now: int,
             slot_s: int, enforce_freshness: bool = True, poll: Callable[[], None] | None = None,
             deadline: Deadline | None = None, lot_cost: LotCost | None = None,
             untried: list[str] | None = None) -> list[str]:
    """Append trips for ``lots`` to ``routes`` (changed in place) where they
    fit, each at the place where the route's cost plus ``lot_cost`` (None:
    the route's cost alone) grows least; returns the ids of the lots
    inserted. ``poll`` is called once per lot (what it raises, a cancel,
    stops the work); once ``deadline`` has passed no further lot is tried
    (the lots not reached stay out, their ids appended to ``untried``)."""
    cost = [0.0] * len(routes)
    used: dict[tuple[str, int], float] = defaultdict(float)
    stored: dict[str, float] = defaultdict(float)  # kg delivered per house (its cold store, :mod:`.houses`)
    for v, r in enumerate(routes):
        if r:
            route, deliveries = build_route(net, table, v, starts[v], r)
            cost[v] = route.cost
            for d in deliveries:
                used[(d.packing_house, d.delivered // slot_s)] += d.kg
                stored[d.packing_house] += d.kg
    inserted = []
    queue = sorted(lots, key=lambda lot: (-lot.value, lot.id))
    for k, lot in enumerate(queue):
        if deadline is not None and deadline.expired():
            if untried is not None:
                untried += [x.id for x in queue[k:]]
            break
        if poll is not None:
            poll()
        best: tuple[float, int, Visits, str, int, float] | None = None
        idle: set[str] = set()  # vehicle types one of whose empty days was tried (the others are alike)
        for v in range(len(net.vehicles)):
            if not routes[v]:
                if net.vehicles[v].type.id in idle:
                    continue
                idle.add(net.vehicles[v].type.id)
            option = _cheapest_trip(net, table, v, starts[v], routes[v], lot, bounds.get(lot.id), now=now,
                                    used=used, stored=stored, slot_s=slot_s, enforce_freshness=enforce_freshness,
                                    lot_cost=lot_cost)
            if option is not None and (best is None or option[0] - cost[v] < best[0] - cost[best[1]]):
                best = (option[0], v, option[1], option[2], option[3], option[4])
        if best is None:
            continue
        _, v, visits, house, delivered, route_cost = best
        routes[v], cost[v] = visits, route_cost
        used[(house, delivered // slot_s)] += lot.kg
        stored[house] += lot.kg
        inserted.append(lot.id)
    return inserted


def _cheapest_trip(net: Network, table: FreshnessTable, v: int, start: int, visits: Visits, lot: HarvestLot,
                   box: LotBounds | None, *, now: int, used: dict[tuple[str, int], float],
                   stored: dict[str, float], slot_s: int, enforce_freshness: bool,
                   lot_cost: LotCost | None = None) -> tuple[float, Visits, str, int, float] | None:
    """The cheapest trip for ``lot`` at the end of vehicle ``v``'s day: its
    price (the route's cost plus ``lot_cost`` of the lot's delivery), the
    visits, the packing house, the unloading time and the route's cost; None
    if none fits."""
    vt = net.vehicles[v].type
    if box is not None and enforce_freshness and box.vehicle_types is not None and vt.id not in box.vehicle_types:
        return None
    if vt.capacity_kg < lot.kg or (vt.capacity_boxes and vt.capacity_boxes < lot_boxes(net.case, lot)):
        return None
    pickup = net.pickup[lot.id]
    last_node, last_t = visits[-1] if visits else (2 * v, max(start, vt.shift.start, now))
    t_pick = max(last_t + net.transit(vt.profile, last_node, pickup), lot.ready, now)
    latest = min(lot.latest_pickup, box.p_hi if box is not None and enforce_freshness else lot.latest_pickup)
    if t_pick > latest:
        return None
    best: tuple[float, Visits, str, int, float] | None = None
    for house, node in net.delivery[lot.id].items():
        site = net.case.site_by_id[house]
        if site.cold_storage_kg is not None and stored[house] + lot.kg > site.cold_storage_kg + 1e-9:
            continue
        arrival = t_pick + net.transit(vt.profile, pickup, node)
        # unload on arrival, or wait for the next slots' intake (the budget permitting)
        for t_drop in [arrival, *((arrival // slot_s + k) * slot_s for k in range(1, WAIT_SLOTS + 1))]:
            window = next((w for w in site.opening if w.end >= t_drop), None) if site.opening else None
            if site.opening:
                if window is None:
                    break
                t_drop = max(t_drop, window.start)
            if t_drop + net.transit(vt.profile, node, 2 * v + 1) > vt.shift.end:
                break
            if site.intake_kg_per_hour is not None and \
                    used[(house, t_drop // slot_s)] + lot.kg > site.intake_kg_per_hour * slot_s / 3600 + 1e-9:
                continue
            trial = [*visits, (pickup, t_pick), (node, t_drop)]
            route, deliveries = build_route(net, table, v, start, trial)
            if route.duration_s > min(vt.max_work_s or route.duration_s, vt.break_after_s or route.duration_s):
                break  # a longer day than the working rules allow (with a break rule: one needing no break)
            left = deliveries[-1].budget_left_s - ambient_wait(net.case, table, deliveries[-1], lot.product)[0]
            if enforce_freshness and left < 0:
                break  # waiting longer only spends more
            price = route.cost + (lot_cost(lot, deliveries[-1]) if lot_cost is not None else 0.0)
            if best is None or price < best[0]:
                best = (price, trial, house, t_drop, route.cost)
            break
    return best
