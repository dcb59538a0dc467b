"""Vehicle types and the fleet."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .windows import TimeWindow


class TemperatureClass(StrEnum):
    AMBIENT = "ambient"
    ICED = "iced"
    REEFER = "reefer"


@dataclass(frozen=True, slots=True)
class VehicleType:
    """``count`` identical vehicles. ``setpoint_c`` is the reefer's set point;
    ambient and iced vehicles take their temperature from the case settings."""

    id: str
    name: str
    profile: str
    capacity_kg: float
    capacity_boxes: int
    temperature: TemperatureClass
    home: str
    shift: TimeWindow
    count: int = 1
    end: str = ""
    setpoint_c: float | None = None
    fixed_cost: float = 0.0
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    max_work_s: int | None = None  # working rules: the longest working day (first departure to last arrival)
    break_after_s: int | None = None  # at most this long at work without a break of break_s
    break_s: int = 0

    def __post_init__(self) -> None:
        if self.max_work_s is not None and self.max_work_s <= 0:
            msg = f"vehicle type {self.id}: max_work must be positive, got {self.max_work_s} s"
            raise ValueError(msg)
        if self.break_after_s is not None and (self.break_after_s <= 0 or self.break_s <= 0):
            msg = f"vehicle type {self.id}: break_after needs a positive break_after and break length"
            raise ValueError(msg)
        if self.capacity_kg <= 0:
            msg = f"vehicle type {self.id}: capacity_kg must be positive, got {self.capacity_kg}"
            raise ValueError(msg)
        if self.capacity_boxes < 0 or self.count < 0:
            msg = f"vehicle type {self.id}: capacity_boxes and count must be >= 0"
            raise ValueError(msg)
        if min(self.fixed_cost, self.cost_per_km, self.cost_per_hour) < 0:
            msg = f"vehicle type {self.id}: costs must be >= 0"
            raise ValueError(msg)
        if self.temperature is TemperatureClass.REEFER and self.setpoint_c is None:
            msg = f"vehicle type {self.id}: a reefer needs setpoint_c"
            raise ValueError(msg)

    @property
    def end_site(self) -> str:
        return self.end or self.home
