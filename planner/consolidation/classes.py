"""Order classes: interchangeable orders aggregated for the class model.

Orders with the same destination hub, market, product and grade, deadline
band, minimum-shelf-life band and priority are interchangeable for freight: a class
takes the earliest deadline and the largest shelf-life requirement of its
members, so every itinerary good for the class is good for each member.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain import Case, MarketRule, Order
from .params import ConsolidationParams


def required_shelf_s(order: Order, market: MarketRule) -> int:
    """Shelf life (reference s) an order must still have when delivered."""
    return max(order.min_shelf_life_s, market.min_shelf_life_s)


def penalty_of(order: Order, params: ConsolidationParams) -> float:
    """The price of leaving ``order`` unserved (reported as ``penalty``)."""
    return params.unserved_penalty + params.unserved_value_weight * order.value


def model_penalty_of(order: Order, params: ConsolidationParams) -> float:
    """What leaving ``order`` unserved costs in the objective: its penalty
    plus ``priority_penalty_per_kg`` per kg and priority level."""
    return penalty_of(order, params) + (
        order.priority.rank * params.priority_penalty_per_kg * order.kg)


@dataclass(frozen=True, slots=True)
class OrderClass:
    """Interchangeable orders; ``orders`` sorted most valuable per kg first."""

    index: int
    hub: str
    market: MarketRule
    product: str
    grade: str
    deadline: int
    required_shelf_s: int
    orders: tuple[Order, ...]
    kg: float
    boxes: int
    penalty: float

    @property
    def boxes_per_kg(self) -> float:
        return self.boxes / self.kg

    @property
    def penalty_per_kg(self) -> float:
        return self.penalty / self.kg


def priority_key(order: Order, params: ConsolidationParams) -> tuple[int, float, int, str]:
    """Orders served first when supply or capacity runs short: highest
    priority, then highest penalty per kg (value), then earliest deadline,
    then id."""
    return (-order.priority.rank, -penalty_of(order, params) / order.kg, order.deadline, order.id)


def build_classes(case: Case, orders: list[Order], params: ConsolidationParams) -> list[OrderClass]:
    """Aggregate ``orders`` (already screened) into classes, deterministically."""
    groups: dict[tuple[object, ...], list[Order]] = defaultdict(list)
    for order in orders:
        market = case.market_by_id[order.market]
        shelf = required_shelf_s(order, market)
        key = (order.destination.hub, order.market, order.product, order.grade,
               order.deadline // params.deadline_band_s, -(-shelf // params.shelf_band_s),
               order.priority.rank)
        groups[key].append(order)
    classes = []
    for index, group in enumerate(sorted(groups, key=str)):
        members = sorted(groups[group], key=lambda o: priority_key(o, params))
        market = case.market_by_id[members[0].market]
        classes.append(OrderClass(
            index=index, hub=members[0].destination.hub, market=market,
            product=members[0].product, grade=members[0].grade,
            deadline=min(o.deadline for o in members),
            required_shelf_s=max(required_shelf_s(o, market) for o in members),
            orders=tuple(members), kg=sum(o.kg for o in members),
            boxes=sum(o.boxes for o in members),
            penalty=sum(model_penalty_of(o, params) for o in members),
        ))
    return classes
