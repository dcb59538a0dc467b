"""Insert left-over orders where they cost less than their penalty, and
give every order that stays unserved its reason."""

from __future__ import annotations

from collections import Counter

from ..domain import Order
from .classes import penalty_of, priority_key
from .ledger import Ledger
from .reasons import Reason
from .results import UnservedOrder

# Most informative first: a reason further down only when no itinerary got further.
_RANK = (Reason.COST, Reason.CAPACITY, Reason.TREATMENT_CAPACITY, Reason.NO_SUPPLY,
         Reason.NO_ITINERARY_IN_TIME)


def insert_cheapest(ledger: Ledger, orders: list[Order]) -> list[Order]:
    """Place each order (most valuable first) on the itinerary that adds the
    least cost, opening units if that costs less than leaving it unserved."""
    params = ledger.ctx.params
    still: list[Order] = []
    for order in sorted(orders, key=lambda o: priority_key(o, params)):
        priced = []
        for it in ledger.ctx.candidates(order):
            extra = ledger.extra_cost(order, it)
            if extra is not None and extra < penalty_of(order, params):
                priced.append((extra, it.arrival, it.index, it))
        priced.sort(key=lambda t: t[:3])
        if not any(ledger.place(order, it, grow=True) for *_, it in priced):
            still.append(order)
    return still


def diagnose(ledger: Ledger, orders: list[Order]) -> list[UnservedOrder]:
    """The reason each of ``orders`` is unserved (the best any itinerary got)."""
    out = []
    for order in orders:
        seen = Counter(ledger.blocker(order, it, grow=True) for it in ledger.ctx.candidates(order))
        seen = Counter({(Reason.COST if k is None else k): v for k, v in seen.items()})
        reason = next((r for r in _RANK if seen[r]), Reason.NO_ITINERARY_IN_TIME)
        out.append(UnservedOrder(order.id, reason, _detail(reason, order, len(seen))))
    return out


def _detail(reason: Reason, order: Order, n: int) -> str:
    texts = {
        Reason.COST: "serving it costs more than its unserved penalty",
        Reason.CAPACITY: "every departure that reaches its hub in time is full",
        Reason.TREATMENT_CAPACITY: "treatment capacity on the usable days is used up",
        Reason.NO_SUPPLY: "no eligible supply with enough shelf life is left by the cut-offs",
        Reason.NO_ITINERARY_IN_TIME: "no itinerary reaches its hub by the deadline",
    }
    return f"{texts[reason]} ({order.kg:g} kg to {order.destination.hub})"
