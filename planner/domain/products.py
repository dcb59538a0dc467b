"""Product profiles: the freshness parameters of a product.

Harvest to pre-cooling, the rule used in planning and in execution (the
scenario simulator costs it at each day's harvest ambient, the same rule):

- *Target* (``precool_target_s``; soft): the product's stated time from
  harvest to pre-cooling, in clock hours (lychee: 2 h, the upper end of
  "leading operations pre-cool within 1-2 h of harvest", shared/docs/DOMAIN.md;
  default :data:`DEFAULT_PRECOOL_TARGET_S`). It costs
  ``precool_target_budget_s``: the target's seconds times the product's rate
  at the harvest-time ambient (``precool_ambient_c``); riding in a reefer
  spends it more slowly, a hotter wait faster. A lot that has spent more by
  the time it is unloaded is late (KPI ``precool_late_kg``) and, in
  execution, *downgraded*: sold to the traditional trade, not to the grade-A
  orders fed from it. Planning does not refuse it: late fruit picked is worth
  more than fruit left to rot. What a late kg loses is the product's
  ``downgrade_loss_share`` of what its orders pay per kg (grade-A price
  minus what the traditional trade pays, as a share of the grade-A price;
  default :data:`DEFAULT_DOWNGRADE_LOSS_SHARE`); the pickup routing's
  objective charges it (:mod:`planner.routing.costs`).
- *Limit* (``precool_limit_s``; hard): the time at that ambient after which
  fruit not pre-cooled is lost: untreated lychee "browns within about a day at
  ambient" (DOMAIN.md; default :data:`DEFAULT_PRECOOL_LIMIT_S`, 24 h). It
  costs ``precool_budget_s``, the budget routing must keep (a lot it cannot
  unload within it is left on the farm) and the checkers enforce; a lot left
  on the farm that spends it is lost there.
- A case may instead state the hard budget as a share of the reference shelf
  life (``precool_budget_fraction`` > 0), which then wins over the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PRECOOL_TARGET_S = 2 * 3600
"""Harvest to pre-cooling when a product states none: 2 h, the upper end of
"leading operations pre-cool within 1-2 h of harvest" (shared/docs/DOMAIN.md)."""
DEFAULT_PRECOOL_LIMIT_S = 24 * 3600
"""Harvest to pre-cooling after which fruit is lost when a product states
none: 24 h, "untreated skin browns within about a day at ambient" (marketable
fruit fell to 0 % after 30 h at room temperature; shared/docs/DOMAIN.md)."""
DEFAULT_PRECOOL_AMBIENT_C = 27.0
"""The harvest-time ambient the budget is costed at when a product states
none: a main-crop morning in Luc Ngan (the embedded case's kg-weighted ambient
at its harvest times is 26.5 C)."""
DEFAULT_DOWNGRADE_LOSS_SHARE = 0.5
"""What a kg unloaded after the pre-cooling target loses when a product states
none, as a share of what its grade-A orders pay per kg: an assumption, not a
sourced figure (shared/docs/DOMAIN.md gives no trade price). Downgraded fruit
is sold that night to the traditional trade (traders' weighing points along
QL31) instead of the grade-A orders; the assumption is that the trade pays
about half the grade-A price for it (the embedded case: orders pay 65,000
VND/kg, a late kg loses 32,500). State it per product in products.toml."""
GAS_CONSTANT = 8.314462618  # J / (mol K)
KELVIN = 273.15


class KineticsModel(StrEnum):
    Q10 = "q10"
    ARRHENIUS = "arrhenius"


@dataclass(frozen=True, slots=True)
class ProductProfile:
    """Shelf life ``ref_shelf_life_s`` at ``ref_temp_c``; the rate of loss at
    another temperature follows ``model`` (Q10 factor ``q10`` per 10 C, or
    Arrhenius with ``activation_energy_j_mol``). ``precool_target_s`` is the
    product's stated harvest-to-pre-cooling target in engine seconds (0: not
    stated; lychee: 1-2 h, shared/docs/DOMAIN.md) and ``precool_ambient_c`` the
    harvest-time ambient its budget is costed at (module docstring).
    ``precool_limit_s`` the time after which fruit not pre-cooled is lost
    (0: not stated, the default applies) and ``precool_budget_fraction`` (0:
    not stated) a share of the reference shelf life that replaces the limit as
    the hard budget (module docstring). ``downgrade_loss_share`` is the share
    of the orders' value per kg a kg unloaded after the target loses (None:
    :data:`DEFAULT_DOWNGRADE_LOSS_SHARE`).
    ``shelf_life_value_per_kg_day`` is
    what a day of reference shelf life of one kg is worth (case currency; None:
    derived from what the case's orders pay for the product, spread over its
    reference shelf life); freight consolidation charges it for the shelf life
    a plan spends between the packing house and the customer's hub."""

    id: str
    name: str
    ref_temp_c: float
    ref_shelf_life_s: int
    q10: float = 3.0
    model: KineticsModel = KineticsModel.Q10
    activation_energy_j_mol: float = 0.0
    precool_budget_fraction: float = 0.0
    kg_per_box: float = 5.0
    precool_target_s: int = 0
    shelf_life_value_per_kg_day: float | None = None
    precool_ambient_c: float = DEFAULT_PRECOOL_AMBIENT_C
    precool_limit_s: int = 0
    downgrade_loss_share: float | None = None

    def __post_init__(self) -> None:
        if self.ref_shelf_life_s <= 0:
            msg = f"product {self.id}: ref_shelf_life must be positive"
            raise ValueError(msg)
        if self.q10 <= 1.0:
            msg = f"product {self.id}: q10 must be > 1, got {self.q10}"
            raise ValueError(msg)
        if self.model is KineticsModel.ARRHENIUS and self.activation_energy_j_mol <= 0:
            msg = f"product {self.id}: arrhenius needs activation_energy_j_mol > 0"
            raise ValueError(msg)
        if not 0.0 <= self.precool_budget_fraction <= 1.0:
            msg = (f"product {self.id}: precool_budget_fraction must be in (0, 1] "
                   f"(or 0: derived from the pre-cooling target), got {self.precool_budget_fraction}")
            raise ValueError(msg)
        if self.precool_target_s < 0:
            msg = f"product {self.id}: precool_target must be >= 0, got {self.precool_target_s} s"
            raise ValueError(msg)
        if self.precool_limit_s < 0:
            msg = f"product {self.id}: precool_limit must be >= 0, got {self.precool_limit_s} s"
            raise ValueError(msg)
        if self.precool_target_s and self.precool_limit_s and self.precool_target_s > self.precool_limit_s:
            msg = (f"product {self.id}: precool_target ({self.precool_target_s} s) must not exceed "
                   f"precool_limit ({self.precool_limit_s} s)")
            raise ValueError(msg)
        if not -10.0 <= self.precool_ambient_c <= 50.0:
            msg = f"product {self.id}: precool_ambient_c must be in [-10, 50] C, got {self.precool_ambient_c}"
            raise ValueError(msg)
        if self.shelf_life_value_per_kg_day is not None and not self.shelf_life_value_per_kg_day >= 0:
            msg = (f"product {self.id}: shelf_life_value_per_kg_day must be >= 0, "
                   f"got {self.shelf_life_value_per_kg_day}")
            raise ValueError(msg)
        if self.downgrade_loss_share is not None and not 0.0 <= self.downgrade_loss_share <= 1.0:
            msg = (f"product {self.id}: downgrade_loss_share must be in [0, 1] (a share of the orders' "
                   f"value per kg), got {self.downgrade_loss_share}")
            raise ValueError(msg)
        if self.kg_per_box <= 0:
            msg = f"product {self.id}: kg_per_box must be positive"
            raise ValueError(msg)

    @property
    def loss_share(self) -> float:
        """The share of the orders' value per kg a late kg loses (stated,
        else the default)."""
        return DEFAULT_DOWNGRADE_LOSS_SHARE if self.downgrade_loss_share is None else self.downgrade_loss_share

    def rate_at(self, temp_c: float) -> float:
        """Reference seconds of shelf life one second at ``temp_c`` costs (the
        same kinetics as :func:`planner.freshness.model_for`)."""
        if self.model is KineticsModel.ARRHENIUS:
            return math.exp(-self.activation_energy_j_mol / GAS_CONSTANT
                            * (1.0 / (temp_c + KELVIN) - 1.0 / (self.ref_temp_c + KELVIN)))
        return float(self.q10 ** ((temp_c - self.ref_temp_c) / 10.0))

    @property
    def precool_budget_s(self) -> int:
        """The hard budget: reference seconds of shelf life a lot may spend
        before pre-cooling, past which it is lost: the limit (stated, else the
        default) at the harvest-time ambient, or the stated share; never more
        than the whole reference life."""
        if self.precool_budget_fraction > 0.0:
            return round(self.ref_shelf_life_s * self.precool_budget_fraction)
        limit = self.precool_limit_s or DEFAULT_PRECOOL_LIMIT_S
        return min(self.ref_shelf_life_s, round(limit * self.rate_at(self.precool_ambient_c)))

    @property
    def precool_target_budget_s(self) -> int:
        """The soft budget: reference seconds the target (stated, else the
        default) costs at the harvest-time ambient; a lot that spends more
        before pre-cooling is late and downgraded. Never more than the hard
        budget."""
        target = self.precool_target_s or DEFAULT_PRECOOL_TARGET_S
        return min(self.precool_budget_s, round(target * self.rate_at(self.precool_ambient_c)))


_BUDGETS: dict[int, tuple[ProductProfile, tuple[int, int]]] = {}  # id(product) -> (product, its budgets)


def precool_budgets(product: ProductProfile) -> tuple[int, int]:
    """``product``'s hard and target pre-cooling budgets, remembered: the
    properties compute their kinetics each time, and a routing search asks
    hundreds of thousands of times. Remembered by the object (hashing a
    profile's every field cost the search more than the budgets' lookup:
    half a million times in 300 steps of the embedded day); the profile is
    kept with them, so an id is not reused while it is remembered."""
    found = _BUDGETS.get(id(product))
    if found is None or found[0] is not product:
        if len(_BUDGETS) >= 1024:
            _BUDGETS.clear()
        found = _BUDGETS[id(product)] = (product, (product.precool_budget_s, product.precool_target_budget_s))
    return found[1]
