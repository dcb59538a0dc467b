"""The map projections of the reports, as PROJ strings for pyproj/geopandas.

- pickup area: azimuthal equidistant centred on the area (distances from the
  centre are true, so a scale bar is honest over a district);
- freight lanes: equirectangular centred on the lanes' origins, so a Pacific
  crossing (split at the antimeridian in WGS84) stays in one piece.
"""

from __future__ import annotations

from collections.abc import Sequence

EARTH_A = 6_378_137.0  # WGS84 semi-major axis: metres per radian in ``lanes_crs``
GRID_STEPS_DEG = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0)


def pickup_crs(lon_lat_bounds: Sequence[float]) -> str:
    w, s, e, n = lon_lat_bounds
    return f"+proj=aeqd +lat_0={(s + n) / 2:.5f} +lon_0={(w + e) / 2:.5f} +datum=WGS84 +units=m"


def lanes_crs(lon0: float) -> str:
    return f"+proj=eqc +lon_0={lon0:.4f} +datum=WGS84 +units=m"


def unwrap_lon(lon: float, lon0: float) -> float:
    """``lon`` within 180 degrees of ``lon0`` (may leave [-180, 180])."""
    return lon0 + (lon - lon0 + 180) % 360 - 180


def bounds_lon_lat(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    lons, lats = zip(*points, strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def degrees(value: float, *, axis: str) -> str:
    """``106.5°E``, ``33.9°N``, ``118°W`` (longitudes wrapped into [-180, 180))."""
    if axis == "lon":
        value = (value + 180) % 360 - 180
        hemi = "E" if value >= 0 else "W"
    else:
        hemi = "N" if value >= 0 else "S"
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}°" if text in ("0", "180") else f"{text}°{hemi}"


def grid_step(span_deg: float, *, lines: int = 6) -> float:
    """A round graticule step giving at most about ``lines`` lines over ``span_deg``."""
    return next((s for s in GRID_STEPS_DEG if span_deg / s <= lines), GRID_STEPS_DEG[-1])
