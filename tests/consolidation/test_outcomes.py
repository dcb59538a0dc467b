"""Honest search outcomes: the shipped plan's gap, the fallback to the
first-come-first-served plan, ``search_limit`` instead of a false ``cost``,
and cancelling a running search."""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import pytest

import planner.consolidation.solve as solve_module
from planner.casegen import CaseSpec, generate_case
from planner.consolidation import (
    ConsolidationParams,
    Reason,
    check_result,
    consolidate,
    supplies_from_lots,
)
from planner.consolidation.model import ClassSolution, solve_class_model


def two_orders(kit):
    # A rides a cheap truck; B alone would pay a 5 M truck for a 2.2 M penalty
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000),
             kit.lane("ph-far", "ph", "far", transit_h=30, per_unit=5_000_000)]
    orders = [kit.order("A", kg=10, deadline_h=30), kit.order("B", kg=10, hub="far", deadline_h=60)]
    return kit.case(lanes, orders), [kit.supply()]


def test_shipped_gap_is_measured_against_the_bound(kit):
    case, supplies = two_orders(kit)
    result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    shipped, bound = result.stats["shipped_objective"], result.stats["bound"]
    assert result.gap == pytest.approx(max(0.0, (shipped - bound) / shipped), abs=1e-9)
    assert result.gap <= kit.fast.fallback_gap and result.outcome == ()
    assert "class model" in result.bound_covers and "2 orders in 2 classes" in result.bound_covers
    # proven near-optimal: B is left out for its cost, and that is the reason given
    assert {u.order_id: u.reason for u in result.unserved} == {"B": Reason.COST}


def test_a_weak_bound_says_search_limit_not_cost(kit, monkeypatch, caplog):
    def weak(problem, **kw):
        return replace(solve_class_model(problem, **kw), bound=1.0)

    monkeypatch.setattr(solve_module, "solve_class_model", weak)
    case, supplies = two_orders(kit)
    with caplog.at_level(logging.WARNING, logger="planner.consolidation.solve"):
        result = consolidate(case, supplies, params=kit.fast)
    assert check_result(case, supplies, result, params=kit.fast) == []
    (b,) = result.unserved
    assert b.reason is Reason.SEARCH_LIMIT and "above its bound" in b.detail
    assert result.gap > kit.fast.fallback_gap
    assert any("above the proven bound" in line for line in result.outcome)
    assert "above the proven bound" in result.summary()
    assert any("above the proven bound" in r.getMessage() for r in caplog.records)


def test_no_class_plan_in_time_ships_first_come_first_served(kit, monkeypatch, caplog):
    def nothing(problem, **kw):
        return ClassSolution({}, {}, {c.index: c.kg for c in problem.classes}, math.inf,
                             -math.inf, "no_solution_found", 0.0)

    monkeypatch.setattr(solve_module, "solve_class_model", nothing)
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1"), kit.order("O2")])
    supplies = [kit.supply()]
    with caplog.at_level(logging.WARNING, logger="planner.consolidation.solve"):
        result = consolidate(case, supplies, params=kit.fast)
    assert result.method == "first-come-first-served" and math.isnan(result.gap)
    assert set(result.itineraries) == {"O1", "O2"}
    assert any("found no plan" in line for line in result.outcome)
    assert any("no lower bound" in line for line in result.outcome)
    assert any("found no plan" in r.getMessage() for r in caplog.records)
    assert check_result(case, supplies, result, params=kit.fast) == []


def test_worse_class_plan_falls_back_to_first_come_first_served(kit, monkeypatch):
    real = solve_module._class_plan

    def starved(ctx, problem, solution, report, deadline):  # a plan that serves nothing
        empty = replace(solution, flow={}, units={})
        monkeypatch.setattr(solve_module, "insert_cheapest", lambda ledger, left, **kw: left)
        return real(ctx, problem, empty, report, deadline)

    monkeypatch.setattr(solve_module, "_class_plan", starved)
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1"), kit.order("O2")])
    supplies = [kit.supply()]
    result = consolidate(case, supplies, params=kit.fast)
    assert result.method == "first-come-first-served"
    assert set(result.itineraries) == {"O1", "O2"}
    assert any("worse than the first-come-first-served plan" in line for line in result.outcome)
    assert result.stats["class-mip_objective"] > result.stats["first-come-first-served_objective"]


class Cancelled(Exception):
    pass


def test_cancel_stops_the_class_model_search():
    case = generate_case(CaseSpec(seed=7, n_farms=30, n_lots=40, n_orders=1500))
    supplies = supplies_from_lots(case)
    seen: list[str] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if message == "class model: searching":
            raise Cancelled

    with pytest.raises(Cancelled):
        consolidate(case, supplies, params=ConsolidationParams(time_limit_s=60, relative_gap=0.0),
                    progress=progress)
    assert seen[-1] == "class model: searching"


def test_swap_makes_room_for_a_large_order_at_the_only_house_that_can_hold_it(kit):
    from planner.consolidation.context import build_context
    from planner.consolidation.ledger import Ledger
    from planner.consolidation.repair import swap_in
    from planner.domain import Location, Site, SiteKind

    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000),
             kit.lane("ph2-hub", "ph2", "hub", per_unit=100_000)]
    big, small = kit.order("big", kg=40, value=4_000_000), kit.order("small", kg=30)
    case = kit.case(lanes[:1], [big, small])
    ph2 = Site("ph2", "ph2", SiteKind.PACKING_HOUSE, Location(21.3, 106.5), precooling=True)
    case = case.replace(sites=(*case.sites, ph2), lanes=tuple(lanes))
    supplies = [kit.supply("S1", kg=50), replace(kit.supply("S2", kg=35), site="ph2")]
    ledger = Ledger(build_context(case, supplies, kit.fast))
    at_ph = next(it for it in ledger.ctx.candidates(small) if it.origin == "ph")
    assert ledger.place(small, at_ph)  # small takes 30 of the 50 kg the big order needs
    assert swap_in(ledger, [big]) == []
    origin = {oid: p.itinerary.origin for oid, p in ledger.placements.items()}
    assert origin == {"big": "ph", "small": "ph2"}
