"""Routes already dispatched, for re-planning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class FixedStop:
    """One committed visit: the pickup of ``lot_id``, or its delivery at
    ``packing_house``. ``time`` (engine seconds) is when the service started
    for a stop already done; ``None`` for a committed stop still ahead."""

    kind: Literal["pickup", "delivery"]
    lot_id: str
    packing_house: str = ""
    time: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("pickup", "delivery"):
            raise ValueError(f"fixed stop {self.lot_id}: kind must be pickup or delivery, got {self.kind!r}")
        if self.kind == "delivery" and not self.packing_house:
            raise ValueError(f"fixed stop {self.lot_id}: a delivery needs its packing_house")


@dataclass(frozen=True, slots=True)
class FixedRoute:
    """The committed beginning of a vehicle's route, in order. The router
    keeps these stops first on ``vehicle_id`` (e.g. ``"moto#3"``) and plans
    everything else after them."""

    vehicle_id: str
    stops: tuple[FixedStop, ...]

    def __post_init__(self) -> None:
        seen: set[tuple[str, str]] = set()
        for stop in self.stops:
            key = (stop.kind, stop.lot_id)
            if key in seen:
                raise ValueError(f"fixed route {self.vehicle_id}: {stop.kind} of {stop.lot_id} twice")
            seen.add(key)
            if stop.kind == "delivery" and ("pickup", stop.lot_id) not in seen:
                msg = f"fixed route {self.vehicle_id}: delivery of {stop.lot_id} before its pickup"
                raise ValueError(msg)
