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
