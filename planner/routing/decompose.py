"""Decomposition by catchment: each packing house with the lots nearest to it
and a share of the fleet, solved one after the other and merged.

Lots go to the nearest allowed packing house with room: each house takes
at most its share of the day's kg by intake per hour (houses without an
intake limit take any), ``INTAKE_SLACK`` more, and no more than its cold
store holds; the lots of one farm go where a minimum-cost flow of their kg
over the metres to the houses sends them (OR-Tools' ``SimpleMinCostFlow``;
kg past every house's room goes to the nearest). By nearest house alone a
house of small intake near many farms got more than it could take in: the
generated 2,000-lot day at 10 s sent 302 t to a house of 50 t an hour and
102 t to one of 75 t (the whole day's plan: 182 and 206 t), and 44 t were
unloaded late for pre-cooling (1.34 G VND of its 2.2 G). A catchment with
more than ``max_lots`` lots is cut into sectors around its packing house,
sharing its intake in proportion to their kg. Each vehicle type's vehicles are shared out
among the parts in proportion to the kg there that the type can carry
(largest remainders, ties to the home catchment); a vehicle keeps its home
and end site. Cross-catchment moves are lost, in exchange for
search speed on large days: the cheapest-insertion first solution grows with
nodes squared times vehicles.

Tried and dropped (2026-12-07): the whole day's exact search going on from
the catchments' merged plan for the last part of the limit (the plan's
routes turned back into the whole day's visits re-time to the same stops:
gen-500's 95 routes, the same cost to the dong). Its steps on the whole day
are slow (500 lots: 4-5 a second a walk against 15 in a catchment of about
150), so the catchments' lost time cost more than it found, seed 1 and 2 at
30 s, M VND: gen-500 131.7 / 136.5 by catchments alone, 132.6 / 144.8 with
the last 30 % whole (it saved 0.2 / 0.5 M of the catchments' plan), 136.3 /
144.3 with the last half; gen-1000 at 120 s 263.0 with the last half
(catchments alone 236.8, whole 247.3).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow

from ..domain import Case, HarvestLot, Site, SiteKind, VehicleType
from ..travel import haversine_m

INTAKE_SLACK = 0.0  # a packing house takes up to this share more than its share of the day's kg by intake


@dataclass(frozen=True)
class Catchment:
    """A packing house, its lots (restricted to it) and its vehicles: for
    each type, ``count`` vehicles numbered from ``offset + 1``."""

    house: str
    lots: list[HarvestLot]
    fleet: list[tuple[VehicleType, int, int]]
    intake_share: float = 1.0


def catchments(case: Case, lots: list[HarvestLot], *, max_lots: int = 0) -> list[Catchment]:
    """Catchments of ``lots``; one larger than ``max_lots`` (when > 0) is cut
    into sectors around its packing house (by the bearing of the farms, equal
    lot counts), each with a share of the fleet and of the intake."""
    houses = list(case.sites_of(SiteKind.PACKING_HOUSE))
    by_house: dict[str, list[HarvestLot]] = defaultdict(list)
    where = _houses_of(case, houses, lots)
    for lot in lots:
        by_house[where[lot.id]].append(replace(lot, packing_houses=(where[lot.id],)))
    parts: list[tuple[str, list[HarvestLot], float]] = []
    for h in houses:
        parts += _sectors(case, h.id, by_house[h.id], max_lots)
    ids = [f"{h}/{k}" for k, (h, _, _) in enumerate(parts)]
    by_part = {i: part[1] for i, part in zip(ids, parts, strict=True)}
    house_of = {i: part[0] for i, part in zip(ids, parts, strict=True)}
    shares: dict[str, list[tuple[VehicleType, int, int]]] = defaultdict(list)
    for vt in case.vehicle_types:
        weights = [sum(lot.kg for lot in by_part[i] if lot.kg <= vt.capacity_kg) for i in ids]
        home = next((k for k, i in enumerate(ids) if house_of[i] == vt.home), 0)
        split = _split(vt.count, weights, home)
        offset = 0
        for i, count in zip(ids, split, strict=True):
            if count:
                shares[i].append((vt, count, offset))
            offset += count
    return [Catchment(house_of[i], by_part[i], shares[i], share)
            for i, (_, _, share) in zip(ids, parts, strict=True) if by_part[i]]


def _houses_of(case: Case, houses: list[Site], lots: list[HarvestLot]) -> dict[str, str]:
    """Per lot id, its catchment's packing house (module docstring): the
    lots grouped by farm and allowed houses, each group's kg sent by a
    minimum-cost flow to the houses (kg times metres), each house's room
    :func:`_room`, what no room takes to the nearest house; a group split
    between houses gives each lot (by id) to the house with the most of its
    flow left."""
    groups: dict[tuple[str, tuple[str, ...]], list[HarvestLot]] = defaultdict(list)
    for lot in lots:
        groups[(lot.farm, lot.packing_houses)].append(lot)
    keys = sorted(groups)
    index = {h.id: k for k, h in enumerate(houses)}
    sink = len(keys) + len(houses)
    kg = [math.ceil(sum(lot.kg for lot in groups[key])) for key in keys]
    options: list[list[tuple[int, int]]] = []  # per group: (metres, house index), nearest first
    for key in keys:
        allowed = [h for h in houses if not key[1] or h.id in key[1]] or houses
        metres = haversine_m([case.site_by_id[key[0]].location], [h.location for h in allowed])[0]
        options.append(sorted((int(m), index[h.id]) for h, m in zip(allowed, metres, strict=True)))
    far = 1 + max((m for found in options for m, _ in found), default=0)
    total = sum(kg)
    pairs = [(g, h) for g, found in enumerate(options) for _, h in found]  # the farms' arcs, first
    tails = [g for g, _ in pairs] + [len(keys) + h for h in range(len(houses)) for _ in (0, 1)]
    heads = [len(keys) + h for _, h in pairs] + [sink] * (2 * len(houses))
    room = _room(houses, total)
    caps = [kg[g] for g, _ in pairs] + [c for h in range(len(houses)) for c in (min(room[h], total), total)]
    # past its room a house's kg costs more than any farm's way to any house
    costs = [m for found in options for m, _ in found] + [far * k for _ in houses for k in (0, 1)]
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails), np.array(heads), np.array(caps), np.array(costs))
    flow.set_nodes_supplies(np.arange(sink + 1), np.array([*kg, *([0] * len(houses)), -total]))
    if flow.solve() != flow.OPTIMAL:  # (every group has an arc to the sink without a bound: never)
        raise RuntimeError("catchments: the flow of the lots' kg to the packing houses has no solution")
    sent = dict(zip(pairs, flow.flows(arcs[: len(pairs)]).tolist(), strict=True))
    out: dict[str, str] = {}
    for g, key in enumerate(keys):
        left = {h: float(sent[(g, h)]) for _, h in options[g]}  # (nearest first: max keeps the nearest of ties)
        for lot in sorted(groups[key], key=lambda lot: lot.id):
            h = max(left, key=left.__getitem__)
            left[h] -= lot.kg
            out[lot.id] = houses[h].id
    return out


def _room(houses: list[Site], total_kg: float) -> list[int]:
    """The kg each house takes before others nearer fill: ``INTAKE_SLACK``
    more than its share of ``total_kg`` by intake per hour among the houses
    with a limit (without one: all of it), no more than its cold store."""
    limited = sum(h.intake_kg_per_hour for h in houses if h.intake_kg_per_hour is not None)
    out = []
    for h in houses:
        share = 1.0 if h.intake_kg_per_hour is None or limited <= 0 else h.intake_kg_per_hour / limited
        room = total_kg * share * (1.0 + INTAKE_SLACK)
        if h.cold_storage_kg is not None:
            room = min(room, h.cold_storage_kg)
        out.append(math.floor(room))
    return out


def _sectors(case: Case, house: str, lots: list[HarvestLot], max_lots: int
             ) -> list[tuple[str, list[HarvestLot], float]]:
    if max_lots <= 0 or len(lots) <= max_lots:
        return [(house, lots, 1.0)]
    k = math.ceil(len(lots) / max_lots)
    centre = case.site_by_id[house].location

    def bearing(lot: HarvestLot) -> float:
        loc = case.site_by_id[lot.farm].location
        return math.atan2(loc.lat - centre.lat, (loc.lon - centre.lon) * math.cos(math.radians(centre.lat)))

    ordered = sorted(lots, key=lambda lot: (bearing(lot), lot.id))
    total = sum(lot.kg for lot in lots)
    cuts = [ordered[len(ordered) * j // k: len(ordered) * (j + 1) // k] for j in range(k)]
    return [(house, cut, sum(lot.kg for lot in cut) / total) for cut in cuts]


def _split(count: int, weights: list[float], home: int) -> list[int]:
    """``count`` shared in proportion to ``weights`` by largest remainders."""
    total = sum(weights)
    if total <= 0:
        return [count if k == home else 0 for k in range(len(weights))]
    exact = [count * w / total for w in weights]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - out[k]), k != home, k))
    for k in order[: count - sum(out)]:
        out[k] += 1
    return out
