"""The class problem: classes, itineraries, supply pools and the options
(class, itinerary, pool) that satisfy every rule, with their cost per kg."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..domain import Lane
from ..domain.units import DAY
from ..freshness import FreshnessModel
from .classes import OrderClass
from .itineraries import Itinerary
from .keeping import Keeping
from .params import ConsolidationParams
from .pools import SupplyPool


@dataclass(frozen=True, slots=True)
class Option:
    """Class ``cls`` may ride itinerary ``itin`` with supply from pool ``pool``."""

    cls: int
    itin: int
    pool: int
    cost_per_kg: float


@dataclass(frozen=True)
class ClassProblem:
    classes: list[OrderClass]
    itineraries: list[Itinerary]
    pools: list[SupplyPool]
    options: list[Option]
    treatment_capacity: dict[str, float]  # facility -> kg per day

    def departures(self) -> dict[tuple[str, int], Lane]:
        return {leg.key: leg.lane for it in self.itineraries for leg in it.legs}


def shelf_at_delivery(pool: SupplyPool, it: Itinerary, *, keeping: Keeping,
                      model: FreshnessModel) -> float:
    """Reference seconds left at the hub for the pool's least fresh supply
    riding ``it``."""
    clock = keeping.clock(pool.product, pool.cooled, it.first.departure)
    return pool.potential - clock - it.consumed(model)


def shelf_used(keeping: Keeping, product: str, cooled: bool, available_at: float,
               it: Itinerary, model: FreshnessModel) -> float:
    """Reference seconds spent by supply available at ``available_at``
    riding ``it``: kept at its house until the first departure, then the
    itinerary."""
    dep = max(it.first.departure, available_at)
    waited = keeping.clock(product, cooled, dep) - keeping.clock(product, cooled, available_at)
    return waited + it.consumed(model)


def build_options(
    classes: list[OrderClass],
    itineraries: list[Itinerary],
    pools: list[SupplyPool],
    *,
    models: Mapping[str, FreshnessModel],
    keeping: Keeping,
    params: ConsolidationParams,
    shelf_values: Mapping[str, float],
) -> list[Option]:
    """Every (class, itinerary, pool) that meets every rule, priced per kg:
    handling, treatment, the FEFO tie-break and the shelf life spent (valued
    at ``shelf_values`` per kg and day; the pool's supply taken as available
    at the kg-weighted mean of what it has by the cut-off)."""
    by_target: dict[tuple[str, object], list[Itinerary]] = defaultdict(list)
    for it in itineraries:
        by_target[(it.hub, it.treatment_kind)].append(it)
    by_source: dict[tuple[str, str, str], list[SupplyPool]] = defaultdict(list)
    for p in pools:
        by_source[(p.site, p.product, p.grade)].append(p)
    options: list[Option] = []
    for c in classes:
        model = models[c.product]
        for it in by_target.get((c.hub, c.market.treatment), []):
            if it.arrival > c.deadline:
                continue
            fixed = params.handling_cost_per_kg * len(it.legs)
            fixed += it.treatment.cost_per_kg if it.treatment else 0.0
            for p in by_source.get((it.origin, c.product, c.grade), []):
                if not c.market.lot_eligible(p.certifications) or p.earliest > it.first.cutoff:
                    continue
                left = shelf_at_delivery(p, it, keeping=keeping, model=model)
                if left < c.required_shelf_s:
                    continue
                fefo = params.fefo_cost_per_kg_day * left / DAY
                spent = shelf_used(keeping, p.product, p.cooled,
                                   p.mean_available_by(it.first.cutoff), it, model)
                fresh = shelf_values[c.product] * spent / DAY
                options.append(Option(c.index, it.index, p.index, fixed + fefo + fresh))
    return options
