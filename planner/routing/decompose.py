"""Decomposition by catchment: each packing house with the lots nearest to it
and a share of the fleet, solved one after the other and merged.

Lots go to their nearest allowed packing house. Each vehicle type's vehicles
are shared out among the catchments in proportion to the kg there that the
type can carry (largest remainders, ties to the home catchment); a vehicle
keeps its home and end site. Cross-catchment moves are lost, in exchange for
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


def catchments(case: Case, lots: list[HarvestLot]) -> list[Catchment]:
    houses = list(case.sites_of(SiteKind.PACKING_HOUSE))
    by_house: dict[str, list[HarvestLot]] = defaultdict(list)
    for lot in lots:
        options = [h for h in houses if not lot.packing_houses or h.id in lot.packing_houses] or houses
        metres = haversine_m([case.site_by_id[lot.farm].location], [h.location for h in options])[0]
        house = options[int(metres.argmin())].id
        by_house[house].append(replace(lot, packing_houses=(house,)))
    ids = [h.id for h in houses]
    shares: dict[str, list[tuple[VehicleType, int, int]]] = defaultdict(list)
    for vt in case.vehicle_types:
        weights = [sum(lot.kg for lot in by_house[h] if lot.kg <= vt.capacity_kg) for h in ids]
        for h, count, offset in zip(ids, _split(vt.count, weights, ids.index(vt.home) if vt.home in ids else 0),
                                    _offsets(vt.count, weights, ids, vt), strict=True):
            if count:
                shares[h].append((vt, count, offset))
    return [Catchment(h, by_house[h], shares[h]) for h in ids if by_house[h]]


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


def _offsets(count: int, weights: list[float], ids: list[str], vt: VehicleType) -> list[int]:
    split = _split(count, weights, ids.index(vt.home) if vt.home in ids else 0)
    return [sum(split[:k]) for k in range(len(split))]
