"""The exact search's judge: its certificate that the full checks find
nothing, and the same verdicts and day costs as the full checks."""

from __future__ import annotations

import random

from planner.routing import RoutingParams
from planner.routing.engine import _judge, _violations_of


def _houses_day(rk, **house):  # type: ignore[no-untyped-def]
    """One packing house (``house``: its intake or cold store), two
    motorbikes, lots A and B of 150 kg and C of 100 kg at 3, 5 and 4 km."""
    case = rk.case([rk.ph(**house), rk.site("f1", 3.0), rk.site("f2", 5.0), rk.site("f3", 4.0)],
                   [rk.vehicle(count=2)],
                   [rk.lot("A", "f1", 150), rk.lot("B", "f2", 150), rk.lot("C", "f3", 100)])
    params = RoutingParams(time_limit_s=5.0)
    net, table, data = rk.model_input(case, params)
    return case, net, table, params, data


def _trip(net, lot_id, pick_s, drop_s):  # type: ignore[no-untyped-def]
    (drop,) = net.delivery[lot_id].values()
    return [(net.pickup[lot_id], pick_s), (drop, drop_s)]


def test_a_slot_filled_to_its_intake_is_clean_and_one_over_it_is_rejected_by_the_full_checks(rk):
    """Intake 300 kg an hour: A and B (150 kg each) unloaded 05:00 and
    05:10 fill the 05:00 slot exactly: the certificate holds and the plan is
    priced; C (100 kg) unloaded there too is 100 kg over: the certificate
    fails, the full checks reject the plan."""
    case, net, table, params, data = _houses_day(rk, intake_kg_per_hour=300.0)
    h = rk.HOUR
    judge = _judge(net, table, [3 * h, 3 * h], params, data)
    full = [_trip(net, "A", 4 * h, 5 * h), _trip(net, "B", 4 * h, 5 * h + 600)]
    assert judge.clean([judge.route(v, r) for v, r in enumerate(full)])
    assert judge.cost(full) == judge.price(full)
    over = [full[0], full[1] + _trip(net, "C", 5 * h + 1200, 5 * h + 2400)]
    assert not judge.clean([judge.route(v, r) for v, r in enumerate(over)])
    deliveries = [d for v, r in enumerate(over) for d in judge.route(v, r).deliveries]
    assert _violations_of(net, table, deliveries, params, data)  # (the 05:00 slot holds 400 kg)
    assert judge.cost(over) is None
    later = [full[0], full[1] + _trip(net, "C", 5 * h + 1200, 6 * h)]  # C in the next slot: clean again
    assert judge.clean([judge.route(v, r) for v, r in enumerate(later)]) and judge.cost(later) is not None


def test_a_cold_store_filled_exactly_is_clean_and_one_over_it_is_rejected(rk):
    case, net, table, params, data = _houses_day(rk, cold_storage_kg=300.0)
    h = rk.HOUR
    judge = _judge(net, table, [3 * h, 3 * h], params, data)
    full = [_trip(net, "A", 4 * h, 5 * h), _trip(net, "B", 4 * h, 6 * h)]
    assert judge.clean([judge.route(v, r) for v, r in enumerate(full)]) and judge.cost(full) is not None
    over = [full[0] + _trip(net, "C", 5 * h + 1200, 7 * h), full[1]]
    assert not judge.clean([judge.route(v, r) for v, r in enumerate(over)]) and judge.cost(over) is None


def test_a_lot_over_its_budget_makes_its_route_unclean(rk):
    """A budget of 6 h at 30 C: A ready 04:00 and unloaded 09:30 keeps it,
    unloaded at 10:30 it does not (the full checks reject the plan)."""
    case, net, table, params, data = _houses_day(rk)
    h = rk.HOUR
    judge = _judge(net, table, [3 * h, 3 * h], params, data)
    kept, spoilt = [_trip(net, "A", 9 * h, 9 * h + 1800)], [_trip(net, "A", 9 * h, 10 * h + 1800)]
    assert judge.route(0, kept[0]).fresh and judge.cost(kept) is not None
    assert not judge.route(0, spoilt[0]).fresh and judge.cost(spoilt) is None


def test_the_judge_gives_the_full_checks_verdict_and_price_on_random_plans(rk):
    """Eight lots of 40-160 kg, three motorbikes, a house of 400 kg an hour
    and a cold store of 800 kg: 300 random plans (each lot on a random
    vehicle, unloaded in a random slot of 05:00-08:00, some left out). The
    judge's day cost equals the full checks' on every plan (None when they
    reject it), and both verdicts, and the certificate, occur."""
    rng = random.Random(5)
    farms = [rk.site(f"f{k}", 2.0 + k) for k in range(8)]
    lots = [rk.lot(f"L{k}", f"f{k}", 40 + 40 * (k % 4), value=1_000_000 * (1 + k)) for k in range(8)]
    case = rk.case([rk.ph(intake_kg_per_hour=400.0, cold_storage_kg=800.0), *farms],
                   [rk.vehicle(count=3, kg=400)], lots)
    params = RoutingParams(time_limit_s=5.0)
    net, table, data = rk.model_input(case, params)
    h = rk.HOUR
    judge = _judge(net, table, [3 * h] * 3, params, data)
    verdicts, cleans = set(), 0
    for _ in range(300):
        routes: list[list[tuple[int, int]]] = [[], [], []]
        clocks = [4 * h] * 3
        for lot in rng.sample(lots, rng.randint(4, 8)):
            v = rng.randrange(3)
            drop = max(clocks[v] + 1200, rng.choice([5, 6, 7]) * h + rng.randrange(0, 3000))
            routes[v] += _trip(net, lot.id, clocks[v], drop)
            clocks[v] = drop + 900
        built = [judge.route(v, r) for v, r in enumerate(routes) if r]
        deliveries = [d for b in built for d in b.deliveries]
        expected = None if (not all(b.inside for b in built)
                            or _violations_of(net, table, deliveries, params, data)) else judge.price(routes)
        assert judge.cost(routes) == expected
        verdicts.add(expected is None)
        cleans += judge.clean(built)
    assert verdicts == {True, False} and 0 < cleans < 300
