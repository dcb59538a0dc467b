"""The exact search's judge: a plan's exact checks and day cost, route by route.

A ruin-and-recreate step changes a few routes of many, so each route is
timed and priced once per distinct visit list (:class:`Judge`'s memo). The
plan-wide checks (intake per slot, cold stores) need every route's
deliveries; most plans a step makes keep every rule (the insertion checks
them exactly), so the judge first asks a certificate (:meth:`Judge.clean`)
built from what each route keeps of its own: every lot within its budget,
and its kg per intake slot and per cold store. Where the certificate holds,
the full checks would find nothing; where it does not, they run
(``violations``) and decide. The same verdicts and the same day costs as the
full checks on every plan (the same route hashes after 600 steps of the
embedded, house-down and 1,000-lot days); the judge's share of the search's
time fell from 6.7 to 4.9 % on the embedded day and from 14.3 to 7.9 % on
the 1,000-lot day searched whole (py-spy samples).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from ..domain import HarvestLot
from .costs import is_late, left_out_cost, lot_cost
from .freshness import FreshnessTable
from .houses import ambient_wait
from .model import ModelInput
from .network import Network
from .params import RoutingParams
from .result import LotDelivery
from .route_pool import Column, RouteKey, RoutePool
from .schedule import Timed, Visits, time_route

Violations = Callable[[list[LotDelivery]], Mapping[str, object]]  # the plan's full checks: lot id -> why
ROUNDING = 2.0**-52  # twice the unit roundoff of a float sum's term (:meth:`Judge.clean`'s margin)


def left_out(lot: HarvestLot, params: RoutingParams) -> float:
    """What leaving ``lot`` out adds to the day's cost (:func:`.costs.left_out_cost`)."""
    return left_out_cost(lot, penalty=params.unassigned_penalty, value_weight=params.value_weight)


def share(lot: HarvestLot, params: RoutingParams) -> float:
    """What a lot counts towards its vehicle's share under ``params.balance``
    (the search's counting dimension, :meth:`.model.PickupModel._balance`)."""
    return float(math.ceil(lot.kg - 1e-9)) if params.balance == "kg" else 1.0


class Judged(NamedTuple):
    """A route judged: its cost with its lots', its deliveries, its share,
    whether it keeps its shift and working day, each delivery's cost;
    whether every lot keeps its budget (to the first freight where the
    house does not pre-cool), and its kg (exactly rounded) and deliveries
    per intake slot and per cold store, for :meth:`Judge.clean`."""

    cost: float
    deliveries: list[LotDelivery]
    share: float
    inside: bool
    own: list[float]
    fresh: bool
    slots: dict[tuple[str, int], tuple[float, int]]  # (house, slot) -> (kg, deliveries)
    stores: dict[tuple[str, int], tuple[float, int]]  # (house, 0) -> (kg, deliveries)


def column(key: RouteKey, judged: Judged) -> Column:
    """``judged`` as a column of the route pool (its ``column``: :class:`.route_pool.RoutePool`)."""
    return Column(key, judged.cost, tuple(d.lot_id for d in judged.deliveries), judged.share,
                  {k: kg for k, (kg, _) in judged.slots.items()}, {k: kg for k, (kg, _) in judged.stores.items()})


class Judge:
    """A plan's exact checks (``violations``: the full checks of its
    deliveries) and day cost, each route judged once per distinct visit
    list; ``timed``: a route already timed by the search, by vehicle and
    visits, if any (the same times as :func:`.schedule.build_route`'s);
    ``timed_here`` is told of each route the judge timed, with its lots'
    cost (for the search: a ruin the judge saw is not timed again);
    ``pool`` keeps each route judged that keeps its own rules
    (:mod:`.route_pool`)."""

    def __init__(self, net: Network, table: FreshnessTable, starts: list[int], params: RoutingParams,
                 data: ModelInput, violations: Violations,
                 timed: Callable[[RouteKey], Timed | None] | None = None,
                 timed_here: Callable[[RouteKey, Timed, float], None] | None = None,
                 pool: RoutePool | None = None) -> None:
        self.net, self.table, self.starts, self.params, self.data = net, table, starts, params, data
        self.violations = violations
        self.timed, self.timed_here, self.pool = timed, timed_here, pool
        self.priced = lot_cost(net.case, shelf_life_weight=params.shelf_life_weight,
                               late_weight=params.precool_late_weight)
        self.lots = {lot.id: lot for lot in data.lots}
        self.memo: dict[RouteKey, Judged] = {}
        sites = net.case.site_by_id
        self.intake = {s.id: s.intake_kg_per_hour * params.intake_slot_s / 3600 for s in sites.values()
                       if s.intake_kg_per_hour is not None}
        self.store: dict[str, float] = {s.id: s.cold_storage_kg for s in sites.values()
                                        if s.cold_storage_kg is not None}

    def route(self, v: int, visits: Visits) -> Judged:
        """The route judged (:class:`Judged`)."""
        key = (v, tuple(visits))
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) > 20_000:
                self.memo.clear()
            found = self.memo[key] = self._judged(key)
            if self.pool is not None and found.inside and found.fresh and found.deliveries:
                self.pool.add(key, found)
        return found

    def keep(self, routes: list[Visits]) -> None:
        """Put the routes of ``routes`` into the pool (those judged before it
        dropped them: a plan recombined from the pool needs its hint's)."""
        for v, r in enumerate(routes):
            if r and self.pool is not None and (v, tuple(r)) not in self.pool:
                found = self.route(v, r)
                if found.inside and found.fresh and found.deliveries:
                    self.pool.add((v, tuple(r)), found)

    def _judged(self, key: RouteKey) -> Judged:
        v, visits = key
        known = self.timed(key) if self.timed is not None else None
        timed = known if known is not None else time_route(self.net, self.table, v, self.starts[v], list(visits))
        route, ds = timed.route, timed.deliveries
        vt = self.net.vehicles[v].type
        inside = (route.stops[0].departure >= vt.shift.start and route.stops[-1].arrival <= vt.shift.end
                  and route.duration_s <= min(vt.max_work_s or route.duration_s, vt.break_after_s or route.duration_s)
                  and all(self.lots[d.lot_id].ready <= d.picked_up <= self.lots[d.lot_id].latest_pickup
                          for d in ds))  # (the search keeps windows; a re-timed route may not: PyVRP's holds)
        own = [self.priced(self.lots[d.lot_id], d) for d in ds]
        if known is None and self.timed_here is not None:
            self.timed_here(key, timed, sum(own))
        fresh = not self.data.enforce_freshness or all(
            d.budget_left_s >= 0
            and ambient_wait(self.net.case, self.table, d, self.lots[d.lot_id].product)[0] <= d.budget_left_s
            for d in ds)
        slot_s = self.params.intake_slot_s
        slots: dict[tuple[str, int], list[float]] = defaultdict(list)
        stores: dict[tuple[str, int], list[float]] = defaultdict(list)
        for d in ds:
            if d.packing_house in self.intake:
                slots[(d.packing_house, d.delivered // slot_s)].append(d.kg)
            if d.packing_house in self.store:
                stores[(d.packing_house, 0)].append(d.kg)
        return Judged(route.cost + sum(own), ds, sum(share(self.lots[d.lot_id], self.params) for d in ds), inside,
                      own, fresh, {k: (math.fsum(x), len(x)) for k, x in slots.items()},
                      {k: (math.fsum(x), len(x)) for k, x in stores.items()})

    def clean(self, built: list[Judged]) -> bool:
        """Whether the full checks surely find nothing in the plan of
        ``built``: every lot within its budget, and every intake slot and
        cold store within its capacity by a margin covering any order of
        summing its kg (the checks add the lots most valuable first: a sum
        of n terms is within n times the unit roundoff of the exact one)."""
        if not all(b.fresh for b in built):
            return False
        return (self._within((b.slots for b in built), self.intake)
                and self._within((b.stores for b in built), self.store))

    @staticmethod
    def _within(parts: Iterable[dict[tuple[str, int], tuple[float, int]]], caps: Mapping[str, float]) -> bool:
        """Whether the kg of ``parts`` summed per key (house, slot) stay within the house's cap (margin: :meth:`clean`)."""
        sums: dict[tuple[str, int], list[float]] = defaultdict(list)
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for part in parts:
            for key, (kg, n) in part.items():
                sums[key].append(kg)
                counts[key] += n
        for key, kgs in sums.items():
            total = math.fsum(kgs)
            if total * (1.0 + ROUNDING * (counts[key] + len(kgs) + 2)) > caps[key[0]] + 1e-9:
                return False
        return True

    def price(self, routes: list[Visits]) -> float:
        """The day's cost of ``routes``, whatever the checks say."""
        return self._price([self.route(v, r) for v, r in enumerate(routes) if r])

    def _price(self, built: list[Judged]) -> float:
        busiest = max((b.share for b in built), default=0.0)
        balance = self.params.balance_cost * busiest if self.params.balance != "none" else 0.0
        if sum(len(b.deliveries) for b in built) == len(self.data.lots):  # (every lot served: none left out)
            return sum(b.cost for b in built) + balance
        served = {d.lot_id for b in built for d in b.deliveries}
        return (sum(b.cost for b in built) + balance
                + sum(left_out(lot, self.params) for lot in self.data.lots if lot.id not in served))

    def cost(self, routes: list[Visits]) -> float | None:
        """The day's cost of ``routes``, None when the exact checks reject
        them (or a route leaves its shift or its working day: with a break
        rule, a day that needs no break, as the extra trips place lots; or
        picks a lot up outside its window)."""
        built = [self.route(v, r) for v, r in enumerate(routes) if r]
        if not all(b.inside for b in built):
            return None
        if not self.clean(built) and self.violations([d for b in built for d in b.deliveries]):
            return None
        return self._price(built)

    def unloaded(self, routes: list[Visits]) -> dict[str, tuple[str, int]]:
        """Per lot on ``routes``: the packing house and the time it is unloaded."""
        return {d.lot_id: (d.packing_house, d.delivered) for v, r in enumerate(routes) if r
                for d in self.route(v, r).deliveries}

    def waste(self, routes: list[Visits], least: Callable[[HarvestLot], float]) -> dict[str, float]:
        """Per lot on ``routes``: what it costs there beyond the least it
        can cost (``least``: picked up when ready and driven straight in)."""
        out = {}
        for v, r in enumerate(routes):
            if r:
                judged = self.route(v, r)
                for d, own in zip(judged.deliveries, judged.own, strict=True):
                    out[d.lot_id] = own - least(self.lots[d.lot_id])
        return out

    def late(self, routes: list[Visits]) -> set[str]:
        """The lots ``routes`` unload after their pre-cooling target."""
        return {d.lot_id for v, r in enumerate(routes) if r for d in self.route(v, r).deliveries
                if is_late(self.net.case, self.lots[d.lot_id], d)}
