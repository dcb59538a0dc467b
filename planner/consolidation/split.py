"""Split the class solution back into orders.

For each class, the most valuable orders (per kg) are chosen up to the kg the
model served; they are spread over the class's (itinerary, pool) flows by
worst-fit decreasing (largest order into the flow with the most kg left),
then booked in the ledger by cut-off so supply is drawn first-expired-first-
out in time order. Orders that do not fit go to the repair step.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from ..domain import Order
from .classes import priority_key
from .itineraries import Itinerary
from .ledger import EPS, Ledger
from .model import ClassSolution
from .problem import ClassProblem


def split_classes(problem: ClassProblem, solution: ClassSolution, ledger: Ledger) -> list[Order]:
    """Book the orders the model serves; return the orders left over."""
    flows: dict[int, dict[tuple[int, int], float]] = defaultdict(lambda: defaultdict(float))
    for k, kg in solution.flow.items():
        o = problem.options[k]
        flows[o.cls][(o.itin, o.pool)] += kg
    params = ledger.ctx.params
    tentative: list[tuple[Order, Itinerary, int, list[tuple[int, int]]]] = []
    left_over: list[Order] = []
    for c in problem.classes:
        slots = flows.get(c.index, {})
        budget = sum(slots.values())
        chosen = []
        for order in c.orders:
            if order.kg <= budget + EPS:
                chosen.append(order)
                budget -= order.kg
            else:
                left_over.append(order)
        heap = [(-kg, slot) for slot, kg in sorted(slots.items())]
        heapq.heapify(heap)
        ranked = sorted(slots, key=lambda s: -slots[s])
        for order in sorted(chosen, key=lambda o: (-o.kg, o.id)):
            neg, slot = heapq.heappop(heap)
            heapq.heappush(heap, (neg + order.kg, slot))
            tentative.append((order, problem.itineraries[slot[0]], slot[1], ranked))
    tentative.sort(key=lambda t: (t[1].first.cutoff, priority_key(t[0], params)))
    for order, it, pool, ranked in tentative:
        if ledger.place(order, it, pools={pool}):
            continue
        if not any(ledger.place(order, problem.itineraries[i], pools={p}) for i, p in ranked):
            left_over.append(order)
    return left_over
