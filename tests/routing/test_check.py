"""The independent checker fails plans that break a rule."""

from __future__ import annotations

import dataclasses

from planner.routing import check_result, route_pickups


def _plan(rk):
    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 150, ready_h=4), rk.lot("B", "f", 40, ready_h=4)])
    return case, route_pickups(case, params=rk.fast)


def _with_stop(result, k, **changes):
    route = result.routes[0]
    stops = list(route.stops)
    stops[k] = dataclasses.replace(stops[k], **changes)
    return dataclasses.replace(result, routes=[dataclasses.replace(route, stops=tuple(stops))])


def test_valid_plan_passes(rk):
    case, result = _plan(rk)
    assert check_result(case, result) == []


def test_arriving_too_early_is_caught(rk):
    case, result = _plan(rk)
    bad = _with_stop(result, 1, arrival=result.routes[0].stops[1].arrival - 60)
    assert any("driven as planned" in str(v) for v in check_result(case, bad))


def test_wrong_load_is_caught(rk):
    case, result = _plan(rk)
    bad = _with_stop(result, 1, load_kg=10.0)
    assert any("load after stop" in str(v) for v in check_result(case, bad))


def test_missing_lot_is_caught(rk):
    case, result = _plan(rk)
    bad = dataclasses.replace(result, deliveries=result.deliveries[:1], unassigned=[])
    assert any("neither routed nor unassigned" in str(v) for v in check_result(case, bad))


def test_spoiled_lot_is_caught(rk):
    case, result = _plan(rk)
    tight = case.replace(products=(dataclasses.replace(case.products[0], precool_budget_fraction=0.0005),))
    assert any("freshness budget exceeded" in str(v) for v in check_result(tight, result))


def test_intake_is_caught(rk):
    case, result = _plan(rk)
    small = dataclasses.replace(case.sites[0], intake_kg_per_hour=100.0)
    assert any("intake" in str(v) for v in check_result(case.replace(sites=(small, *case.sites[1:])), result))
