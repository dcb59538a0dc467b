"""Quality as it happens in the field: the time from harvest to pre-cooling.

The product states its target (``precool_target_h`` in products.toml; lychee:
2 h, "leading operations pre-cool within 1-2 h of harvest",
shared/docs/DOMAIN.md). The rule, in planning and in execution:

- *Budgets.* The engine's rule (``planner/domain/products.py``): the
  target's hours and the hard limit's hours (lychee: lost after about a day
  at ambient) are both costed in reference seconds at the harvest-time
  ambient, the engine at the case's ``precool_ambient_c``, the simulator at
  each day's own (``T``, the kg-weighted ambient at the day's harvest times;
  :func:`with_precool_budget`). Riding in a reefer spends them more slowly
  than waiting at ambient.
- *Planning.* The day's planner keeps the hard budget: a lot it cannot
  unload within it is left on the farm and, not pre-cooled by midnight, is
  lost (browned: DOMAIN.md). Late against the target is allowed.
- *Execution.* A collected lot that, with its pickup delay, has spent more
  than the target's budget when unloaded is downgraded
  (:class:`.execution.LotOutcome`): it is not sold to the grade-A orders the
  plan fed from it (those orders are not delivered sound) and what it had
  left goes to the traditional trade that night (``kg_downgraded``).
- *KPIs.* ``precool_hours_mean`` (kg-weighted hours from harvest to
  unloading, as executed) and ``precool_late_kg`` (kg unloaded later than the
  target), next to ``precool_target_hours``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from planner.domain import Case
from planner.domain.shelf_value import downgrade_losses
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
    """``case`` with each product's pre-cooling budgets (the target's and the
    hard limit's) costed at the day's harvest-time ambient: the engine's own
    rule (:class:`planner.domain.ProductProfile`) at the temperature of the
    day. A product that states its hard budget as a share keeps that share."""
    temp = harvest_ambient_c(case)
    return case.replace(products=tuple(replace(p, precool_ambient_c=temp) for p in case.products))


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


def downgrade_loss(case: Case, lots: Iterable[LotOutcome]) -> float:
    """Money the downgraded lots lose (case currency): each kg unloaded past
    its pre-cooling target loses its product's ``loss_share`` of what its
    orders pay per kg (:func:`planner.domain.shelf_value.downgrade_losses`,
    the value the planner's one objective charges for it)."""
    loss = downgrade_losses(case)
    product = {lot.id: lot.product for lot in case.lots}
    return sum(lot.kg * loss.get(product.get(lot.lot_id, ""), 0.0) for lot in lots if lot.downgraded)
