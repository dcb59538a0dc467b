"""The default provider: great-circle distance times a detour factor, at a
constant speed per vehicle profile. Vectorised with numpy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..domain.geo import Location
from ..domain.settings import TravelSettings
from .provider import TravelMatrix

EARTH_RADIUS_M = 6_371_008.8


def _coords(points: Sequence[Location]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    arr = np.array([(p.lat, p.lon) for p in points], dtype=np.float64).reshape(-1, 2)
    return np.radians(arr[:, 0]), np.radians(arr[:, 1])


def haversine_m(origins: Sequence[Location], destinations: Sequence[Location]) -> NDArray[np.float64]:
    """Great-circle metres between every origin and destination."""
    lat1, lon1 = _coords(origins)
    lat2, lon2 = _coords(destinations)
    dlat = lat2[None, :] - lat1[:, None]
    dlon = lon2[None, :] - lon1[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class GreatCircleProvider:
    """``metres = detour_factor * great-circle``; ``seconds = metres / speed``."""

    detour_factor: float = 1.3
    speeds_kmh: Mapping[str, float] = field(
        default_factory=lambda: {"motorbike": 30.0, "truck": 40.0}
    )

    def __post_init__(self) -> None:
        if self.detour_factor < 1.0:
            msg = f"detour_factor must be >= 1, got {self.detour_factor}"
            raise ValueError(msg)
        for profile, speed in self.speeds_kmh.items():
            if speed <= 0:
                msg = f"speed for {profile} must be positive, got {speed}"
                raise ValueError(msg)

    @classmethod
    def from_settings(cls, settings: TravelSettings) -> GreatCircleProvider:
        return cls(settings.detour_factor, dict(settings.speeds_kmh))

    def matrix(
        self,
        origins: Sequence[Location],
        destinations: Sequence[Location],
        profile: str,
    ) -> TravelMatrix:
        if profile not in self.speeds_kmh:
            msg = f"no speed for vehicle profile {profile!r} (known: {sorted(self.speeds_kmh)})"
            raise KeyError(msg)
        metres = haversine_m(origins, destinations) * self.detour_factor
        seconds = metres / (self.speeds_kmh[profile] / 3.6)
        return TravelMatrix(
            seconds=np.rint(seconds).astype(np.int64), metres=np.rint(metres).astype(np.int64)
        )
