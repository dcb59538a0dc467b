"""Customer orders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .geo import Location


class Channel(StrEnum):
    LIVESTREAM = "livestream"
    B2B = "b2b"


class Priority(StrEnum):
    """Who is served first when supply or capacity runs short: ``contract``
    (a signed B2B contract) before ``export`` before ``standard``."""

    STANDARD = "standard"
    EXPORT = "export"
    CONTRACT = "contract"

    @property
    def rank(self) -> int:
        """0 for standard, higher is served first."""
        return (Priority.STANDARD, Priority.EXPORT, Priority.CONTRACT).index(self)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where an order goes: a point, its city and country (ISO 3166 alpha-2),
    a region (state or province, for market rules) and the hub site that
    freight lanes reach (the last leg beyond it is the partner's)."""

    location: Location
    city: str
    country: str
    hub: str
    region: str = ""


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    channel: Channel
    destination: Destination
    market: str
    product: str
    kg: float
    boxes: int
    ordered: int
    deadline: int
    min_shelf_life_s: int
    value: float
    partner: str = ""
    grade: str = "A"
    priority: Priority = Priority.STANDARD

    def __post_init__(self) -> None:
        if self.kg <= 0:
            msg = f"order {self.id}: kg must be positive, got {self.kg}"
            raise ValueError(msg)
        if self.boxes < 0:
            msg = f"order {self.id}: boxes must be >= 0, got {self.boxes}"
            raise ValueError(msg)
        if self.value < 0:
            msg = f"order {self.id}: value must be >= 0, got {self.value}"
            raise ValueError(msg)
        if self.min_shelf_life_s < 0:
            msg = f"order {self.id}: min_shelf_life must be >= 0"
            raise ValueError(msg)
        if self.deadline <= self.ordered:
            msg = f"order {self.id}: deadline ({self.deadline}) must be after ordered ({self.ordered})"
            raise ValueError(msg)
