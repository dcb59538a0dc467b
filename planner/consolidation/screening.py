"""Orders that cannot be served whatever the plan, with their reason.

Checked in order: market rule on the destination region, any supply of the
product and grade, certified supply for the market, an itinerary (with the
market's treatment) reaching the hub by the deadline from a site whose
eligible supply is ready by the cut-off, and enough shelf life at delivery.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate

from ..domain import Case, Order
from ..domain.clock import clock as clock_time
from ..domain.clock import shelf_life
from ..freshness import FreshnessModel
from .classes import required_shelf_s
from .itineraries import Itinerary
from .keeping import Keeping
from .reasons import Reason
from .supply import Supply


@dataclass(frozen=True, slots=True)
class Rejection:
    order_id: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class _Frontier:
    """Eligible supply at one site kept one way: by availability, the best
    potential so far (see keeping.py)."""

    cooled: bool
    times: tuple[int, ...]
    best_potential: tuple[float, ...]

    def best_by(self, t: int) -> float | None:
        k = bisect.bisect_right(self.times, t)
        return self.best_potential[k - 1] if k else None


def screen_orders(
    case: Case,
    supplies: list[Supply],
    itineraries: list[Itinerary],
    *,
    models: Mapping[str, FreshnessModel],
    keeping: Keeping,
) -> tuple[list[Order], list[Rejection]]:
    """Split the case's orders into those worth modelling and rejections."""
    by_target: dict[tuple[str, object], list[Itinerary]] = defaultdict(list)
    for it in itineraries:
        by_target[(it.hub, it.treatment_kind)].append(it)
    memo: dict[tuple[object, ...], tuple[Reason, str] | None] = {}
    keep: list[Order] = []
    rejected: list[Rejection] = []
    for order in case.orders:
        market = case.market_by_id[order.market]
        if order.destination.region and order.destination.region in market.forbidden_regions:
            detail = f"market {market.id} forbids region {order.destination.region}"
            rejected.append(Rejection(order.id, Reason.MARKET_RULE, detail))
            continue
        req = required_shelf_s(order, market)
        key = (order.destination.hub, order.market, order.product, order.grade, order.deadline, req)
        if key not in memo:
            memo[key] = _verdict(key, case, supplies, by_target, models, keeping)
        verdict = memo[key]
        if verdict is None:
            keep.append(order)
        else:
            rejected.append(Rejection(order.id, *verdict))
    return keep, rejected


def _verdict(
    key: tuple[object, ...],
    case: Case,
    supplies: list[Supply],
    by_target: Mapping[tuple[str, object], list[Itinerary]],
    models: Mapping[str, FreshnessModel],
    keeping: Keeping,
) -> tuple[Reason, str] | None:
    hub, market_id, product, grade, deadline, req = key
    market = case.market_by_id[str(market_id)]
    stock = [s for s in supplies if s.product == product and s.grade == grade]
    if not stock:
        return Reason.NO_SUPPLY, f"no supply of {product} grade {grade}"
    eligible = [s for s in stock if market.lot_eligible(s.certifications)]
    if not eligible:
        need = ", ".join(sorted(market.certifications))
        return Reason.MARKET_RULE, f"no {product} grade {grade} supply certified {need} for {market.id}"
    frontier = _frontiers(eligible, keeping)
    timely = [
        it for it in by_target.get((str(hub), market.treatment), [])
        if it.arrival <= int(deadline)  # type: ignore[call-overload]
        and any(f.best_by(it.first.cutoff) is not None for f in frontier.get(it.origin, []))
    ]
    if not timely:
        treat = f" via {market.treatment}" if market.treatment else ""
        by = clock_time(int(deadline), case.settings.epoch, case.settings.timezone)  # type: ignore[call-overload]
        return Reason.NO_ITINERARY_IN_TIME, (f"no itinerary to {hub}{treat} by its deadline {by} "
                                             f"from supply ready by the cut-offs")
    model = models[str(product)]
    for it in timely:
        for f in frontier[it.origin]:
            best = f.best_by(it.first.cutoff)
            clock = keeping.clock(str(product), f.cooled, it.first.departure)
            if best is not None and best - clock - it.consumed(model) >= int(req):  # type: ignore[call-overload]
                return None
    ref = case.product_by_id[str(product)].ref_temp_c
    return Reason.SHELF_LIFE, (f"no itinerary in time leaves the {shelf_life(int(req), ref)} "  # type: ignore[call-overload]
                               f"of shelf life it needs at delivery")


def _frontiers(eligible: list[Supply], keeping: Keeping) -> dict[str, list[_Frontier]]:
    by_site: dict[tuple[str, bool], list[Supply]] = defaultdict(list)
    for s in eligible:
        by_site[(s.site, s.cooled)].append(s)
    out: dict[str, list[_Frontier]] = defaultdict(list)
    for (site, cooled), items in sorted(by_site.items()):
        items.sort(key=lambda s: s.available_at)
        out[site].append(_Frontier(cooled, tuple(s.available_at for s in items),
                                   tuple(accumulate((keeping.potential(s) for s in items), max))))
    return out
