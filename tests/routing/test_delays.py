"""What a delay costs a route's lots, estimated (planner.routing.delays),
against the exact re-timer and the day's cost on tiny routes: ambient 30 C
all day (flat rates), motorbikes riding at ambient."""

from __future__ import annotations

import pytest

from planner.routing.costs import lot_cost
from planner.routing.delays import THRESHOLDS, delay_costs, due
from planner.routing.freshness import FreshnessTable
from planner.routing.network import build_network
from planner.routing.schedule import time_route
from planner.travel import GreatCircleProvider

H = 3600


def _route(rk, *, b_ready_h: float, budget_h: float = 6.0):
    """A at 3 km ready 04:00, B at 5 km ready ``b_ready_h``; one motorbike
    picks A up at 04:00, then B, and unloads both at the packing house."""
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle(kg=400)],
                   [rk.lot("A", "f1", 150), rk.lot("B", "f2", 150, ready_h=b_ready_h)], budget_h=budget_h)
    net = build_network(case, list(case.lots), travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    (d_a,), (d_b,) = net.delivery["A"].values(), net.delivery["B"].values()
    visits = [(net.pickup["A"], 4 * H), (net.pickup["B"], 0), (d_a, 0), (d_b, 0)]
    return case, net, table, visits


def _exact(case, net, table, visits, delay: int) -> float:
    """The change in the lots' cost when A's pickup (stop 1) starts ``delay`` later."""
    priced = lot_cost(case)
    lots = {lot.id: lot for lot in case.lots}
    before = time_route(net, table, 0, 3 * H, visits).deliveries
    held = [(visits[0][0], visits[0][1] + delay), *visits[1:]]
    after = time_route(net, table, 0, 3 * H, held).deliveries
    return sum(priced(lots[d.lot_id], d) for d in after) - sum(priced(lots[d.lot_id], d) for d in before)


@pytest.mark.parametrize("delay", [60, 600, 1800])
def test_a_delay_on_a_route_without_waits_costs_what_the_day_charges(rk, delay):
    case, net, table, visits = _route(rk, b_ready_h=4)
    steps = delay_costs(net, table, net.vehicles[0].type, time_route(net, table, 0, 3 * H, visits), lot_cost(case))
    assert steps.waits[-1] == 0
    assert steps.cost(1, delay) == pytest.approx(_exact(case, net, table, visits, delay), rel=0.01)
    assert steps.cost(1, 0) == 0.0 and steps.cost(len(visits) + 5, delay) == 0.0


def test_a_wait_at_a_later_stop_absorbs_the_delay(rk):
    # B is ready at 05:00: the motorbike waits at f2 about 50 minutes, so A
    # picked up later only spends in the orchard what it would have spent
    # on the motorbike at the same 30 C, and nothing is unloaded later
    case, net, table, visits = _route(rk, b_ready_h=5)
    timed = time_route(net, table, 0, 3 * H, visits)
    wait = timed.route.stops[2].waiting
    assert 2500 < wait < 3300
    steps = delay_costs(net, table, net.vehicles[0].type, timed, lot_cost(case))
    assert steps.cost(1, wait - 60) == pytest.approx(0.0, abs=1.0)
    assert _exact(case, net, table, visits, wait - 60) == pytest.approx(0.0, abs=1.0)
    over = wait + 900  # 15 minutes more than the wait: both unloaded 15 minutes later
    assert steps.cost(1, over) == pytest.approx(_exact(case, net, table, visits, over), rel=0.01)
    assert steps.cost(1, over) > 0


def test_a_delay_past_a_lots_target_adds_its_downgrade(rk):
    # a budget of 1.5 h at 30 C: its target (its product's share of it) is
    # passed by a delay of a few minutes more than what the lots have left
    case, net, table, visits = _route(rk, b_ready_h=4, budget_h=1.5)
    timed = time_route(net, table, 0, 3 * H, visits)
    steps = delay_costs(net, table, net.vehicles[0].type, timed, lot_cost(case))
    first = steps.row(THRESHOLDS, 1)[0]  # the smallest delay that makes a lot late
    assert 0 < first < 3 * H
    below, above = int(first) - 30, int(first) + 30
    jump = steps.cost(1, above) - steps.cost(1, below)
    exact_jump = _exact(case, net, table, visits, above) - _exact(case, net, table, visits, below)
    assert jump == pytest.approx(exact_jump, rel=0.02)
    assert jump > 10 * (steps.cost(1, below) - steps.cost(1, below - 60))  # a step, not the slope


def test_due_is_the_last_unloading_within_the_target(rk):
    case, net, table, visits = _route(rk, b_ready_h=4, budget_h=1.5)
    lot, vt = case.lots[0], net.vehicles[0].type
    pick = 4 * H + 600
    t = due(table, vt, lot, pick)
    target = case.products[0].precool_target_budget_s
    consumed = table.ambient(lot.product).between(lot.ready, pick) + table.riding(lot.product, vt).between(pick, t)
    assert consumed <= target < consumed + table.riding(lot.product, vt).between(t, t + 2)


def test_due_after_is_due_from_what_the_lot_has_spent(rk):
    """The places' form of :func:`due` (the lot's tables looked up once):
    the same unloading for a lot in time, and a second before the pickup
    for one past its target at the pickup already."""
    from planner.routing.delays import due_after

    case, net, table, visits = _route(rk, b_ready_h=4, budget_h=1.5)
    lot, vt = case.lots[0], net.vehicles[0].type
    riding, ambient = table.riding(lot.product, vt), table.ambient(lot.product)
    target = case.products[0].precool_target_budget_s
    for pick in (lot.ready, lot.ready + 600, lot.ready + 3 * H):
        spent = ambient.at(pick) - ambient.at(lot.ready)
        assert due_after(riding, pick, spent, target) == due(table, vt, lot, pick, target=target)
    assert due_after(riding, 5 * H, target + 1.0, target) == 5 * H - 1


def test_a_lots_prices_from_its_cost_terms_are_those_of_its_deliveries_changed():
    """:meth:`.costs.PricedLots.prices` gives, to the last bit, the late loss
    and shelf price that pricing changed copies of the delivery gives
    (:func:`.delays.late_loss`, :func:`.delays.shelf_price`), for lots of
    the embedded day on time and late."""
    from pathlib import Path

    from planner.io import read_case
    from planner.routing.delays import late_loss, shelf_price
    from planner.routing.result import LotDelivery

    case = read_case(Path(__file__).resolve().parents[2] / "data" / "luc-ngan")
    priced = lot_cost(case, shelf_life_weight=0.9, late_weight=1.7)
    assert priced.complete
    for k, lot in enumerate(case.lots[:80]):
        left = [-5e4, 0.0, 3e5, 1.7e6][k % 4]
        d = LotDelivery(lot.id, "h", "v", lot.ready, lot.ready + 3600, 1e6 + left, left, lot.kg)
        assert priced.prices(lot, d) == (late_loss(lot, d, priced), shelf_price(lot, d, priced))
