"""Rush hours in the planner: the search plans with each arc's worst time over
the shift, the exact timing drives it the way the independent checker does."""

from __future__ import annotations

import dataclasses

from planner.domain import Location
from planner.domain.traffic import Corridor, SlowPeriod
from planner.routing import check_result, route_pickups
from planner.routing.network import build_network
from planner.travel import GreatCircleProvider

H = 3600


def _rush_case(rk, periods):
    case = rk.case([rk.ph(), rk.site("f", 10.0)], [rk.vehicle(kg=200)],
                   [rk.lot("A", "f", 150, ready_h=4, latest_h=10)])
    road = Corridor("road", "the road east", (Location(21.3, 106.49), Location(21.3, 106.7)), width_m=500)
    travel = dataclasses.replace(case.settings.travel, corridors=(road,), slow_periods=tuple(periods))
    return case.replace(settings=dataclasses.replace(case.settings, travel=travel))


def _free_seconds(case) -> int:
    locs = [case.site_by_id["ph"].location, case.site_by_id["f"].location]
    return int(GreatCircleProvider.from_settings(case.settings.travel).matrix(locs, locs, "motorbike").seconds[0, 1])


def test_a_ride_leaving_in_a_short_peak_is_timed_exactly_and_checks(rk):
    """Half speed on the road 04:00-04:10. The lot is ready at 04:00 at a farm
    F free-flow seconds away (F = 1000 s: 10 km at 36 km/h). The rider leaves
    at 04:00 - F (before the peak), loads 04:00-04:05, then rides back: 300 s
    of peak cover 150 free-flow s, the other F - 150 s at full speed, so the
    packing house is reached at 04:05 + F + 150 s. The search planned with the
    worst time of the shift (2 F) and holds the delivery to 04:05 + 2 F."""
    case = _rush_case(rk, [SlowPeriod("road", 4 * H, 4 * H + 600, 0.5)])
    free = _free_seconds(case)
    assert free == 1000
    result = route_pickups(case, params=rk.fast)
    assert check_result(case, result) == []
    start, farm, house, end = result.routes[0].stops
    assert start.departure == 4 * H - free
    assert (farm.arrival, farm.departure) == (4 * H, 4 * H + 300)
    assert house.arrival == 4 * H + 300 + free + 150
    assert house.service_after == 4 * H + 300 + 2 * free
    assert end.arrival == house.service_after + 600
    assert result.routes[0].duration_s == end.arrival - start.departure


def test_a_rider_setting_out_into_the_peak_leaves_early_enough(rk):
    """Half speed 03:30-04:00. The 30 min of peak cover 900 free-flow s, so
    to reach the farm (F = 1000 s) at 04:00 the rider rides 100 s before the
    peak: leaves at 03:28:20 and is 1900 s on the road."""
    case = _rush_case(rk, [SlowPeriod("road", 3 * H + 1800, 4 * H, 0.5)])
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    ph, farm = net.site_index("ph"), net.site_index("f")
    assert net.latest_departure("motorbike", ph, farm, 4 * H) == 3 * H + 1800 - 100
    assert net.drive("motorbike", ph, farm, 3 * H + 1800 - 100) == 1900
    assert net.drive("motorbike", ph, farm, 2 * H) == 1000  # before the peak: free flow
    assert net.seconds("motorbike", ph, farm) == 2000  # the search's worst time over the 03:00-14:00 shift
    result = route_pickups(case, params=rk.fast)
    assert check_result(case, result) == []
    assert result.routes[0].stops[0].departure == 3 * H + 1800 - 100
    # the legs looked up at once (the insertion's estimates): metres, the search's seconds, free flow
    legs = net.legs("motorbike")
    assert legs[ph, farm].tolist() == [net.metres("motorbike", ph, farm), 2000, 1000]
    assert legs.shape == (len(net.sites), len(net.sites), 3)


def test_the_checker_catches_a_plan_timed_without_the_rush_hours(rk):
    slow = _rush_case(rk, [SlowPeriod("road", 4 * H, 5 * H, 0.5)])
    flat = _rush_case(rk, [])
    result = route_pickups(flat, params=rk.fast)
    assert check_result(flat, result) == []
    assert any("driven as planned" in str(v) for v in check_result(slow, result))
