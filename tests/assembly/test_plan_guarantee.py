"""plan_day returns only plans its independent checkers accept: what they
reject leaves the plan with its reason, or nothing is returned."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.assembly import DailyPlan
from planner.assembly import guarantee as g
from planner.assembly.check import check_plan
from planner.assembly.kpis import compute_kpis
from planner.assembly.supplies import supplies_from_deliveries
from planner.consolidation import ConsolidationResult
from planner.consolidation import Reason as OrderReason
from planner.exceptions import SolverError
from planner.routing import Reason as LotReason
from planner.routing import RoutingResult


def _rebuild(plan: DailyPlan):  # type: ignore[no-untyped-def]
    def rebuild(routing: RoutingResult, freight: ConsolidationResult) -> DailyPlan:
        made = tuple(supplies_from_deliveries(plan.case, routing.deliveries, precool_s=plan.params.precool_s))
        kpis = compute_kpis(plan.case, routing, made, freight, plan.params)
        return DailyPlan(plan.case, plan.params, plan.seed, routing, made, freight, kpis)
    return rebuild


def test_plan_day_returns_a_plan_that_passes_check(tiny_plan: DailyPlan) -> None:
    assert check_plan(tiny_plan.case, tiny_plan.to_json()).violations == []
    assert tiny_plan.kpis["plan_check"]["violations"] == 0


def _untreated(plan: DailyPlan) -> DailyPlan:
    """The US order's irradiation step removed from its shipment."""
    cons = plan.consolidation
    ships = [replace(s, treatments=()) if s.treatments else s for s in cons.shipments]
    assert ships != cons.shipments, "the tiny plan irradiates its US order"
    cons = replace(cons, shipments=ships, treatment_cost=0.0)
    return replace(plan, consolidation=cons, kpis=dict(plan.kpis))


def test_an_untreated_export_order_is_unserved_with_the_market_rule(tiny_plan: DailyPlan) -> None:
    broken = _untreated(tiny_plan)
    assert any("irradiation" in v for v in g.violations_of(broken))
    fixed = g.guaranteed(broken, _rebuild(broken))
    assert check_plan(fixed.case, fixed.to_json()).violations == []
    (u,) = [u for u in fixed.consolidation.unserved if u.order_id == "O2"]
    assert u.reason is OrderReason.MARKET_RULE and "irradiation" in u.detail
    assert "O2" not in fixed.consolidation.itineraries and "O1" in fixed.consolidation.itineraries
    assert fixed.kpis["plan_check"] == {"violations": 0, "lots_taken_out": 0, "orders_taken_out": 1}
    assert all("O2" not in s.order_ids for s in fixed.consolidation.shipments)


def test_a_lot_a_checker_rejects_leaves_with_its_reason_and_its_orders_follow(
        tiny_plan: DailyPlan, monkeypatch: pytest.MonkeyPatch) -> None:
    lot_id = next(d.lot_id for d in tiny_plan.routing.deliveries
                  if any(lot_id in it.supplies for it in tiny_plan.consolidation.itineraries.values()
                         for lot_id in [d.lot_id]))
    real = g.violations_of
    calls = []

    def once(plan: DailyPlan, **kw: object) -> list[str]:
        calls.append(1)
        extra = [f"{lot_id}: freshness budget exceeded by 0.500 reference h"] if len(calls) == 1 else []
        return extra + real(plan, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(g, "violations_of", once)
    fixed = g.guaranteed(tiny_plan, _rebuild(tiny_plan))
    (u,) = [u for u in fixed.routing.unassigned if u.lot_id == lot_id]
    assert u.reason is LotReason.SPOILS_BEFORE_REACHING and "budget" in u.detail
    users = [oid for oid, it in tiny_plan.consolidation.itineraries.items() if lot_id in it.supplies]
    assert users and all(oid not in fixed.consolidation.itineraries for oid in users)
    reasons = {u.order_id: u.reason for u in fixed.consolidation.unserved}
    assert all(reasons[oid] is OrderReason.NO_SUPPLY for oid in users)
    assert check_plan(fixed.case, fixed.to_json()).violations == []


def test_a_violation_no_repair_can_undo_means_no_plan(tiny_plan: DailyPlan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(g, "violations_of", lambda plan, **kw: ["the moon is in the wrong phase"])
    with pytest.raises(SolverError, match="not returned: the moon"):
        g.guaranteed(tiny_plan, _rebuild(tiny_plan))


def test_removing_orders_recosts_shipments(tiny_plan: DailyPlan) -> None:
    cons = tiny_plan.consolidation
    out = g.without_orders(tiny_plan.case, cons, {"O1": (OrderReason.CAPACITY, "test")},
                           params=g._cparams(tiny_plan))
    assert "O1" not in out.itineraries and any(u.order_id == "O1" for u in out.unserved)
    assert out.freight_cost == pytest.approx(sum(s.freight_cost for s in out.shipments))
    assert all(s.manifest and all(u.kg > 0 for u in s.units) for s in out.shipments)
    assert out.penalty > cons.penalty


def test_a_packing_house_message_takes_out_the_least_valuable_lot_of_the_slot_it_names(
        tiny_plan: DailyPlan) -> None:
    from planner.domain.clock import clock

    s = tiny_plan.case.settings
    d = max(tiny_plan.routing.deliveries, key=lambda d: d.delivered)
    slot = d.delivered // 3600 * 3600
    text = f"{d.packing_house}: intake 9,999 kg in the hour from {clock(slot, s.epoch, s.timezone)} > 5,000 kg/h"
    fix = g.attribute(tiny_plan, [text])
    in_slot = [x for x in tiny_plan.routing.deliveries if x.delivered // 3600 * 3600 == slot
               and x.packing_house == d.packing_house]
    value = {lot.id: lot.value for lot in tiny_plan.case.lots}
    assert list(fix.lots) == [min(in_slot, key=lambda x: value[x.lot_id]).lot_id]
    assert fix.lots[next(iter(fix.lots))][0] is LotReason.PACKING_HOUSE_CAPACITY


def test_freight_totals_that_do_not_add_up_are_added_up_again(tiny_plan: DailyPlan) -> None:
    broken = replace(tiny_plan, consolidation=replace(tiny_plan.consolidation,
                                                      freight_cost=tiny_plan.consolidation.freight_cost + 1e6),
                     kpis=dict(tiny_plan.kpis))
    assert any(v.startswith("result:") for v in g.violations_of(broken))
    fixed = g.guaranteed(broken, _rebuild(broken))
    assert fixed.consolidation.freight_cost == pytest.approx(tiny_plan.consolidation.freight_cost)
    assert fixed.consolidation.itineraries.keys() == tiny_plan.consolidation.itineraries.keys()


def test_an_order_the_freight_plan_lost_becomes_unserved_with_search_limit(tiny_plan: DailyPlan) -> None:
    """The demo once refused its plan: an order neither shipped nor reported unserved."""
    cons = tiny_plan.consolidation
    lost = sorted(cons.itineraries)[0]
    gone = g.without_orders(tiny_plan.case, cons, {lost: (OrderReason.CAPACITY, "")}, params=g._cparams(tiny_plan))
    gone = replace(gone, unserved=[u for u in gone.unserved if u.order_id != lost])
    broken = replace(tiny_plan, consolidation=gone, kpis=dict(tiny_plan.kpis))
    assert f"order {lost}: {g.LOST}" in g.violations_of(broken)
    fixed = g.guaranteed(broken, _rebuild(broken))
    assert check_plan(fixed.case, fixed.to_json()).violations == []
    (u,) = [u for u in fixed.consolidation.unserved if u.order_id == lost]
    assert u.reason is OrderReason.SEARCH_LIMIT
    assert fixed.kpis["plan_check"]["orders_taken_out"] == 1


def test_two_treatment_batches_on_one_shipment_keep_their_orders_in_plan_json(tiny_plan: DailyPlan) -> None:
    """A shipment carrying two irradiation batches (the irradiator's second run
    for another order) writes each batch's orders; read back, each order has
    its one step. Before, plan.json named no orders per step, the reader gave
    every step every order needing the treatment, and the check reported each
    order treated twice (the embedded day's work-bounded plan lost 8 orders)."""
    doc = tiny_plan.to_json()
    ship = next(s for s in doc["shipments"] if s["treatments"])
    (step,) = ship["treatments"]
    assert step["order_ids"] == ["O2"]
    assert check_plan(tiny_plan.case, doc).violations == []
    ship["treatments"] = [step, {**step, "order_ids": []}]  # a second batch holding none of the orders
    assert check_plan(tiny_plan.case, doc).violations == []
    for t in ship["treatments"]:
        del t["order_ids"]  # as a plan written before: each step takes O2
    assert any("needs one irradiation step" in v for v in check_plan(tiny_plan.case, doc).violations)


def test_an_edited_treatment_step_naming_an_order_off_its_shipment_is_a_violation(tiny_plan: DailyPlan) -> None:
    """``planner check`` on a plan.json whose treatment step names an order
    the shipment does not carry (another order of the case)."""
    doc = tiny_plan.to_json()
    ship = next(s for s in doc["shipments"] if s["treatments"])
    on_board = {m["order_id"] for m in ship["manifest"]}
    other = next(o.id for o in tiny_plan.case.orders if o.id not in on_board)
    ship["treatments"][0]["order_ids"] = [*ship["treatments"][0]["order_ids"], other]
    violations = check_plan(tiny_plan.case, doc).violations
    assert any(f"names {other}, not on its manifest" in v for v in violations), violations
