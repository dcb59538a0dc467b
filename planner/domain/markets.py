"""Market (phytosanitary) rules."""

from __future__ import annotations

from dataclasses import dataclass

from .sites import Treatment


@dataclass(frozen=True, slots=True)
class MarketRule:
    """What a market demands of fruit sent to it."""

    id: str
    name: str
    countries: frozenset[str]
    treatment: Treatment | None = None
    forbidden_regions: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    min_shelf_life_s: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("market id must not be empty")
        if self.min_shelf_life_s < 0:
            msg = f"market {self.id}: min_shelf_life must be >= 0"
            raise ValueError(msg)

    def lot_eligible(self, certifications: frozenset[str]) -> bool:
        return self.certifications <= certifications
