"""Decomposition by catchment: each packing house with the lots nearest to it
and a share of the fleet, solved one after the other and merged.

Lots go to their nearest allowed packing house; a catchment with more than
``max_lots`` lots is cut into sectors around its packing house, sharing its
intake in proportion to their kg. Each vehicle type's vehicles are shared out
among the parts in proportion to the kg there that the type can carry
(largest remainders, ties to the home catchment); a vehicle keeps its home
and end site. Cross-catchment moves are lost, in exchange for
search speed on large days: the cheapest-insertion first solution grows with
nodes squared times vehicles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace

from ..domain import Case, HarvestLot, SiteKind, VehicleType
from ..travel import haversine_m


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
    nearest: dict[tuple[str, tuple[str, ...]], str] = {}  # per farm and allowed houses (many lots share them)
    for lot in lots:
        key = (lot.farm, lot.packing_houses)
        if key not in nearest:
            options = [h for h in houses if not lot.packing_houses or h.id in lot.packing_houses] or houses
            metres = haversine_m([case.site_by_id[lot.farm].location], [h.location for h in options])[0]
            nearest[key] = options[int(metres.argmin())].id
        house = nearest[key]
        by_house[house].append(replace(lot, packing_houses=(house,)))
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
