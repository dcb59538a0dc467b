"""Supply: packed product waiting at a packing house for its freight.

One conversion from a lot at a packing house to supply, used by the daily
plan (deliveries of the pickup routes), by ``supply_from_arrival`` and by
``supplies_from_lots`` (no routing): unloading starts at ``arrived``; the
lot is weighed and packed for the case's ``packing_service_s`` at ambient
temperature (exactly by the hour, as the router counts the ride there); at a
house that pre-cools it is then pre-cooled for ``precool_s`` (counted at the
product's reference temperature) and waits in the cold store; at a house
without pre-cooling it is available once packed and waits at ambient
(``cooled`` False). The checkers recompute this independently."""

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
    left at that time and the ``certifications`` of the lots it came from;
    ``cooled``: it waits in a cold store (else at ambient temperature)."""

    id: str
    site: str
    product: str
    grade: str
    kg: float
    available_at: int
    shelf_life_left_s: int
    certifications: frozenset[str] = frozenset()
    cooled: bool = True

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


def ambient_spent(case: Case, product: str, start: int, end: int) -> float:
    """Reference seconds ``product`` spends at ambient from ``start`` to
    ``end`` (hourly pieces: the ambient temperature changes on the hour)."""
    durations, temps = [], []
    t = start
    while t < end:
        step = min(end, (t // HOUR + 1) * HOUR) - t
        durations.append(step)
        temps.append(case.settings.ambient_at(t))
        t += step
    if not durations:
        return 0.0
    return model_for(case.product_by_id[product]).consumed(durations, temps)


def supply_at_house(
    case: Case, lot: HarvestLot, *, site: str, arrived: int, shelf_life_left_s: float,
    precool_s: int,
) -> Supply | None:
    """The supply ``lot`` becomes when unloading starts at packing house
    ``site`` at ``arrived`` with ``shelf_life_left_s`` reference seconds
    left (None when nothing is left once packed and pre-cooled)."""
    house = case.site_by_id[site]
    service = case.settings.packing_service_s
    left = shelf_life_left_s - ambient_spent(case, lot.product, arrived, arrived + service)
    ready = arrived + service
    if house.precooling:
        left -= precool_s  # at the reference temperature: one reference second a second
        ready += precool_s
    if left <= 0:
        return None
    return Supply(
        id=lot.id, site=site, product=lot.product, grade=lot.grade, kg=lot.kg,
        available_at=ready, shelf_life_left_s=math.floor(left),
        certifications=lot.certifications, cooled=house.precooling,
    )


def supply_from_arrival(
    case: Case, lot_id: str, *, site: str, arrived: int, shelf_life_left_s: float,
    precooling_s: int = HOUR,
) -> Supply:
    """The supply a lot becomes when it reaches packing house ``site`` at
    ``arrived`` with ``shelf_life_left_s`` (e.g. from a pickup plan), see
    :func:`supply_at_house`."""
    lot = next((x for x in case.lots if x.id == lot_id), None)
    if lot is None:
        msg = f"supply from lot {lot_id!r}: no such lot in the case"
        raise ValueError(msg)
    if site not in case.site_by_id:
        msg = f"supply from lot {lot_id!r}: site {site!r} is not in the case"
        raise ValueError(msg)
    supply = supply_at_house(case, lot, site=site, arrived=arrived,
                             shelf_life_left_s=shelf_life_left_s, precool_s=precooling_s)
    if supply is None:
        msg = f"supply from lot {lot_id!r}: no shelf life left once packed at {site}"
        raise ValueError(msg)
    return supply


def supplies_from_lots(
    case: Case, *, pickup_delay_s: int = 3 * HOUR, precooling_s: int = HOUR
) -> list[Supply]:
    """Declare supplies directly from the case's lots, without routing.

    Each lot goes to its first allowed packing house or, when free to choose,
    to the one least loaded relative to its intake rate (lots taken by ready
    time), reaching it ``pickup_delay_s`` after it is ready, at ambient
    (hourly, from its harvest), then becomes supply as in
    :func:`supply_at_house`. Lots with nothing left are not supply."""
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
        arrived = lot.ready + pickup_delay_s
        left = (case.product_by_id[lot.product].ref_shelf_life_s
                - ambient_spent(case, lot.product, lot.ready, arrived))
        supply = supply_at_house(case, lot, site=site, arrived=arrived, shelf_life_left_s=left,
                                 precool_s=precooling_s)
        if supply is not None:
            supplies.append(supply)
    return sorted(supplies, key=lambda s: s.id)
