"""What happens to fruit at the packing house, as far as the pickup plan can
tell: the rules a packing house states beyond its opening hours and intake.

* ``cold_storage_kg``: fruit that arrives waits in the cold store until its
  freight leaves; beyond the store's capacity it cannot wait. The pickup plan
  does not know when freight leaves, so it keeps the day's deliveries to a
  house within its cold store (an empty ``cold_storage_kg``: no limit), which
  holds whatever freight then does.
* ``precooling = false``: the fruit is not pre-cooled there; it waits at
  ambient temperature until a freight vehicle takes it, so its pre-cooling
  budget must last until the earliest departure that can take it (the
  first scheduled departure whose cut-off it makes, or an on-demand lane's
  handling time after packing). A house no lane leaves from adds nothing
  the pickup plan can count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..domain import Case, Site
from .freshness import FreshnessTable
from .result import LotDelivery


def cold_store_overflow(case: Case, deliveries: Iterable[LotDelivery], value: dict[str, float]
                        ) -> list[LotDelivery]:
    """Deliveries beyond their house's cold store (the least valuable, latest first)."""
    by_house: dict[str, list[LotDelivery]] = defaultdict(list)
    for d in deliveries:
        by_house[d.packing_house].append(d)
    out = []
    for house, items in sorted(by_house.items()):
        cap = case.site_by_id[house].cold_storage_kg
        if cap is None:
            continue
        total = 0.0
        for d in sorted(items, key=lambda d: (-value.get(d.lot_id, 0.0), d.delivered, d.lot_id)):
            if total + d.kg > cap + 1e-9:
                out.append(d)
            else:
                total += d.kg
    return out


def first_departure(case: Case, house: str, ready: int) -> int | None:
    """The earliest freight departure from ``house`` that fruit ready at
    ``ready`` can make; None when no lane leaves from it."""
    times = []
    for lane in case.lanes:
        if lane.origin != house:
            continue
        if lane.on_demand:
            times.append(ready + lane.handling_s)
        else:
            times += [d.time for d in lane.departures if d.cutoff >= ready][:1]
    return min(times) if times else None


def ambient_wait(case: Case, table: FreshnessTable, d: LotDelivery, product: str) -> tuple[float, int | None]:
    """Reference seconds ``d``'s lot spends at ambient at a house that does
    not pre-cool, from unloading to the first departure that can take it
    (0 at a house that pre-cools), and that departure."""
    site: Site = case.site_by_id[d.packing_house]
    if site.precooling:
        return 0.0, None
    leaves = first_departure(case, site.id, d.delivered + case.settings.packing_service_s)
    if leaves is None:
        return 0.0, None
    return table.ambient(product).between(d.delivered, leaves), leaves
