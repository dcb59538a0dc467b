"""Harvest lots: fruit picked at a farm, waiting to be collected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HarvestLot:
    """A lot of ``kg`` picked at ``farm`` at ``ready`` (the harvest time).

    ``latest_pickup`` closes the pickup window. ``packing_houses`` restricts the
    packing houses it may go to (empty: any). ``value`` weighs it when demand
    exceeds the fleet.
    """

    id: str
    farm: str
    product: str
    kg: float
    ready: int
    latest_pickup: int
    grade: str = "A"
    boxes: int = 0
    service_s: int = 300
    certifications: frozenset[str] = frozenset()
    packing_houses: tuple[str, ...] = ()
    value: float = 0.0

    def __post_init__(self) -> None:
        if self.kg <= 0:
            msg = f"lot {self.id}: kg must be positive, got {self.kg}"
            raise ValueError(msg)
        if self.boxes < 0 or self.service_s < 0 or self.value < 0:
            msg = f"lot {self.id}: boxes, service_s and value must be >= 0"
            raise ValueError(msg)
        if self.latest_pickup < self.ready:
            msg = (
                f"lot {self.id}: latest_pickup ({self.latest_pickup}) is before "
                f"ready ({self.ready})"
            )
            raise ValueError(msg)
