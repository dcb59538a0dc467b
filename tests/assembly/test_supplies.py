from __future__ import annotations

import pytest

from planner.assembly.supplies import supplies_from_deliveries
from planner.domain import Case
from planner.routing import LotDelivery


def test_supply_is_available_after_intake_and_precooling(tiny_case: Case) -> None:
    lot = next(lot for lot in tiny_case.lots if lot.id == "L2")
    delivered = 6 * 3600  # 06:00, ambient 30 C in the tiny case
    d = LotDelivery("L2", "ph-chu", "reefer#1", 5 * 3600, delivered, 2_000_000.0, 100_000.0, lot.kg)
    (supply,) = supplies_from_deliveries(tiny_case, [d], precool_s=1800)
    # 10 min intake at 30 C consumes 600 * 3.3 ** 2.5 reference s; 30 min pre-cooling at 5 C, 1800
    intake = 600 * 3.3 ** 2.5
    assert supply.available_at == delivered + 600 + 1800
    assert supply.shelf_life_left_s == pytest.approx(2_000_000 - intake - 1800, abs=1)
    assert supply.site == "ph-chu" and supply.kg == lot.kg
    assert supply.certifications == lot.certifications


def test_spent_fruit_is_not_supply(tiny_case: Case) -> None:
    d = LotDelivery("L1", "ph-chu", "moto#1", 4 * 3600, 5 * 3600, 1000.0, 0.0, 150.0)
    assert supplies_from_deliveries(tiny_case, [d], precool_s=1800) == []


@pytest.mark.parametrize("precooling", [True, False])
def test_planner_and_checker_agree_on_supply_to_the_minute(tiny_case: Case, precooling: bool) -> None:
    from dataclasses import replace

    from planner.check.storage import at_houses

    ambient = tuple(24.0 + (h % 7) for h in range(24))  # changes every hour
    sites = tuple(replace(s, precooling=precooling) if s.id == "ph-chu" else s for s in tiny_case.sites)
    case = tiny_case.replace(settings=replace(tiny_case.settings, ambient_c=ambient), sites=sites)
    deliveries = [  # unloading starts 5 min before the hour: packing spans two hours
        LotDelivery("L1", "ph-chu", "moto#1", 4 * 3600, 6 * 3600 - 300, 2_000_000.0, 90_000.0, 150.0),
        LotDelivery("L2", "ph-chu", "reefer#1", 5 * 3600, 7 * 3600 + 1234, 1_900_000.0, 80_000.0, 400.0),
    ]
    planner_side = {s.id: s for s in supplies_from_deliveries(case, deliveries, precool_s=1800)}
    checker_side = at_houses(case, deliveries, precool_s=1800)
    for lot_id, s in planner_side.items():
        fruit = checker_side[lot_id]
        assert s.available_at == fruit.available_at and s.cooled == fruit.cooled == precooling
        assert abs(s.shelf_life_left_s - fruit.left_s) < 60
