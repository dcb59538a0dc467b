"""The routes the search judged, recombined (planner.routing.route_pool)."""

from __future__ import annotations

import pytest

from planner.routing import RoutingParams, check_result, engine, route_pickups
from planner.routing.deadline import Deadline
from planner.routing.route_pool import Column, RoutePool, recombine

# three vehicles; routes are made-up visit lists (only their keys matter here)
PRICES = {"a": 1000.0, "b": 1000.0, "c": 1000.0, "d": 1000.0}  # a lot left out


def col(v: int, tag: int, lots: str, cost: float, slot_kg: float = 0.0) -> Column:
    return Column((v, ((tag, 0),)), cost, tuple(lots), float(len(lots)),
                  {("ph", 5): slot_kg} if slot_kg else {}, {})


def plan_of(*columns: Column, vehicles: int = 3) -> list[list[tuple[int, int]]]:
    out: list[list[tuple[int, int]]] = [[] for _ in range(vehicles)]
    for c in columns:
        out[c.key[0]] = list(c.key[1])
    return out


def pool_of(*columns: Column) -> RoutePool:
    pool = RoutePool()
    pool.extend(columns)
    return pool


def test_the_pool_keeps_a_route_once_and_gives_the_new_ones_once():
    pool = RoutePool()
    pool.extend([col(0, 1, "a", 5.0), col(0, 1, "a", 7.0)])  # (the same vehicle and visits)
    pool.extend([col(1, 2, "", 0.0)])  # (an empty route is kept but is no column)
    assert len(pool) == 2 and (0, ((1, 0),)) in pool
    assert [c.cost for c in pool.columns()] == [5.0]
    assert [c.cost for c in pool.take_new()] == [5.0, 0.0]
    assert pool.take_new() == []
    pool.extend([col(1, 3, "b", 3.0)])
    pool.forget_new()
    assert pool.take_new() == []


def test_the_pool_makes_columns_of_what_the_judge_gave_only_when_asked():
    made = []

    def column(key, judged):
        made.append(key)
        return Column(key, judged["cost"], judged["lots"], 1.0, {}, {})

    pool = RoutePool(column)
    pool.add((0, ((1, 0),)), {"cost": 4.0, "lots": ("a",)})
    assert made == []
    assert [c.cost for c in pool.take_new()] == [4.0] and made == [(0, ((1, 0),))]
    assert [c.cost for c in pool.columns()] == [4.0] and len(made) == 1  # (made once)
    with pytest.raises(TypeError, match="no column"):
        bare = RoutePool()
        bare.add((0, ((1, 0),)), {"cost": 4.0})
        bare.columns()


def test_a_full_pool_drops_its_oldest_quarter():
    pool = RoutePool(limit=8)
    pool.extend(col(0, k, "a", float(k)) for k in range(9))
    assert len(pool) == 7  # 8 kept, 2 dropped to make room for the ninth
    assert [c.cost for c in pool.columns()] == [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]


def test_routes_of_different_walks_recombine_into_a_cheaper_plan():
    # the walk's plan: vehicle 0 takes a and b (10), vehicle 1 takes c (10): 20
    best = plan_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0))
    # another walk's plan had vehicle 0 on a alone (3) and vehicle 1 on b and c (5): 8
    pool = pool_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0), col(0, 3, "a", 3.0), col(1, 4, "bc", 5.0),
                   col(2, 5, "abc", 30.0))
    plan = recombine(pool, best, {k: PRICES[k] for k in "abc"}, {"ph": 1e9}, {}, deadline=Deadline.after(5))
    assert plan == plan_of(col(0, 3, "a", 3.0), col(1, 4, "bc", 5.0))


def test_the_plan_recombined_keeps_the_intake_the_other_vehicles_leave():
    best = plan_of(col(0, 1, "ab", 10.0, slot_kg=300), col(1, 2, "c", 10.0, slot_kg=300))
    # the cheaper pair would unload 700 kg in the slot, which takes 650
    pool = pool_of(col(0, 1, "ab", 10.0, slot_kg=300), col(1, 2, "c", 10.0, slot_kg=300),
                   col(0, 3, "a", 3.0, slot_kg=350), col(1, 4, "bc", 5.0, slot_kg=350))
    found = recombine(pool, best, {k: PRICES[k] for k in "abc"}, {"ph": 650.0}, {}, deadline=Deadline.after(5))
    assert found is None
    # room for 700 kg: taken
    found = recombine(pool, best, {k: PRICES[k] for k in "abc"}, {"ph": 700.5}, {}, deadline=Deadline.after(5))
    assert found == plan_of(col(0, 3, "a", 3.0), col(1, 4, "bc", 5.0))


def test_a_lot_out_of_the_plan_is_taken_in_where_a_route_pays_for_it():
    best = plan_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0))  # d out: 1,000
    pool = pool_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0), col(1, 3, "cd", 60.0))
    found = recombine(pool, best, PRICES, {}, {}, deadline=Deadline.after(5))
    assert found == plan_of(col(0, 1, "ab", 10.0), col(1, 3, "cd", 60.0))
    # a route dearer than leaving it out is not taken
    pool = pool_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0), col(1, 3, "cd", 2000.0))
    assert recombine(pool, best, PRICES, {}, {}, deadline=Deadline.after(5)) is None


def test_nothing_is_recombined_past_the_deadline_or_from_routes_the_pool_lacks():
    best = plan_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0))
    pool = pool_of(col(0, 1, "ab", 10.0), col(1, 2, "c", 10.0), col(0, 3, "a", 3.0), col(1, 4, "bc", 5.0))
    prices = {k: PRICES[k] for k in "abc"}
    assert recombine(pool, best, prices, {}, {}, deadline=Deadline(0.0)) is None
    lacking = pool_of(col(0, 3, "a", 3.0), col(1, 4, "bc", 5.0))
    assert recombine(lacking, best, prices, {}, {}, deadline=Deadline.after(5)) is None


def test_the_same_pool_and_seed_recombine_the_same_way():
    columns = [col(v, 10 * v + k, lots, 1.0 + (7 * v + 3 * k) % 11)
               for v in range(3) for k, lots in enumerate(["ab", "c", "abc", "a", "bc", "b", "ac"])]
    best = plan_of(col(0, 2, "abc", 1.0 + 6))
    prices = {k: PRICES[k] for k in "abc"}
    first = recombine(pool_of(*columns), best, prices, {}, {}, deadline=Deadline.after(5), seed=4)
    again = recombine(pool_of(*columns), best, prices, {}, {}, deadline=Deadline.after(5), seed=4)
    assert first is not None and first == again


def test_a_time_limited_day_recombines_its_routes_and_passes_its_checks(monkeypatch, rk):
    """The search keeps its routes and recombines them in its last share;
    the plan passes the independent checker. Off (``recombine_share = 0``)
    no route is kept."""
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0), rk.site("f3", 6.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50), rk.lot("C", "f3", 80)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=4, workers=2, recombine_share=0.3), seed=1)
    assert not result.unassigned and not check_result(case, result)
    assert result.stats["improve_pool"] > 0 and result.stats["improve_recombined"] >= 0
    off = route_pickups(case, params=RoutingParams(time_limit_s=2, recombine_share=0.0), seed=1)
    assert off.stats["improve_pool"] == 0 and not check_result(case, off)


def test_a_recombined_plan_is_taken_only_when_judged_cheaper(monkeypatch, rk):
    """The engine judges what :func:`recombine` returns: a plan dearer by
    the exact checks and the day's cost (here every lot out) is not taken."""
    asked = []

    def worse(pool, best, left_out, intake, store, *, deadline, seed=0):
        asked.append(len(pool))
        return [[] for _ in best]

    monkeypatch.setattr(engine, "recombine", worse)
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=3, workers=1, recombine_share=0.3), seed=1)
    assert asked and asked[0] > 0
    assert not result.unassigned and not check_result(case, result)
    assert result.stats["improve_recombined"] == 0


def test_a_step_limited_search_keeps_no_routes(rk):
    """Under a solution limit the same seed gives the same plan on any
    machine: nothing is recombined in time that a machine's speed decides."""
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=5, solution_limit=5), seed=1)
    assert result.stats.get("improve_pool", 0) == 0 and not check_result(case, result)


@pytest.mark.parametrize("share", [-0.1, 0.6])
def test_recombine_share_out_of_range_is_refused(share):
    with pytest.raises(ValueError, match="recombine_share"):
        RoutingParams(recombine_share=share)
