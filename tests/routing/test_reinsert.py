"""Re-insertion of lots left out, with the exact checks (planner.routing.reinsert)."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

from planner.routing import Reason, RoutingParams, RoutingResult, check_result, route_pickups
from planner.routing.engine import _bounds
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.reinsert import reinsert
from planner.routing.result import UnassignedLot
from planner.routing.schedule import build_route
from planner.travel import GreatCircleProvider


def _setup(rk, intake=None, budget_h=6.0, shift=(3, 14), more=()):
    case = rk.case([rk.ph(intake_kg_per_hour=intake), rk.site("f1", 3.0), rk.site("f2", 5.0)],
                   [rk.vehicle(shift=shift)],
                   [rk.lot("A", "f1", 150), rk.lot("B", "f2", 150), *more], budget_h=budget_h)
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    (d_a,) = net.delivery["A"].values()
    start = 4 * rk.HOUR - 400
    routes = [[(net.pickup["A"], 4 * rk.HOUR), (d_a, 4 * rk.HOUR + 600)]]
    return case, net, table, bounds, routes, start


def test_a_lot_left_out_becomes_a_second_trip(rk):
    case, net, table, bounds, routes, start = _setup(rk)
    added = reinsert(net, table, routes, [start], [lot for lot in case.lots if lot.id == "B"], bounds,
                     now=0, slot_s=3600)
    assert added == ["B"]
    nodes = [n for n, _ in routes[0]]
    assert nodes[:2] == [net.pickup["A"], *net.delivery["A"].values()]  # the first trip is kept
    assert nodes[2] == net.pickup["B"]
    deliveries = build_route(net, table, 0, start, routes[0])[1]
    assert [d.lot_id for d in deliveries] == ["A", "B"] and all(d.budget_left_s >= 0 for d in deliveries)


def test_a_full_intake_slot_means_waiting_for_the_next_or_no_trip(rk):
    # intake of 200 kg an hour: A's 150 kg fill the slot B reaches first, so
    # the motorbike waits for the next slot, if B's budget lasts that long
    case, net, table, bounds, routes, start = _setup(rk, intake=200.0)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert routes[0][-1][1] // 3600 == 4
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == ["B"]
    assert routes[0][-1][1] == 5 * rk.HOUR
    # a budget of 0.9 h at 30 C: B would arrive at about 4:43, in time, but
    # waiting for the 5:00 slot would spend it
    case, net, table, bounds, routes, start = _setup(rk, intake=200.0, budget_h=0.9)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == []
    case, net, table, bounds, routes, start = _setup(rk, budget_h=0.9)
    b = [lot for lot in case.lots if lot.id == "B"]
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600) == ["B"]


def test_router_serves_lots_the_intake_repair_left_out(rk):
    # ten 100 kg lots ready together near a packing house taking 400 kg an hour,
    # six motorbikes: the cheapest routes deliver most at once, the intake check
    # refuses some; the re-insertion finds them later slots within their budget
    sites = [rk.ph(intake_kg_per_hour=400.0), *(rk.site(f"f{k}", 1.0 + k) for k in range(5))]
    lots = [rk.lot(f"L{k}", f"f{k % 5}", 100, ready_h=4, latest_h=12) for k in range(10)]
    case = rk.case(sites, [rk.vehicle(count=6)], lots, budget_h=8.0)
    params = RoutingParams(time_limit_s=5, solution_limit=100)
    on = route_pickups(case, params=params)
    off = route_pickups(case, params=params.replace(reinsert=False))
    assert check_result(case, on) == [] and check_result(case, off) == []
    assert len(on.deliveries) >= len(off.deliveries)
    assert len(on.deliveries) == 10


def test_a_search_that_finds_nothing_in_time_still_gives_a_plan(monkeypatch):  # type: ignore[no-untyped-def]
    """A tiny time limit on a busy machine: OR-Tools returns no solution; the
    extra-trip construction makes the plan from empty days, under the exact checks."""
    from planner.routing import Reason, RoutingParams, check_result, engine, route_pickups

    from .conftest import lot, make_case, packing_house, site, vehicle

    monkeypatch.setattr(engine.PickupModel, "solve", lambda self, **kw: None)
    case = make_case([packing_house(), site("f", 2.0), site("g", 4.0)], [vehicle(kg=200, count=2)],
                     [lot("A", "f", 150), lot("B", "g", 150), lot("C", "g", 150, ready_h=4, latest_h=4.2)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=1.0), seed=1)
    assert check_result(case, result) == []
    assert {d.lot_id for d in result.deliveries} >= {"A", "B"}
    for u in result.unassigned:
        assert u.reason is Reason.FLEET_EXHAUSTED and "no plan within its time limit" in u.detail


# Inside a trip. Farms on the road out of the packing house (ph at 0 km):
# f1 at 2 km, f2 at 4 km, f3 at 6 km (100 s a km). The motorbike's trip picks
# up A at f1 at 4:00 (leaving ph at 3:56:40), C at f3 at 4:11:40 (2 km + A's
# 5 min), unloads both at ph at 4:26:40 (6 km + C's 5 min) for 10 min and
# ends there at 4:36:40. B at f2 lies on the way: between A and C it adds no
# metre, only its 5 min of loading, so C is picked up at 4:16:40, both
# unloaded with B at 4:31:40, the day ends at 4:41:40.
H = 3600
UNLOAD = 4 * H + 1600  # the trip's unloading


def _trip(rk, *, a=None, b=None, c=None, shift=(3, 14), intake=None):
    sites = [rk.ph(intake_kg_per_hour=intake), rk.site("f1", 2.0), rk.site("f2", 4.0), rk.site("f3", 6.0)]
    lots = [rk.lot("A", "f1", 50, **(a or {})), rk.lot("B", "f2", 50, **(b or {})),
            rk.lot("C", "f3", 50, **(c or {}))]
    case = rk.case(sites, [rk.vehicle(shift=shift)], lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    ph = {k: next(iter(net.delivery[k].values())) for k in "ABC"}
    routes = [[(net.pickup["A"], 4 * H), (net.pickup["C"], 4 * H + 700), (ph["A"], UNLOAD), (ph["C"], UNLOAD)]]
    return case, net, table, bounds, routes, ph


def _placed(case, net, table, bounds, routes, ph, **kw):
    """Reinsert B; the route's visits as names (pX pickup, dX delivery) and
    the checker's findings on the plan."""
    added = reinsert(net, table, routes, [4 * H - 200], [lot for lot in case.lots if lot.id == "B"], bounds,
                     now=0, slot_s=H, **kw)
    route, deliveries = build_route(net, table, 0, 4 * H - 200, routes[0])
    unassigned = [UnassignedLot("B", Reason.FLEET_EXHAUSTED, "no place", 50.0)] if not added else []
    problems = check_result(case, RoutingResult([route], deliveries, unassigned))
    names = {net.pickup[k]: f"p{k}" for k in "ABC"} | {n: f"d{k}" for k, n in ph.items()}
    return added, [names[n] for n, _ in routes[0]], route, problems


def test_a_lot_on_the_way_is_picked_up_inside_the_trip(rk):
    # B must be picked up by 4:10 and the shift ends at 4:42: picked up after
    # C (4:20) is too late, before A the day ends at 4:45, a trip of its own
    # after 4:36:40 cannot be; between A and C it is picked up at 4:08:20
    case, net, table, bounds, routes, ph = _trip(rk, b={"latest_h": 4 + 600 / H}, shift=(3, 4.7))
    added, order, route, problems = _placed(case, net, table, bounds, routes, ph)
    assert added == ["B"] and problems == []
    assert order == ["pA", "pB", "pC", "dA", "dC", "dB"]  # unloaded with A and C: one stop
    assert [s.kind for s in route.stops] == ["start", "pickup", "pickup", "pickup", "delivery", "end"]
    assert route.stops[2].departure == 4 * H + 800 and route.stops[4].arrival == UNLOAD + 300
    assert route.stops[-1].arrival == 4 * H + 2500 and route.km == 12.0


def test_the_intake_counts_the_route_s_own_unloading_once(rk):
    # 150 kg an hour: A, C and B unloaded together fill the 4:00 slot exactly
    added, order, _, problems = _placed(*_trip(rk, intake=150.0))
    assert added == ["B"] and problems == [] and order == ["pA", "pB", "pC", "dA", "dC", "dB"]
    # 100 kg an hour: A and C fill it; B comes on a trip of its own (ph 4:36:40,
    # f2 4:43:20, back 4:55), waiting for the 5:00 slot
    case, net, table, bounds, routes, ph = _trip(rk, intake=100.0)
    added, order, route, problems = _placed(case, net, table, bounds, routes, ph)
    assert added == ["B"] and problems == [] and order == ["pA", "pC", "dA", "dC", "pB", "dB"]
    assert route.stops[-2].departure == 5 * H + 600


def test_a_place_inside_that_makes_a_later_lot_late_is_not_taken(rk):
    # C may be picked up until 4:13:20: B between A and C would make it 4:16:40;
    # after C, on the way back, C keeps its time (no metre more either)
    added, order, _, problems = _placed(*_trip(rk, c={"latest_h": 4 + 800 / H}))
    assert added == ["B"] and problems == [] and order == ["pA", "pC", "pB", "dA", "dC", "dB"]
    # C harvested so long before that its budget (6 h at 30 C) ends at 4:29:10:
    # anywhere inside the trip B delays its unloading to 4:31:40; a trip of its own
    ready = (UNLOAD + 150 - 6 * H) / H
    added, order, _, problems = _placed(*_trip(rk, c={"ready_h": ready, "latest_h": 5}))
    assert added == ["B"] and problems == [] and order == ["pA", "pC", "dA", "dC", "pB", "dB"]


def test_the_price_of_a_place_inside_counts_the_later_lots(rk):
    # Two trips: A at f3 (ph 3:50 - f3 4:00 - ph 4:15, unloaded to 4:25), then
    # C at f1 (4:28:20, ph 4:36:40). B at f2 on the way to A adds 5 min and no
    # metre but unloads A 5 min later; inside the trip to C (before or after C,
    # alike) it adds 4 km (8,000 + 400 s at 30,000 an hour). By the routes'
    # cost alone the first; when A's unloading after 4:15 costs 100,000 the second
    sites = [rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0), rk.site("f3", 6.0)]
    lots = [rk.lot("A", "f3", 50), rk.lot("B", "f2", 50), rk.lot("C", "f1", 50)]
    case = rk.case(sites, [rk.vehicle()], lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    ph = {k: next(iter(net.delivery[k].values())) for k in "ABC"}
    names = {net.pickup[k]: f"p{k}" for k in "ABC"} | {n: f"d{k}" for k, n in ph.items()}
    first = [(net.pickup["A"], 4 * H), (ph["A"], 4 * H + 900), (net.pickup["C"], 4 * H + 1700),
             (ph["C"], 4 * H + 1900)]

    def late_a(lot, d):
        return 100_000.0 if lot.id == "A" and d.delivered > 4 * H + 900 else 0.0

    b = [lot for lot in case.lots if lot.id == "B"]
    by_route = [list(first)]
    assert reinsert(net, table, by_route, [4 * H - 600], b, bounds, now=0, slot_s=H) == ["B"]
    order = [names[n] for n, _ in by_route[0]]
    assert order.index("pB") < order.index("dA") and order[:4].count("dB") == 1
    by_day = [list(first)]
    assert reinsert(net, table, by_day, [4 * H - 600], b, bounds, now=0, slot_s=H, lot_cost=late_a) == ["B"]
    order = [names[n] for n, _ in by_day[0]]
    assert order[:2] == ["pA", "dA"] and set(order[2:4]) == {"pB", "pC"} and order[4:] == ["dC", "dB"]
    for visits in (by_route[0], by_day[0]):
        route, deliveries = build_route(net, table, 0, 4 * H - 600, visits)
        assert check_result(case, RoutingResult([route], deliveries, [])) == []


def test_short_of_time_the_places_inside_give_way_to_the_trips(rk):
    # a clock that moves a second each time it is read: the end-of-day trips
    # of B take 1 s, so the places inside (guessed at 5 times that) are
    # searched with 10 s left, not with 5 (B's only place is inside: none)
    from planner.routing.deadline import Deadline

    class Ticking:
        def __init__(self) -> None:
            self.t = 0.0

        def __call__(self) -> float:
            self.t += 1.0
            return self.t

    for limit, placed in ((5.0, []), (20.0, ["B"])):
        case, net, table, bounds, routes, ph = _trip(rk, b={"latest_h": 4 + 600 / H}, shift=(3, 4.7))
        clock = Ticking()
        deadline = Deadline(limit, clock)
        added, _, _, problems = _placed(case, net, table, bounds, routes, ph, deadline=deadline)
        assert added == placed and problems == []


def test_a_trip_at_the_end_of_a_day_starts_after_the_last_unloading_as_built(rk):
    """A's visits hold 04:00 for its pickup and for its unloading, but built
    the unloading starts 04:10 (5 min loading, 300 s each way): a trip for B
    (150 kg, no room beside A on a 200 kg motorbike) then unloads at 04:41:40
    and ends 04:51:40, past a shift ending 04:45, so B stays out; it fits a
    shift ending 05:00. (From the held 04:00 it seemed to end 04:41:40.)"""
    for shift_end, placed in ((4.75, []), (5.0, ["B"])):
        case, net, table, bounds, routes, start = _setup(rk, shift=(3, shift_end))
        lots = list(case.lots)
        (d_a,) = net.delivery["A"].values()
        routes = [[(net.pickup["A"], 4 * rk.HOUR), (d_a, 4 * rk.HOUR)]]
        start = 4 * rk.HOUR - 300
        assert build_route(net, table, 0, start, routes[0])[1][0].delivered == 4 * rk.HOUR + 600
        assert reinsert(net, table, routes, [start], lots[1:], bounds, now=0, slot_s=3600) == placed
        route = build_route(net, table, 0, start, routes[0])[0]
        assert route.stops[-1].arrival <= shift_end * rk.HOUR


def test_a_memo_of_timed_days_gives_the_same_places(rk):
    """``reinsert(memo=...)`` keeps each route it times by vehicle and
    visits, and a later call on a plan holding those routes reuses them: the
    same lots placed at the same places as without a memo."""
    from planner.routing.costs import lot_cost

    case, net, table, bounds, routes, start = _setup(rk)
    b = [lot for lot in case.lots if lot.id == "B"]
    priced = lot_cost(case, shelf_life_weight=1.0, late_weight=1.0)
    plain = [list(r) for r in routes]
    assert reinsert(net, table, plain, [start], b, bounds, now=0, slot_s=3600, lot_cost=priced) == ["B"]
    memo: dict = {}
    remembered = [list(r) for r in routes]
    assert reinsert(net, table, remembered, [start], b, bounds, now=0, slot_s=3600, lot_cost=priced,
                    memo=memo) == ["B"]
    assert remembered == plain
    assert (0, tuple(routes[0])) in memo and (0, tuple(plain[0])) in memo  # the day before and after
    kept = memo[(0, tuple(routes[0]))]
    again = [list(r) for r in routes]
    assert reinsert(net, table, again, [start], b, bounds, now=0, slot_s=3600, lot_cost=priced, memo=memo) == ["B"]
    assert again == plain and memo[(0, tuple(routes[0]))] is kept  # reused, not timed again


def test_the_trip_floor_is_never_above_a_trip_s_price():
    """``_trip_floors`` bounds what one more trip at the end of a day adds
    (so that skipping a vehicle whose floor is no cheaper than the best
    trip found changes no plan): on the embedded Luc Ngan day with its
    rush hours on QL31, half of the lots placed as trips, a quarter's floor
    on every vehicle against its cheapest trip's price, as built (the bound
    takes the lot's own cost at its soonest pickup on the vehicle, no lower
    than at its earliest: higher on many vehicles)."""
    from pathlib import Path

    from planner.io import read_case
    from planner.routing import reinsert as rs
    from planner.routing.costs import lot_cost

    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=3)
    assert net.rush  # the bound must hold where rush hours slow the legs too
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    routes: list[list[tuple[int, int]]] = [[] for _ in net.vehicles]
    starts = [v.type.shift.start for v in net.vehicles]
    priced = lot_cost(case)
    placed = rs.reinsert(net, table, routes, starts, lots[::2], bounds, now=0, slot_s=3600, lot_cost=priced,
                         inside=False)
    assert len(placed) > 10
    days = [rs._built(net, table, v, starts[v], r, priced) for v, r in enumerate(routes)]
    used: rs.Slots = defaultdict(float)
    stored: dict[str, float] = defaultdict(float)
    for day in days:
        rs._count(day.deliveries, used, stored, 3600, 1)
    compared = waits = tighter = 0
    every = list(range(len(net.vehicles)))
    for lot in lots[1::4]:
        ranked = rs._trip_floors(net, table, every, routes, days, lot, now=0, floors={}, enforce_freshness=True,
                                 lot_cost=priced)
        with pytest.MonkeyPatch.context() as mp:  # the lot's own cost at its earliest pickup on every vehicle
            mp.setattr(rs, "PICK_GRID_S", 10**9)
            loose = dict((v, f) for f, v in rs._trip_floors(net, table, every, routes, days, lot, now=0, floors={},
                                                            enforce_freshness=True, lot_cost=priced))
        assert all(floor >= loose[v] for floor, v in ranked)
        tighter += sum(floor > loose[v] + 1.0 for floor, v in ranked if floor < math.inf)
        assert sorted(v for _, v in ranked) == every and ranked == sorted(ranked)  # lowest first, ties by vehicle
        assert len({type(f) for f, _ in ranked}) == 1
        for floor, v in ranked:
            option = rs._cheapest_trip(net, table, v, starts[v], routes[v], lot, bounds.get(lot.id), now=0,
                                       used=used, stored=stored, slot_s=3600, enforce_freshness=True,
                                       lot_cost=priced, last_unloading=max((d.delivered for d in days[v].deliveries),
                                                                          default=None), base=days[v].timed)
            alone = rs._trip_floors(net, table, [v], routes, days, lot, now=0, floors={}, enforce_freshness=True,
                                    lot_cost=priced)
            assert alone == [(floor, v)]  # the same bound computed with the others or alone
            if option is not None:
                assert floor <= option[0] - days[v].cost + 1e-6
                compared += 1
                last, _, _, leaves = rs._tail(net, v, routes[v], days[v])
                profile = net.vehicles[v].type.profile
                farm = net.nodes[net.pickup[lot.id]].site
                waits += lot.ready - leaves > net.legs(profile)[last, farm, 2]  # the bound waits for the lot
    assert compared > 50 and waits > 10 and tighter > 50  # (most vehicles' days end after the lot is ready)


def _builds(ranked, best, price):
    """The places the loop of ``_cheapest_insides`` builds from ``ranked``
    (estimate, floor, vehicle, p, d, house), in order: at most MAX_BUILDS,
    MAX_TRIALS per route, none whose floor is no lower than the best price
    so far; ``price(place)`` is what building it finds."""
    from planner.routing import reinsert as rs

    out, trials = [], defaultdict(int)
    for place in sorted(ranked):
        if len(out) == rs.MAX_BUILDS:
            break
        if place[1] >= best or trials[place[2]] == rs.MAX_TRIALS:
            continue
        trials[place[2]] += 1
        out.append(place)
        best = min(best, price(place))
    return out


def test_the_places_a_route_keeps_are_all_the_builds_can_reach():
    """The kernel's ``kept`` drops a route's place when MAX_TRIALS cheaper
    estimates of it have no higher lower bound: either they are built first and use the
    route's trials, or one was passed over for its bound and so is it. The
    same builds, in the same order, whatever the bounds, the prices found and
    the best price before (random routes of 2-12 places: every kept list
    shorter than or as long as the whole, the builds identical)."""
    import random

    from planner.routing import places_kernel
    from planner.routing import reinsert as rs

    rng = random.Random(11)
    shorter = 0
    for case in range(300):
        routes = {v: [(float(rng.randint(0, 30)), float(rng.randint(0, 30)), p, rng.randint(p, p + 2), "h")
                      for p in range(rng.randint(2, 12))] for v in range(rng.randint(1, 4))}
        routes = {v: [(max(e, f), f, p, d, h) for e, f, p, d, h in places] for v, places in routes.items()}
        prices = {(v, *place): place[0] + rng.choice([-3.0, 0.0, 5.0, 50.0])
                  for v, places in routes.items() for place in places}
        best = rng.choice([float("inf"), 20.0, 10.0])
        whole = [(e, f, v, p, d, h) for v, places in routes.items() for e, f, p, d, h in places]
        kept = [(e, f, v, p, d, h) for v, places in routes.items() for e, f, p, d, h in places_kernel.kept(places, rs.MAX_TRIALS)]
        shorter += len(kept) < len(whole)

        def price(place, prices=prices):
            e, f, v, p, d, h = place
            return prices[(v, e, f, p, d, h)]

        assert _builds(kept, best, price) == _builds(whole, best, price), case
    assert shorter > 100


def test_per_lot_routes_are_the_only_routes_a_lot_tries(rk):
    """``vehicles`` per lot: each lot tries its own routes only (and those a
    lot of the same call went to), whichever route would be cheaper."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0), rk.site("f3", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f1", 50), rk.lot("C", "f2", 50), rk.lot("B", "f3", 50), rk.lot("D", "f3", 50)])
    lots = {lot.id: lot for lot in case.lots}
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lid: _bounds(net, table, lot, RoutingParams(), 0) for lid, lot in lots.items()}
    start = 4 * rk.HOUR - 400

    def routes():
        (d_a,), (d_c,) = net.delivery["A"].values(), net.delivery["C"].values()
        return [[(net.pickup["A"], 4 * rk.HOUR), (d_a, 4 * rk.HOUR + 600)],
                [(net.pickup["C"], 4 * rk.HOUR), (d_c, 4 * rk.HOUR + 900)]]

    def owner(rs, lot_id):
        return next(v for v, r in enumerate(rs) if net.pickup[lot_id] in [n for n, _ in r])

    for v in (0, 1):
        rs = routes()
        assert reinsert(net, table, rs, [start, start], [lots["B"]], bounds, now=0, slot_s=3600,
                        vehicles={"B": {v}}) == ["B"]
        assert owner(rs, "B") == v
    # D may only go to route 0, but B went to route 1 in the same call: D may join it there
    rs = routes()
    assert reinsert(net, table, rs, [start, start], [lots["B"], lots["D"]], bounds, now=0, slot_s=3600,
                    vehicles={"B": {1}, "D": {0}}, ordered=True) == ["B", "D"]
    assert owner(rs, "B") == 1 and owner(rs, "D") in (0, 1)
    assert check_result(case, RoutingResult(
        [build_route(net, table, v, start, r)[0] for v, r in enumerate(rs)],
        [d for v, r in enumerate(rs) for d in build_route(net, table, v, start, r)[1]], [], 0.0)) == []


def _two_more(rk):
    """A's trip as it stands; B and C to place, each priced with its lot's
    cost (shelf life and downgrade)."""
    from planner.routing.costs import lot_cost

    case, net, table, bounds, routes, start = _setup(rk, more=(rk.lot("C", "f2", 100),))
    lots = list(case.lots)
    priced = lot_cost(case)

    def day_cost(rs):
        route, deliveries = build_route(net, table, 0, start, rs[0])
        return route.cost + sum(priced(next(x for x in lots if x.id == d.lot_id), d) for d in deliveries)

    return net, table, bounds, routes, start, [x for x in lots if x.id != "A"], priced, day_cost


def test_a_step_over_its_budget_tries_no_further_lot(rk):
    """With a limit on the day's cost, once the routes with the lots placed
    cost more than it allows the lots after them are not tried (the step is
    given up); under it, the same places as without one; a lot adds at least
    ``least_added`` (its own cost, picked up when ready and driven straight
    in), below what B and C each add here; the least of the lots to come
    counts before any is tried."""
    from planner.routing.reinsert import least_added

    net, table, bounds, routes, start, two, priced, day_cost = _two_more(rk)
    free = [list(r) for r in routes]
    assert reinsert(net, table, free, [start], two, bounds, now=0, slot_s=3600, lot_cost=priced,
                    ordered=True) == ["B", "C"]
    with_b = [list(r) for r in routes]
    reinsert(net, table, with_b, [start], two[:1], bounds, now=0, slot_s=3600, lot_cost=priced)
    b_adds, both_add = day_cost(with_b) - day_cost(routes), day_cost(free) - day_cost(routes)
    least = {x.id: least_added(net, table, x, bounds[x.id], now=0, enforce_freshness=True, lot_cost=priced)
             for x in two}
    assert 0 < least["B"] < b_adds and 0 < least["C"] < both_add - b_adds

    roomy, untried = [list(r) for r in routes], []
    assert reinsert(net, table, roomy, [start], two, bounds, now=0, slot_s=3600, lot_cost=priced, ordered=True,
                    limit=day_cost(routes) + both_add + 1.0, least=lambda x: least[x.id], untried=untried) == ["B", "C"]
    assert roomy == free and untried == []

    tight, untried = [list(r) for r in routes], []
    assert reinsert(net, table, tight, [start], two, bounds, now=0, slot_s=3600, lot_cost=priced, ordered=True,
                    limit=day_cost(routes) + b_adds - 1.0, least=lambda x: least[x.id], untried=untried) == ["B"]
    assert untried == ["C"]

    none, untried = [list(r) for r in routes], []
    assert reinsert(net, table, none, [start], two, bounds, now=0, slot_s=3600, lot_cost=priced, ordered=True,
                    limit=day_cost(routes) + least["B"] + least["C"] - 1.0,
                    least=lambda x: least[x.id], untried=untried) == []
    assert untried == ["B", "C"] and none == routes


def test_the_first_of_equal_trips_goes_to_the_first_vehicle(rk):
    """Two motorbikes alike with the same day: the vehicles are tried by
    their trip's lower bound, the first vehicle taking a tie, as trying
    them in their order did."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f1", 150), rk.lot("A2", "f1", 150), rk.lot("B", "f2", 150)])
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    h = rk.HOUR
    routes = [[(net.pickup[x], 4 * h), (next(iter(net.delivery[x].values())), 4 * h + 600)] for x in ("A", "A2")]
    b = [x for x in lots if x.id == "B"]
    assert reinsert(net, table, routes, [4 * h - 400] * 2, b, bounds, now=0, slot_s=3600, inside=False) == ["B"]
    assert len(routes[0]) == 4 and len(routes[1]) == 2


def test_a_lot_told_its_only_routes_goes_to_none_other(rk):
    """``only`` (a walk's part of a plan, :mod:`.plan_parts`): B joins
    vehicle 0's day (no second vehicle's fixed cost) unless told vehicle
    1's route only: then vehicle 1's empty day takes it."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f1", 100), rk.lot("B", "f2", 100)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in case.lots}
    (d_a,) = net.delivery["A"].values()
    b = [lot for lot in case.lots if lot.id == "B"]
    starts = [4 * rk.HOUR - 400, 3 * rk.HOUR]
    for only, goes in ((None, 0), ({1}, 1), ({0}, 0)):
        routes = [[(net.pickup["A"], 4 * rk.HOUR), (d_a, 4 * rk.HOUR + 600)], []]
        assert reinsert(net, table, routes, starts, b, bounds, now=0, slot_s=3600, only=only) == ["B"]
        owner = [v for v, r in enumerate(routes) if net.pickup["B"] in {n for n, _ in r}]
        assert owner == [goes]
