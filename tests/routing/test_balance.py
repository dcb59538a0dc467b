"""Fair shares: the balance option spreads the day among the riders, at a price shown in cost."""

from __future__ import annotations

from planner.routing import check_result, route_pickups


def _case(rk):
    """Two riders at the packing house; two lots of 50 kg at one farm 5 km
    (500 s) away, ready 04:00."""
    return rk.case([rk.ph(), rk.site("f", 5.0)], [rk.vehicle(kg=200, count=2)],
                   [rk.lot("A", "f", 50, ready_h=4), rk.lot("B", "f", 50, ready_h=4)])


def test_balancing_kg_gives_each_rider_a_lot_at_a_price_computed_by_hand(rk):
    """Alone, one rider takes both lots in one trip: 500 s out, 2 x 300 s
    loading, 500 s back, 600 s unloading = 2,200 s. Balanced (10,000 per kg
    of the busiest rider's load: 500,000 for 50 kg instead of 1,000,000 for
    100), each takes one: two days of 1,900 s. The price: the second rider's
    fixed cost (50,000), 10 km more at 2,000 (20,000) and 1,600 s more at
    30,000 an hour (13,333.33): 83,333.33."""
    case = _case(rk)
    alone = route_pickups(case, params=rk.fast)
    balanced = route_pickups(case, params=rk.fast.replace(balance="kg", balance_cost=10_000))
    assert check_result(case, alone) == [] and check_result(case, balanced) == []
    assert [r.duration_s for r in alone.routes] == [2200]
    assert (alone.stats["kg_max"], alone.stats["kg_min"]) == (100, 100)
    assert sorted(r.duration_s for r in balanced.routes) == [1900, 1900]
    assert (balanced.stats["kg_max"], balanced.stats["kg_min"]) == (50, 50)
    assert round(balanced.total_cost - alone.total_cost, 2) == 83_333.33


def test_a_balance_cheaper_than_a_second_rider_changes_nothing(rk):
    """At 100 per kg the busiest load costs 5,000 more, far below 83,333."""
    case = _case(rk)
    result = route_pickups(case, params=rk.fast.replace(balance="lots", balance_cost=100))
    assert check_result(case, result) == []
    assert len(result.routes) == 1 and result.stats["lots_max"] == 2
