"""The public routing API on the tiny case folder and the catchment split."""

from __future__ import annotations

import pytest

from planner.domain.units import HOUR
from planner.routing import Reason, RoutingParams, check_result, route_pickups


def test_tiny_case_folder(tiny_case):
    messages: list[tuple[float, str]] = []
    result = route_pickups(tiny_case, params=RoutingParams(time_limit_s=2, solution_limit=100),
                           progress=lambda f, m: messages.append((f, m)))
    assert check_result(tiny_case, result) == []
    assert {d.lot_id for d in result.deliveries} == {"L1", "L2"}
    # L2 (400 kg) only fits the reefer; L1 goes by the cheap motorbike
    assert result.delivery_of("L2").vehicle_id == "reefer#1"
    assert result.delivery_of("L1").vehicle_id.startswith("moto#")
    assert messages[-1] == (1.0, "done") and all(0.0 <= f <= 1.0 for f, _ in messages)
    assert result.total_km == sum(r.km for r in result.routes) > 0
    assert "2 lots routed" in result.summary()


def test_shelf_life_left_is_reported(tiny_case):
    result = route_pickups(tiny_case, params=RoutingParams(time_limit_s=2, solution_limit=100))
    product = tiny_case.products[0]
    for d in result.deliveries:
        assert d.shelf_life_left_s - d.budget_left_s == pytest.approx(product.ref_shelf_life_s - product.precool_budget_s)
        assert 0 < d.budget_left_s <= product.precool_budget_s


def test_catchments_are_solved_apart(rk):
    # two packing houses 20 km apart, each with its motorbike and two lots nearby
    sites = [rk.ph("west", -10.0), rk.ph("east", 10.0), rk.site("w1", -12.0), rk.site("w2", -8.0),
             rk.site("e1", 12.0), rk.site("e2", 8.0), rk.site("nowhere", 0.0)]
    fleet = [rk.vehicle("mw", home="west"), rk.vehicle("me", home="east")]
    lots = [rk.lot(f"L-{f}", f, 80) for f in ("w1", "w2", "e1", "e2")] + [rk.lot("big", "w1", 900)]
    case = rk.case(sites, fleet, lots)
    # (the solution limit bounds the work; the time limit holds spawned workers' start, about 2 s on a busy CI)
    result = route_pickups(case, params=RoutingParams(time_limit_s=20, solution_limit=100, decompose=True))
    assert check_result(case, result) == []
    where = {d.lot_id: (d.packing_house, d.vehicle_id) for d in result.deliveries}
    assert where == {"L-w1": ("west", "mw#1"), "L-w2": ("west", "mw#1"),
                     "L-e1": ("east", "me#1"), "L-e2": ("east", "me#1")}
    assert [(u.lot_id, u.reason) for u in result.unassigned] == [("big", Reason.NO_VEHICLE_LARGE_ENOUGH)]
    assert all(r.stops[0].departure >= 3 * HOUR for r in result.routes)


def test_sectors_share_fleet_and_intake(rk):
    from planner.routing.decompose import catchments

    sites = [rk.ph(intake_kg_per_hour=1000.0)] + [rk.site(f"f{k}", km) for k, km in enumerate((-9, -5, 4, 8))]
    lots = [rk.lot(f"L{k}", f"f{k % 4}", 100) for k in range(8)]
    case = rk.case(sites, [rk.vehicle(count=5)], lots)
    parts = catchments(case, list(case.lots), max_lots=4)
    assert [len(p.lots) for p in parts] == [4, 4]
    assert sum(p.intake_share for p in parts) == pytest.approx(1.0)
    assert sorted(n for p in parts for _, n, _ in p.fleet) == [2, 3]
    offsets = sorted((o, n) for p in parts for _, n, o in p.fleet)
    assert offsets[1][0] == offsets[0][1]  # vehicle numbers continue, never repeat
    west = next(p for p in parts if any(lot.farm == "f0" for lot in p.lots))
    assert {lot.farm for lot in west.lots} == {"f0", "f1"}


def test_pyvrp_backend_on_the_tiny_case(tiny_case):
    result = route_pickups(tiny_case, params=RoutingParams(time_limit_s=1, backend="pyvrp"))
    assert check_result(tiny_case, result) == []
    assert {d.lot_id for d in result.deliveries} == {"L1", "L2"}
    assert result.delivery_of("L2").vehicle_id == "reefer#1"


def test_pyvrp_backend_refuses_fixed_routes(tiny_case):
    from planner.routing import FixedRoute, FixedStop

    with pytest.raises(ValueError, match="fixed routes"):
        route_pickups(tiny_case, params=RoutingParams(time_limit_s=1, backend="pyvrp"),
                      fixed=[FixedRoute("moto#1", (FixedStop("pickup", "L1"),))])
