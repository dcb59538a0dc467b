"""What a delay costs the lots a route carries, estimated: shelf life and downgrades.

One more lot on a route delays the stops after it: the lots picked up there
wait longer in the orchard, every lot after it is unloaded later, and some
pass their pre-cooling target and lose their downgrade (``costs.
delivery_cost``). On the embedded day that is most of what a place for one
more lot costs (the exact search's places: the change in the other lots'
cost was 5.3 M VND at the median, in the route's own cost 51,000). The extra
trips' estimate of a place (:mod:`.reinsert`) adds it from this table, built
once per route as it stands:

- a delay of ``delay`` seconds reaching stop ``j`` shrinks by each later
  stop's waiting (a hold, a lot not yet ready), so a lot unloaded at stop
  ``k`` is unloaded ``max(0, delay - waits(j..k))`` later;
- the lot then spends that much more of its pre-cooling budget at its
  vehicle's rate, or at the ambient rate when it is picked up at or after
  ``j`` (it waits in the orchard instead);
- which costs its shelf-life price per reference second (a line in the
  delay that starts where the waits are used up), and, when that exceeds its
  margin (budget left minus what the target leaves), its downgrade (a step).

So the cost of a delay at ``j`` is a sum of lines and steps: their starts
sorted with their slopes and losses summed (:meth:`DelayCosts.cost`, two
bisections). The rates are those at the lot's unloading and pickup; the
step of a lot picked up at or after ``j`` is placed by the waits up to its
unloading. An estimate to rank places by, never a bound.
"""

from __future__ import annotations

import dataclasses
import weakref
from bisect import bisect_left
from dataclasses import dataclass

from ..domain import HarvestLot, VehicleType, precool_budgets
from .costs import LotCost
from .freshness import FreshnessTable, HourlyRates
from .network import Network
from .result import LotDelivery
from .schedule import Timed


@dataclass(frozen=True, slots=True)
class DelayCosts:
    """Per stop ``j`` of a route: the delays at ``j`` past which its lots
    turn late, sorted, and the losses summed up to each; and the delays past
    which a lot starts spending shelf life faster (``starts``, sorted) with
    the money per second it then spends, summed (``slopes``), and summed
    times their start (``offsets``)."""

    waits: list[int]  # waiting summed over stops 1..k (index k; 0 at the start)
    thresholds: list[list[float]]
    losses: list[list[float]]
    starts: list[list[float]]
    slopes: list[list[float]]
    offsets: list[list[float]]

    def cost(self, j: int, delay: float) -> float:
        """What a delay of ``delay`` seconds reaching stop ``j`` costs the
        lots: the downgrades it causes and the shelf life it spends."""
        if delay <= 0 or j >= len(self.thresholds):
            return 0.0
        k = bisect_left(self.thresholds[j], delay)
        out = self.losses[j][k - 1] if k else 0.0
        k = bisect_left(self.starts[j], delay)
        return out + (delay * self.slopes[j][k - 1] - self.offsets[j][k - 1] if k else 0.0)

    def left(self, j: int, k: int, delay: float) -> float:
        """What is left of a delay reaching stop ``j`` once stop ``k`` (>= j) is served."""
        return max(0.0, delay - (self.waits[k] - self.waits[j - 1]))


def late_loss(lot: HarvestLot, delivery: LotDelivery, lot_cost: LotCost) -> float:
    """What ``lot`` loses when unloaded after its target (its downgrade)."""
    on_time = dataclasses.replace(delivery, budget_left_s=float("inf"))
    late = dataclasses.replace(delivery, budget_left_s=float("-inf"))
    return lot_cost(lot, late) - lot_cost(lot, on_time)


def shelf_price(lot: HarvestLot, delivery: LotDelivery, lot_cost: LotCost) -> float:
    """Money ``lot`` costs per reference second of shelf life it spends."""
    on_time = dataclasses.replace(delivery, budget_left_s=float("inf"), shelf_life_left_s=0.0)
    return lot_cost(lot, on_time) - lot_cost(lot, dataclasses.replace(on_time, shelf_life_left_s=1.0))


def rate_at(rates: HourlyRates, t: int) -> float:
    """Reference seconds spent per second at ``t``."""
    return rates.at(t + 1) - rates.at(t)


# per objective, per delivery: its late loss and shelf-life price (the deliveries of a route's unchanged stops are
# the same objects in every changed copy of it: 300 steps of the embedded day asked 31,000 times)
_PRICES: weakref.WeakKeyDictionary[LotCost, dict[LotDelivery, tuple[float, float]]] = weakref.WeakKeyDictionary()
MEMO_SIZE = 200_000


def delay_costs(net: Network, table: FreshnessTable, vt: VehicleType, timed: Timed, lot_cost: LotCost) -> DelayCosts:
    """The route's :class:`DelayCosts`."""
    stops = timed.route.stops
    waits = [0] * len(stops)
    for k in range(1, len(stops)):
        waits[k] = waits[k - 1] + max(0, stops[k].waiting)
    picked_at = {lot_id: k for k, s in enumerate(stops) if s.kind == "pickup" for lot_id in s.lot_ids}
    unloaded_at = {lot_id: k for k, s in enumerate(stops) if s.kind == "delivery" for lot_id in s.lot_ids}
    items = []  # (unloading stop, pickup stop, margin, riding rate, ambient rate, loss, money per ref. second)
    memo = _PRICES.get(lot_cost)
    if memo is None or len(memo) >= MEMO_SIZE:
        memo = _PRICES[lot_cost] = {}
    for d in timed.deliveries:
        lot = net.nodes[net.pickup[d.lot_id]].lot
        assert lot is not None
        budget, target = precool_budgets(table.case.product_by_id[lot.product])
        margin = d.budget_left_s - (budget - target)
        prices = memo.get(d)
        if prices is None:
            prices = memo[d] = (late_loss(lot, d, lot_cost), shelf_price(lot, d, lot_cost))
        items.append((unloaded_at[d.lot_id], picked_at.get(d.lot_id, 0), margin,
                      rate_at(table.riding(lot.product, vt), d.delivered),
                      rate_at(table.ambient(lot.product), d.picked_up),
                      prices[0] if margin >= 0 else 0.0, prices[1]))
    n = len(stops)
    thresholds: list[list[float]] = [[] for _ in range(n)]
    losses: list[list[float]] = [[] for _ in range(n)]
    starts: list[list[float]] = [[] for _ in range(n)]
    slopes: list[list[float]] = [[] for _ in range(n)]
    offsets: list[list[float]] = [[] for _ in range(n)]
    for j in range(1, n):
        steps, lines = [], []
        for k, q, margin, ride, amb, loss, price in items:
            if k < j:
                continue
            at_unloading = waits[k] - waits[j - 1]  # a delay smaller than the waits up to a stop does not reach it
            lines.append((at_unloading, price * ride))  # on board longer
            if q >= j:  # and picked up later: the extra time in the orchard instead of the vehicle
                lines.append((waits[q] - waits[j - 1], price * (amb - ride)))
            if loss > 0:
                steps.append((margin / max(amb if q >= j else ride, 1e-9) + at_unloading, loss))
        total = 0.0
        for threshold, loss in sorted(steps):
            total += loss
            thresholds[j].append(threshold)
            losses[j].append(total)
        slope = offset = 0.0
        for start, rate in sorted(lines):
            slope += rate
            offset += rate * start
            starts[j].append(start)
            slopes[j].append(slope)
            offsets[j].append(offset)
    return DelayCosts(waits, thresholds, losses, starts, slopes, offsets)


def due(table: FreshnessTable, vt: VehicleType, lot: HarvestLot, pick: int, *, target: int | None = None) -> int:
    """The latest unloading that keeps ``lot``, picked up at ``pick`` and
    carried by ``vt``, within its pre-cooling target (``target`` reference
    seconds, given when known: looking it up costs more than the rest)."""
    if target is None:
        target = precool_budgets(table.case.product_by_id[lot.product])[1]
    return due_after(table.riding(lot.product, vt), pick, table.ambient(lot.product).between(lot.ready, pick), target)


def due_after(riding: HourlyRates, pick: int, spent: float, target: int) -> int:
    """:func:`due` for a lot that has spent ``spent`` reference seconds by
    ``pick`` and rides at ``riding`` (the exact search's places ask once per
    place, the lot's tables looked up once per lot)."""
    if spent > target:
        return pick - 1  # late whenever it is unloaded
    return riding.until(pick, target - spent)
