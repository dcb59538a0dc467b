"""One deadline for the whole solve (planner.routing.deadline), driven by a
fake clock: every step after the search works towards it too."""

from __future__ import annotations

import pytest

from planner.routing import Reason, RoutingParams, backends, check_result, engine, route_pickups
from planner.routing.deadline import Deadline
from planner.routing.reinsert import reinsert

from .test_reinsert import _setup


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_deadline_left_share_and_minus() -> None:
    clock = FakeClock()
    d = Deadline.after(10.0, clock=clock)
    assert d.left() == 10.0 and not d.expired()
    clock.now += 4.0
    assert d.left() == 6.0
    half = d.share(0.5)
    assert half.left() == 3.0 and d.minus(2.0).left() == 4.0
    clock.now += 7.0
    assert d.left() == 0.0 and d.expired() and d.share(0.5).left() == 0.0
    with pytest.raises(ValueError, match="fraction"):
        d.share(0.0)
    with pytest.raises(ValueError, match="seconds"):
        Deadline.after(-1.0)


def test_reinsert_tries_no_lot_after_the_deadline(rk) -> None:  # type: ignore[no-untyped-def]
    case, net, table, bounds, routes, start = _setup(rk)
    b = [lot for lot in case.lots if lot.id == "B"]
    clock = FakeClock()
    passed = Deadline(clock.now, clock)
    untried: list[str] = []
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600, deadline=passed,
                    untried=untried) == []
    assert untried == ["B"]  # not reached: the lot's reason is the time limit, not the fleet
    live = Deadline(clock.now + 1.0, clock)
    untried.clear()
    assert reinsert(net, table, routes, [start], b, bounds, now=0, slot_s=3600, deadline=live,
                    untried=untried) == ["B"]
    assert untried == []


def _case():  # type: ignore[no-untyped-def]
    from .conftest import lot, make_case, packing_house, site, vehicle

    return make_case([packing_house(), site("f", 2.0), site("g", 4.0)], [vehicle(kg=200, count=2)],
                     [lot("A", "f", 150), lot("B", "g", 150)])


def test_the_search_ends_before_the_deadline_keeping_time_for_the_steps_after(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The model's solve gets the deadline minus ``close_time_share`` and
    ``improve_time_share`` of the limit (the steps after the search and the
    ruin-and-recreate search): round 0 ``1 - repair_time_share`` of it, the
    repair rounds share what is left."""
    clock = FakeClock()
    seen: list[float] = []
    real = engine.PickupModel.solve

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw["deadline"].left())
        clock.now += 1.0  # building the model and searching took a second
        return real(self, **{**kw, "deadline": Deadline.after(2.0)})

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    params = RoutingParams(time_limit_s=10.0, solution_limit=50, close_time_share=0.2, repair_time_share=0.3,
                           improve_time_share=0.1, backend="ortools")
    result = route_pickups(_case(), params=params, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert check_result(_case(), result) == []
    assert seen and seen[0] == pytest.approx(0.7 * 7.0)  # round 0: 70 % of the 7 s before the reserve
    assert all(left <= 7.0 - 1.0 for left in seen[1:])  # repair rounds: what is left, not past the reserve


def test_round_0_may_run_on_into_the_exact_search_share_for_its_first_plan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With ``improve_time_share`` above ``MIN_IMPROVE_SHARE``, round 0
    from scratch gets a hard deadline where the search would end with
    ``MIN_IMPROVE_SHARE`` (10 s: 10 * (1 - 0.1 - 0.5) = 4 s) and stops at
    its own share (70 % of 10 * (1 - 0.1 - 0.7) = 2 s: 1.4 s) once it has a
    plan; under ``solution_limit`` there is no such stop (the plan may not
    depend on the clock)."""
    clock = FakeClock()
    seen: list[tuple[float, float | None]] = []
    real = engine.PickupModel.solve

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        soft = kw.get("soft")
        seen.append((kw["deadline"].left(), None if soft is None else soft.left()))
        return real(self, **{**kw, "deadline": Deadline.after(0.5), "soft": None})

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    assert engine.MIN_IMPROVE_SHARE == 0.5
    params = RoutingParams(time_limit_s=10.0, close_time_share=0.1, improve_time_share=0.7, repair_time_share=0.3,
                           improve_steps=5, backend="ortools")
    result = route_pickups(_case(), params=params, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert check_result(_case(), result) == []
    assert seen[0] == (pytest.approx(4.0), pytest.approx(1.4))
    seen.clear()
    bounded = params.replace(solution_limit=20)
    route_pickups(_case(), params=bounded, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert seen[0] == (pytest.approx(1.4), None)
    seen.clear()
    half = params.replace(improve_time_share=0.5)  # no later deadline to run on to
    route_pickups(_case(), params=half, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert seen[0] == (pytest.approx(2.8), None)


def test_a_soft_deadline_ends_the_search_at_its_first_plan() -> None:
    """``PickupModel.solve(soft=...)``: a soft deadline already passed ends
    the search once it has a plan: one solution reported; without it the
    search goes on improving until the solution limit."""
    from planner.routing.freshness import FreshnessTable
    from planner.routing.model import ModelInput, PickupModel
    from planner.routing.network import build_network
    from planner.travel import GreatCircleProvider

    case = _case()
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=3)
    table = FreshnessTable(case)
    counts = []

    def lot_ids(c):  # type: ignore[no-untyped-def]
        return [lot.id for lot in c.lots]

    for soft in (Deadline(0.0), None):
        messages: list[str] = []
        params = RoutingParams(time_limit_s=30.0, solution_limit=50)
        model = PickupModel(net, ModelInput(lots=list(case.lots), bounds=dict.fromkeys(lot_ids(case))), params, table)
        solved = model.solve(deadline=Deadline.after(30.0), seed=1, progress=lambda _f, m, out=messages: out.append(m),
                             soft=soft)
        assert solved is not None
        counts.append(sum("solution cost" in m for m in messages))
    assert counts[0] == 1 < counts[1]


def test_after_the_deadline_no_extra_trip_is_tried_and_the_lots_say_why(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A search that used up the whole deadline (the clock moved past it
    while it ran) leaves the extra trips no time: the lots it did not place
    are unassigned with the reason, and the plan still passes the checker."""
    clock = FakeClock()

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        clock.now += 60.0
        return None

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    case = _case()
    late = route_pickups(case, params=RoutingParams(time_limit_s=5.0, backend="ortools"), seed=1,
                         deadline=Deadline.after(5.0, clock=clock))
    assert check_result(case, late) == [] and late.deliveries == []
    assert {u.lot_id for u in late.unassigned} == {"A", "B"}
    assert all(u.reason is Reason.SEARCH_LIMIT and "time limit (5 s for the pickup routes) ended before the "
               "search reached it" in u.detail for u in late.unassigned)
    # the same search on time: the extra trips place both
    monkeypatch.setattr(engine.PickupModel, "solve", lambda self, **kw: None)
    on_time = route_pickups(case, params=RoutingParams(time_limit_s=5.0, backend="ortools"), seed=1,
                            deadline=Deadline.after(5.0, clock=clock))
    assert {d.lot_id for d in on_time.deliveries} == {"A", "B"}


def test_each_catchment_gets_its_share_of_what_is_left(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Serial catchments: each part's deadline is its share (by lots) of what
    is left when it starts, so a part that ran late shortens the next."""
    from .conftest import lot, make_case, packing_house, site, vehicle

    clock = FakeClock()
    given: list[float] = []

    def part(job, progress=None, *, deadline=None):  # type: ignore[no-untyped-def]
        given.append(deadline.left())
        clock.now += 3.0 * len(job.case.lots)  # 3 s a lot, past its share
        return route_pickups(job.case, params=job.params.replace(time_limit_s=2.0, solution_limit=20), seed=1)

    monkeypatch.setattr(engine, "solve_part", part)
    case = make_case([packing_house("p1", 0.0), packing_house("p2", 40.0), site("f", 2.0), site("g", 38.0)],
                     [vehicle(home="p1", count=1), vehicle("moto2", home="p2", count=1)],
                     [lot("A", "f", 100), lot("B", "g", 100)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=10.0, decompose=True, workers=1), seed=1,
                           deadline=Deadline.after(10.0, clock=clock))
    assert check_result(case, result) == []
    assert given == [pytest.approx(5.0), pytest.approx(7.0)]  # half of 10 s; then all of the 7 s left


def test_no_model_is_built_when_less_time_is_left_than_building_it_takes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building the network took 3 s of a 10 s limit: round 0 has 0.7 x (9 -
    3) = 4.2 s, less than the 6 s a model is expected to take to build (twice
    the network), so none is built and the extra trips make the plan."""
    clock = FakeClock()
    real = engine.build_network

    def slow_network(*a, **kw):  # type: ignore[no-untyped-def]
        clock.now += 3.0
        return real(*a, **kw)

    def no_model(*a, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("no model should be built")

    monkeypatch.setattr(engine, "build_network", slow_network)
    for module in (engine, backends):  # the rounds' models (backends) and the triage's (engine)
        monkeypatch.setattr(module, "PickupModel", no_model)
    case = _case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=10.0), seed=1,
                           deadline=Deadline.after(10.0, clock=clock))
    assert check_result(case, result) == [] and {d.lot_id for d in result.deliveries} == {"A", "B"}


def test_no_model_is_built_when_the_time_left_holds_no_first_plan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building the network took 1.5 s of a 10 s limit: the steps after the
    search keep 1.5 x 1.5 = 2.25 s, the search 6.25 s, less than a model build
    (2 x 1.5 = 3 s) plus the fast start's first plan (2 builds): a model stopped
    mid-construction would leave most lots to the extra trips with no time for
    them, so none is built and the extra trips route every lot. Under a
    solution limit (plans bounded by work, not time) the model is built.
    (Without the ruin-and-recreate search's share, which would leave the
    search less still.)"""
    clock = FakeClock()
    real = engine.build_network
    built: list[int] = []

    def slow_network(*a, **kw):  # type: ignore[no-untyped-def]
        clock.now += 1.5
        return real(*a, **kw)

    class Counted(engine.PickupModel):  # type: ignore[misc, name-defined]
        def __init__(self, *a, **kw) -> None:  # type: ignore[no-untyped-def]
            built.append(1)
            super().__init__(*a, **kw)

    monkeypatch.setattr(engine, "build_network", slow_network)
    for module in (engine, backends):
        monkeypatch.setattr(module, "PickupModel", Counted)
    case = _case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=10.0, improve_time_share=0.0), seed=1,
                           deadline=Deadline.after(10.0, clock=clock))
    assert built == [] and check_result(case, result) == []
    assert {d.lot_id for d in result.deliveries} == {"A", "B"}
    bounded = route_pickups(case, params=RoutingParams(time_limit_s=10.0, solution_limit=5, improve_time_share=0.0),
                            seed=1,
                            deadline=Deadline.after(10.0, clock=clock))
    assert built and {d.lot_id for d in bounded.deliveries} == {"A", "B"}


def test_a_catchment_whose_turn_comes_after_the_deadline_is_not_built(monkeypatch, rk) -> None:  # type: ignore[no-untyped-def]
    """Two catchments solved one after the other; building the first one's
    network takes the whole limit (a busy machine): the second's network is
    never built (that overran gen-2000 at 1 s by 0.8 s), its lots are
    unassigned as the time limit's, and the plan checks."""
    from .test_parallel import _two_catchments

    clock = FakeClock()
    real = engine.build_network
    built: list[str] = []

    def slow_network(case, lots, **kw):  # type: ignore[no-untyped-def]
        built.append(lots[0].id)
        clock.now += 11.0
        return real(case, lots, **kw)

    monkeypatch.setattr(engine, "build_network", slow_network)
    case = _two_catchments(rk)
    result = route_pickups(case, params=rk.fast.replace(decompose=True, time_limit_s=10.0, workers=1), seed=1,
                           deadline=Deadline.after(10.0, clock=clock))
    assert built == ["L1"] and result.stats["catchments"] == 2
    late = {u.lot_id: u.reason for u in result.unassigned if u.lot_id.startswith("M")}
    assert late == dict.fromkeys(["M1", "M2", "M3"], Reason.SEARCH_LIMIT)
    assert check_result(case, result) == []


def test_with_committed_stops_the_search_keeps_no_time_for_the_exact_search(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A replan with a fixed route gets no ruin-and-recreate search (it
    would move committed stops), so none of the limit is kept for it: round
    0 has 70 % of the 8 s before the reserve, not of the 3 s that 0.5 of the
    limit for the exact search would leave (a replan at 2 s found no plan
    keeping its fixed routes in the 2 % that 0.88 left it)."""
    from planner.routing import FixedRoute, FixedStop

    clock = FakeClock()
    seen: list[float] = []
    real = engine.PickupModel.solve

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw["deadline"].left())
        clock.now += 1.0
        return real(self, **{**kw, "deadline": Deadline.after(2.0)})

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    params = RoutingParams(time_limit_s=10.0, solution_limit=50, close_time_share=0.2, repair_time_share=0.3,
                           improve_time_share=0.5, backend="ortools")
    fixed = [FixedRoute("moto#1", (FixedStop("pickup", "A"),))]
    result = route_pickups(_case(), params=params, seed=1, fixed=fixed, deadline=Deadline.after(10.0, clock=clock))
    assert check_result(_case(), result) == []
    assert seen and seen[0] == pytest.approx(0.7 * 8.0)
    seen.clear()
    free = route_pickups(_case(), params=params, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert check_result(_case(), free) == []
    assert seen and seen[0] == pytest.approx(0.7 * 3.0)  # without fixed routes 5 s are kept for the exact search


def test_under_a_solution_limit_the_search_keeps_a_fifth_of_the_limit_as_its_guard(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With the exact search's share at 0.88 the search would keep 2 % of
    the limit; under a solution limit (the time limit only guards) it keeps
    what it kept before that share, 1 - 0.1 - 0.7 of it: round 0 has 70 % of
    those 2 s, so that its work-bounded first plan arrives before the guard."""
    clock = FakeClock()
    seen: list[float] = []
    real = engine.PickupModel.solve

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw["deadline"].left())
        return real(self, **{**kw, "deadline": Deadline.after(2.0)})

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    params = RoutingParams(time_limit_s=10.0, solution_limit=50, close_time_share=0.1, improve_time_share=0.88,
                           backend="ortools")
    result = route_pickups(_case(), params=params, seed=1, deadline=Deadline.after(10.0, clock=clock))
    assert check_result(_case(), result) == []
    assert seen and seen[0] == pytest.approx(0.7 * (10.0 - 1.0 - 7.0))
