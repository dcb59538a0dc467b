"""The one objective: what the search minimises is what the result reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.freshness import model_for
from planner.io import read_case
from planner.routing import check_result, route_pickups
from planner.routing.costs import route_cost, shelf_value_per_kg_s


def test_the_search_objective_is_the_day_cost_by_hand(rk):
    """One lot of 100 kg worth 1,000,000 (10,000 a kg) ready 04:00 at a farm
    5 km (500 s) from the packing house; ambient 30 C, an ambient motorbike.
    Picked 04:00, loaded 5 min, delivered 04:05 + 500 s: 800 s at 30 C, i.e.
    800 * rate(30) reference seconds, valued at 10,000 a kg over the
    product's reference shelf life. The vehicle: 50,000 fixed, 10 km at
    2,000, from 04:00 - 500 s to the end of the 10 min unloading (2,400 s)
    at 30,000 an hour. With the pre-cooling target priced the search's cost
    misses the ride's shelf life of a lot unloaded on time (the model puts
    the delivery's soft bound at the target, :mod:`planner.routing.model`):
    exactly the 800 s here; without it (``precool_late_weight`` 0) the two
    are one."""
    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 100, ready_h=4, latest_h=10, value=1_000_000)])
    search = rk.fast.replace(backend="ortools")  # (the OR-Tools search's objective against the day's cost)
    priced = route_pickups(case, params=search)
    result = route_pickups(case, params=search.replace(precool_late_weight=0.0))
    assert check_result(case, result) == []
    route = result.routes[0]
    assert route.duration_s == 500 + 300 + 500 + 600
    assert route.cost == pytest.approx(route_cost(case.vehicle_types[0], route.km * 1000, 1900))
    lot = case.lots[0]
    rate30 = float(model_for(case.products[0]).rate(30.0))
    per_kg_ref_s = 10_000 / case.products[0].ref_shelf_life_s
    assert shelf_value_per_kg_s(case, lot) == pytest.approx(per_kg_ref_s)
    assert result.shelf_life_cost == pytest.approx(per_kg_ref_s * 100 * rate30 * 800, rel=1e-3)
    assert result.objective == pytest.approx(result.day_cost, rel=2e-3)
    assert priced.day_cost == pytest.approx(result.day_cost) and priced.precool_late_cost == 0.0
    assert priced.objective == pytest.approx(result.day_cost - per_kg_ref_s * 100 * rate30 * 800, rel=2e-3)


def test_waiting_is_paid_in_the_search(rk):
    """Two lots of 50 kg at the same farm, ready 04:00 (worth 5,000,000) and
    07:00. One trip at 07:00 leaves the first lot 3 h more in the orchard at
    30 C: a tenth of its 30 h of shelf life at 30 C, 500,000. Two trips cost
    10 km more (20,000) and the rider's hours between them (about 3 h,
    90,000). The search prices both and makes two trips."""
    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 50, ready_h=4, latest_h=10, value=5_000_000), rk.lot("B", "f", 50, ready_h=7, latest_h=10)])
    for weight in (1.0, 0.0):  # the target priced or not (its ride before the target unpriced: see above)
        result = route_pickups(case, params=rk.fast.replace(precool_late_weight=weight, backend="ortools"))
        assert check_result(case, result) == []
        assert result.routes[0].trips == 2
    assert result.objective == pytest.approx(result.day_cost, rel=2e-3)


def test_the_plan_kpis_show_the_shelf_life_cost_and_the_shares(rk):
    """The plan's KPIs carry the routing's shelf-life cost, its day cost and
    the fair-share spread (kg and lots of the busiest and the least busy
    vehicle, counted here from the routes' pickups)."""
    from planner.assembly.kpis import routing_kpis

    case = rk.case([rk.ph(), rk.site("f", 5.0), rk.site("g", -5.0)], [rk.vehicle(kg=200, count=2)],
                   [rk.lot("A", "f", 100, ready_h=4), rk.lot("B", "g", 150, ready_h=4),
                    rk.lot("C", "g", 50, ready_h=4)])
    result = route_pickups(case, params=rk.fast)
    assert check_result(case, result) == [] and result.routes
    kg = {lot.id: lot.kg for lot in case.lots}
    per_kg = [sum(kg[i] for s in r.stops if s.kind == "pickup" for i in s.lot_ids) for r in result.routes]
    per_lots = [sum(len(s.lot_ids) for s in r.stops if s.kind == "pickup") for r in result.routes]
    kpis = routing_kpis(case, result)
    assert kpis["pickup_shelf_life_cost"] == round(result.shelf_life_cost) > 0
    assert kpis["pickup_day_cost"] == round(result.day_cost)
    assert (kpis["pickup_kg_per_vehicle_max"], kpis["pickup_kg_per_vehicle_min"]) == (max(per_kg), min(per_kg))
    assert kpis["pickup_kg_per_vehicle_spread"] == max(per_kg) - min(per_kg)
    assert (kpis["pickup_lots_per_vehicle_max"], kpis["pickup_lots_per_vehicle_min"]) == (max(per_lots),
                                                                                          min(per_lots))


def test_routing_and_consolidation_value_shelf_life_alike(rk):
    """One default: without a stated value, both price a kg-day of shelf life
    at what the orders pay per kg over the reference shelf life (not the
    lots' own value, which the routing used before)."""
    from dataclasses import replace

    from planner.consolidation.shelf_value import shelf_life_values
    from planner.domain import MarketRule
    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 100, value=1_000_000)])
    ref_days = case.products[0].ref_shelf_life_s / 86_400
    order = _order(case)
    with_orders = case.replace(orders=(order,), markets=(MarketRule("hanoi", "Hanoi", frozenset({"VN"})),))
    assert shelf_value_per_kg_s(with_orders, case.lots[0]) * 86_400 == pytest.approx(65_000 / ref_days)
    assert shelf_value_per_kg_s(with_orders, case.lots[0]) * 86_400 == pytest.approx(
        shelf_life_values(with_orders)["lychee"])
    stated = with_orders.replace(products=(replace(case.products[0], shelf_life_value_per_kg_day=1_234.0),))
    assert shelf_value_per_kg_s(stated, case.lots[0]) * 86_400 == pytest.approx(1_234.0)
    assert shelf_life_values(stated)["lychee"] == pytest.approx(1_234.0)


def _order(case):  # type: ignore[no-untyped-def]
    """One order of 100 kg of lychee paying 65,000 a kg."""
    from planner.domain import Channel, Destination, Location, Order

    dest = Destination(Location(21.0, 105.8), "Hanoi", "VN", "ph")
    return Order("O1", Channel.B2B, dest, "hanoi", "lychee", 100.0, 0, 0, 86_400, 0, 6_500_000.0)


def test_a_lot_left_out_costs_its_value_and_the_penalty(rk):
    """One rider (200 kg) and two lots of 150 kg ready 04:00 that must be
    picked by 04:30, 5 km east and 5 km west: one trip takes one lot, the
    other cannot be reached in time. The lot left out is the cheaper one
    (B, worth 2,000,000 against A's 3,000,000): the day's cost charges it
    the unassigned penalty plus its value, and that is what the search's
    objective counted too (pre-cooling target unpriced, so the search's
    cost is the exact one)."""
    case = rk.case([rk.ph(), rk.site("f", 5.0), rk.site("g", -5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 150, ready_h=4, latest_h=4.5, value=3_000_000),
                    rk.lot("B", "g", 150, ready_h=4, latest_h=4.5, value=2_000_000)])
    params = rk.fast.replace(precool_late_weight=0.0, unassigned_penalty=1_000_000.0, backend="ortools")
    result = route_pickups(case, params=params)
    assert check_result(case, result) == []
    assert [u.lot_id for u in result.unassigned] == ["B"]
    assert result.left_out_cost == 1_000_000 + 2_000_000
    assert result.day_cost == pytest.approx(result.total_cost + result.shelf_life_cost + 3_000_000)
    assert result.objective == pytest.approx(result.day_cost, rel=2e-3)
    assert "left out 3,000,000" in result.summary()


def test_the_plan_kpis_carry_the_left_out_cost(rk):
    """A lot too heavy for every vehicle is left out before the search: the
    plan's KPIs charge it (penalty + value) inside ``pickup_day_cost``."""
    from planner.assembly.kpis import routing_kpis

    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 100, ready_h=4), rk.lot("H", "f", 500, ready_h=4, value=7_000_000)])
    result = route_pickups(case, params=rk.fast.replace(unassigned_penalty=500_000.0, value_weight=2.0))
    kpis = routing_kpis(case, result)
    assert [u.lot_id for u in result.unassigned] == ["H"]
    assert kpis["pickup_left_out_cost"] == 500_000 + 2 * 7_000_000
    assert kpis["pickup_day_cost"] == round(result.total_cost + result.shelf_life_cost + result.precool_late_cost
                                            + 14_500_000)


def test_a_lots_cost_is_the_delivery_cost_to_the_float():
    """:func:`.costs.lot_cost` looks each product's terms up once; it must
    charge what :func:`.costs.delivery_cost` charges, to the last bit, on
    time and late (the search's plans depend on it), and a table's
    consumption what its rates' ``between`` say."""
    from planner.routing.costs import (
        delivery_cost,
        downgrade_losses_per_kg,
        lot_cost,
        shelf_values_per_kg_day,
    )
    from planner.routing.freshness import FreshnessTable
    from planner.routing.result import LotDelivery

    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    priced = lot_cost(case, shelf_life_weight=0.7, late_weight=1.3)
    shelf = {p: v * 0.7 for p, v in shelf_values_per_kg_day(case).items()}
    loss = {p: v * 1.3 for p, v in downgrade_losses_per_kg(case).items()}
    table = FreshnessTable(case)
    late = on_time = 0
    for lot in case.lots[:60]:
        budget = table.budget(lot.product)
        for k, hours in enumerate((0.5, 2.0, 9.0)):
            vt = case.vehicle_types[k % len(case.vehicle_types)]
            picked, delivered = lot.ready + 1800, lot.ready + int(hours * 3600)
            spent = table.consumed(lot, vt, picked, delivered)
            assert spent == (table.ambient(lot.product).between(lot.ready, picked)
                             + table.riding(lot.product, vt).between(picked, delivered))
            ref = case.product_by_id[lot.product].ref_shelf_life_s
            d = LotDelivery(lot.id, "h", vt.id, picked, delivered, ref - spent, budget - spent, lot.kg)
            assert priced(lot, d) == delivery_cost(case, lot, d, shelf_per_kg_day=shelf, loss_per_kg=loss)
            late += priced(lot, d) > delivery_cost(case, lot, d, shelf_per_kg_day=shelf, loss_per_kg={
                p: 0.0 for p in loss})
            on_time += 1
    assert 0 < late < on_time  # (both cases met)
