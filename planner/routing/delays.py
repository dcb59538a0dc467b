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

The rows are built in compiled code (Numba, :func:`delay_rows`) into the
arrays the places' kernel reads (:mod:`.places_kernel`): the same floats as
the Python lists they replace (a route's rows are every later lot's lines
for every stop: the lots times the stops); 600 steps of the embedded day
spent 7.1 % of their samples here before, 4.9 % after (most of it now the
lots' prices and rates gathered in Python).
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from ..domain import HarvestLot, VehicleType, precool_budgets
from .costs import LotCost, PricedLots
from .freshness import FreshnessTable, HourlyRates
from .network import Network
from .result import LotDelivery
from .schedule import Timed

THRESHOLDS, LOSSES, STARTS, SLOPES, OFFSETS = range(5)  # DelayCosts.rows


@dataclass(frozen=True, slots=True)
class DelayCosts:
    """Per stop ``j`` of a route: the delays at ``j`` past which its lots
    turn late, sorted, and the losses summed up to each; and the delays past
    which a lot starts spending shelf life faster (``starts``, sorted) with
    the money per second it then spends, summed (``slopes``), and summed
    times their start (``offsets``): ``rows[THRESHOLDS, j, :counts[0, j]]``
    and so on (``counts[1, j]`` for the last three; the rest padding), built
    in compiled code (:func:`delay_rows`) as the places' kernel reads them
    (:mod:`.places_kernel`)."""

    waits: NDArray[np.int64]  # waiting summed over stops 1..k (index k; 0 at the start)
    rows: NDArray[np.float64]  # (5, stops, longest row)
    counts: NDArray[np.int64]  # (2, stops)

    def cost(self, j: int, delay: float) -> float:
        """What a delay of ``delay`` seconds reaching stop ``j`` costs the
        lots: the downgrades it causes and the shelf life it spends."""
        return float(delay_cost(j, delay, self.rows, self.counts))

    def row(self, which: int, j: int) -> list[float]:
        """One list of stop ``j`` (``which``: THRESHOLDS ... OFFSETS)."""
        return self.rows[which, j, :self.counts[0 if which < STARTS else 1, j]].tolist()  # type: ignore[no-any-return]


@numba.njit(cache=True)
def delay_cost(j, delay, rows, counts):  # pragma: no cover (compiled)
    """:meth:`DelayCosts.cost` on its arrays (the places' kernel calls it)."""
    if delay <= 0 or j >= counts.shape[1]:
        return 0.0
    k = np.searchsorted(rows[THRESHOLDS, j, :counts[0, j]], delay, side="left")
    out = rows[LOSSES, j, k - 1] if k else 0.0
    k = np.searchsorted(rows[STARTS, j, :counts[1, j]], delay, side="left")
    return out + (delay * rows[SLOPES, j, k - 1] - rows[OFFSETS, j, k - 1] if k else 0.0)


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
    waits = [0] * len(stops)  # (summed in Python: ints)
    for k in range(1, len(stops)):
        waits[k] = waits[k - 1] + max(0, stops[k].waiting)
    picked_at = {lot_id: k for k, s in enumerate(stops) if s.kind == "pickup" for lot_id in s.lot_ids}
    unloaded_at = {lot_id: k for k, s in enumerate(stops) if s.kind == "delivery" for lot_id in s.lot_ids}
    items = []  # (unloading stop, pickup stop, margin, riding rate, ambient rate, loss, money per ref. second)
    fast = lot_cost if isinstance(lot_cost, PricedLots) and lot_cost.complete else None
    memo = _PRICES.get(lot_cost) if fast is None else None
    if fast is None and (memo is None or len(memo) >= MEMO_SIZE):
        memo = _PRICES[lot_cost] = {}
    per_product: dict[str, tuple[HourlyRates, HourlyRates, int, int]] = {}  # (looked up once a route)
    for d in timed.deliveries:
        lot = net.nodes[net.pickup[d.lot_id]].lot
        assert lot is not None
        found = per_product.get(lot.product)
        if found is None:
            found = per_product[lot.product] = (table.riding(lot.product, vt), table.ambient(lot.product),
                                                *precool_budgets(table.case.product_by_id[lot.product]))
        riding, ambient, budget, target = found
        margin = d.budget_left_s - (budget - target)
        if fast is not None:
            prices = fast.prices(lot, d)
        else:
            assert memo is not None
            prices = memo.get(d)  # type: ignore[assignment]
            if prices is None:
                prices = memo[d] = (late_loss(lot, d, lot_cost), shelf_price(lot, d, lot_cost))
        items.append((unloaded_at[d.lot_id], picked_at.get(d.lot_id, 0), margin,
                      rate_at(riding, d.delivered), rate_at(ambient, d.picked_up),
                      prices[0] if margin >= 0 else 0.0, prices[1]))
    ints = np.array([item[:2] for item in items], dtype=np.int64).reshape(len(items), 2).T.copy()
    floats = np.array([item[2:] for item in items], dtype=np.float64).reshape(len(items), 5).T.copy()
    summed = np.array(waits, dtype=np.int64)
    return DelayCosts(summed, *delay_rows(summed, ints, floats))


@numba.njit(cache=True)
def delay_rows(waits, ints, floats):  # pragma: no cover (compiled)
    """Per stop ``j`` (from 1), the steps and lines of the lots unloaded
    at or after it, sorted (ties by loss, by rate), the losses summed and
    the slopes and offsets summed; ``ints``: per lot its unloading and
    pickup stops; ``floats``: its margin, riding and ambient rates, loss
    and money per reference second. Python's arithmetic, in its order."""
    n, m = len(waits), ints.shape[1]
    rows = np.zeros((5, n, max(2 * m, 1)))
    counts = np.zeros((2, n), np.int64)
    step_at, step_loss = np.empty(m), np.empty(m)
    line_at, line_rate = np.empty(2 * m), np.empty(2 * m)
    for j in range(1, n):
        ns = nl = 0
        for i in range(m):
            k, q = ints[0, i], ints[1, i]
            margin, ride, amb, loss, price = floats[0, i], floats[1, i], floats[2, i], floats[3, i], floats[4, i]
            if k < j:
                continue
            at_unloading = waits[k] - waits[j - 1]  # a delay smaller than the waits up to a stop does not reach it
            line_at[nl], line_rate[nl] = at_unloading, price * ride  # on board longer
            nl += 1
            if q >= j:  # and picked up later: the extra time in the orchard instead of the vehicle
                line_at[nl], line_rate[nl] = waits[q] - waits[j - 1], price * (amb - ride)
                nl += 1
            if loss > 0:
                step_at[ns], step_loss[ns] = margin / max(amb if q >= j else ride, 1e-9) + at_unloading, loss
                ns += 1
        order = _by_two(step_at[:ns], step_loss[:ns])
        total = 0.0
        for r in range(ns):
            total += step_loss[order[r]]
            rows[THRESHOLDS, j, r], rows[LOSSES, j, r] = step_at[order[r]], total
        order = _by_two(line_at[:nl], line_rate[:nl])
        slope = offset = 0.0
        for r in range(nl):
            start, rate = line_at[order[r]], line_rate[order[r]]
            slope += rate
            offset += rate * start
            rows[STARTS, j, r], rows[SLOPES, j, r], rows[OFFSETS, j, r] = start, slope, offset
        counts[0, j], counts[1, j] = ns, nl
    widest = max(1, counts.max()) if n else 1
    return rows[:, :, :widest].copy(), counts


@numba.njit(cache=True)
def _by_two(first, second):  # pragma: no cover (compiled)
    """The order sorting pairs (first, second) as Python sorts tuples."""
    by_second = np.argsort(second, kind="mergesort")
    return by_second[np.argsort(first[by_second], kind="mergesort")]


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
