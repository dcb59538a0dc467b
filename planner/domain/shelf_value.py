"""What shelf life is worth: the price the objective puts on a day of
reference shelf life spent by one kg, one rule for the pickup routing (on the
way to the packing house) and the freight (packing house to the hub).

A product states it (``shelf_life_value_per_kg_day`` in products.toml) or
it is derived from the case: what its orders pay per kg (their value over
their kg), spread evenly over the product's reference shelf life, since fruit
that has spent all of it is worth nothing. Lychee sold at 65,000 VND/kg with
24 days at 5 C: about 2,700 VND per kg and day. Lots' values stand in when a
product has no orders.

The same value per kg prices a kg unloaded after the pre-cooling target
(:func:`downgrade_losses`): it loses the product's ``downgrade_loss_share``
of it (lychee at the default half: 32,500 VND/kg).
"""

from __future__ import annotations

from collections import defaultdict

from .case import Case
from .units import DAY


def value_per_kg(case: Case) -> dict[str, float]:
    """What a kg of each product is worth: what its orders pay per kg (their
    value over their kg), else its lots' value per kg, else 0."""
    value: dict[str, float] = defaultdict(float)
    kg: dict[str, float] = defaultdict(float)
    for o in case.orders:
        value[o.product] += o.value
        kg[o.product] += o.kg
    for lot in case.lots:
        if kg[lot.product] == 0 or value[lot.product] == 0:
            value[f"lots:{lot.product}"] += lot.value
            kg[f"lots:{lot.product}"] += lot.kg
    out = {}
    for p in case.products:
        key = p.id if value[p.id] > 0 else f"lots:{p.id}"
        out[p.id] = value[key] / kg[key] if kg[key] > 0 else 0.0
    return out


def shelf_life_values(case: Case, *, weight: float = 1.0) -> dict[str, float]:
    """Case currency per kg and reference day of shelf life, per product
    (times ``weight``)."""
    per_kg = value_per_kg(case)
    out = {}
    for p in case.products:
        stated = p.shelf_life_value_per_kg_day
        if stated is None:
            stated = per_kg[p.id] / (p.ref_shelf_life_s / DAY)
        out[p.id] = weight * stated
    return out


def downgrade_losses(case: Case) -> dict[str, float]:
    """Case currency a kg of each product loses when it is unloaded after
    its pre-cooling target (downgraded to the traditional trade): the
    product's ``loss_share`` of what its orders pay per kg
    (:func:`value_per_kg`; planner/domain/products.py)."""
    per_kg = value_per_kg(case)
    return {p.id: p.loss_share * per_kg[p.id] for p in case.products}
