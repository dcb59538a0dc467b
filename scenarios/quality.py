"""Quality as it happens in the field: the time from harvest to pre-cooling.

The product states its target (``precool_target_h`` in products.toml; lychee:
2 h, "leading operations pre-cool within 1-2 h of harvest",
shared/docs/DOMAIN.md). The rule, in planning and in execution:

- *Budget.* A lot may spend, before it is unloaded at a packing house, the
  shelf life that the target's hours at the day's harvest-time ambient cost
  (reference seconds: ``target * rate(T)``, ``T`` the kg-weighted ambient at
  the day's harvest times): the engine's rule
  (``planner/domain/products.py``; the engine costs it at the case's
  ``precool_ambient_c``, the simulator at each day's own ambient). Riding in
  a reefer spends it more slowly than waiting at ambient, so a reefer may take
  longer than the target; a lot waiting in the sun may not. A product without
  a target is costed at the engine's default target (2 h) unless its case
  states a share (``precool_budget_fraction``).
- *Planning.* The day's planner gets that budget (:func:`with_precool_budget`)
  and collects only lots it can unload within it; a lot it cannot is left on
  the farm and, not pre-cooled by midnight, is lost (browned: DOMAIN.md).
- *Execution.* A collected lot whose pickup delay spends more than its budget
  left is downgraded (:class:`.execution.LotOutcome`): it is not sold to the
  grade-A orders the plan fed from it (those orders are not delivered sound)
  and what it had left goes to the traditional trade that night
  (``kg_downgraded``).
- *KPIs.* ``precool_hours_mean`` (kg-weighted hours from harvest to
  unloading, as executed) and ``precool_late_kg`` (kg unloaded later than the
  target), next to ``precool_target_hours``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from planner.domain import Case
from planner.domain.units import HOUR

from .execution import LotOutcome


def harvest_ambient_c(case: Case) -> float:
    """The kg-weighted ambient temperature at the case's harvest times (the
    mean ambient from 03:00 to 12:00 when it has no lots)."""
    lots = [lot for lot in case.lots if lot.ready >= 0]
    if not lots:
        hours = range(3 * HOUR, 12 * HOUR, HOUR)
        return sum(case.settings.ambient_at(t) for t in hours) / len(hours)
    kg = sum(lot.kg for lot in lots)
    return sum(lot.kg * case.settings.ambient_at(lot.ready) for lot in lots) / kg


def with_precool_budget(case: Case) -> Case:
    """``case`` with each product whose budget comes from a target (stated,
    or the engine's default) costed at the day's harvest-time ambient: the
    engine's own rule (:attr:`planner.domain.ProductProfile.precool_budget_s`)
    at the temperature of the day. A product that states only a share keeps it."""
    temp = harvest_ambient_c(case)
    products = []
    for p in case.products:
        if p.precool_target_s > 0 or p.precool_budget_fraction == 0.0:
            p = replace(p, precool_ambient_c=temp)
        products.append(p)
    return case.replace(products=tuple(products))


def precool_target_hours(case: Case) -> float:
    """The stated target of the case's products (the largest; 0: none)."""
    return max((p.precool_target_s for p in case.products), default=0) / HOUR


def precool_kpis(lots: Iterable[LotOutcome], target_h: float) -> dict[str, float]:
    """``precool_hours_mean`` (kg-weighted), ``precool_late_kg`` (unloaded
    later than ``target_h`` after harvest; 0 without a target) and
    ``kg_downgraded``."""
    lots = list(lots)
    kg = sum(lot.kg for lot in lots)
    return {
        "precool_hours_mean": sum(lot.kg * lot.precool_hours for lot in lots) / kg if kg else float("nan"),
        "precool_late_kg": sum(lot.kg for lot in lots if target_h and lot.precool_hours > target_h),
        "kg_downgraded": sum(lot.kg for lot in lots if lot.downgraded),
    }
