"""The travel-time provider a case asks for in its settings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.settings import TravelSettings
from ..exceptions import TravelTimeError
from .great_circle import GreatCircleProvider
from .provider import TravelTimeProvider

if TYPE_CHECKING:
    from .osm_provider import OsmProvider


@lru_cache(maxsize=4)
def _osm_provider(path: Path, modified_ns: int) -> OsmProvider:
    from .osm_provider import OsmProvider  # osmnx and geopandas load only for road graphs

    return OsmProvider.from_file(path)


def provider_for(settings: TravelSettings, base_dir: Path) -> TravelTimeProvider:
    """``great_circle`` from the settings' factor and speeds, or ``osm`` on the
    graph file ``settings.graph`` (relative to ``base_dir``, the case folder).
    A graph is loaded once per file version."""
    if settings.provider == "great_circle":
        return GreatCircleProvider.from_settings(settings)
    path = (Path(base_dir) / settings.graph).resolve()
    if not path.is_file():
        msg = (f"travel.graph: road graph {path} not found (build it with "
               "`planner network build --osm FILE --out GRAPH`)")
        raise TravelTimeError(msg)
    return _osm_provider(path, path.stat().st_mtime_ns)
