"""The assignment ledger: orders placed on itineraries with every hard rule
checked (deadline, supply by cut-off with enough shelf life, certifications,
treatment capacity per facility and day, units per departure), supply
allocated first-expired-first-out."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ..domain import Lane, Order
from .classes import required_shelf_s
from .context import Context
from .itineraries import Itinerary, Leg
from .problem import shelf_used
from .reasons import Reason
from .supply import Supply

EPS = 1e-6
Key = tuple[str, int]


@dataclass
class Placement:
    order: Order
    itinerary: Itinerary
    lines: list[tuple[Supply, float]]  # supply, kg (FEFO)


def units_needed(lane: Lane, kg: float, boxes: int) -> int:
    by_kg = math.ceil(kg / lane.unit_kg - EPS) if kg > EPS else 0
    by_boxes = math.ceil(boxes / lane.unit_boxes) if lane.unit_boxes > 0 else 0
    return max(by_kg, by_boxes)


def departure_cost(lane: Lane, kg: float, boxes: int) -> float:
    """Freight of a departure carrying ``kg`` over the fewest units, loads balanced."""
    n = units_needed(lane, kg, boxes)
    return max(lane.cost_per_unit * n + lane.cost_per_kg * kg, lane.min_charge * n)


class Ledger:
    """Mutable state of one plan under construction."""

    def __init__(self, ctx: Context, *, allowed_units: Mapping[Key, int] | None = None,
                 pool_of: Mapping[str, int] | None = None) -> None:
        self.ctx = ctx
        self.allowed: dict[Key, int] | None = dict(allowed_units) if allowed_units is not None else None
        self.pool_of = dict(pool_of or {})
        self.kg: dict[Key, float] = defaultdict(float)
        self.boxes: dict[Key, int] = defaultdict(int)
        self.treated: dict[tuple[str, int], float] = defaultdict(float)
        self.left = {s.id: s.kg for s in ctx.supplies}
        self.placements: dict[str, Placement] = {}
        self._potential: dict[str, float] = {}
        self._sources: dict[tuple[str, str, str], list[Supply]] = defaultdict(list)
        for s in ctx.supplies:
            self._potential[s.id] = ctx.keeping.potential(s)
            self._sources[(s.site, s.product, s.grade)].append(s)
        for items in self._sources.values():
            items.sort(key=lambda s: (self._potential[s.id], s.id))
        self._head: dict[tuple[str, str, str], int] = {}  # first supply not used up
        self._short: dict[tuple[object, ...], float] = {}  # smallest kg an ask failed for
        caps = {s.id: s.treatment_kg_per_day for s in ctx.case.sites if s.treatment}
        self.treatment_capacity: dict[str, float] = {k: float(v or 0.0) for k, v in caps.items()}

    # -- checks ---------------------------------------------------------
    def units_limit(self, leg: Leg, *, grow: bool) -> int:
        if grow or self.allowed is None:
            return leg.lane.units_per_departure
        return self.allowed.get(leg.key, 0)

    def fits_legs(self, order: Order, it: Itinerary, *, grow: bool) -> bool:
        for leg in it.legs:
            n = self.units_limit(leg, grow=grow)
            if units_needed(leg.lane, self.kg[leg.key] + order.kg, self.boxes[leg.key] + order.boxes) > n:
                return False
        return True

    def fits_treatment(self, order: Order, it: Itinerary) -> bool:
        v = it.treatment
        if v is None:
            return True
        return self.treated[(v.facility, v.day)] + order.kg <= self.treatment_capacity[v.facility] + EPS

    def allocate(self, order: Order, it: Itinerary, pools: Collection[int] | None = None, *,
                 freed: Mapping[str, float] | None = None) -> list[tuple[Supply, float]] | None:
        """FEFO supply for ``order`` on ``it`` (None if short), without booking it.
        Supplies of ``pools`` go first when given; ``freed`` adds kg back to
        supplies (what if other orders did not hold them)."""
        market = self.ctx.case.market_by_id[order.market]
        need_at_departure = required_shelf_s(order, market) + it.consumed(self.ctx.models[order.product])
        source = (it.origin, order.product, order.grade)
        short = (source, it.first.cutoff, it.first.departure, round(need_at_departure),
                 market.certifications)
        keeping, dep = self.ctx.keeping, it.first.departure
        if freed is None and pools is None and order.kg >= self._short.get(short, float("inf")):
            return None  # the same ask already failed and supply only shrank since
        stock = self._sources.get(source, [])
        left = self.left if freed is None else {
            s.id: self.left[s.id] + freed.get(s.id, 0.0) for s in stock}
        if freed is None:
            head = self._head.get(source, 0)
            while head < len(stock) and self.left[stock[head].id] <= EPS:
                head += 1
            self._head[source] = head
            stock = stock[head:] if head else stock
        passes = [True, False] if pools else [False]
        lines: list[tuple[Supply, float]] = []
        want = order.kg
        for only_pools in passes:
            for s in stock:
                if want <= EPS:
                    break
                if left[s.id] <= EPS or s.available_at > it.first.cutoff:
                    continue
                if self._potential[s.id] - keeping.clock(s.product, s.cooled, dep) < need_at_departure - EPS:
                    continue
                if only_pools and self.pool_of.get(s.id) not in pools:  # type: ignore[operator]
                    continue
                if not only_pools and pools and self.pool_of.get(s.id) in pools:
                    continue
                if not market.lot_eligible(s.certifications):
                    continue
                take = min(want, left[s.id])
                lines.append((s, take))
                want -= take
        if want > EPS:
            if pools is None and freed is None:
                self._short[short] = min(order.kg, self._short.get(short, float("inf")))
            return None
        return lines

    def blocker(self, order: Order, it: Itinerary, *, grow: bool) -> Reason | None:
        """The first rule that stops placing ``order`` on ``it`` (None: none)."""
        if it.arrival > order.deadline:
            return Reason.NO_ITINERARY_IN_TIME
        if self.allocate(order, it) is None:
            return Reason.NO_SUPPLY
        if not self.fits_treatment(order, it):
            return Reason.TREATMENT_CAPACITY
        if not self.fits_legs(order, it, grow=grow):
            return Reason.CAPACITY
        return None

    # -- changes --------------------------------------------------------
    def place(self, order: Order, it: Itinerary, *, grow: bool = False,
              pools: Collection[int] | None = None) -> bool:
        if order.id in self.placements or it.arrival > order.deadline:
            return False
        if not (self.fits_treatment(order, it) and self.fits_legs(order, it, grow=grow)):
            return False
        lines = self.allocate(order, it, pools)
        if lines is None:
            return False
        for s, kg in lines:
            self.left[s.id] -= kg
        for leg in it.legs:
            self.kg[leg.key] += order.kg
            self.boxes[leg.key] += order.boxes
            if grow and self.allowed is not None:
                need = units_needed(leg.lane, self.kg[leg.key], self.boxes[leg.key])
                self.allowed[leg.key] = max(self.allowed.get(leg.key, 0), need)
        if it.treatment:
            self.treated[(it.treatment.facility, it.treatment.day)] += order.kg
        self.placements[order.id] = Placement(order, it, lines)
        return True

    def remove(self, order_id: str) -> None:
        p = self.placements.pop(order_id)
        for s, kg in p.lines:
            self.left[s.id] += kg
            self._head.pop((s.site, s.product, s.grade), None)
        self._short.clear()
        for leg in p.itinerary.legs:
            self.kg[leg.key] -= p.order.kg
            self.boxes[leg.key] -= p.order.boxes
        if p.itinerary.treatment:
            v = p.itinerary.treatment
            self.treated[(v.facility, v.day)] -= p.order.kg

    def shelf_cost(self, order: Order, it: Itinerary, lines: list[tuple[Supply, float]]) -> float:
        """The value of the shelf life ``lines`` spend riding ``it``."""
        ctx = self.ctx
        model = ctx.models[order.product]
        return sum(kg * ctx.shelf_cost(order.product, shelf_used(ctx.keeping, s.product, s.cooled,
                                                                   s.available_at, it, model))
                   for s, kg in lines)

    def extra_cost(self, order: Order, it: Itinerary) -> float | None:
        """What placing ``order`` on ``it`` adds to the cost, the shelf life
        it spends included (None if a departure would need more units than
        it offers or the supply is short)."""
        lines = self.allocate(order, it)
        if lines is None:
            return None
        extra = (self.ctx.params.handling_cost_per_kg * len(it.legs)
                 + (it.treatment.cost_per_kg if it.treatment else 0.0)) * order.kg
        extra += self.shelf_cost(order, it, lines)
        for leg in it.legs:
            kg, boxes = self.kg[leg.key], self.boxes[leg.key]
            if units_needed(leg.lane, kg + order.kg, boxes + order.boxes) > leg.lane.units_per_departure:
                return None
            extra += (departure_cost(leg.lane, kg + order.kg, boxes + order.boxes)
                      - departure_cost(leg.lane, kg, boxes))
        return extra
