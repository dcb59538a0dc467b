"""The router's freshness tables against the product model, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from planner.domain.units import HOUR
from planner.freshness import model_for
from planner.routing.check import consumed
from planner.routing.freshness import FreshnessTable, HourlyRates


def test_hourly_prefix_sums_and_inverse():
    rates = HourlyRates.of(np.array([1.0, 2.0, 4.0]))
    assert rates.between(1800, 2 * HOUR + 900) == pytest.approx(1800 * 1 + 3600 * 2 + 900 * 4)
    assert rates.until(1800, 1800 + 7200) == 2 * HOUR  # 1,800 + 7,200 reference s at 07:00 + 2 h
    assert rates.until(0, 0) == 0


def test_table_matches_the_model_with_hourly_ambient(rk):
    case = rk.case([rk.ph(), rk.site("f", 1.0)], [rk.vehicle(), rk.vehicle("reefer", temp=rk.T.REEFER)],
                   [rk.lot("A", "f", ready_h=3.5)])
    hot = case.settings.__class__(**{**{f: getattr(case.settings, f) for f in case.settings.__slots__},
                                     "ambient_c": tuple(25.0 + h / 2 for h in range(24))})
    case = case.replace(settings=hot)
    table = FreshnessTable(case)
    lot, (moto, reefer) = case.lots[0], case.vehicle_types
    model = model_for(case.products[0])
    # 03:30-05:00 waiting (25+1.5 C then 25+2 C), 05:00-05:20 riding
    by_hand = model.consumed([1800, 3600, 1200], [26.5, 27.0, 27.5])
    assert table.consumed(lot, moto, 5 * HOUR, 5 * HOUR + 1200) == pytest.approx(by_hand)
    assert consumed(case, lot, moto, 5 * HOUR, 5 * HOUR + 1200) == pytest.approx(by_hand)
    in_reefer = model.consumed([1800, 3600, 1200], [26.5, 27.0, 4.0])
    assert table.consumed(lot, reefer, 5 * HOUR, 5 * HOUR + 1200) == pytest.approx(in_reefer)


def _ambient(case, temps_by_hour: dict[int, float], default: float = 30.0):
    temps = tuple(temps_by_hour.get(h, default) for h in range(24))
    fields = {f: getattr(case.settings, f) for f in case.settings.__slots__}
    return case.replace(settings=case.settings.__class__(**{**fields, "ambient_c": temps}))


def test_a_lot_carried_over_from_yesterday_ages_from_its_harvest(rk):
    """Harvested 22:30 the evening before the epoch (ready -5,400 s): the
    hours before midnight count. Q10 3.3 at 5 C reference: 25 C consumes
    10.89 reference s a second, 15 C 3.3, 5 C 1. By hand: 22:30-23:00 at
    25 C = 1,800 x 10.89 = 19,602; 23:00-00:00 at 15 C = 3,600 x 3.3 =
    11,880; waiting 00:00-00:30 and riding 00:30-01:00 at 5 C = 3,600;
    total 35,082 reference s (the clamp at 0 kept only the last 3,600)."""
    case = rk.case([rk.ph(), rk.site("f", 1.0)], [rk.vehicle()],
                   [rk.lot("A", "f", ready_h=-1.5, latest_h=2)])
    case = _ambient(case, {22: 25.0, 23: 15.0, 0: 5.0})
    table, lot, moto = FreshnessTable(case), case.lots[0], case.vehicle_types[0]
    assert table.consumed(lot, moto, 1800, 3600) == pytest.approx(35_082.0)
    assert consumed(case, lot, moto, 1800, 3600) == pytest.approx(35_082.0)
    # the budget 31,482 reference s from 22:30 runs out exactly at midnight
    assert table.ambient("lychee").until(-5400, 19_602.0 + 11_880.0) == 0
    assert table.ambient("lychee").until(-5400, 19_602.0) == -3600


def test_rates_go_on_past_the_tabulated_hours():
    rates = HourlyRates.of(np.array([2.0, 3.0]), first_h=-1)
    assert rates.between(-HOUR, HOUR) == pytest.approx(2 * HOUR + 3 * HOUR)
    assert rates.between(HOUR, 2 * HOUR) == pytest.approx(3 * HOUR)  # last rate goes on
    assert rates.between(-2 * HOUR, -HOUR) == pytest.approx(2 * HOUR)  # first rate before
    assert rates.until(0, 3 * HOUR + 6) == HOUR + 2


def test_the_router_plans_a_carried_over_lot_with_its_whole_age(rk, solve_checked):
    """Ready 23:00 the day before (-3,600 s), ambient 30 C all along on a
    motorbike: the shelf life at delivery is the reference life less 19.8
    (3.3 ** 2.5) reference s for every second since 23:00, as the checker
    (which passes the plan) also computes."""
    case = rk.case([rk.ph(), rk.site("f", 3.0)], [rk.vehicle(shift=(0, 6))],
                   [rk.lot("A", "f", ready_h=-1, latest_h=3)])
    result = solve_checked(case)
    (d,) = result.deliveries
    rate = 3.3 ** 2.5
    assert d.shelf_life_left_s == pytest.approx(case.products[0].ref_shelf_life_s - rate * (d.delivered + 3600))
    assert d.budget_left_s == pytest.approx(case.products[0].precool_budget_s - rate * (d.delivered + 3600))
