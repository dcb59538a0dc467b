"""The default provider: great-circle distance times a detour factor, at a
constant speed per vehicle profile. Vectorised with numpy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..domain.geo import Location
from ..domain.settings import TravelSettings
from .provider import TravelMatrix

EARTH_RADIUS_M = 6_371_008.8


BLOCK_CELLS = 1 << 17  # cells per block: the temporaries stay in cache


def _coords(points: Sequence[Location]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    arr = np.array([(p.lat, p.lon) for p in points], dtype=np.float64).reshape(-1, 2)
    return np.radians(arr[:, 0]), np.radians(arr[:, 1])


def _half_angle_blocks(
    origins: Sequence[Location], destinations: Sequence[Location]
) -> Iterator[tuple[slice, NDArray[np.float64]]]:
    """Great-circle metres, a block of origin rows at a time.

    Haversine with the half-angle differences expanded per point,
    ``sin((b - a) / 2) = sin(b/2) cos(a/2) - cos(b/2) sin(a/2)``, so the only
    transcendental work per cell is one ``sqrt`` and one ``arcsin``; the result
    is exactly symmetric with an exactly zero diagonal."""
    lat1, lon1 = _coords(origins)
    lat2, lon2 = _coords(destinations)
    s_lat1, c_lat1, s_lat2, c_lat2 = np.sin(lat1 / 2), np.cos(lat1 / 2), np.sin(lat2 / 2), np.cos(lat2 / 2)
    s_lon1, c_lon1, s_lon2, c_lon2 = np.sin(lon1 / 2), np.cos(lon1 / 2), np.sin(lon2 / 2), np.cos(lon2 / 2)
    cos1, cos2 = np.cos(lat1), np.cos(lat2)
    rows = max(1, BLOCK_CELLS // max(1, len(lat2)))
    for start in range(0, len(lat1), rows):
        r = slice(start, start + rows)
        a = np.multiply.outer(c_lat1[r], s_lat2)
        a -= np.multiply.outer(s_lat1[r], c_lat2)
        np.square(a, out=a)
        b = np.multiply.outer(c_lon1[r], s_lon2)
        b -= np.multiply.outer(s_lon1[r], c_lon2)
        np.square(b, out=b)
        b *= np.multiply.outer(cos1[r], cos2)
        a += b
        np.clip(a, 0.0, 1.0, out=a)
        np.sqrt(a, out=a)
        np.arcsin(a, out=a)
        a *= 2 * EARTH_RADIUS_M
        yield r, a


def haversine_m(origins: Sequence[Location], destinations: Sequence[Location]) -> NDArray[np.float64]:
    """Great-circle metres between every origin and destination."""
    out = np.empty((len(origins), len(destinations)), dtype=np.float64)
    for rows, block in _half_angle_blocks(origins, destinations):
        out[rows] = block
    return out


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
        speed_ms = self.speeds_kmh[profile] / 3.6
        metres = np.empty((len(origins), len(destinations)), dtype=np.int64)
        seconds = np.empty_like(metres)
        for rows, block in _half_angle_blocks(origins, destinations):
            block *= self.detour_factor
            np.rint(block, out=metres[rows], casting="unsafe")
            block /= speed_ms
            np.rint(block, out=seconds[rows], casting="unsafe")
        return TravelMatrix(seconds=seconds, metres=metres)
