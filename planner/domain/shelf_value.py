"""What shelf life is worth: the price the objective puts on a day of
reference shelf life spent by one kg, one rule for the pickup routing (on the
way to the packing house) and the freight (packing house to the hub).

A product states it (``shelf_life_value_per_kg_day`` in products.toml) or
it is derived from the case: what its orders pay per kg (their value over
their kg), spread evenly over the product's reference shelf life, since fruit
that has spent all of it is worth nothing. Lychee sold at 65,000 VND/kg with
24 days at 5 C: about 2,700 VND per kg and day. Lots' values stand in when a
product has no orders.
"""

from __future__ import annotations

from collections import defaultdict

from .case import Case
from .units import DAY


def shelf_life_values(case: Case, *, weight: float = 1.0) -> dict[str, float]:
    """Case currency per kg and reference day of shelf life, per product
    (times ``weight``)."""
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
        stated = p.shelf_life_value_per_kg_day
        if stated is None:
            key = p.id if value[p.id] > 0 else f"lots:{p.id}"
            per_kg = value[key] / kg[key] if kg[key] > 0 else 0.0
            stated = per_kg / (p.ref_shelf_life_s / DAY)
        out[p.id] = weight * stated
    return out
