"""First come, first served skips itineraries that already refused an order
of the same kind at least as large: the plan is the one asking every
itinerary gives, on generated days of several sizes and seeds."""

from __future__ import annotations

import pytest

from planner.casegen import CaseSpec, generate_case
from planner.consolidation import ConsolidationParams, supplies_from_lots
from planner.consolidation.baselines import place_next_departure
from planner.consolidation.context import build_context
from planner.consolidation.ledger import Ledger


def _ask_every_itinerary(ledger: Ledger) -> list[str]:
    ctx = ledger.ctx
    versatility = {s.site: ctx.versatility(s.site) for s in ctx.supplies}
    left = []
    for order in sorted(ctx.orders, key=lambda o: (o.ordered, o.id)):
        its = sorted(ctx.candidates(order), key=lambda it: (
            it.first.cutoff, it.arrival, versatility[it.origin], it.index))
        if not any(ledger.place(order, it, grow=True) for it in its):
            left.append(order.id)
    return left


def _placements(ledger: Ledger) -> dict[str, tuple[int, tuple[tuple[str, float], ...]]]:
    return {oid: (p.itinerary.index, tuple((s.id, round(kg, 6)) for s, kg in p.lines))
            for oid, p in ledger.placements.items()}


@pytest.mark.parametrize(("seed", "lots", "orders"), [(3, 20, 400), (11, 15, 2500), (29, 12, 900)])
def test_the_plan_is_the_one_asking_every_itinerary_gives(seed: int, lots: int, orders: int) -> None:
    case = generate_case(CaseSpec(seed=seed, n_farms=20, n_lots=lots, n_orders=orders))
    ctx = build_context(case, supplies_from_lots(case), ConsolidationParams())
    fast, slow = Ledger(ctx), Ledger(ctx)
    left = place_next_departure(fast, ctx.orders)
    assert sorted(o.id for o in left) == sorted(_ask_every_itinerary(slow))
    assert _placements(fast) == _placements(slow)
    assert fast.placements, "a case where nothing is placed proves nothing"
    assert left, "a case where everything fits proves nothing about the refusals skipped"
