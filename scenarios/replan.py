"""Re-plan the freight that has not left when a disruption is announced
during the day.

The morning plan was made without the disruption (its ``announced_h`` is
later than the start of the day). At the announcement, time ``at``:

- every shipment that departed before ``at`` has gone, with its orders; an
  order of those whose later leg the disruption cancels misses it in
  execution like any missed departure (:mod:`.execution`);
- every other order of the day (planned or not) is planned again by the
  planner's consolidation (:func:`planner.consolidate`) on the case with the
  disruption in force, from the packed fruit the departed orders did not
  take, available from ``at`` at the earliest (its shelf life reduced by the
  wait in the cold store);
- the pickups run as planned (routes already dispatched).

The result has the morning plan's shape (``routing``, ``supplies``,
``consolidation.shipments`` / ``itineraries``, ``kpis``) so execution and the
stock carried over read it the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from planner import ConsolidationParams, PlanParams, Supply, consolidate
from planner.domain import Case

from .stock import EPS_KG, used_kg

PREFIX = "R-"  # ids of shipments planned at the announcement


@dataclass(frozen=True)
class Freight:
    """Shipments and order itineraries (the departed ones and the re-planned)."""

    shipments: list[Any]
    itineraries: dict[str, Any]


@dataclass(frozen=True)
class ReplannedDay:
    """The day's plan as executed after a re-plan at ``at``."""

    routing: Any
    supplies: tuple[Supply, ...]
    consolidation: Freight
    kpis: dict[str, Any] = field(default_factory=dict)
    at: int = 0
    orders_replanned: int = 0


def replan_freight(case: Case, plan: Any, *, at: int, params: Mapping[str, Any], seed: int,
                   storage_rate: Mapping[str, float]) -> ReplannedDay:
    """``plan`` with its freight not yet departed at ``at`` planned again on
    ``case`` (the day's case with the announced disruption in force)."""
    gone = {sh.id: sh for sh in plan.consolidation.shipments if sh.departure < at}
    kept = {oid: it for oid, it in plan.consolidation.itineraries.items()
            if it.shipments and it.shipments[0] in gone}
    kept_ids = {sid for it in kept.values() for sid in it.shipments}
    kept_shipments = [sh for sh in plan.consolidation.shipments if sh.id in kept_ids]
    taken = used_kg(_Only(kept_shipments, kept))
    left = []
    for s in plan.supplies:
        kg = s.kg - taken.get(s.id, 0.0)
        if kg <= EPS_KG:
            continue
        wait = max(0, at - s.available_at)
        life = s.shelf_life_left_s - wait * storage_rate.get(s.product, 1.0)
        if life > 0:
            left.append(replace(s, kg=kg, available_at=max(s.available_at, at),
                                shelf_life_left_s=int(life)))
    todo = tuple(o for o in case.orders if o.id not in kept)
    p = PlanParams.from_dict(dict(params))
    again = consolidate(
        case.replace(orders=todo), left, seed=seed,
        params=ConsolidationParams.from_dict({**dict(p.consolidation),
                                              "time_limit_s": p.consolidation_time_s}))
    new_shipments = [replace(sh, id=PREFIX + sh.id) for sh in again.shipments]
    new_its = {oid: replace(it, shipments=tuple(PREFIX + x for x in it.shipments))
               for oid, it in again.itineraries.items()}
    freight = Freight(kept_shipments + new_shipments, {**kept, **new_its})
    kpis = dict(plan.kpis)
    pickup = float(kpis.get("pickup_cost", 0.0) or 0.0)
    kpis["cost_total"] = pickup + sum(sh.cost for sh in kept_shipments) + again.cost
    return ReplannedDay(plan.routing, tuple(plan.supplies), freight, kpis, at, len(todo))


@dataclass(frozen=True)
class _Only:
    """A plan-shaped view of some shipments and itineraries (for used_kg)."""

    shipments: list[Any]
    itineraries: dict[str, Any]

    @property
    def consolidation(self) -> _Only:
        return self
