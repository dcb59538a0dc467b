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
