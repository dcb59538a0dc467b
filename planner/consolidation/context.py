"""Everything derived once from a case and its supplies: freshness models,
storage rates, itineraries, and the orders screened out with reasons."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from ..domain import Case, Order, Treatment
from ..domain.units import DAY
from ..freshness import FreshnessModel, model_for
from .itineraries import Itinerary, enumerate_itineraries
from .keeping import Keeping
from .params import ConsolidationParams
from .screening import Rejection, screen_orders
from .shelf_value import shelf_life_values
from .supply import Supply, check_supplies


@dataclass(frozen=True)
class Context:
    case: Case
    supplies: tuple[Supply, ...]
    params: ConsolidationParams
    models: dict[str, FreshnessModel]
    storage_rate: dict[str, float]
    keeping: Keeping
    itineraries: list[Itinerary]
    orders: list[Order]  # screened: worth planning
    rejections: list[Rejection]
    shelf_values: dict[str, float]  # product -> case currency per kg and reference day
    _targets: dict[tuple[str, Treatment | None], list[Itinerary]] = field(repr=False)
    _arrivals: dict[tuple[str, Treatment | None], list[int]] = field(repr=False)

    def shelf_cost(self, product: str, spent_s: float) -> float:
        """The value of ``spent_s`` reference seconds of shelf life of one kg."""
        return self.shelf_values[product] * spent_s / DAY

    def versatility(self, origin: str) -> int:
        """How many hubs itineraries from ``origin`` reach (a dispatcher
        serves from the least versatile packing house first)."""
        return len({it.hub for it in self.itineraries if it.origin == origin})

    def candidates(self, order: Order) -> list[Itinerary]:
        """Itineraries reaching the order's hub, with its market's treatment,
        by its deadline, sorted by arrival."""
        key = (order.destination.hub, self.case.market_by_id[order.market].treatment)
        its = self._targets.get(key, [])
        return its[: bisect.bisect_right(self._arrivals.get(key, []), order.deadline)]


def build_context(case: Case, supplies: list[Supply] | tuple[Supply, ...],
                  params: ConsolidationParams) -> Context:
    check_supplies(case, supplies)
    supplies = tuple(supplies)
    products = {s.product for s in supplies} | {o.product for o in case.orders}
    models = {p: cast(FreshnessModel, model_for(case.product_by_id[p])) for p in sorted(products)}
    storage_rate = {p: float(m.rate(params.storage_temp_c)) for p, m in models.items()}
    keeping = Keeping(case, models, params.storage_temp_c)
    earliest: dict[str, int] = {}
    for s in supplies:
        earliest[s.site] = min(earliest.get(s.site, s.available_at), s.available_at)
    wanted: dict[str, set[Treatment | None]] = defaultdict(set)
    latest: dict[str, int] = {}
    for o in case.orders:
        wanted[o.destination.hub].add(case.market_by_id[o.market].treatment)
        latest[o.destination.hub] = max(latest.get(o.destination.hub, o.deadline), o.deadline)
    itineraries = enumerate_itineraries(case, earliest_at=earliest, wanted=dict(wanted),
                                        latest_at=latest, params=params)
    keep, rejected = screen_orders(case, list(supplies), itineraries, models=models,
                                   keeping=keeping)
    targets: dict[tuple[str, Treatment | None], list[Itinerary]] = defaultdict(list)
    for it in sorted(itineraries, key=lambda it: (it.arrival, it.index)):
        targets[(it.hub, it.treatment_kind)].append(it)
    arrivals = {k: [it.arrival for it in v] for k, v in targets.items()}
    values = shelf_life_values(case, weight=params.freshness_weight)
    return Context(case, supplies, params, models, storage_rate, keeping, itineraries, keep, rejected,
                   values, dict(targets), arrivals)
