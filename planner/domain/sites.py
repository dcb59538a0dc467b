"""Sites: farms, collection points, packing houses, hubs, ports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .geo import Location
from .windows import TimeWindow


class SiteKind(StrEnum):
    FARM = "farm"
    COLLECTION_POINT = "collection_point"
    PACKING_HOUSE = "packing_house"
    COLD_STORE = "cold_store"
    TREATMENT_FACILITY = "treatment_facility"
    AIRPORT = "airport"
    SEAPORT = "seaport"
    RAIL_TERMINAL = "rail_terminal"
    CITY_HUB = "city_hub"


class Treatment(StrEnum):
    IRRADIATION = "irradiation"
    FUMIGATION = "fumigation"


PICKUP_KINDS = frozenset({SiteKind.FARM, SiteKind.COLLECTION_POINT})


@dataclass(frozen=True, slots=True)
class Site:
    """A place in the case. ``opening`` lists open windows (empty: always open)."""

    id: str
    name: str
    kind: SiteKind
    location: Location
    opening: tuple[TimeWindow, ...] = ()
    intake_kg_per_hour: float | None = None
    precooling: bool = False
    cold_storage_kg: float | None = None
    treatment: Treatment | None = None
    treatment_kg_per_day: float | None = None
    treatment_s: int = 0
    treatment_cost_per_kg: float = 0.0
    commune: str = ""
    region: str = ""
    contact: str = ""  # owner or contact person
    phone: str = ""
    address: str = ""  # as people write it (village, commune old and new name)
    commune_code: str = ""  # Vietnam: GSO code of the 2025 commune ``commune`` names (old or new name)
    region_code: str = ""  # Vietnam: GSO code of the 2025 province ``region`` names

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("site id must not be empty")
        for field in ("intake_kg_per_hour", "cold_storage_kg", "treatment_kg_per_day"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                msg = f"site {self.id}: {field} must be positive, got {value}"
                raise ValueError(msg)
        if self.treatment_s < 0 or self.treatment_cost_per_kg < 0:
            msg = f"site {self.id}: treatment time and cost must be >= 0"
            raise ValueError(msg)
        if self.treatment is not None and self.treatment_kg_per_day is None:
            msg = f"site {self.id}: treatment {self.treatment} needs treatment_kg_per_day"
            raise ValueError(msg)
        if list(self.opening) != sorted(self.opening):
            msg = f"site {self.id}: opening windows must be sorted"
            raise ValueError(msg)

    def is_open(self, t: int) -> bool:
        return not self.opening or any(w.contains(t) for w in self.opening)
