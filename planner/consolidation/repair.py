"""Insert left-over orders where they cost less than their penalty, make
room for orders stranded at the one house that could hold them (swap), and
give every order that stays unserved its reason."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict

from ..domain import Order
from ..domain.clock import clock, shelf_life
from .classes import model_penalty_of, priority_key, required_shelf_s
from .itineraries import Itinerary
from .ledger import Ledger, Placement
from .reasons import Reason
from .results import UnservedOrder

# Most informative first: a reason further down only when no itinerary got further.
_RANK = (Reason.COST, Reason.CAPACITY, Reason.TREATMENT_CAPACITY, Reason.NO_SUPPLY,
         Reason.NO_ITINERARY_IN_TIME)


def insert_cheapest(ledger: Ledger, orders: list[Order], *, deadline: float = math.inf,
                    untried: list[Order] | None = None) -> list[Order]:
    """Place each order (most valuable first) on the itinerary that adds the
    least cost, opening units if that costs less than leaving it unserved.
    Orders not yet tried when ``deadline`` (``time.perf_counter``) passes
    go to ``untried`` (returned with the rest when it is None)."""
    params = ledger.ctx.params
    still: list[Order] = []
    for k, order in enumerate(ranked := sorted(orders, key=lambda o: priority_key(o, params))):
        if time.perf_counter() > deadline:
            return _out_of_time(still, ranked[k:], untried)
        priced = []
        for it in ledger.ctx.candidates(order):
            extra = ledger.extra_cost(order, it)
            if extra is not None and extra < model_penalty_of(order, params):
                priced.append((extra, it.arrival, it.index, it))
        priced.sort(key=lambda t: t[:3])
        if not any(ledger.place(order, it, grow=True) for *_, it in priced):
            still.append(order)
    return still


def _out_of_time(still: list[Order], rest: list[Order], untried: list[Order] | None) -> list[Order]:
    if untried is None:
        return still + rest
    untried.extend(rest)
    return still


def diagnose(ledger: Ledger, orders: list[Order]) -> list[UnservedOrder]:
    """The reason each of ``orders`` is unserved (the best any itinerary got).
    Short of supply that orders of a higher priority hold, the reason is
    ``supply_to_higher_priority``."""
    out = []
    by_rank: dict[int, list[Placement]] = defaultdict(list)
    for p in ledger.placements.values():
        by_rank[p.order.priority.rank].append(p)
    known: dict[tuple[object, ...], tuple[Reason, str]] = {}
    for order in orders:
        # the ledger does not change here, and the reason depends on these fields only:
        # 12,000 livestream orders are 55 such kinds, diagnosed once each
        kind = (order.destination.hub, order.market, order.product, order.grade, order.kg, order.boxes,
                order.deadline, order.min_shelf_life_s, order.priority)
        if kind in known:
            out.append(UnservedOrder(order.id, *known[kind]))
            continue
        its = ledger.ctx.candidates(order)
        seen = Counter(ledger.blocker(order, it, grow=True) for it in its)
        seen = Counter({(Reason.COST if k is None else k): v for k, v in seen.items()})
        reason = next((r for r in _RANK if seen[r]), Reason.NO_ITINERARY_IN_TIME)
        holders: list[Order] = []
        if reason is Reason.NO_SUPPLY:
            rank = order.priority.rank
            holders = _outranked_by(ledger, order, its, [p for r, ps in by_rank.items()
                                                         if r > rank for p in ps])
            if holders:
                reason = Reason.PRIORITY
        known[kind] = (reason, _detail(ledger, reason, order, holders))
        out.append(UnservedOrder(order.id, *known[kind]))
    return out


def _outranked_by(ledger: Ledger, order: Order, its: list[Itinerary],
                  above: list[Placement]) -> list[Order]:
    """Orders of ``above`` (higher priorities) whose supply would let
    ``order`` ride one of ``its`` (empty: short whatever the priorities)."""
    freed: dict[str, float] = defaultdict(float)
    for p in above:
        for s, kg in p.lines:
            freed[s.id] += kg
    if not freed:
        return []
    for it in its:
        lines = ledger.allocate(order, it, freed=freed)
        if lines is not None:
            used = {s.id for s, _ in lines}
            return [p.order for p in above if used & {s.id for s, _ in p.lines}]
    return []


def _detail(ledger: Ledger, reason: Reason, order: Order, holders: list[Order]) -> str:
    case = ledger.ctx.case
    by = clock(order.deadline, case.settings.epoch, case.settings.timezone)
    need = required_shelf_s(order, case.market_by_id[order.market])
    ref = case.product_by_id[order.product].ref_temp_c
    texts = {
        Reason.COST: "serving it alone costs more than its unserved penalty",
        Reason.SEARCH_LIMIT: "the search stopped at its limit before placing it",
        Reason.CAPACITY: f"every departure that reaches {order.destination.hub} by {by} is full",
        Reason.TREATMENT_CAPACITY: "treatment capacity on the usable days is used up",
        Reason.NO_SUPPLY: (f"no eligible supply with {shelf_life(need, ref)} left at delivery "
                           f"remains at the packing houses by the cut-offs"),
        Reason.NO_ITINERARY_IN_TIME: f"no itinerary reaches {order.destination.hub} by {by}",
    }
    if reason is Reason.PRIORITY:
        kg = sum(o.kg for o in holders)
        kinds = ", ".join(sorted({o.priority.value for o in holders}))
        text = (f"the supply it needed went to {len(holders)} {kinds} order(s) "
                f"({kg:,.0f} kg) of higher priority")
    else:
        text = texts[reason]
    return f"{text} ({order.kg:g} kg to {order.destination.hub}, due {by})"


MAX_EJECTED = 20
SWAP_TRIES = 400  # swaps tried per plan under a work bound (the embedded day: 76 in 1.0 s)


def swap_in(ledger: Ledger, orders: list[Order], *, deadline: float = math.inf,
            untried: list[Order] | None = None, max_tries: int | None = None) -> list[Order]:
    """Place orders short of supply at the one packing house that could hold
    them by moving orders already there to other houses: for each order
    (highest priority and value first) and itinerary, the largest orders
    drawing on that house's supply are taken out until it fits (at most
    ``MAX_EJECTED``), then put back elsewhere. Kept only when every order
    taken out is served again and the freight added costs less than leaving
    the order unserved; else everything is put back as it was. Returns the
    orders still unplaced; those not tried when ``deadline`` passed go to
    ``untried`` (returned with the rest when it is None). (Splitting classes into whole orders can strand a large order
    the class model served from two houses.) ``max_tries``: the swaps
    (an order on one itinerary) tried at most, a work bound for a plan that
    must not depend on the clock (a node limit): once spent, the orders
    left stay unplaced with their reasons, as if no swap had found them a
    place (a pickup plan short of supply strands many orders, each hopeful
    on many itineraries: unbounded, one such plan's swaps ran for minutes)."""
    params = ledger.ctx.params
    still: list[Order] = []
    tries = 0
    for k, order in enumerate(ranked := sorted(orders, key=lambda o: priority_key(o, params))):
        if time.perf_counter() > deadline:
            return _out_of_time(still, ranked[k:], untried)
        placed = False
        if tries != max_tries:  # (None: no bound)
            for it in _hopeful(ledger, order):
                if tries == max_tries:
                    break
                tries += 1
                if placed := _swap(ledger, order, it):
                    break
        if not placed:
            still.append(order)
    return still


def _hopeful(ledger: Ledger, order: Order) -> list[Itinerary]:
    """Itineraries ``order`` could ride if its house's supply were all free."""
    used: dict[str, float] = defaultdict(float)
    for p in ledger.placements.values():
        for s, kg in p.lines:
            if (s.product, s.grade) == (order.product, order.grade):
                used[s.id] += kg
    return [it for it in ledger.ctx.candidates(order)
            if ledger.allocate(order, it, freed=used) is not None]


def _swap(ledger: Ledger, order: Order, it: Itinerary) -> bool:
    params = ledger.ctx.params
    source = (it.origin, order.product, order.grade)
    held = sorted((p for p in ledger.placements.values()
                   if any((s.site, s.product, s.grade) == source for s, _ in p.lines)),
                  key=lambda p: (-p.order.kg, p.order.id))[:MAX_EJECTED]
    ejected = []
    for p in held:
        ledger.remove(p.order.id)
        ejected.append(p)
        extra = ledger.extra_cost(order, it)
        if extra is not None and ledger.place(order, it, grow=True):
            break
    else:
        _restore(ledger, ejected)
        return False
    added = extra
    moved = []
    for p in ejected:
        priced = sorted(((c, k.arrival, k.index, k) for k in ledger.ctx.candidates(p.order)
                         if (c := ledger.extra_cost(p.order, k)) is not None), key=lambda t: t[:3])
        placed = next(((c, k) for c, *_, k in priced if ledger.place(p.order, k, grow=True)), None)
        if placed is None:
            break
        added += placed[0]
        moved.append(p.order.id)
    if len(moved) == len(ejected) and added < model_penalty_of(order, params):
        return True
    for oid in [order.id, *moved]:
        ledger.remove(oid)
    _restore(ledger, ejected)
    return False


def _restore(ledger: Ledger, ejected: list[Placement]) -> None:
    """Put orders back on the itineraries they had (their supply is free again)."""
    for p in reversed(ejected):
        ledger.place(p.order, p.itinerary, grow=True)
