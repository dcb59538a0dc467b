"""Locations on the earth."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A WGS84 point, in degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            msg = f"lat must be within [-90, 90], got {self.lat}"
            raise ValueError(msg)
        if not -180.0 <= self.lon <= 180.0:
            msg = f"lon must be within [-180, 180], got {self.lon}"
            raise ValueError(msg)
