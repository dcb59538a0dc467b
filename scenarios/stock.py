"""Packed fruit that waits at the packing houses for the next day.

Every lot delivered to a packing house becomes supply (weighed, pre-cooled:
:func:`planner.assembly.supplies.supplies_from_deliveries`); what the day's
freight plan does not take stays in the packing house's cold store and is
supply again the next day, with the shelf life it has left: it keeps losing
shelf life at the store's temperature (``storage_temp_c`` of the
consolidation parameters) and it lost what its pickup's delay cost it on the
day it came in. Stock whose shelf life runs out before the next day starts
spoils at the packing house. A cold store holds ``cold_storage_kg`` (scaled
like the rest of the case by the scenario's sample); what does not fit (the
least fresh first) is sold off to the traditional trade along QL31 and
counted as left at the packing houses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from planner import ConsolidationParams, Supply
from planner.domain import Case
from planner.domain.units import DAY
from planner.freshness import model_for

from .execution import LotOutcome

EPS_KG = 0.5


@dataclass(frozen=True, slots=True)
class StockOutcome:
    """What became of the day's packed fruit at midnight."""

    carried: tuple[Supply, ...]  # in the next day's frame
    kg_spoiled: float  # shelf life ran out at the packing house (or at intake)
    kg_sold_off: float  # no room in the cold store: sold to the traditional trade
    kg_downgraded_sold: float = 0.0  # downgraded at pre-cooling, taken by no order: sold to the traditional trade

    @property
    def kg_carried(self) -> float:
        return sum(s.kg for s in self.carried)


def used_kg(plan: Any) -> dict[str, float]:
    """kg of each supply the freight plan ships (first leg of every order)."""
    shipments = {sh.id: sh for sh in plan.consolidation.shipments}
    used: dict[str, float] = defaultdict(float)
    for oid, it in plan.consolidation.itineraries.items():
        if not it.shipments:
            continue
        for line in shipments[it.shipments[0]].manifest:
            if line.order_id == oid:
                used[line.supply_id] += line.kg
    return dict(used)


def storage_rates(case: Case, planner_params: Mapping[str, Any]) -> dict[str, float]:
    """Reference seconds of shelf life lost per second in a packing house's
    cold store, per product (the consolidation's ``storage_temp_c``)."""
    consolidation = dict(planner_params).get("consolidation", {})
    temp = float(dict(consolidation).get("storage_temp_c", ConsolidationParams().storage_temp_c))
    return {p.id: float(model_for(p).rate(temp)) for p in case.products}


def carry_stock(case: Case, plan: Any, *, storage_rate: Mapping[str, float],
                lots: Mapping[str, LotOutcome] | None = None) -> StockOutcome:
    """The plan's supplies that no order takes, as the next day's stock.

    ``lots`` are the executed pickups (:func:`.execution.execute_pickups`):
    the shelf life each lot lost to its pickup's delay, and whether it was
    downgraded (then none of it is carried: it went to the traditional trade
    and is counted in ``kg_downgraded``, :mod:`.quality`)."""
    used = used_kg(plan)
    executed = lots or {}
    loss = {k: v.extra_loss_s for k, v in executed.items()}
    delivered = {d.lot_id for d in plan.routing.deliveries}
    harvest = {lot.id: lot for lot in case.lots}
    supplied = {s.id for s in plan.supplies}
    spoiled = sum(harvest[i].kg for i in delivered - supplied if i in harvest)  # no shelf life left at intake
    kept: list[Supply] = []
    downgraded = 0.0
    for s in plan.supplies:
        kg = s.kg - used.get(s.id, 0.0)
        if kg <= EPS_KG:
            continue
        if s.id in executed and executed[s.id].downgraded:
            downgraded += kg
            continue
        waited = max(0, DAY - s.available_at)
        left = s.shelf_life_left_s - waited * storage_rate[s.product] - loss.get(s.id, 0.0)
        if left <= 0:
            spoiled += kg
            continue
        kept.append(replace(s, kg=kg, available_at=max(0, s.available_at - DAY),
                            shelf_life_left_s=int(left)))
    carried, sold = _fit_cold_stores(case, kept)
    return StockOutcome(tuple(carried), spoiled, sold, downgraded)


def _fit_cold_stores(case: Case, stock: Iterable[Supply]) -> tuple[list[Supply], float]:
    """Keep the freshest stock each cold store holds; the rest is sold off."""
    room = {s.id: s.cold_storage_kg for s in case.sites}
    by_site: dict[str, list[Supply]] = defaultdict(list)
    for s in stock:
        by_site[s.site].append(s)
    carried: list[Supply] = []
    sold = 0.0
    for site in sorted(by_site):
        left = room.get(site)
        for s in sorted(by_site[site], key=lambda x: (-x.shelf_life_left_s, x.id)):
            if left is None:
                carried.append(s)
            elif s.kg <= left + EPS_KG:
                carried.append(s)
                left -= s.kg
            elif left > EPS_KG:
                carried.append(replace(s, kg=left))
                sold += s.kg - left
                left = 0.0
            else:
                sold += s.kg
    carried.sort(key=lambda s: s.id)
    return carried, sold
