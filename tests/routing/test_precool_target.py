"""The pre-cooling target priced: a lot unloaded after it loses its kg times
the product's loss per kg, in the search, the extra trips and the KPIs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.routing import check_result, route_pickups
from planner.routing.costs import downgrade_losses_per_kg, precool_kpis

MIN = 60


def _case(rk):  # type: ignore[no-untyped-def]
    """Farms a (10 km east of the packing house) and b (11 km east), a
    motorbike of 200 kg at 36 km/h (10 m/s), ambient 30 C all day. Lot A
    (100 kg) ready 04:00 at a, lot B (100 kg) ready 04:30 at b, each worth
    1,000,000 (10,000 a kg; no orders: the lots' value per kg). Target 45
    min at 30 C, loss half the value per kg: 5,000 a late kg.

    One trip: A loaded 04:00-04:05, b at 04:06:40, B loaded 04:30-04:35,
    unloaded 04:35 + 1,100 s = 04:53:20: A 53 min 20 s after its harvest
    (late: 500,000), B 23 min 20 s; 21 km. Two trips: A unloaded 04:21:40
    (21 min 40 s), unloading to 04:31:40, b at 04:50, B loaded to 04:55,
    unloaded 05:13:20 (43 min 20 s: on time); 42 km, 21 km and about 21 min
    more (42,000 + 10,500) and 10 min less shelf life over 200 kg (at 30 C
    the reference life lasts 30 h: about 11,000 less). Unpriced, the one trip
    is cheaper by about 41,000; priced, it costs 500,000 more."""
    product = replace(rk.case([], [], []).products[0], precool_target_s=45 * MIN, precool_ambient_c=30.0,
                      downgrade_loss_share=0.5)
    case = rk.case([rk.ph(), rk.site("a", 10.0), rk.site("b", 11.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "a", 100, ready_h=4, latest_h=10), rk.lot("B", "b", 100, ready_h=4.5, latest_h=10)])
    return case.replace(products=(product,))


def _trips(result):  # type: ignore[no-untyped-def]
    return [r.trips for r in result.routes]


def test_pricing_the_target_makes_two_trips_where_one_leaves_a_lot_late(rk):
    case = _case(rk)
    assert downgrade_losses_per_kg(case) == {"lychee": pytest.approx(5_000.0)}
    before = route_pickups(case, params=rk.fast.replace(precool_late_weight=0.0))
    after = route_pickups(case, params=rk.fast)
    assert check_result(case, before) == [] and check_result(case, after) == []
    assert _trips(before) == [1] and _trips(after) == [2]
    d = {x.lot_id: x for x in after.deliveries}
    assert (d["A"].delivered - 4 * 3600) == pytest.approx(21 * MIN + 40, abs=5)
    assert (d["B"].delivered - 4.5 * 3600) == pytest.approx(43 * MIN + 20, abs=5)
    assert after.precool_late_cost == 0.0 and before.precool_late_cost == pytest.approx(500_000.0)
    assert before.total_cost < after.total_cost  # the vehicle's cost alone prefers one trip
    assert after.day_cost < before.day_cost - 400_000  # the day's cost, the target priced, two


def test_the_result_reports_the_late_lots_by_hand(rk):
    """The one-trip plan: 1 lot, 100 kg late, 500,000 lost; harvest to
    unloading 53 min 20 s and 23 min 20 s: mean (equal kg) and median
    38 min 20 s, longest 53 min 20 s; the day's cost adds the loss, and so
    do the plan's KPIs."""
    from planner.assembly.kpis import routing_kpis

    case = _case(rk)
    result = route_pickups(case, params=rk.fast.replace(precool_late_weight=0.0))
    assert check_result(case, result) == []
    s = result.stats
    assert (s["precool_late_lots"], s["precool_late_kg"]) == (1.0, 100.0)
    assert s["precool_late_cost"] == result.precool_late_cost == pytest.approx(500_000.0)
    assert s["precool_hours_mean"] == pytest.approx((38 * MIN + 20) / 3600, abs=10 / 3600)
    assert s["precool_hours_median"] == pytest.approx(s["precool_hours_mean"])
    assert s["precool_hours_max"] == pytest.approx((53 * MIN + 20) / 3600, abs=10 / 3600)
    assert result.day_cost == pytest.approx(result.total_cost + result.shelf_life_cost + 500_000.0)
    assert routing_kpis(case, result)["pickup_day_cost"] == round(result.day_cost)
    assert "1 lots (100 kg) unloaded after the pre-cooling target" in result.summary()
    lots = {lot.id: lot for lot in case.lots}
    assert precool_kpis(case, lots, result.deliveries).items() <= s.items()


def test_a_lot_no_vehicle_can_bring_on_time_is_not_charged_in_the_search(rk):
    """Farm 30 km out, target 45 min: the direct trip alone (50 min) is late
    whatever the plan, so the search prices only its shelf life (the loss
    is sunk) and the result still reports it late."""
    product = replace(rk.case([], [], []).products[0], precool_target_s=45 * MIN, precool_ambient_c=30.0)
    case = rk.case([rk.ph(), rk.site("far", 30.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "far", 100, ready_h=4, latest_h=10)]).replace(products=(product,))
    result = route_pickups(case, params=rk.fast.replace(backend="ortools"))  # (the OR-Tools search's objective)
    assert check_result(case, result) == []
    assert result.stats["precool_late_lots"] == 1.0
    assert result.objective == pytest.approx(result.day_cost - result.precool_late_cost, rel=2e-3)


def test_the_extra_trips_price_a_place_with_the_day_cost(rk):
    """A lot left out (100 kg, ready 04:00, 1 km from the packing house,
    target 45 min, 5,000 a late kg) and two idle motorbikes: ``late`` costs
    10,000 a day but starts at 05:00 (unloads about 05:15: late, 500,000
    lost), ``early`` costs 200,000 and starts at 03:00 (unloads about 04:08:
    on time). By the vehicles' cost alone the extra trip goes to ``late``;
    by the day's cost (route + shelf life + lateness), to ``early``."""
    from planner.routing.costs import lot_cost
    from planner.routing.engine import _bounds
    from planner.routing.freshness import FreshnessTable
    from planner.routing.network import build_network
    from planner.routing.params import RoutingParams
    from planner.routing.reinsert import reinsert
    from planner.travel import GreatCircleProvider

    product = replace(rk.case([], [], []).products[0], precool_target_s=45 * MIN, precool_ambient_c=30.0,
                      downgrade_loss_share=0.5)
    case = rk.case([rk.ph(), rk.site("f", 1.0)],
                   [rk.vehicle("late", fixed=10_000, shift=(5, 14)), rk.vehicle("early", fixed=200_000, shift=(3, 14))],
                   [rk.lot("A", "f", 100, ready_h=4, latest_h=10)]).replace(products=(product,))
    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    bounds = {lot.id: _bounds(net, table, lot, RoutingParams(), 0) for lot in lots}
    starts = [v.type.shift.start for v in net.vehicles]
    chosen = []
    for priced in (None, lot_cost(case)):
        routes: list[list[tuple[int, int]]] = [[], []]
        assert reinsert(net, table, routes, starts, lots, bounds, now=0, slot_s=3600, lot_cost=priced) == ["A"]
        chosen.append([net.vehicles[v].type.id for v, r in enumerate(routes) if r])
    assert chosen == [["late"], ["early"]]
    result = route_pickups(case, params=rk.fast)  # the search agrees
    assert check_result(case, result) == [] and [r.vehicle_type for r in result.routes] == ["early"]


def test_lots_left_late_beyond_the_ramp_are_triaged_and_the_plan_still_checks(rk):
    """Three lots of 100 kg ready 04:00 at the farm 10 km out, one 100 kg
    motorbike: three trips of 45 min, unloading about 04:22, 05:07 and
    05:52 against a 45 min target (04:45). The second and third are late by
    more than the 15 min ramp in the first plan: the triage search stops
    pricing their lateness (``triage_sunk`` 2), keeps the cheaper plan by
    the exact day cost, and the plan passes the independent checker."""
    product = replace(rk.case([], [], []).products[0], precool_target_s=45 * MIN, precool_ambient_c=30.0)
    case = rk.case([rk.ph(), rk.site("a", 10.0)], [rk.vehicle(kg=100)],
                   [rk.lot(x, "a", 100, ready_h=4, latest_h=10) for x in "ABC"]).replace(products=(product,))
    # (no ruin-and-recreate share: the triage needs the search's time after a plan)
    result = route_pickups(case, params=rk.fast.replace(late_ramp_s=900, improve_time_share=0.0))
    assert check_result(case, result) == []
    assert result.stats["precool_late_lots"] == 2.0
    assert result.stats["triage_sunk"] == 2.0 and result.stats["triage_kept"] in (0.0, 1.0)


def test_a_lot_only_a_cool_truck_carries_is_priced_on_its_pickup(rk):
    """300 kg, too heavy for the 200 kg motorbike: only the iced truck (12 C)
    carries it. Its ride spends little, so the search charges a pickup after
    ``pickup_by``: the instant the orchard at 30 C has spent the target's
    budget (45 min at 30 C) less the truck's direct ride plus the 30 min
    ride allowance at 12 C."""
    from planner.freshness import model_for
    from planner.routing.engine import _bounds
    from planner.routing.freshness import FreshnessTable
    from planner.routing.model import ModelInput, PickupModel
    from planner.routing.network import build_network
    from planner.routing.params import RoutingParams
    from planner.travel import GreatCircleProvider

    product = replace(rk.case([], [], []).products[0], precool_target_s=45 * MIN, precool_ambient_c=30.0)
    case = rk.case([rk.ph(), rk.site("a", 10.0)],
                   [rk.vehicle(kg=200), rk.vehicle("iced", kg=2_500, temp=rk.T.ICED, profile="truck")],
                   [rk.lot("A", "a", 300, ready_h=4, latest_h=10), rk.lot("B", "a", 100, ready_h=4, latest_h=10)]
                   ).replace(products=(product,))
    lots, params = list(case.lots), RoutingParams()
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    late = PickupModel.lateness(net, table, ModelInput(lots, {x.id: _bounds(net, table, x, params, 0) for x in lots}),
                                params)
    rate = model_for(product).rate
    direct = net.transit("truck", net.pickup["A"], next(iter(net.delivery["A"].values())))
    by = 4 * 3600 + (45 * MIN * rate(30.0) - rate(12.0) * (direct + params.ride_allowance_s)) / rate(30.0)
    assert late["A"].pickup_by == pytest.approx(by, abs=1)
    assert late["A"].after == late["A"].pickup_by + direct
    assert late["B"].pickup_by is None and late["B"].after == pytest.approx(4 * 3600 + 45 * MIN, abs=1)
