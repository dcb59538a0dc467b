"""Product profiles: the freshness parameters of a product."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class KineticsModel(StrEnum):
    Q10 = "q10"
    ARRHENIUS = "arrhenius"


@dataclass(frozen=True, slots=True)
class ProductProfile:
    """Shelf life ``ref_shelf_life_s`` at ``ref_temp_c``; the rate of loss at
    another temperature follows ``model`` (Q10 factor ``q10`` per 10 C, or
    Arrhenius with ``activation_energy_j_mol``). ``precool_budget_fraction`` is
    the share of the reference shelf life that may be spent between harvest and
    pre-cooling at the packing house. ``precool_target_s`` is the product's
    stated harvest-to-pre-cooling target in engine seconds (0: not stated;
    lychee: 1-2 h, shared/docs/DOMAIN.md). ``shelf_life_value_per_kg_day`` is
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
    precool_budget_fraction: float = 0.2
    kg_per_box: float = 5.0
    precool_target_s: int = 0
    shelf_life_value_per_kg_day: float | None = None

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
        if not 0.0 < self.precool_budget_fraction <= 1.0:
            msg = f"product {self.id}: precool_budget_fraction must be in (0, 1]"
            raise ValueError(msg)
        if self.precool_target_s < 0:
            msg = f"product {self.id}: precool_target must be >= 0, got {self.precool_target_s} s"
            raise ValueError(msg)
        if self.shelf_life_value_per_kg_day is not None and not self.shelf_life_value_per_kg_day >= 0:
            msg = (f"product {self.id}: shelf_life_value_per_kg_day must be >= 0, "
                   f"got {self.shelf_life_value_per_kg_day}")
            raise ValueError(msg)
        if self.kg_per_box <= 0:
            msg = f"product {self.id}: kg_per_box must be positive"
            raise ValueError(msg)

    @property
    def precool_budget_s(self) -> int:
        """Reference seconds of shelf life a lot may spend before pre-cooling."""
        return round(self.ref_shelf_life_s * self.precool_budget_fraction)
