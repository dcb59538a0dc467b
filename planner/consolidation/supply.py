"""Supply: packed, pre-cooled product waiting at a packing house."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..domain import Case, HarvestLot, SiteKind
from ..domain.units import HOUR
from ..freshness import model_for


@dataclass(frozen=True, slots=True)
class Supply:
    """``kg`` of ``product``/``grade`` at packing house ``site`` from
    ``available_at`` (engine s), with ``shelf_life_left_s`` reference seconds
    left at that time and the ``certifications`` of the lots it came from."""

    id: str
    site: str
    product: str
    grade: str
    kg: float
    available_at: int
    shelf_life_left_s: int
    certifications: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("supply id must not be empty")
        if self.kg <= 0:
            msg = f"supply {self.id}: kg must be positive, got {self.kg}"
            raise ValueError(msg)
        if self.shelf_life_left_s < 0:
            msg = f"supply {self.id}: shelf_life_left_s must be >= 0, got {self.shelf_life_left_s}"
            raise ValueError(msg)

    def expiry(self, storage_rate: float) -> float:
        """Engine time its shelf life runs out if stored at ``storage_rate``."""
        return self.available_at + self.shelf_life_left_s / storage_rate


def check_supplies(case: Case, supplies: list[Supply] | tuple[Supply, ...]) -> None:
    """Raise ValueError naming the supply and field for unknown references."""
    seen: set[str] = set()
    for s in supplies:
        if s.id in seen:
            msg = f"supply {s.id}: duplicate id"
            raise ValueError(msg)
        seen.add(s.id)
        site = case.site_by_id.get(s.site)
        if site is None:
            msg = f"supply {s.id}: site {s.site!r} is not in the case"
            raise ValueError(msg)
        if s.product not in case.product_by_id:
            msg = f"supply {s.id}: product {s.product!r} is not in the case"
            raise ValueError(msg)


def supply_from_arrival(
    case: Case, lot_id: str, *, site: str, arrived: int, shelf_life_left_s: float,
    precooling_s: int = HOUR,
) -> Supply:
    """The supply a lot becomes when it reaches packing house ``site`` at
    ``arrived`` with ``shelf_life_left_s`` (e.g. from a pickup plan): available
    after the case's packing service and ``precooling_s`` (spent at the
    product's reference temperature)."""
    lot = next((x for x in case.lots if x.id == lot_id), None)
    if lot is None:
        msg = f"supply from lot {lot_id!r}: no such lot in the case"
        raise ValueError(msg)
    return Supply(
        id=lot.id, site=site, product=lot.product, grade=lot.grade, kg=lot.kg,
        available_at=arrived + case.settings.packing_service_s + precooling_s,
        shelf_life_left_s=max(0, math.floor(shelf_life_left_s - precooling_s)),
        certifications=lot.certifications,
    )


def supplies_from_lots(
    case: Case, *, pickup_delay_s: int = 3 * HOUR, precooling_s: int = HOUR
) -> list[Supply]:
    """Declare supplies directly from the case's lots, without routing.

    Each lot goes to its first allowed packing house or, when free to choose,
    to the one least loaded relative to its intake rate (lots taken by ready
    time), reaching it ``pickup_delay_s`` after it is ready, at ambient; it is
    available ``packing_service_s + precooling_s`` later, the pre-cooling
    spent at the product's reference temperature."""
    houses = case.sites_of(SiteKind.PACKING_HOUSE)
    if not houses:
        raise ValueError("case has no packing house to declare supplies at")
    intake = {h.id: h.intake_kg_per_hour or 1.0 for h in houses}
    load = dict.fromkeys(intake, 0.0)
    supplies = []
    for lot in sorted(case.lots, key=lambda lot: (lot.ready, lot.id)):
        allowed = list(lot.packing_houses) or list(intake)
        site = min(allowed, key=lambda h: ((load.get(h, 0.0) + lot.kg) / intake.get(h, 1.0), h))
        load[site] = load.get(site, 0.0) + lot.kg
        supplies.append(_supply_of(case, lot, site, pickup_delay_s, precooling_s))
    return sorted(supplies, key=lambda s: s.id)


def _supply_of(case: Case, lot: HarvestLot, site: str, delay: int, precooling: int) -> Supply:
    product = case.product_by_id[lot.product]
    model = model_for(product)
    hours = range(lot.ready, lot.ready + delay, HOUR)
    durations = [min(HOUR, lot.ready + delay - t) for t in hours]
    temps = [case.settings.ambient_at(t) for t in hours]
    spent = model.consumed(durations, temps) + precooling
    return Supply(
        id=lot.id, site=site, product=lot.product, grade=lot.grade, kg=lot.kg,
        available_at=lot.ready + delay + case.settings.packing_service_s + precooling,
        shelf_life_left_s=max(0, math.floor(product.ref_shelf_life_s - spent)),
        certifications=lot.certifications,
    )
