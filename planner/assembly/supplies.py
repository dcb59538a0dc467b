"""Turn the pickup plan into supply for freight: each lot delivered to a
packing house becomes a Supply once it is weighed and pre-cooled."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..consolidation import Supply
from ..domain import Case
from ..freshness import model_for
from ..routing import LotDelivery


def supplies_from_deliveries(
    case: Case, deliveries: Iterable[LotDelivery], *, precool_s: int
) -> list[Supply]:
    """One Supply per delivered lot, available after intake (the case's
    ``packing_service_s`` at ambient) and pre-cooling (``precool_s``, counted
    at the product's reference temperature), with the shelf life it has left."""
    supplies = []
    service = case.settings.packing_service_s
    lots = {lot.id: lot for lot in case.lots}
    for d in deliveries:
        lot = lots[d.lot_id]
        product = case.product_by_id[lot.product]
        model = model_for(product)
        intake = model.consumed([service], [case.settings.ambient_at(d.delivered)])
        left = d.shelf_life_left_s - intake - precool_s
        if left <= 0:
            continue
        supplies.append(Supply(
            id=lot.id, site=d.packing_house, product=lot.product, grade=lot.grade, kg=lot.kg,
            available_at=d.delivered + service + precool_s, shelf_life_left_s=math.floor(left),
            certifications=lot.certifications,
        ))
    return supplies
