"""What a late kg loses: the product's share of the orders' value per kg."""

from __future__ import annotations

import pytest

from planner.domain import ProductProfile
from planner.domain.shelf_value import downgrade_losses, value_per_kg


def test_a_share_outside_zero_to_one_names_the_product():
    with pytest.raises(ValueError, match="product lychee: downgrade_loss_share must be in \\[0, 1\\]"):
        ProductProfile("lychee", "Lychee", 5.0, 24 * 86_400, downgrade_loss_share=1.2)


def test_the_loss_is_the_share_of_the_orders_value_per_kg(tiny_case):
    """The tiny case's orders: their value over their kg, times the default
    half (or the stated share)."""
    from dataclasses import replace

    orders = [o for o in tiny_case.orders if o.product == "lychee"]
    per_kg = sum(o.value for o in orders) / sum(o.kg for o in orders)
    assert value_per_kg(tiny_case)["lychee"] == pytest.approx(per_kg)
    assert downgrade_losses(tiny_case)["lychee"] == pytest.approx(0.5 * per_kg)
    stated = tiny_case.replace(products=tuple(replace(p, downgrade_loss_share=0.2) for p in tiny_case.products))
    assert downgrade_losses(stated)["lychee"] == pytest.approx(0.2 * per_kg)
