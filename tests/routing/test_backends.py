"""The pickup search's backends behind one protocol (planner.routing.backends),
and the frozen input each round of the solve-and-repair loop solves."""

from __future__ import annotations

import dataclasses

import pytest

from planner.routing import Reason, RoutingParams, backends, check_result, engine, route_pickups
from planner.routing.backends import BACKENDS, Outcome, Round, backend_for
from planner.routing.model import ModelInput
from planner.routing.params import BACKEND_NAMES

from .test_deadline import _case


def test_every_name_the_params_accept_has_a_backend_stating_what_it_can_do() -> None:
    for name in BACKEND_NAMES:
        backend = backend_for(RoutingParams(backend=name))
        assert backend.name == name
        assert isinstance(backend.falls_back, bool) and isinstance(backend.prices_lateness, bool)
    assert not backend_for(RoutingParams(backend="pyvrp")).prices_lateness  # no lateness charge in its model
    assert backend_for(RoutingParams(backend="ortools")).falls_back


class _Nothing:
    """A backend that never finds a plan, recording the rounds it was given."""

    name = "ortools"
    prices_lateness = True

    def __init__(self, falls_back: bool) -> None:
        self.falls_back = falls_back
        self.rounds: list[Round] = []

    def solve(self, net, table, data, params, seed, rnd):  # type: ignore[no-untyped-def]
        self.rounds.append(rnd)
        return Outcome(None)


@pytest.mark.parametrize("falls_back", [True, False])
def test_the_loop_asks_the_backend_what_it_can_do_not_its_name(monkeypatch, falls_back: bool) -> None:  # type: ignore[no-untyped-def]
    """A backend that finds nothing: one that may fall back gets one more
    round, marked failed, with all that is left; one that may not gets
    none. Either way the extra trips make a plan the checker accepts."""
    fake = _Nothing(falls_back)
    monkeypatch.setitem(BACKENDS, "ortools", lambda: fake)
    case = _case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=5.0, improve_time_share=0.0, backend="ortools"), seed=1)
    assert [r.number for r in fake.rounds] == ([0, 1] if falls_back else [0])
    assert not fake.rounds[0].failed and not fake.rounds[0].has_plan and fake.rounds[0].hint is None
    if falls_back:
        assert fake.rounds[1].failed and fake.rounds[1].until.at == fake.rounds[1].fallback.at
    assert check_result(case, result) == [] and {d.lot_id for d in result.deliveries} == {"A", "B"}
    assert result.objective is None  # no search's plan: the extra trips'


def test_refused_makes_a_new_input_and_leaves_the_old_one_as_it_was() -> None:
    first = ModelInput(lots=(), bounds={}, intake_bans={("A", "ph"): ((0, 3599),)})
    second = first.refused(lots=["B"], houses=[("C", "ph")], slots=[(("A", "ph"), (3600, 7199))],
                           pins={("D", "ph"): (0, 3599)})
    assert second.banned == {"B"} and second.house_bans == {("C", "ph")}
    assert second.intake_bans == {("A", "ph"): ((0, 3599), (3600, 7199))}
    assert second.intake_pins == {("D", "ph"): (0, 3599)}
    assert first.banned == frozenset() and first.house_bans == frozenset() and first.intake_pins == {}
    assert first.intake_bans == {("A", "ph"): ((0, 3599),)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.banned = frozenset({"X"})  # type: ignore[misc]


def test_each_repair_round_solves_its_own_frozen_input(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Round 0's plan is refused lot A's intake slot 04:00-04:59 (the
    exact checks, forced here once): round 1 solves a new input with that
    ban, and round 0's input still has none."""
    seen: list[ModelInput] = []
    real_solve = backends.OrToolsBackend.solve

    def recording(self, net, table, data, params, seed, rnd):  # type: ignore[no-untyped-def]
        seen.append(data)
        return real_solve(self, net, table, data, params, seed, rnd)

    real_violations = engine._violations
    calls = [0]

    def refuse_once(net, table, solved, params, data):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 1:
            return {"A": (Reason.PACKING_HOUSE_CAPACITY, "forced", (("A", "ph"), (4 * 3600, 5 * 3600 - 1)))}
        return real_violations(net, table, solved, params, data)

    monkeypatch.setattr(backends.OrToolsBackend, "solve", recording)
    monkeypatch.setattr(engine, "_violations", refuse_once)
    case = _case()
    result = route_pickups(case, params=RoutingParams(time_limit_s=5.0, solution_limit=20, improve_time_share=0.0, backend="ortools"),
                           seed=1)
    assert len(seen) == 2 and seen[0] is not seen[1]
    assert seen[0].intake_bans == {} and seen[1].intake_bans == {("A", "ph"): ((4 * 3600, 5 * 3600 - 1),)}
    assert check_result(case, result) == []
    assert result.stats["repair_rounds"] == 1.0 and result.stats["repair_refused"] == 1.0


def _solves(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Count the OR-Tools model's solves (each call appends one)."""
    calls: list[int] = []
    real = engine.PickupModel.solve

    def solve(self, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, **kw)

    monkeypatch.setattr(engine.PickupModel, "solve", solve)
    return calls


def test_the_default_insertion_backend_plans_with_no_search_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The default backend builds no model: the exact insertion's day from
    empty days, improved by the exact search, is the plan; it passes the
    checker and serves both lots."""
    calls = _solves(monkeypatch)
    case = _case()
    params = RoutingParams(time_limit_s=5.0, improve_steps=50)
    assert params.backend == "insertion"
    result = route_pickups(case, params=params, seed=1)
    assert calls == [] and result.objective is None
    assert check_result(case, result) == [] and {d.lot_id for d in result.deliveries} == {"A", "B"}
    assert result.stats["improve_steps"] == 50.0


def test_under_a_solution_limit_the_insertion_makes_the_same_plan_with_as_many_steps(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Work-bounded: the exact search takes ``solution_limit`` steps, no
    model solves, and the same seed gives the same plan."""
    calls = _solves(monkeypatch)
    case = _case()
    params = RoutingParams(time_limit_s=30.0, solution_limit=20)
    first, second = (route_pickups(case, params=params, seed=4) for _ in range(2))
    assert calls == [] and first.stats["improve_steps"] == 20.0
    assert first.routes == second.routes and first.deliveries == second.deliveries
    assert check_result(case, first) == []


def test_where_the_insertion_cannot_make_the_whole_plan_the_ortools_search_makes_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A break rule (the insertion keeps days that need none), a balance
    asked, the exact search switched off: the OR-Tools model solves."""
    case = _case()
    ruled = case.replace(vehicle_types=tuple(dataclasses.replace(vt, break_after_s=3600, break_s=900)
                                            for vt in case.vehicle_types))
    params = RoutingParams(time_limit_s=5.0, improve_steps=50)
    for c, p in ((ruled, params), (case, params.replace(balance="kg", balance_cost=1000.0)),
                 (case, params.replace(improve_time_share=0.0))):
        calls = _solves(monkeypatch)
        result = route_pickups(c, params=p, seed=1)
        assert calls and result.objective is not None
        assert check_result(c, result) == []
