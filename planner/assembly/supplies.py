"""Turn the pickup plan into supply for freight: each lot delivered to a
packing house becomes a Supply once it is weighed and packed (and pre-cooled
where the house does), by the one conversion of
:func:`planner.consolidation.supply.supply_at_house`."""

from __future__ import annotations

from collections.abc import Iterable

from ..consolidation import Supply, supply_at_house
from ..domain import Case
from ..routing import LotDelivery


def supplies_from_deliveries(
    case: Case, deliveries: Iterable[LotDelivery], *, precool_s: int
) -> list[Supply]:
    """One Supply per delivered lot with shelf life left once packed:
    unloading starts at ``delivered`` with the shelf life the router
    computed; packing (the case's ``packing_service_s``) at ambient, then
    ``precool_s`` of pre-cooling at the reference temperature where the
    house pre-cools (else the fruit waits at ambient)."""
    lots = {lot.id: lot for lot in case.lots}
    supplies = []
    for d in deliveries:
        supply = supply_at_house(case, lots[d.lot_id], site=d.packing_house, arrived=d.delivered,
                                 shelf_life_left_s=d.shelf_life_left_s, precool_s=precool_s)
        if supply is not None:
            supplies.append(supply)
    return supplies
