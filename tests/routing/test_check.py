"""The independent checker fails plans that break a rule."""

from __future__ import annotations

import dataclasses

import pytest

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


def _drive(case, stops):
    from planner.routing.check import retime
    from planner.travel import GreatCircleProvider

    lots = {lot.id: lot for lot in case.lots}
    return retime(case, case.vehicle_types[0], stops, GreatCircleProvider.from_settings(case.settings.travel), lots)


def test_the_re_timer_honours_planned_waits(rk):
    """5 km out at 36 km/h (10 m/s): about 500 s each way. Lot A is ready at
    04:00 and loads 5 min; unloading at the house takes 10 min. A planned wait
    at the house (service_after 05:00) holds the unloading until 05:00."""
    from planner.routing import Stop

    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)], [rk.lot("A", "f", 150, ready_h=4)])
    plan = [Stop("ph", "start", 3 * 3600, 3 * 3600, 0, 0.0), Stop("f", "pickup", 0, 0, 0, 0.0, ("A",)),
            Stop("ph", "delivery", 0, 0, 0, 0.0, ("A",)), Stop("ph", "end", 0, 0, 0, 0.0)]
    free = _drive(case, plan)
    ride = free.stops[1].arrival - 3 * 3600
    assert 490 <= ride <= 510
    assert free.picked["A"] == 4 * 3600  # waits for the harvest
    assert free.delivered["A"] == ("ph", 4 * 3600 + 300 + ride)
    held = _drive(case, [*plan[:2], dataclasses.replace(plan[2], service_after=5 * 3600), plan[3]])
    assert held.delivered["A"] == ("ph", 5 * 3600)
    assert (held.stops[2].arrival, held.stops[2].departure, held.stops[2].waiting) == (
        4 * 3600 + 300 + ride, 5 * 3600 + 600, 5 * 3600 - (4 * 3600 + 300 + ride))
    assert held.duration == 5 * 3600 + 600 - 3 * 3600
    vt = case.vehicle_types[0]
    assert held.cost == pytest.approx(vt.fixed_cost + vt.cost_per_km * held.metres / 1000
                                      + vt.cost_per_hour * held.duration / 3600)


def test_a_planned_wait_passes_and_the_same_route_without_it_is_caught(rk):
    """A route holding its delivery until 05:00 (service_after), with its
    deliveries and shelf life as the checker computes them, is valid; drop
    the service_after and the route's written times no longer hold."""
    from planner.routing import LotDelivery, RoutingResult, Stop
    from planner.routing.check import consumed

    case, _ = _plan(rk)
    plan = [Stop("ph", "start", 3 * 3600, 3 * 3600, 0, 0.0), Stop("f", "pickup", 0, 0, 0, 0.0, ("A", "B")),
            Stop("ph", "delivery", 0, 0, 0, 0.0, ("A", "B"), service_after=5 * 3600),
            Stop("ph", "end", 0, 0, 0, 0.0)]
    held = _drive(case, plan)
    vt, product = case.vehicle_types[0], case.products[0]
    deliveries = []
    for lot in case.lots:
        spent = consumed(case, lot, vt, held.picked[lot.id], held.delivered[lot.id][1])
        deliveries.append(LotDelivery(lot.id, "ph", "moto#1", held.picked[lot.id], held.delivered[lot.id][1],
                                      product.ref_shelf_life_s - spent, product.precool_budget_s - spent, lot.kg))
    route = held.route("moto#1", vt.id)
    assert check_result(case, RoutingResult([route], deliveries, [])) == []
    stops = list(route.stops)
    stops[2] = dataclasses.replace(stops[2], service_after=None)
    dropped = RoutingResult([dataclasses.replace(route, stops=tuple(stops))], deliveries, [])
    text = "\n".join(map(str, check_result(case, dropped)))
    assert "moto#1 stop 2 (ph): route says 04:" in text and "driven as planned" in text
    assert "A: reported picked up" in text  # delivered earlier than reported


def test_messages_give_clock_times(rk):
    case, result = _plan(rk)
    bad = _with_stop(result, 1, arrival=result.routes[0].stops[1].arrival - 60)
    text = " ".join(str(v) for v in check_result(case, bad))
    assert "12 Jun" in text and "(-1 min, +0 s)" in text


def test_in_rush_hours_the_re_timer_drives_at_the_slowed_speed(rk):
    """Every road at half speed 03:00-03:05: a 500 s ride leaving 03:00
    covers 150 free-flow s in the first 300 s, then 350 s at full speed:
    650 s (Ichoua-Gendreau-Potvin). The ride back, after 03:05, takes 500 s."""
    from planner.domain.traffic import SlowPeriod
    from planner.routing import Stop

    case = rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200)], [rk.lot("A", "f", 150, ready_h=3)])
    plan = [Stop("ph", "start", 3 * 3600, 3 * 3600, 0, 0.0), Stop("f", "pickup", 0, 0, 0, 0.0, ("A",)),
            Stop("ph", "delivery", 0, 0, 0, 0.0, ("A",)), Stop("ph", "end", 0, 0, 0, 0.0)]
    free = _drive(case, plan).stops[1].arrival - 3 * 3600
    travel = dataclasses.replace(case.settings.travel, slow_periods=(SlowPeriod("*", 3 * 3600, 3 * 3600 + 300, 0.5),))
    rush = case.replace(settings=dataclasses.replace(case.settings, travel=travel))
    slowed = _drive(rush, plan)
    assert slowed.stops[1].arrival - 3 * 3600 == free + 150
    back = slowed.stops[2].arrival - slowed.stops[1].departure
    assert back == free  # leaves the farm after the slow period
