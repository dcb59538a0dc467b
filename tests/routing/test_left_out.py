"""Why a lot the insertion's plan leaves out is out (planner.routing.left_out)."""

from __future__ import annotations

from planner.routing import Reason, RoutingParams, check_result, route_pickups
from planner.routing.engine import _violations_of
from planner.routing.left_out import why_left_out

from .conftest import FAST, lot, make_case, model_input, packing_house, site, vehicle


def _cold_store_case():  # type: ignore[no-untyped-def]
    ph = packing_house(cold_storage_kg=250.0, precooling=True)
    lots = [lot(k, "f", 100, value=v) for k, v in (("A", 3e6), ("B", 2e6), ("C", 1e6))]
    return make_case([ph, site("f", 2.0)], [vehicle(kg=400)], lots)


def test_a_lot_clean_alone_but_not_beside_the_plan_is_out_for_the_houses_capacity() -> None:
    """The cold store (250 kg) holds A and B; C's own trip is clean alone,
    refused beside them: the packing house's capacity. Beside an empty plan
    nothing refuses it (None: the fleet's reason)."""
    case = _cold_store_case()
    params = FAST
    net, table, data = model_input(case, params)
    planned = route_pickups(case, params=params, seed=1)
    assert {d.lot_id for d in planned.deliveries} == {"A", "B"}

    def check(ds):  # type: ignore[no-untyped-def]
        return _violations_of(net, table, ds, params, data)

    (c,) = [x for x in case.lots if x.id == "C"]
    reason = why_left_out(net, table, c, planned.deliveries, check, now=0)
    assert reason == (Reason.PACKING_HOUSE_CAPACITY, "the cold store of ph (250 kg) is full with lots of higher value")
    assert why_left_out(net, table, c, [], check, now=0) is None


def test_a_lot_the_fleet_has_no_time_for_is_out_for_the_fleet() -> None:
    """One motorbike, two lots of 150 kg 5 km apart on either side of the
    house, each to be picked up by 04:30: the more valuable goes, the other
    could go alone and nothing but the motorbike's time refuses it."""
    case = make_case([packing_house(), site("f", 5.0), site("g", -5.0)], [vehicle(kg=200)],
                     [lot("A", "f", 150, ready_h=4, latest_h=4.5, value=3_000_000),
                      lot("B", "g", 150, ready_h=4, latest_h=4.5, value=2_000_000)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=5.0, improve_steps=50), seed=1)
    assert result.objective is None  # (the insertion's plan)
    assert check_result(case, result) == []
    (u,) = result.unassigned
    assert u.lot_id == "B" and u.reason is Reason.FLEET_EXHAUSTED


def test_a_lot_refused_alone_is_out_for_that_rule() -> None:
    """The freshness budget (6 h at 30 C from 04:00) is spent at 10:00; the
    only motorbike starts at 10:30, so the lot's own trip is refused alone
    by the freshness check, and that is its reason (the engine's precheck
    finds such a lot before the search; this asks the module directly)."""
    case = make_case([packing_house(), site("f", 5.0)], [vehicle(kg=200, shift=(10.5, 14))],
                     [lot("A", "f", 100, ready_h=4, latest_h=13)], budget_h=6.0)
    params = RoutingParams(time_limit_s=5.0, solution_limit=50)
    net, table, data = model_input(case, params)

    def check(ds):  # type: ignore[no-untyped-def]
        return _violations_of(net, table, ds, params, data)

    reason = why_left_out(net, table, case.lots[0], [], check, now=0)
    assert reason is not None and reason[0] is Reason.SPOILS_BEFORE_REACHING
