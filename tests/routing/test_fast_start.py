"""The fast start (planner.routing.backends._start): a first plan by local
cheapest insertion when the configured one is unlikely to come in time, and
one more round from it when round 0 found nothing. Driven by a fake clock."""

from __future__ import annotations

import pytest

from planner.routing import RoutingParams, backends, check_result, engine, route_pickups
from planner.routing.deadline import Deadline

from .test_deadline import FakeClock, _case

PCI = "parallel_cheapest_insertion"


def test_the_rule_by_the_time_left_against_the_model_build() -> None:
    p = RoutingParams()
    assert p.first_solution == PCI and p.fast_start
    assert backends._start(p, 10.0, 0.5, failed=False) == PCI  # 20 builds left
    assert backends._start(p, 3.0, 0.5, failed=False) == backends.FAST_START  # 6 builds left
    assert backends._start(p, 30.0, 0.5, failed=True) == backends.FAST_START  # round 0 found nothing
    # bounded by work (the same plan on any machine): only a failed round switches
    assert backends._start(p.replace(solution_limit=5), 0.1, 0.5, failed=False) == PCI
    assert backends._start(p.replace(fast_start=False), 0.1, 0.5, failed=True) == PCI
    assert backends._start(p.replace(first_solution="all_unperformed"), 0.1, 0.5, failed=True) == "all_unperformed"


def _recording(monkeypatch, clock: FakeClock, *, build_s: float, fail: set[str]) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """Record each solve's first-plan strategy and the seconds its deadline
    leaves; building a model takes ``build_s`` on ``clock``; a solve whose
    strategy is in ``fail`` finds nothing and spends its whole deadline."""
    calls: list[tuple[str, float]] = []
    real_init, real_solve = engine.PickupModel.__init__, engine.PickupModel.solve

    def init(self, *a, **kw):  # type: ignore[no-untyped-def]
        clock.now += build_s
        real_init(self, *a, **kw)

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        calls.append((kw["first_solution"], kw["deadline"].left()))
        if kw["first_solution"] in fail:
            clock.now += kw["deadline"].left()
            return None
        return real_solve(self, **{**kw, "deadline": Deadline.after(2.0)})

    monkeypatch.setattr(engine.PickupModel, "__init__", init)
    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    return calls


def test_a_round_0_that_found_nothing_leaves_all_that_is_left_to_a_fast_start(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Round 0 (parallel cheapest insertion) spends its 70 % of the 9 s before
    the reserve (no ruin-and-recreate share here) and finds nothing: the next solve starts fast with the 2.7 s
    left, and its plan (not the extra trips) is the day."""
    clock = FakeClock()
    calls = _recording(monkeypatch, clock, build_s=0.0, fail={PCI})
    case = _case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=10.0, improve_time_share=0.0), seed=1,
                           deadline=Deadline.after(10.0, clock=clock))
    assert [c[0] for c in calls] == [PCI, backends.FAST_START]
    assert calls[0][1] == pytest.approx(0.7 * 9.0) and calls[1][1] == pytest.approx(0.3 * 9.0)
    assert result.stats["fast_start"] == 1.0 and result.objective is not None  # a search's plan
    assert check_result(case, result) == [] and {d.lot_id for d in result.deliveries} == {"A", "B"}


def test_a_slow_model_build_leaves_too_little_for_the_configured_first_plan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building the model took 1 s of round 0's 6.3 s (a busy machine): 5.3 s
    is less than 10 builds, so the first plan is the fast one, and it may use
    the repair rounds' share too (the 8 s left before the reserve); with 0.1 s
    builds, the configured one."""
    clock = FakeClock()
    calls = _recording(monkeypatch, clock, build_s=1.0, fail=set())
    case = _case()
    slow = route_pickups(case, params=RoutingParams(time_limit_s=10.0, improve_time_share=0.0), seed=1,
                         deadline=Deadline.after(10.0, clock=clock))
    assert calls[0] == (backends.FAST_START, pytest.approx(9.0 - 1.0))
    assert slow.stats["fast_start"] == 1.0 and check_result(case, slow) == []
    calls.clear()
    quick_clock = FakeClock()
    calls = _recording(monkeypatch, quick_clock, build_s=0.1, fail=set())
    quick = route_pickups(case, params=RoutingParams(time_limit_s=10.0, improve_time_share=0.0), seed=1,
                          deadline=Deadline.after(10.0, clock=quick_clock))
    assert calls[0][0] == PCI and quick.stats["fast_start"] == 0.0
