"""Fit the great-circle provider to a road graph: the detour factor (road
metres over great-circle metres) and each profile's speed, so that cases
without a graph are as close to the roads as a constant factor allows.

Least squares through the origin on random pairs of points along the roads:
``road_m ~ detour * great_circle_m`` over every profile's pairs, then
``road_s ~ detour * great_circle_m / speed`` per profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..domain.settings import TravelSettings
from .great_circle import haversine_m
from .osm_provider import OsmProvider


@dataclass(frozen=True)
class CalibrationParams:
    """``sample_size`` points per profile (pairs = its square minus the
    diagonal); pairs closer than ``min_distance_m`` are left out."""

    sample_size: int = 300
    seed: int = 0
    min_distance_m: float = 200.0

    def __post_init__(self) -> None:
        if self.sample_size < 2:
            msg = f"sample_size must be >= 2, got {self.sample_size}"
            raise ValueError(msg)
        if self.min_distance_m < 0:
            msg = f"min_distance_m must be >= 0, got {self.min_distance_m}"
            raise ValueError(msg)

    @classmethod
    def from_file(cls, path: str | Path) -> CalibrationParams:
        """Read the ``[calibration]`` table of a TOML file."""
        try:
            with Path(path).open("rb") as fh:
                return cls(**tomllib.load(fh).get("calibration", {}))
        except (OSError, ValueError, TypeError) as exc:  # TypeError: an unknown key
            msg = f"{path} [calibration]: {exc}"
            raise ValueError(msg) from exc


@dataclass(frozen=True)
class Calibration:
    """The fitted great-circle parameters and how far they are from the roads:
    ``*_mape`` is the mean absolute error relative to the road value,
    ``detour_p90`` its 90th percentile."""

    detour_factor: float
    detour_mape: float
    detour_p90: float
    speeds_kmh: dict[str, float]
    speed_mape: dict[str, float]
    pairs: dict[str, int]

    def summary(self) -> str:
        lines = [f"detour factor {self.detour_factor:.3f} (metres off by {self.detour_mape:.1%} "
                 f"on average, {self.detour_p90:.1%} at the 90th percentile)"]
        lines += [f"{p}: {self.speeds_kmh[p]:.1f} km/h (seconds off by {self.speed_mape[p]:.1%}, "
                  f"{self.pairs[p]:,} pairs)" for p in self.speeds_kmh]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Pairs:
    great_circle_m: NDArray[np.float64]
    road_m: NDArray[np.float64]
    road_s: NDArray[np.float64]


def _pairs(provider: OsmProvider, profile: str, params: CalibrationParams) -> _Pairs:
    points = provider.sample_points(profile, params.sample_size, seed=params.seed)
    m = provider.matrix(points, points, profile)
    gc = haversine_m(points, points)
    keep = gc >= max(params.min_distance_m, 1.0)
    return _Pairs(gc[keep], m.metres[keep].astype(float), m.seconds[keep].astype(float))


def _slope(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Least-squares slope of ``y ~ slope * x`` through the origin."""
    return float(x @ y / (x @ x))


def _relative_errors(fit: NDArray[np.float64], actual: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.abs(fit - actual) / np.maximum(actual, 1.0)


def calibrate(
    provider: OsmProvider, *, profiles: tuple[str, ...] | None = None,
    params: CalibrationParams | None = None,
) -> Calibration:
    """Fit the detour factor and speeds on random pairs of road points."""
    params = params or CalibrationParams()
    names = profiles or provider.profiles
    pairs = {p: _pairs(provider, p, params) for p in names}
    empty = [p for p, pr in pairs.items() if len(pr.great_circle_m) == 0]
    if empty:
        msg = f"no pair of points at least {params.min_distance_m} m apart for {empty}: the graph is too small"
        raise ValueError(msg)
    gc = np.concatenate([pr.great_circle_m for pr in pairs.values()])
    road = np.concatenate([pr.road_m for pr in pairs.values()])
    detour = max(1.0, _slope(gc, road))
    errors = _relative_errors(detour * gc, road)
    speeds, speed_errors = {}, {}
    for p, pr in pairs.items():
        metres = detour * pr.great_circle_m
        seconds_per_metre = _slope(metres, pr.road_s)
        speeds[p] = 3.6 / seconds_per_metre
        speed_errors[p] = float(_relative_errors(metres * seconds_per_metre, pr.road_s).mean())
    return Calibration(
        detour_factor=detour, detour_mape=float(errors.mean()),
        detour_p90=float(np.percentile(errors, 90)), speeds_kmh=speeds,
        speed_mape=speed_errors, pairs={p: len(pr.road_m) for p, pr in pairs.items()},
    )


def calibrated_settings(settings: TravelSettings, calibration: Calibration) -> TravelSettings:
    """The case's travel settings with the fitted detour factor and speeds
    (rounded to 3 and 1 decimals); other profiles' speeds are kept."""
    speeds = dict(settings.speeds_kmh) | {p: round(v, 1) for p, v in calibration.speeds_kmh.items()}
    return replace(settings, detour_factor=round(calibration.detour_factor, 3),
                   speeds_kmh=tuple(sorted(speeds.items())))
