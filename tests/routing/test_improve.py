"""Ruin and recreate over the exact rules (planner.routing.improve)."""

from __future__ import annotations

import random

from planner.routing import RoutingParams, RoutingResult, check_result
from planner.routing.deadline import Deadline
from planner.routing.engine import _day_cost, _improve
from planner.routing.freshness import FreshnessTable
from planner.routing.improve import (
    NEAR_ROUTES,
    ORDERS,
    _recreate_order,
    _ruined,
    _vehicles,
    improve,
)
from planner.routing.model import Solved
from planner.routing.network import build_network
from planner.routing.schedule import build_route
from planner.travel import GreatCircleProvider


def _day(rk):
    """Two motorbikes at the packing house, two lots of 150 kg ready 04:00 at
    3 and 5 km; B is worth 100,000,000 (its shelf life is dear). The plan to
    improve: one motorbike takes A, unloads, then fetches B (B waits in the
    orchard about 40 min longer than it needs to)."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f1", 150), rk.lot("B", "f2", 150, value=100_000_000)])
    params = RoutingParams(time_limit_s=5.0, solution_limit=10)
    net, table, data = rk.model_input(case, params)
    (d_a,), (d_b,) = net.delivery["A"].values(), net.delivery["B"].values()
    h = rk.HOUR
    routes = [[(net.pickup["A"], 4 * h), (d_a, 4 * h + 600), (net.pickup["B"], 4 * h + 1800),
               (d_b, 4 * h + 2700)], []]
    starts = [4 * h - 400, 3 * h]
    solved = Solved(routes, starts, list(starts), 0, None)
    return case, net, table, params, data, solved


def _result(net, table, solved, routes) -> RoutingResult:
    built = [build_route(net, table, v, solved.starts[v], r) for v, r in enumerate(routes) if r]
    return RoutingResult([r for r, _ in built], [d for _, ds in built for d in ds], [])


def test_a_dear_lot_waiting_for_a_second_trip_gets_the_idle_motorbike(rk):
    case, net, table, params, data, solved = _day(rk)
    before = _day_cost(net, table, solved, params, data)
    routes, stats = _improve(net, table, solved, solved.routes, params, data, deadline=Deadline.after(5.0), seed=1)
    after = _day_cost(net, table, Solved(routes, solved.starts, solved.ends, 0, None), params, data)
    assert stats["improve_kept"] >= 1 and after < before
    assert stats["improve_saved"] == before - after
    owners = {net.nodes[n].lot.id: v for v, r in enumerate(routes) for n, _ in r}
    assert owners["A"] != owners["B"]  # one lot per motorbike: B no longer waits for A's trip
    result = _result(net, table, solved, routes)
    assert check_result(case, result) == []
    b = result.delivery_of("B")
    assert b is not None and b.picked_up < 4 * rk.HOUR + 1800


def test_the_same_seed_and_steps_give_the_same_plan(rk):
    case, net, table, params, data, solved = _day(rk)
    runs = [_improve(net, table, solved, solved.routes, params.replace(improve_steps=30), data,
                     deadline=Deadline.after(30.0), seed=7) for _ in range(2)]
    assert runs[0] == runs[1] and runs[0][1]["improve_steps"] == 30


def test_a_plan_the_checks_reject_is_never_taken(rk):
    """``evaluate`` None (the exact checks reject every other plan): the
    routes stay as they were, whatever the insertion proposes."""
    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]
    calls = []

    def evaluate(rs):
        calls.append(1)
        return 1.0 if rs == first else None

    done = improve(net, first, data.lots, evaluate=evaluate, insert=lambda rs, lots, vehicles, limit: [], deadline=Deadline.after(5.0),
                   seed=1, late=lambda rs: set(), steps=20)
    assert done.routes == first and done.kept == 0 and done.steps == 20 and len(calls) == 21


def test_ruin_keeps_the_holds_that_fix_a_routes_start_and_its_unloadings(rk):
    """Taking A out of [A, A's unloading, B, B's unloading]: B's pickup is now
    the first visit and keeps the search's hold (04:30; held earlier, the
    motorbike would leave earlier and wait at the held unloading: a longer
    day than the working rules were checked for), and so does the unloading
    (a planned intake slot). A pickup after a removed visit but not first
    would be held no later than its lot is ready."""
    case, net, table, params, data, solved = _day(rk)
    (d_b,) = net.delivery["B"].values()
    h = rk.HOUR
    assert _ruined(net, solved.routes, {"A"}) == ([[(net.pickup["B"], 4 * h + 1800), (d_b, 4 * h + 2700)], []], None)
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(kg=500)],
                   [rk.lot("A", "f1", 100), rk.lot("B", "f2", 100), rk.lot("C", "f2", 100, ready_h=4.2)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    (d_a,), (d_b,), (d_c,) = (net.delivery[x].values() for x in "ABC")
    route = [(net.pickup["A"], 4 * h), (net.pickup["B"], 4 * h + 1800), (net.pickup["C"], 4 * h + 1900),
             (d_a, 4 * h + 2700), (d_b, 4 * h + 2700), (d_c, 4 * h + 2700)]
    assert _ruined(net, [route], {"B"}) == ([[(net.pickup["A"], 4 * h), (net.pickup["C"], round(4.2 * h)),
                                             (d_a, 4 * h + 2700), (d_c, 4 * h + 2700)]], None)


def test_a_ruin_told_where_the_lots_were_unloaded_keeps_each_unloading_in_its_intake_slot(rk):
    """One motorbike takes A (3 km, ready 04:00), waits at B's farm (5 km)
    until 05:00 and unloads both at about 05:13. Without B the trip could
    unload A at about 04:10, in the 04:00 slot (the hold 04:00 is only a
    lower bound); told where and when each lot was unloaded, the ruin holds
    A's unloading to the start of its slot, 05:00, so it takes no room in a
    slot it did not use (one another route may have filled)."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(kg=500)],
                   [rk.lot("A", "f1", 100), rk.lot("B", "f2", 100)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    params = RoutingParams()
    (d_a,), (d_b,) = (net.delivery[x].values() for x in "AB")
    h, slot = rk.HOUR, params.intake_slot_s
    route = [(net.pickup["A"], 4 * h), (net.pickup["B"], 5 * h), (d_a, 4 * h), (d_b, 4 * h)]
    _, before = build_route(net, FreshnessTable(case), 0, 3 * h, route)
    where = {d.lot_id: (d.packing_house, d.delivered) for d in before}
    assert where["A"][1] // slot == 5  # (unloaded in the 05:00 slot)
    plain, none = _ruined(net, [route], {"B"})
    same, held = _ruined(net, [route], {"B"}, where, slot)
    assert plain == same == [[(net.pickup["A"], 4 * h), (d_a, 4 * h)]] and none is None
    assert held == [[(net.pickup["A"], 4 * h), (d_a, 5 * h)]]
    assert _ruined(net, held, {"B"}, where, slot) == (held, None)  # (held already: no other plan)
    (a_plain,) = build_route(net, FreshnessTable(case), 0, 3 * h, plain[0])[1]
    (a_held,) = build_route(net, FreshnessTable(case), 0, 3 * h, held[0])[1]
    assert a_plain.delivered // slot == 4 and a_held.delivered == 5 * h


def test_a_step_whose_ruin_the_checks_reject_is_ruined_again_with_the_unloadings_held(rk):
    """The plan unloads A at 04:10 and B at 05:03 (told by ``unloaded``);
    the checks reject any plan unloading B before 05:00 (its slot full
    before). A step taking A out would hold B's unloading at 04:45 only:
    with ``slot_s`` that ruin is judged, rejected, and made again with B's
    unloading held to 05:00, the plan the step inserts into; without, the
    insertion gets the first ruin."""
    case, net, table, params, data, solved = _day(rk)
    h = rk.HOUR
    (d_b,) = net.delivery["B"].values()
    where = {"A": ("ph", 4 * h + 600), "B": ("ph", 5 * h + 200)}
    seen = []

    def evaluate(rs):  # (with A on the routes B is unloaded at 05:03 whatever its hold)
        early = any(node == d_b and hold < 5 * h for r in rs for node, hold in r)
        return None if early and all(node != net.pickup["A"] for r in rs for node, _ in r) else 1.0

    def insert(rs, lots, vehicles, limit):  # (every step given up: the plan stays)
        seen.extend(hold for r in rs for node, hold in r if node == d_b)
        return None

    for slot_s, held in ((3600, True), (None, False)):
        seen.clear()
        improve(net, [list(r) for r in solved.routes], data.lots, evaluate=evaluate, insert=insert,
                deadline=Deadline.after(5.0), seed=1, late=lambda rs: set(), steps=40,
                unloaded=lambda rs: where, slot_s=slot_s)
        assert seen  # (some steps took A out and left B)
        assert all(hold == 5 * h for hold in seen) is held
        assert any(hold == 4 * h + 2700 for hold in seen) is not held


def test_a_step_puts_its_lots_back_most_valuable_first_readiest_first_or_at_random(rk):
    lots = [rk.lot("A", "f1", 100, ready_h=6.0, value=1.0), rk.lot("B", "f1", 100, ready_h=4.0, value=3.0),
            rk.lot("C", "f1", 100, ready_h=5.0, value=2.0), rk.lot("D", "f1", 100, ready_h=7.0, value=4.0)]
    rng = random.Random(7)
    seen = {tuple(lot.id for lot in _recreate_order(lots, rng)) for _ in range(60)}
    assert ("D", "B", "C", "A") in seen  # by value
    assert ("B", "C", "A", "D") in seen  # by readiness (the harvest waves' order)
    assert len(seen) > 2 and all(sorted(order) == ["A", "B", "C", "D"] for order in seen)  # and shuffled
    assert set(ORDERS) == {"value", "ready", "random"}
    one, two = random.Random(3), random.Random(3)  # the same seed, the same orders
    assert [[lot.id for lot in _recreate_order(lots, one)] for _ in range(8)] == \
        [[lot.id for lot in _recreate_order(lots, two)] for _ in range(8)]


def test_the_judge_rejects_a_pickup_outside_its_window(rk):
    """The judge of the ruin-and-recreate steps holds the checker's pickup
    window (a route re-timed from PyVRP's holds once picked a lot up 16 min
    after its latest pickup, gen-500 at 30 s): B may be picked up until
    05:00; held to 05:30 the route is rejected, at 04:30 it is priced."""
    from planner.routing.engine import _judge

    case = rk.case([rk.ph(), rk.site("f1", 3.0)], [rk.vehicle()], [rk.lot("B", "f1", 150, latest_h=5.0)])
    params = RoutingParams(time_limit_s=5.0)
    net, table, data = rk.model_input(case, params)
    (d_b,) = net.delivery["B"].values()
    h = rk.HOUR
    judge = _judge(net, table, [3 * h], params, data)
    late = [[(net.pickup["B"], 5 * h + 1800), (d_b, 6 * h)]]
    in_time = [[(net.pickup["B"], 4 * h + 1800), (d_b, 5 * h)]]
    assert judge.cost(late) is None
    assert judge.cost(in_time) is not None and judge.cost(in_time) == judge.price(in_time)
    late_route = _result(net, table, Solved(late, [3 * h], [3 * h], 0, None), late)
    assert any("outside its window" in v.message for v in check_result(case, late_route))


def _scripted(values):
    """An ``evaluate`` giving ``values`` in turn (the first for the start)."""
    calls = iter(values)
    return lambda _routes: next(calls)


def test_the_walk_may_go_up_within_the_threshold_and_the_best_plan_is_the_result(rk):
    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]

    def put_back(rs, _lots, _vehicles, _limit):  # every step recreates the plan it ruined
        rs[:] = [list(r) for r in first]
        return []

    def run(values, threshold):
        return improve(net, first, data.lots, evaluate=_scripted(values), insert=put_back,
                       deadline=Deadline.after(30.0), seed=1, late=lambda rs: set(), steps=3, threshold=threshold)

    # 101 is within 2 % of the best (100) at the start: walked to; then 99.5, the new best; 103 is not
    walked = run([100.0, 101.0, 99.5, 103.0], 0.02)
    assert (walked.cost, walked.kept, walked.steps) == (99.5, 2, 3)
    descent = run([100.0, 101.0, 99.5, 103.0], 0.0)  # a descent refuses 101 and takes 99.5
    assert (descent.cost, descent.kept) == (99.5, 1)
    # the threshold falls with the steps: 103.2 is refused at the third step (limit 100 x (1 + 0.05 / 3))
    # though 103.3 would have passed at the second; a walk that never beats the start returns the start
    up = run([100.0, 101.0, 101.5, 103.2], 0.05)
    assert (up.cost, up.kept) == (100.0, 2)


def test_a_stalled_walk_restarts_from_the_best_plan_with_a_step_it_keeps(rk, monkeypatch):
    """``STALL_STEPS`` (3 here) plus two per lot (2 lots: 7) steps without a
    cheaper plan: the walk goes back to the best plan and keeps the next
    step whatever it costs (150 against the best 100, beyond the
    threshold), then walks on (99: the new best)."""
    from planner.routing import improve as improve_module

    monkeypatch.setattr(improve_module, "STALL_STEPS", 3)
    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]

    def put_back(rs, _lots, _vehicles, _limit):
        rs[:] = [list(r) for r in first]
        return []

    done = improve(net, first, data.lots, evaluate=_scripted([100.0, *[200.0] * 7, 150.0, 99.0]), insert=put_back,
                   deadline=Deadline.after(30.0), seed=1, late=lambda rs: set(), steps=9)
    assert (done.cost, done.kept, done.steps, done.restarts) == (99.0, 2, 9, 1)
    stalled = improve(net, first, data.lots, evaluate=_scripted([100.0, *[200.0] * 8]), insert=put_back,
                      deadline=Deadline.after(30.0), seed=1, late=lambda rs: set(), steps=8)
    assert (stalled.cost, stalled.kept, stalled.restarts) == (100.0, 1, 1)  # the kick is kept; the best is the result


def test_a_step_whose_lots_cost_more_than_the_limit_is_given_up_unjudged(rk, monkeypatch):
    """Each step's insert hears the day cost a plan must stay under to be
    taken: the current plan's or the best's plus the threshold, whichever is
    higher (100 x 1.02 at the first of 4 steps; 100 x (1 + 0.02 x 3 / 4) at
    the last); an insert that gives up (None) is not judged. A restart's
    kick, taken whatever it costs, has no limit (a restart after 4 fruitless
    steps here)."""
    from planner.routing import improve as improve_module

    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]
    limits, judged = [], []

    def give_up(rs, _lots, _vehicles, limit):
        limits.append(limit)
        return None

    def evaluate(rs):
        judged.append(rs)
        return 100.0

    done = improve(net, first, data.lots, evaluate=evaluate, insert=give_up, deadline=Deadline.after(30.0),
                   seed=1, late=lambda rs: set(), steps=4)
    assert (done.cost, done.steps, done.kept, len(judged)) == (100.0, 4, 0, 1)  # the start alone judged
    assert [round(x, 6) for x in limits] == [102.0, 101.5, 101.0, 100.5]
    monkeypatch.setattr(improve_module, "STALL_STEPS", 0)  # (2 lots: a restart after 4 steps)
    limits.clear()
    improve(net, first, data.lots, evaluate=evaluate, insert=give_up, deadline=Deadline.after(30.0),
            seed=1, late=lambda rs: set(), steps=6)
    assert None not in limits[:4] and limits[4:] == [None, None]  # (the kick stands until a step is taken)


def test_restarts_that_find_nothing_cheaper_end_the_search(rk, monkeypatch):
    """``MAX_RESTARTS`` (5) restarts in a row without a cheaper plan end the
    search before its deadline: 6 stalls of 7 steps (3 + 2 per lot), 42 steps,
    each restart's kick kept."""
    from itertools import chain, repeat

    from planner.routing import improve as improve_module

    monkeypatch.setattr(improve_module, "STALL_STEPS", 3)
    assert improve_module.MAX_RESTARTS == 5
    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]

    def put_back(rs, _lots, _vehicles, _limit):
        rs[:] = [list(r) for r in first]
        return []

    values = chain([100.0], repeat(200.0))
    done = improve(net, first, data.lots, evaluate=lambda _rs: next(values), insert=put_back,
                   deadline=Deadline.after(3600.0), seed=1, late=lambda rs: set())
    assert (done.cost, done.steps, done.restarts, done.kept) == (100.0, 42, 5, 5)


def test_the_lots_sharing_an_intake_slot_are_removed_nearest_in_time_first():
    """The "same intake" ruin: the lots unloaded at the first lot's packing
    house within the window, nearest in time first (another house's lots
    and lots unloaded hours apart are not its slot's rivals)."""
    from planner.routing.improve import SLOT_WINDOW_S, _same_intake

    h = 3600
    where = {"A": ("ph1", 6 * h), "B": ("ph1", 6 * h + 900), "C": ("ph1", 6 * h - 300), "D": ("ph2", 6 * h),
             "E": ("ph1", 6 * h + SLOT_WINDOW_S + 1), "F": ("ph1", 6 * h - 900)}
    assert _same_intake(where, "A") == ["C", "B", "F"]  # 300 s, then 900 s (by id on a tie)


def test_neighbours_in_time_put_a_lot_ready_with_it_before_a_nearer_one_ready_hours_later(rk):
    """The "near in time" ruin's relatedness (Shaw's, space and time): X is
    3 km from A and ready with it, Y 1 km and ready 3 h later; by distance
    alone Y comes first, weighing the ready times X does."""
    from planner.routing.improve import RUINS, neighbours

    case = rk.case([rk.ph(), rk.site("fa", 5.0), rk.site("fx", 8.0), rk.site("fy", 6.0)], [rk.vehicle()],
                   [rk.lot("A", "fa", 100, ready_h=4.0), rk.lot("X", "fx", 100, ready_h=4.0),
                    rk.lot("Y", "fy", 100, ready_h=7.0)])
    net, _table, data = rk.model_input(case, RoutingParams(time_limit_s=5.0))
    assert neighbours(net, data.lots, count=2)["A"] == ["Y", "X"]
    assert neighbours(net, data.lots, count=2, ready_weight=1.0)["A"] == ["X", "Y"]
    assert set(RUINS) == {"near", "near in time", "same intake", "wave"}


def test_related_lots_are_the_pairs_sorted_by_travel_both_ways_and_ready_gap_ties_by_id(rk):
    """The matrix lookup ranks as a sort of every pair would: travel both
    ways with the loading at each end, plus the weight times the ready
    times' gap, ties to the smaller id (the embedded day, 240 lots, where
    many lots share a farm and a ready time)."""
    from pathlib import Path

    from planner.io import read_case
    from planner.routing.improve import related_lots

    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    net, _table, data = rk.model_input(case, RoutingParams(time_limit_s=5.0))
    lots = data.lots
    profile = net.vehicles[0].type.profile
    near, timed = related_lots(net, lots, count=12, ready_weights=(0.0, 1.0))
    for found, weight in ((near, 0.0), (timed, 1.0)):
        for lot in lots[::17]:
            a = net.pickup[lot.id]
            pairs = sorted((net.transit(profile, a, net.pickup[o.id]) + net.transit(profile, net.pickup[o.id], a)
                            + weight * abs(o.ready - lot.ready), o.id) for o in lots if o.id != lot.id)
            assert found[lot.id] == [oid for _, oid in pairs[:12]]
    assert len({tuple(v) for v in near.values()}) > 1


def test_the_judge_tells_where_and_when_each_lot_is_unloaded(rk):
    from planner.routing.engine import _judge

    case, net, table, params, data, solved = _day(rk)
    judge = _judge(net, table, solved.starts, params, data)
    _route, deliveries = build_route(net, table, 0, solved.starts[0], solved.routes[0])
    assert judge.unloaded(solved.routes) == {d.lot_id: (d.packing_house, d.delivered) for d in deliveries}
    assert set(judge.unloaded(solved.routes)) == {"A", "B"}


def test_a_lots_wave_is_the_trips_that_could_take_it_nearest_in_place_and_time(rk):
    """The "wave" ruin: the lots the vehicles able to carry L (600 kg: the
    truck, not the motorbike) unload about when L would be (ready, then
    straight to its house), nearest first by travel both ways plus the
    seconds between the unloadings: X (1 km away, unloaded 10 min after L's
    time), then Y (10 km away, on time), then Z (at L's farm, 3 h late);
    W rides the motorbike, which could not take L."""
    from planner.routing.improve import _wave

    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 4.0), rk.site("f3", 13.0)],
                   [rk.vehicle("truck", kg=1000, profile="truck"), rk.vehicle()],
                   [rk.lot("L", "f1", 600), rk.lot("X", "f2", 100), rk.lot("Y", "f3", 100),
                    rk.lot("Z", "f1", 100), rk.lot("W", "f2", 100)])
    net, _table, data = rk.model_input(case, RoutingParams(time_limit_s=5.0))
    truck = next(v for v, veh in enumerate(net.vehicles) if veh.type.id == "truck")
    moto = 1 - truck
    routes = [[], []]
    routes[truck] = [(net.pickup[x], 0) for x in "XYZ"]
    routes[moto] = [(net.pickup["W"], 0)]
    lot_l = next(lot for lot in data.lots if lot.id == "L")
    (node,) = net.delivery["L"].values()
    due = lot_l.ready + net.transit(net.vehicles[0].type.profile, net.pickup["L"], node)
    where = {"X": ("ph", due + 600), "Y": ("ph", due), "Z": ("ph", due + 3 * rk.HOUR), "W": ("ph", due)}
    assert _wave(net, routes, where, lot_l) == ["X", "Y", "Z"]


def test_each_lot_of_a_step_tries_the_routes_freed_and_those_of_its_neighbours(rk) -> None:
    case = rk.case([rk.ph(), *(rk.site(f"f{k}", 1.0 + k) for k in range(8))], [rk.vehicle(count=8)],
                   [rk.lot(f"L{k}", f"f{k}", 50) for k in range(8)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    routes = [[(net.pickup[f"L{k}"], 0), (*net.delivery[f"L{k}"].values(), 0)] for k in range(8)]  # L{k} on route k
    near = {"L0": ["L1", "L2", "L3", "L4", "L5", "L6", "L7"], "L1": ["L0", "L7"], "L9": ["L6"]}
    out = _vehicles(net, routes, {"L0", "L1", "L9"}, near, removed={"L0", "L1"})  # L9: a lot out of the plan
    assert NEAR_ROUTES == 4
    assert out == {"L0": {0, 1, 2, 3, 4, 5},  # routes 0 and 1 freed, then L2..L5's (L1 is re-inserted too)
                   "L1": {0, 1, 7}, "L9": {0, 1, 6}}


def test_the_judge_s_waste_is_what_each_lot_costs_beyond_its_least(rk):
    """B (dear) fetched on the second trip waits about 40 min in the
    orchard: it costs more beyond its least (picked up when ready, driven
    straight in) than when the idle motorbike fetches it at once; each
    lot's waste is its delivery's cost less that least."""
    from planner.routing.costs import lot_cost
    from planner.routing.engine import _judge
    from planner.routing.reinsert import least_added

    case, net, table, params, data, solved = _day(rk)
    judge = _judge(net, table, solved.starts, params, data)
    priced = lot_cost(case)

    def least(lot):
        return least_added(net, table, lot, data.bounds.get(lot.id), now=data.now, enforce_freshness=True,
                           lot_cost=priced)

    lots = {lot.id: lot for lot in case.lots}
    waiting = judge.waste(solved.routes, least)
    _, deliveries = build_route(net, table, 0, solved.starts[0], solved.routes[0])
    assert waiting == {d.lot_id: priced(lots[d.lot_id], d) - least(lots[d.lot_id]) for d in deliveries}
    assert all(w >= -1e-6 for w in waiting.values())
    h = rk.HOUR
    (d_a,), (d_b,) = net.delivery["A"].values(), net.delivery["B"].values()
    apart = [[(net.pickup["A"], 4 * h), (d_a, 4 * h + 600)], [(net.pickup["B"], 4 * h), (d_b, 4 * h + 900)]]
    assert judge.waste(apart, least)["B"] < waiting["B"] - 1.0


def test_the_worst_lots_come_first_ties_by_id_the_kept_ones_never():
    from planner.routing.improve import _worst

    def waste(_routes):
        return {"a": 1.0, "c": 3.0, "b": 3.0, "k": 9.0}

    assert _worst(waste, [], frozenset({"k"})) == ["b", "c", "a"]
    assert _worst(None, [], frozenset()) == []


def test_a_step_s_first_lot_is_drawn_from_the_late_the_worst_or_any():
    """Half of the steps start from a late lot (or one left out) when there
    are some, the rest from any movable lot; with none, WORST of them from
    the worst lots, the first of them far more often than the last."""
    from planner.routing.improve import WORST, _first

    rng = random.Random(3)
    movable = [f"L{k:02d}" for k in range(20)]
    worst = list(reversed(movable))  # L19 costs most beyond its least
    draws = [_first(rng, [], worst, movable) for _ in range(20_000)]
    share = {lot: draws.count(lot) / len(draws) for lot in movable}
    uniform = (1 - WORST) / len(movable)
    assert share["L19"] > uniform + WORST * 0.3  # P(rank 0) = (1/20) ** (1/3) = 0.37
    assert abs(share["L00"] - uniform) < 0.01  # the last of the worst: almost only as any lot
    with_late = [_first(rng, ["L05"], worst, movable) for _ in range(20_000)]
    assert 0.515 < with_late.count("L05") / 20_000 < 0.535  # 0.5 + 0.5 / 20: the worst lots not drawn
    assert 0.015 < with_late.count("L19") / 20_000 < 0.035
    assert _first(rng, [], [], ["X"]) == "X"


def test_frozen_lots_are_neither_removed_nor_put_in(rk):
    """A walk on its part of a plan (:mod:`.plan_parts`): its ``frozen``
    lots (the other parts') are never ruined, and one out of the plan is
    never put in; without ``frozen`` both are."""
    case, net, table, params, data, solved = _day(rk)
    first = [list(r) for r in solved.routes]
    (d_a,) = net.delivery["A"].values()
    without_a = [[v for v in first[0] if v[0] not in (net.pickup["A"], d_a)], []]
    for plan in (first, without_a):
        asked: list[str] = []

        def record(rs, lots, _vehicles, _limit, asked=asked, plan=plan):
            asked.extend(lot.id for lot in lots)
            rs[:] = [list(r) for r in plan]
            return []

        improve(net, plan, data.lots, evaluate=lambda _rs: 100.0, insert=record, deadline=Deadline.after(30.0),
                seed=3, late=lambda rs: set(), steps=30, frozen=frozenset({"A"}))
        assert asked and set(asked) == {"B"}
        asked.clear()
        improve(net, plan, data.lots, evaluate=lambda _rs: 100.0, insert=record, deadline=Deadline.after(30.0),
                seed=3, late=lambda rs: set(), steps=30)
        assert set(asked) == {"A", "B"}
