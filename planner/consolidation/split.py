"""Split the class solution back into orders.

For each class, the most valuable orders (per kg) are chosen up to the kg the
model served. They are spread over the class's (itinerary, pool) flows by
worst-fit decreasing in two dimensions (largest order first, into the flow
with the most room left in kg and boxes, the boxes a flow carries being its
share of the class's boxes), then booked in the ledger by cut-off so supply
is drawn first-expired-first-out in time order. Orders that do not fit go to
the cost-aware repair step.
"""

from __future__ import annotations

from collections import defaultdict

from ..domain import Order
from .classes import OrderClass, priority_key
from .itineraries import Itinerary
from .ledger import EPS, Ledger
from .model import ClassSolution
from .problem import ClassProblem

Slot = tuple[int, int]  # itinerary, pool


def split_classes(problem: ClassProblem, solution: ClassSolution, ledger: Ledger) -> list[Order]:
    """Book the orders the model serves; return the orders left over."""
    flows: dict[int, dict[Slot, float]] = defaultdict(lambda: defaultdict(float))
    for k, kg in solution.flow.items():
        o = problem.options[k]
        flows[o.cls][(o.itin, o.pool)] += kg
    params = ledger.ctx.params
    tentative: list[tuple[Order, Itinerary, int]] = []
    left_over: list[Order] = []
    for c in problem.classes:
        chosen, rest = _choose(c, sum(flows.get(c.index, {}).values()))
        left_over += rest
        for order, slot in _spread(c, chosen, flows.get(c.index, {})):
            tentative.append((order, problem.itineraries[slot[0]], slot[1]))
    tentative.sort(key=lambda t: (t[1].first.cutoff, priority_key(t[0], params)))
    for order, it, pool in tentative:
        if not ledger.place(order, it, pools={pool}):
            left_over.append(order)
    return left_over


def _choose(c: OrderClass, served_kg: float) -> tuple[list[Order], list[Order]]:
    """Most valuable orders first, while they fit the kg the model served."""
    chosen, rest = [], []
    budget = served_kg
    for order in c.orders:
        if order.kg <= budget + EPS:
            chosen.append(order)
            budget -= order.kg
        else:
            rest.append(order)
    return chosen, rest


def _spread(c: OrderClass, orders: list[Order], slots: dict[Slot, float]) -> list[tuple[Order, Slot]]:
    """Orders of each shape (kg, boxes) shared over the slots in proportion to
    their kg (largest remainders to the slots with most room), so every slot
    gets the class's mix and its kg and boxes both match the model."""
    if not slots:
        return []
    total = sum(slots.values())
    room = {s: kg for s, kg in sorted(slots.items())}
    shapes: dict[tuple[float, int], list[Order]] = defaultdict(list)
    for order in orders:
        shapes[(order.kg, order.boxes)].append(order)
    out = []
    for (kg, _), members in sorted(shapes.items(), key=lambda kv: (-kv[0][0], -kv[0][1])):
        members.sort(key=lambda o: o.id)
        raw = {s: len(members) * slots[s] / total for s in room}
        counts = {s: int(raw[s]) for s in room}
        spare = len(members) - sum(counts.values())
        for s in sorted(room, key=lambda s: (counts[s] - raw[s], -room[s], s))[:spare]:
            counts[s] += 1
        it = iter(members)
        for s in room:
            for _ in range(counts[s]):
                out.append((next(it), s))
            room[s] -= counts[s] * kg
    return out
