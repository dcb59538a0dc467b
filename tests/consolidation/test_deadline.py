"""Placing the orders the class model's plan left over stops at the time
limit: orders not tried by then are unserved with reason ``search_limit``
(never a reason nobody checked), and a plan bounded by nodes never looks at
the clock."""

from __future__ import annotations

from dataclasses import replace

import planner.consolidation.solve as solve_module
from planner.consolidation import Reason, check_result, consolidate
from planner.consolidation.context import build_context
from planner.consolidation.ledger import Ledger
from planner.consolidation.repair import insert_cheapest, swap_in


def test_orders_not_tried_by_the_deadline_are_handed_back_untried(kit) -> None:
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    orders = [kit.order("O1"), kit.order("O2")]
    ledger = Ledger(build_context(kit.case(lanes, orders), [kit.supply()], kit.fast))
    untried: list = []
    assert insert_cheapest(ledger, orders, deadline=0.0, untried=untried) == []
    assert sorted(o.id for o in untried) == ["O1", "O2"] and not ledger.placements
    assert sorted(o.id for o in swap_in(ledger, orders, deadline=0.0)) == ["O1", "O2"]
    assert sorted(o.id for o in insert_cheapest(ledger, orders)) == []  # no deadline: placed


def test_a_class_plan_out_of_time_says_search_limit(kit, monkeypatch) -> None:
    real = solve_module._class_plan

    def late(ctx, problem, solution, report, deadline):  # the model left everything over, time is up
        return real(ctx, problem, replace(solution, flow={}, units={}), report, 0.0)

    monkeypatch.setattr(solve_module, "_class_plan", late)
    monkeypatch.setattr(solve_module, "_fcfs_plan", lambda ctx: _nothing(ctx))
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1"), kit.order("O2")])
    supplies = [kit.supply()]
    result = consolidate(case, supplies, params=kit.fast)
    assert result.method == "class-mip"
    assert {u.order_id: u.reason for u in result.unserved} == {"O1": Reason.SEARCH_LIMIT,
                                                              "O2": Reason.SEARCH_LIMIT}
    assert all("time limit ran out" in u.detail for u in result.unserved)
    assert check_result(case, supplies, result, params=kit.fast) == []


def test_a_plan_bounded_by_nodes_places_every_order_whatever_the_clock(kit, monkeypatch) -> None:
    seen: list[float] = []
    real = solve_module._class_plan

    def spy(ctx, problem, solution, report, deadline):
        seen.append(deadline)
        return real(ctx, problem, solution, report, deadline)

    monkeypatch.setattr(solve_module, "_class_plan", spy)
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1")])
    result = consolidate(case, [kit.supply()], params=replace(kit.fast, node_limit=50))
    assert seen == [float("inf")] and not result.unserved


def _nothing(ctx):
    """A comparison plan that serves nothing (so the class plan is shipped)."""
    from planner.consolidation.packing import build_result
    from planner.consolidation.results import UnservedOrder

    ledger = Ledger(ctx)
    return build_result(ledger, [UnservedOrder(o.id, Reason.CAPACITY, "test") for o in ctx.orders],
                        method="first-come-first-served", gap=float("nan"), seconds=0.0)


def test_swaps_under_a_work_bound_stop_at_their_number(kit) -> None:
    from planner.domain import Location, Site, SiteKind

    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000), kit.lane("ph2-hub", "ph2", "hub", per_unit=100_000)]
    big, small = kit.order("big", kg=40, value=4_000_000), kit.order("small", kg=30)
    case = kit.case(lanes[:1], [big, small])
    ph2 = Site("ph2", "ph2", SiteKind.PACKING_HOUSE, Location(21.3, 106.5), precooling=True)
    case = case.replace(sites=(*case.sites, ph2), lanes=tuple(lanes))
    supplies = [kit.supply("S1", kg=50), replace(kit.supply("S2", kg=35), site="ph2")]

    def ledger_with_small() -> Ledger:
        ledger = Ledger(build_context(case, supplies, kit.fast))
        assert ledger.place(small, next(it for it in ledger.ctx.candidates(small) if it.origin == "ph"))
        return ledger

    spent = ledger_with_small()
    assert swap_in(spent, [big], max_tries=0) == [big]  # no swap left to try: unplaced, nothing moved
    assert {oid: p.itinerary.origin for oid, p in spent.placements.items()} == {"small": "ph"}
    one = ledger_with_small()
    assert swap_in(one, [big], max_tries=1) == []  # the one swap it needs
    assert {oid: p.itinerary.origin for oid, p in one.placements.items()} == {"big": "ph", "small": "ph2"}


def test_a_plan_bounded_by_nodes_bounds_its_swaps_by_number(kit, monkeypatch) -> None:
    seen: list[int | None] = []
    real = solve_module.swap_in

    def spy(ledger, orders, **kw):
        seen.append(kw.get("max_tries"))
        return real(ledger, orders, **kw)

    monkeypatch.setattr(solve_module, "swap_in", spy)
    lanes = [kit.lane("ph-hub", "ph", "hub", per_unit=100_000)]
    case = kit.case(lanes, [kit.order("O1")])
    consolidate(case, [kit.supply()], params=replace(kit.fast, node_limit=50))
    consolidate(case, [kit.supply()], params=kit.fast)
    assert seen == [solve_module.SWAP_TRIES, None]
