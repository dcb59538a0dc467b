"""Rush hours: road corridors and the hours when traffic on them is slow.

A :class:`Corridor` is a road drawn as a polyline (QL31 from Luc Ngan towards
Bac Giang and Hanoi, say) with a width; the part of a trip that runs inside
it is slowed during its :class:`SlowPeriod` s. A period whose corridor is
``*`` slows every road (a city-wide peak, or night driving when its factor is
above 1). Times of day are local seconds from midnight; the case's epoch is
local midnight, so engine time modulo one day is the local time of day.
"""

from __future__ import annotations

from dataclasses import dataclass

from .geo import Location
from .units import DAY

EVERY_ROAD = "*"


@dataclass(frozen=True, slots=True)
class Corridor:
    """A road corridor: the polyline ``points`` buffered by ``width_m`` each side."""

    id: str
    name: str
    points: tuple[Location, ...]
    width_m: int = 1500

    def __post_init__(self) -> None:
        if not self.id or self.id == EVERY_ROAD:
            msg = f"corridor id must be a non-empty name other than {EVERY_ROAD!r}, got {self.id!r}"
            raise ValueError(msg)
        if len(self.points) < 2:
            msg = f"corridor {self.id}: points needs at least 2 locations, got {len(self.points)}"
            raise ValueError(msg)
        if self.width_m <= 0:
            msg = f"corridor {self.id}: width_m must be positive, got {self.width_m}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class SlowPeriod:
    """From ``start_s`` to ``end_s`` (local seconds of the day; ``end_s`` below
    ``start_s`` runs over midnight) speeds on ``corridor`` are multiplied by
    ``speed_factor`` (0.5: half speed) for the vehicle ``profiles`` listed
    (empty: every profile)."""

    corridor: str
    start_s: int
    end_s: int
    speed_factor: float
    profiles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"slow period on {self.corridor}"
        for name in ("start_s", "end_s"):
            value = getattr(self, name)
            if not 0 <= value <= DAY:
                msg = f"{where}: {name} must be a time of day within [0, {DAY}] s, got {value}"
                raise ValueError(msg)
        if self.start_s == self.end_s:
            msg = f"{where}: start and end are the same time ({self.start_s} s)"
            raise ValueError(msg)
        if not 0.05 <= self.speed_factor <= 3.0:
            msg = f"{where}: speed_factor must be within [0.05, 3], got {self.speed_factor}"
            raise ValueError(msg)

    def applies_to(self, profile: str) -> bool:
        return not self.profiles or profile in self.profiles

    def intervals(self) -> tuple[tuple[int, int], ...]:
        """The period as one or two intervals within ``[0, DAY]``."""
        if self.start_s < self.end_s:
            return ((self.start_s, self.end_s),)
        return ((self.start_s, DAY), (0, self.end_s))
