"""Roads for the maps: the lines routes follow and the road base layer, when
the case has an OpenStreetMap road graph (``travel.provider = "osm"``).

Without one, routes are straight lines between stops (the great-circle
provider knows no roads) and the map has no base layer; the notes say so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import geopandas as gpd
from shapely.geometry import LineString
from shapely.ops import linemerge

from ..domain import Location
from ..exceptions import TravelTimeError


class RoadLeg(Protocol):
    line: LineString


class RoadRouter(Protocol):
    """What the maps need of a road provider (:class:`~planner.travel.osm_provider.OsmProvider`)."""

    graph: Any

    def routes(self, stops: Sequence[Location], profile: str) -> Sequence[RoadLeg]: ...


@dataclass
class Roads:
    """Road lines for stops, remembered per (profile, stops); the road edges as a base layer."""

    router: RoadRouter
    _cache: dict[tuple[str, tuple[Location, ...]], LineString | None] = field(default_factory=dict)

    def line(self, stops: Sequence[Location], profile: str) -> LineString | None:
        """The road line through ``stops`` in order, or None when a stop is off
        the graph (the caller then draws a straight line)."""
        key = (profile, tuple(stops))
        if key not in self._cache:
            try:
                legs = self.router.routes(list(stops), profile)
            except (TravelTimeError, KeyError, ValueError):
                self._cache[key] = None
            else:
                coords: list[tuple[float, float]] = []
                for leg in legs:
                    part = list(leg.line.coords)
                    coords += part[1:] if coords and part and part[0] == coords[-1] else part
                self._cache[key] = LineString(coords) if len(coords) >= 2 else None
        return self._cache[key]

    def base_layer(self, bounds: Sequence[float]) -> gpd.GeoSeries:
        """Road edges (lon/lat lines) within ``bounds`` (west, south, east, north)."""
        import osmnx as ox

        edges = ox.graph_to_gdfs(self.router.graph, nodes=False, fill_edge_geometry=True)
        w, s, e, n = bounds
        edges = edges.cx[w:e, s:n]
        merged = linemerge(list(edges.geometry))
        parts = list(getattr(merged, "geoms", [merged]))
        return gpd.GeoSeries(parts, crs="EPSG:4326")
