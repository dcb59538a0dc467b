"""Case-wide settings: the planning epoch, time zone, currency, temperatures
and the travel-time provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .traffic import EVERY_ROAD, Corridor, SlowPeriod
from .units import DAY, HOUR

LANGUAGES = ("vi", "en")  # languages the outputs are written in


@dataclass(frozen=True, slots=True)
class TravelSettings:
    """Which travel-time provider a case uses and its parameters.

    ``provider`` is ``great_circle`` (the default) or ``osm`` (``graph`` is
    then a GraphML file relative to the case folder). ``corridors`` and
    ``slow_periods`` are the rush hours (:mod:`.traffic`)."""

    provider: str = "great_circle"
    detour_factor: float = 1.3
    speeds_kmh: tuple[tuple[str, float], ...] = (("motorbike", 30.0), ("truck", 40.0))
    graph: str = ""
    corridors: tuple[Corridor, ...] = ()
    slow_periods: tuple[SlowPeriod, ...] = ()

    def __post_init__(self) -> None:
        if self.provider not in {"great_circle", "osm"}:
            msg = f"travel.provider must be great_circle or osm, got {self.provider!r}"
            raise ValueError(msg)
        if self.detour_factor < 1.0:
            msg = f"travel.detour_factor must be >= 1, got {self.detour_factor}"
            raise ValueError(msg)
        for profile, speed in self.speeds_kmh:
            if speed <= 0:
                msg = f"travel.speeds_kmh.{profile} must be positive, got {speed}"
                raise ValueError(msg)
        if self.provider == "osm" and not self.graph:
            raise ValueError("travel.graph is required when travel.provider is osm")
        ids = [c.id for c in self.corridors]
        if len(set(ids)) != len(ids):
            msg = f"travel.corridors: ids must be unique, got {ids}"
            raise ValueError(msg)
        for p in self.slow_periods:
            if p.corridor != EVERY_ROAD and p.corridor not in ids:
                msg = f"travel.slow_periods: unknown corridor {p.corridor!r} (known: {ids} or '*')"
                raise ValueError(msg)

    def speed_kmh(self, profile: str) -> float:
        speeds = dict(self.speeds_kmh)
        if profile not in speeds:
            msg = f"no speed for vehicle profile {profile!r} (known: {sorted(speeds)})"
            raise KeyError(msg)
        return speeds[profile]


@dataclass(frozen=True, slots=True)
class CaseSettings:
    """``epoch`` is local midnight of the first planning day; ``ambient_c``
    gives the ambient temperature for each local hour 0..23."""

    name: str
    epoch: datetime
    timezone: str = "Asia/Ho_Chi_Minh"
    currency: str = "VND"
    horizon_days: int = 3
    ambient_c: tuple[float, ...] = (30.0,) * 24
    iced_c: float = 12.0
    packing_service_s: int = 600
    travel: TravelSettings = field(default_factory=TravelSettings)
    lang: str = "en"  # language of the files people read (vi or en)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            msg = f"settings.lang must be one of {', '.join(LANGUAGES)}, got {self.lang!r}"
            raise ValueError(msg)
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            msg = f"settings.timezone: unknown time zone {self.timezone!r}"
            raise ValueError(msg) from None
        if self.epoch.tzinfo is None:
            raise ValueError("settings.epoch must have a time zone")
        local = self.epoch.astimezone(ZoneInfo(self.timezone))
        if (local.hour, local.minute, local.second) != (0, 0, 0):
            msg = f"settings.epoch must be local midnight, got {local.isoformat()}"
            raise ValueError(msg)
        if len(self.ambient_c) != 24:
            msg = f"settings.ambient_c must have 24 hourly values, got {len(self.ambient_c)}"
            raise ValueError(msg)
        if self.horizon_days < 1:
            raise ValueError("settings.horizon_days must be >= 1")
        if self.packing_service_s < 0:
            raise ValueError("settings.packing_service_s must be >= 0")

    @property
    def horizon_s(self) -> int:
        return self.horizon_days * DAY

    def ambient_at(self, t: int) -> float:
        """Ambient temperature at engine time ``t``."""
        return self.ambient_c[(t // HOUR) % 24]
