"""Two simple plans to compare the class model against, built with the same
itineraries, ledger (every rule checked), packing and costing.

- ``one_truck_per_city``: one on-demand reefer-truck run per destination city
  and day (from each packing house, the latest run that meets the city's
  earliest deadline that day), and air for every export (a market with a
  treatment or certification rule) where an air itinerary arrives in time.
- ``greedy_next_departure``: orders first come, first served (by order
  time), each into the next departure that reaches its hub in time and has
  room (opening units as needed).
Orders they cannot place fall back to any itinerary in time, else stay
unserved with a reason.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import replace

from ..domain import Case, Mode, Order
from ..domain.units import DAY
from .context import Context, build_context
from .itineraries import Itinerary
from .ledger import Ledger
from .packing import build_result
from .params import ConsolidationParams
from .repair import diagnose
from .results import ConsolidationResult, UnservedOrder
from .supply import Supply

ROAD = {Mode.REEFER_TRUCK, Mode.ROAD}


def _is_export(ctx: Context, order: Order) -> bool:
    market = ctx.case.market_by_id[order.market]
    return market.treatment is not None or bool(market.certifications)


def _finish(ledger: Ledger, left: list[Order], method: str, start: float) -> ConsolidationResult:
    rejected = [UnservedOrder(r.order_id, r.reason, r.detail) for r in ledger.ctx.rejections]
    result = build_result(ledger, rejected + diagnose(ledger, left), method=method,
                          gap=math.nan, seconds=0.0)
    return replace(result, seconds=time.perf_counter() - start)


def _place_first(ledger: Ledger, order: Order, its: list[Itinerary]) -> bool:
    return any(ledger.place(order, it, grow=True) for it in its)


def place_next_departure(ledger: Ledger, orders: list[Order]) -> list[Order]:
    """First come, first served: each order into the next departure that
    reaches its hub in time with room (opening units); returns the rest.

    Nothing is taken out while it runs, so supply, room and treatment
    capacity only shrink: an itinerary that refused an order refuses every
    later order of the same kind (hub, market, deadline, product, grade,
    shelf life asked) at least as heavy and as bulky, which is not asked
    again (the same plan, several times faster)."""
    ctx = ledger.ctx
    versatility = {s.site: ctx.versatility(s.site) for s in ctx.supplies}
    left = []
    ranked: dict[tuple[object, ...], list[Itinerary]] = {}
    refused: dict[tuple[object, ...], list[tuple[float, float]]] = {}
    for order in sorted(orders, key=lambda o: (o.ordered, o.id)):
        key = (order.destination.hub, order.market, order.deadline)
        if key not in ranked:
            ranked[key] = sorted(ctx.candidates(order), key=lambda it: (
                it.first.cutoff, it.arrival, versatility[it.origin], it.index))
        kind = (*key, order.product, order.grade, order.min_shelf_life_s)
        if kind not in refused:
            refused[kind] = [(math.inf, math.inf)] * len(ranked[key])
        smallest = refused[kind]
        for k, it in enumerate(ranked[key]):
            kg, boxes = smallest[k]
            if order.kg >= kg and order.boxes >= boxes:
                continue
            if ledger.place(order, it, grow=True):
                break
            if order.kg + order.boxes < kg + boxes or math.isinf(kg):
                smallest[k] = (order.kg, order.boxes)
        else:
            left.append(order)
    return left


def greedy_next_departure(case: Case, supplies: list[Supply] | tuple[Supply, ...], *,
                          params: ConsolidationParams | None = None) -> ConsolidationResult:
    start = time.perf_counter()
    ctx = build_context(case, supplies, params or ConsolidationParams())
    ledger = Ledger(ctx)
    left = place_next_departure(ledger, ctx.orders)
    return _finish(ledger, left, "greedy-next-departure", start)


def one_truck_per_city(case: Case, supplies: list[Supply] | tuple[Supply, ...], *,
                       params: ConsolidationParams | None = None) -> ConsolidationResult:
    start = time.perf_counter()
    ctx = build_context(case, supplies, params or ConsolidationParams())
    ledger = Ledger(ctx)
    groups: dict[tuple[str, int], list[Order]] = defaultdict(list)
    left = []
    for order in sorted(ctx.orders, key=lambda o: (o.ordered, o.id)):
        if _is_export(ctx, order):
            its = ctx.candidates(order)
            air = [it for it in its if Mode.AIR in {leg.lane.mode for leg in it.legs}]
            if not _place_first(ledger, order, air + [it for it in its if it not in air]):
                left.append(order)
        else:
            groups[(order.destination.city, order.deadline // DAY)].append(order)
    for key in sorted(groups):
        orders = groups[key]
        runs = _city_runs(ctx, orders)
        for order in orders:
            if not _place_first(ledger, order, runs) and not _place_first(
                    ledger, order, ctx.candidates(order)):
                left.append(order)
    return _finish(ledger, left, "one-truck-per-city", start)


def _city_runs(ctx: Context, orders: list[Order]) -> list[Itinerary]:
    """Per packing house, the latest all-road itinerary meeting the group's
    earliest deadline (one truck run per city and day)."""
    earliest = min(orders, key=lambda o: (o.deadline, o.id))
    best: dict[str, Itinerary] = {}
    for it in ctx.candidates(earliest):
        if all(leg.lane.mode in ROAD for leg in it.legs):
            cur = best.get(it.origin)
            if cur is None or (it.first.cutoff, -it.index) > (cur.first.cutoff, -cur.index):
                best[it.origin] = it
    return sorted(best.values(), key=lambda it: (ctx.versatility(it.origin), it.origin))
