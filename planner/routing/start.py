"""The day built from empty days: the insertion backend's start.

Each lot, in the order the harvest waves make them ready, goes where the
day's one objective (:mod:`.costs`: the vehicles' cost and the lots') grows
least among the places of the exact insertion (:mod:`.reinsert`: anywhere
inside a route, or as one more trip at the end of a vehicle's day, every
rule checked on the whole changed route), tried on the routes that carry its
nearest lots already routed (at most ``NEAR_ROUTES`` of them, among 2.5 times as
many lots; ``NEAR_ROUTES_LARGE`` above ``LARGE_DAY`` lots) and on an empty
vehicle of each type. A lot this leaves out (its neighbours'
vehicles full, no vehicle empty) is tried again by the caller on every
vehicle.

Why: the search (:mod:`.improve`) moves 2-20 lots a step, some 10-20 steps a
second on 240 lots, so on a large day it cannot repair a poor start in a
minute. Before, the start was one trip per lot at the end of some vehicle's
day, most valuable first, by the vehicles' cost alone (it packed the lots
onto few vehicles, 2.3 s for 1,000 lots): it cost 1,842 M VND on the
embedded day (1,375 M of it the lots unloaded after their pre-cooling
target), 4,702 M on gen-500 and 9,404 M on gen-1000. Placed inside the
routes and priced by the day's cost, in ready order, the same days start at
89.9, 192 and 328 M (1.0, 2.0 and 5.0 s with the network), about what the
whole 60 s search made of the former start. Measured (seed 1, start alone):
ready order against most valuable first 416 against 1,097 M on the embedded
day (priced, 4 routes); by the vehicles' cost alone 1,404 M; the routes of
2 / 4 / 8 / 16 / 32 nearest routed lots: 646 / 416 / 279 / 89.9 / 89.5 M on
the embedded day, 1,944 / 1,754 / 441 / 192 / 176 M on gen-500, 2,833 /
2,494 / 723 / 328 / 360 M on gen-1000 (32 routes: 7.8 s against 5.0), 778 /
264 / 353 / 119 M on the day with a packing house down (16 routes: 217 M of
its 353 M the lots unloaded late, which the search did not undo: at 60 s,
two solves at once, it lost 4 of 6 pairs to the former start, 98.6 / 101.8
/ 138.1 / 109.5 / 132.5 against 101.1 / 93.7 / 88.5 / 85.3 / 89.7 for seeds
1-5, and 104.3 against 133.0 for seed 2 again). 32 routes against 16, 60 s, two at once, seeds 1-4: the embedded day
60.4 / 61.3 / 63.0 / 61.2 against 64.4 / 61.0 / 63.2 / 63.7, gen-500 136.3 /
133.5 / 136.9 / 130.2 against 132.7 / 130.7 / 142.0 / 137.0, the house-down
day 90.3 / 88.8 against 90.2 / 105.8 (and 88.5 / 100.8 / 88.7 against the
former start's 125.0 / 86.4 / 92.9, seeds 3-5); gen-1000, seeds 3-4, 279.2 /
275.1 against 272.0 / 262.8 (its longer start leaves 15 % fewer steps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..domain import HarvestLot
from .costs import LotCost
from .deadline import Deadline
from .freshness import FreshnessTable, LotBounds
from .improve import neighbours
from .network import Network
from .reinsert import NearRoutes, reinsert
from .schedule import Visits

NEAR_ROUTES = 32  # at most this many routes of a lot's nearest lots (among 2.5 times as many lots)
LARGE_DAY = 750  # lots: a larger day takes NEAR_ROUTES_LARGE (its start's seconds are the search's)
NEAR_ROUTES_LARGE = 16
FAST_S_PER_LOT = 0.004  # seconds a lot kept for the quick way (the former start: about 1 ms a lot alone)


def near_routes(near: Mapping[str, Sequence[str]], count: int) -> NearRoutes:
    """A lot's routes: those of its nearest lots (``near``) already routed
    (by lot id, their vehicles), at most ``count``, nearest first."""
    def routes_of(lot: HarvestLot, owner: Mapping[str, int]) -> set[int]:
        out: set[int] = set()
        for other in near.get(lot.id, ()):
            if other in owner:
                out.add(owner[other])
                if len(out) >= count:
                    break
        return out
    return routes_of


def build_day(net: Network, table: FreshnessTable, routes: list[Visits], starts: list[int],
              lots: Sequence[HarvestLot], bounds: dict[str, LotBounds | None], *, now: int, slot_s: int,
              enforce_freshness: bool, deadline: Deadline, lot_cost: LotCost,
              poll: Callable[[], None] | None = None, untried: list[str] | None = None) -> list[str]:
    """Place ``lots`` on ``routes`` (changed in place) as the module says;
    returns the ids of the lots placed. The lots placed inside the routes
    stop ``FAST_S_PER_LOT`` a lot before ``deadline``: the lots not reached
    by then are placed the quick way (one trip each at the end of a day, by
    the vehicles' cost alone, the former start: under load 3.9 at a 1 s
    limit it routed the embedded day where the start inside the routes, out
    of time, left 20-57 lots out; with 2 ms a lot kept, 0 and 19 out at load
    4.1, with 4 ms none at 4.2, seeds 1-3). Once ``deadline`` has passed no
    further lot is tried (their ids appended to ``untried``)."""
    count = routes_per_lot(len(lots))
    order = sorted(lots, key=lambda lot: (lot.ready, lot.latest_pickup, lot.id))
    inside = deadline.minus(FAST_S_PER_LOT * len(lots))
    rest: list[str] = []
    ran = not inside.expired()
    placed = [] if not ran else reinsert(
        net, table, routes, starts, order, bounds, now=now, poll=poll, slot_s=slot_s,
        enforce_freshness=enforce_freshness, deadline=inside, lot_cost=lot_cost,
        vehicles=near_routes(neighbours(net, lots, count=5 * count // 2), count), ordered=True, untried=rest)
    left = set(rest) if ran else {lot.id for lot in lots}
    if left:
        placed += reinsert(net, table, routes, starts, [lot for lot in lots if lot.id in left], bounds, now=now,
                           poll=poll, slot_s=slot_s, enforce_freshness=enforce_freshness, deadline=deadline,
                           untried=untried, inside=False)
    return placed


def routes_per_lot(lots: int) -> int:
    """The routes a lot is tried on in a day of ``lots`` lots."""
    return NEAR_ROUTES if lots <= LARGE_DAY else NEAR_ROUTES_LARGE
