"""Fruit at the packing house: pre-cooling, ambient waiting, the cold store,
and the order shelf life recomputed from the harvest (figures by hand)."""

from __future__ import annotations

import copy
import re

import pytest

from planner.assembly import DailyPlan
from planner.assembly.check import check_plan
from planner.check.storage import at_houses, left_at_departure
from planner.domain import Case
from planner.domain.units import DAY, HOUR
from planner.routing import LotDelivery

RATE_30 = 3.3 ** 2.5  # Q10 3.3, reference 5 C: reference seconds per second at 30 C


def _delivery(at: int, left: float = 2_000_000.0) -> LotDelivery:
    return LotDelivery("L2", "ph-chu", "reefer#1", at - 600, at, left, 0.0, 40.0)


def test_a_house_that_pre_cools_stores_cold_and_one_that_does_not_keeps_fruit_at_ambient(tiny_case: Case,
                                                                                          with_house):
    """Delivered 05:00, packed 10 min at 30 C (600 x 19.78 = 11,869 reference s).
    Pre-cooling: 30 min at the reference rate (1,800), available 05:40, then 5 C
    (rate 1) until a 09:00 departure: 12,000 more. Without pre-cooling: available
    05:10, then 30 C until 09:00: 13,800 x 19.78 = 273,000."""
    packing = 600 * RATE_30
    cooled = at_houses(tiny_case, [_delivery(5 * HOUR)], precool_s=1800)["L2"]
    assert (cooled.available_at, cooled.cooled) == (5 * HOUR + 2400, True)
    assert cooled.left_s == pytest.approx(2_000_000 - packing - 1800)
    assert left_at_departure(tiny_case, cooled, "lychee", 9 * HOUR, 5.0) == pytest.approx(
        2_000_000 - packing - 1800 - 12_000)
    warm_case = with_house(tiny_case, precooling=False)
    warm = at_houses(warm_case, [_delivery(5 * HOUR)], precool_s=1800)["L2"]
    assert (warm.available_at, warm.cooled) == (5 * HOUR + 600, False)
    assert left_at_departure(warm_case, warm, "lychee", 9 * HOUR, 5.0) == pytest.approx(
        2_000_000 - packing - 13_800 * RATE_30)


def _reference_s(violation: str) -> int:
    return int(re.search(r"\(([+-]\d+) reference s\)", violation).group(1))  # type: ignore[union-attr]


def test_fruit_waiting_at_a_house_without_pre_cooling_ages_at_ambient(tiny_plan: DailyPlan, tiny_case: Case,
                                                                      with_house):
    """The plan was made for a house that pre-cools: order O1's lot L2 is
    delivered 05:16:41 and leaves 07:00. Without pre-cooling it waits
    05:26:41-07:00 (5,599 s) at 30 C instead of 30 min pre-cooling at the
    reference rate and 3,799 s at 5 C (also 5,599 reference s): the order
    has 5,599 x (19.78 - 1) = 105,164 reference s less than reported."""
    doc = tiny_plan.to_json()
    assert check_plan(tiny_case, doc).ok
    report = check_plan(with_house(tiny_case, precooling=False), doc)
    said = [v for v in report.violations if v.startswith("order O1: reports")]
    assert len(said) == 1, report.violations
    assert _reference_s(said[0]) == pytest.approx(5_599 * (RATE_30 - 1), abs=2)
    assert "09:30 12 Jun" in said[0]  # the order reaches Hanoi at 09:30


def test_the_cold_store_holds_at_most_its_capacity(tiny_plan: DailyPlan, tiny_case: Case, with_house):
    doc = tiny_plan.to_json()
    assert check_plan(with_house(tiny_case, cold_storage_kg=None), doc).ok
    lots = {lot.id: lot.kg for lot in tiny_case.lots}
    both = lots["L1"] + lots["L2"]  # L1 waits until 13:00, L2 arrives 05:56 and leaves partly at 07:00
    assert check_plan(with_house(tiny_case, cold_storage_kg=both), doc).ok
    report = check_plan(with_house(tiny_case, cold_storage_kg=both - 1), doc)
    full = [v for v in report.violations if "cold store" in v]
    assert full == [f"ph-chu: {both:,.1f} kg of pre-cooled fruit waiting in the cold store at 05:56 12 Jun "
                    f"> cold_storage_kg {both - 1:,.0f} (beyond it fruit cannot wait)"]


def test_an_order_or_manifest_line_off_by_more_than_a_minute_is_a_violation(tiny_plan: DailyPlan,
                                                                            tiny_case: Case):
    doc = copy.deepcopy(tiny_plan.to_json())
    order = next(o for o in doc["orders"] if o["order_id"] == "O2")
    order["shelf_life_left_days"] += 30 / DAY
    assert check_plan(tiny_case, doc).ok  # within a minute: rounding, not a disagreement
    order["shelf_life_left_days"] += 60 / DAY
    assert any(v.startswith("order O2: reports") for v in check_plan(tiny_case, doc).violations)
    doc = copy.deepcopy(tiny_plan.to_json())
    line = doc["shipments"][-1]["manifest"][0]
    line["shelf_life_left_days"] -= 0.01
    report = check_plan(tiny_case, doc)
    assert any("manifest line(s) report shelf life off" in v for v in report.violations), report.violations


def test_a_plan_served_from_stock_passes_and_the_stock_counts_in_the_cold_store(tiny_case: Case, with_house):
    """No lot harvested, 500 kg packed yesterday at ph-chu (20 days left at
    midnight): the orders it serves are checked from the plan's stock section,
    and the stock occupies the cold store from midnight."""
    from planner.assembly import PlanParams, plan_day
    from planner.consolidation import Supply

    stock = Supply(id="stock-1", site="ph-chu", product="lychee", grade="A", kg=500.0, available_at=0,
                   shelf_life_left_s=20 * DAY, certifications=frozenset({"VietGAP", "growing-area-code"}))
    params = PlanParams.from_dict({"time_limit_s": 60, "routing": {"solution_limit": 5},
                                   "consolidation": {"node_limit": 20}})
    case = tiny_case.replace(lots=())
    doc = plan_day(case, params, seed=1, stock=[stock]).to_json()
    assert doc["orders"], "something is served from the stock"
    report = check_plan(case, doc)
    assert report.ok, report.violations
    full = check_plan(with_house(case, cold_storage_kg=499.0), doc)
    assert any("500.0 kg of pre-cooled fruit waiting in the cold store at 00:00 12 Jun" in v
               for v in full.violations), full.violations
    doc["orders"][0]["shelf_life_left_days"] += 0.01
    assert any(v.startswith(f"order {doc['orders'][0]['order_id']}: reports") for v in check_plan(case, doc).violations)
