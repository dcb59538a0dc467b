"""People of a case: the drivers of the pickup fleet.

Contacts of places (owner or contact name, phone) are fields of
:class:`~planner.domain.sites.Site`. A driver drives one vehicle of a vehicle
type: the ``k``-th driver of type ``T`` in ``drivers.csv`` order drives
vehicle ``T#k`` (the ids the planner gives vehicles), so routes go to named
people without the solver knowing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Driver:
    """A driver or rider with the vehicle they bring. ``home`` is a site id
    (empty: the vehicle type's home)."""

    id: str
    name: str
    vehicle_type: str
    phone: str = ""
    plate: str = ""
    home: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("driver id must not be empty")
        if not self.name:
            msg = f"driver {self.id}: name must not be empty"
            raise ValueError(msg)
        if not self.vehicle_type:
            msg = f"driver {self.id}: vehicle_type must not be empty"
            raise ValueError(msg)


def drivers_by_vehicle(drivers: Iterable[Driver]) -> Mapping[str, Driver]:
    """Vehicle id (``TYPE#k``) to its driver: the ``k``-th driver of each type."""
    seen: dict[str, int] = {}
    out: dict[str, Driver] = {}
    for driver in drivers:
        seen[driver.vehicle_type] = seen.get(driver.vehicle_type, 0) + 1
        out[f"{driver.vehicle_type}#{seen[driver.vehicle_type]}"] = driver
    return out
