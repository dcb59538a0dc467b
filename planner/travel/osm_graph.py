"""Build, cache and load the road graph the OSM provider routes on.

osmnx turns OpenStreetMap ways into a directed graph (one-way rules included:
``oneway=yes|-1``, roundabouts). On top of it this module keeps only the ways
each vehicle profile may use (OSM's access hierarchy ``access`` < ``vehicle`` <
``motor_vehicle`` < ``motorcycle``/``hgv``, and the profile's highway classes:
footways, steps, buildings... are never driven) and gives every edge, per
profile, a speed ``speed_kph_<profile>`` (the profile's speed for the road
class, capped by ``maxspeed``) and a weight ``travel_time_<profile>`` in
seconds. Edges a profile may not use carry neither attribute.

Sources: an OSM XML file (``.osm``/``.xml``), a PBF file (``.pbf``, read with
pyosmium), an Overpass API JSON response (``.json``), or a download by bounding
box or polygon (needs the network). The graph is cached as GraphML.

osmnx 2.x has no public reader for Overpass JSON files and its XML reader keeps
every way (buildings, footways): this module feeds osmnx's own graph builder
(``osmnx.graph._create_graph``, the step after the Overpass download) and its
OSM XML and ``maxspeed`` parsers, then osmnx's simplification. The tests on
tiny.osm pin that behaviour should osmnx change it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax import SAXException

import networkx as nx
import osmnx as ox
import requests
from osmnx import _osm_xml, routing
from osmnx import graph as ox_graph
from shapely.geometry import Polygon, box

from ..exceptions import TravelTimeError

#: OSM way tags the graph keeps as edge attributes (osmnx's defaults plus access tags).
WAY_TAGS = (
    "highway", "oneway", "junction", "maxspeed", "name", "ref", "service", "area",
    "access", "vehicle", "motor_vehicle", "motorcycle", "hgv",
    "oneway:motor_vehicle", "oneway:motorcycle", "oneway:hgv",
)
_DENIED = frozenset({"no", "private"})


@dataclass(frozen=True)
class RoadProfile:
    """Which ways a vehicle profile may use and how fast it goes on them.

    ``speeds_kmh`` maps OSM ``highway`` classes to the profile's typical speed;
    classes absent from it are not used. ``access_tags`` is the OSM access
    hierarchy from general to specific: the most specific tag present decides,
    and a value in ``denied_access`` closes the way. ``denied_service`` closes
    ``highway=service`` ways by their ``service`` tag. ``oneway_tags`` lets the
    profile ride a one-way street both ways when the most specific of them
    present says ``no`` (``oneway:motorcycle=no`` is common in Hanoi)."""

    name: str
    speeds_kmh: Mapping[str, float]
    access_tags: tuple[str, ...] = ("access", "vehicle", "motor_vehicle")
    denied_access: frozenset[str] = _DENIED
    denied_service: frozenset[str] = frozenset()
    oneway_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            msg = f"profile name must be an identifier, got {self.name!r}"
            raise ValueError(msg)
        if not self.speeds_kmh:
            msg = f"profile {self.name}: speeds_kmh must name at least one highway class"
            raise ValueError(msg)
        for highway, speed in self.speeds_kmh.items():
            if not speed > 0:
                msg = f"profile {self.name}: speeds_kmh.{highway} must be positive, got {speed}"
                raise ValueError(msg)

    def speed_for(self, tags: Mapping[str, Any]) -> float | None:
        """km/h on a way with these tags, or None when the profile may not use it."""
        highway = tags.get("highway")
        if not isinstance(highway, str) or highway not in self.speeds_kmh:
            return None
        if tags.get("area") == "yes" or tags.get("service") in self.denied_service:
            return None
        decisive = [tags[t] for t in self.access_tags if isinstance(tags.get(t), str)]
        if decisive and decisive[-1] in self.denied_access:
            return None
        speed = self.speeds_kmh[highway]
        limit = routing._clean_maxspeed(tags.get("maxspeed", float("nan")))
        return min(speed, limit) if limit else speed

    def exempt_from_oneway(self, tags: Mapping[str, Any]) -> bool:
        decisive = [tags[t] for t in self.oneway_tags if isinstance(tags.get(t), str)]
        return bool(decisive) and decisive[-1] == "no"

    @classmethod
    def from_dict(cls, name: str, raw: Mapping[str, Any]) -> RoadProfile:
        """A profile from a TOML table; a default profile's name fills its missing keys."""
        unknown = sorted(set(raw) - _PROFILE_KEYS)
        if unknown:
            msg = f"profile {name}: unknown key(s) {unknown} (known: {sorted(_PROFILE_KEYS)})"
            raise ValueError(msg)
        defaults = {p.name: p for p in DEFAULT_PROFILES}.get(name)
        return cls(
            name=name,
            speeds_kmh={str(k): float(v) for k, v in raw.get("speeds_kmh", {}).items()}
            or (defaults.speeds_kmh if defaults else {}),
            access_tags=tuple(raw.get("access_tags", defaults.access_tags if defaults else
                                      ("access", "vehicle", "motor_vehicle"))),
            denied_access=frozenset(raw.get("denied_access", _DENIED)),
            denied_service=frozenset(raw.get("denied_service",
                                             defaults.denied_service if defaults else ())),
            oneway_tags=tuple(raw.get("oneway_tags", defaults.oneway_tags if defaults else ())),
        )


_PROFILE_KEYS = frozenset({"speeds_kmh", "access_tags", "denied_access", "denied_service", "oneway_tags"})
_URBAN = {"tertiary": 28.0, "tertiary_link": 25.0, "unclassified": 25.0, "residential": 20.0, "road": 20.0}

#: Vietnamese defaults: motorbikes may not use expressways but ride alleys and
#: tracks; trucks keep off alleys, driveways and tracks.
DEFAULT_PROFILES = (
    RoadProfile(
        name="motorbike",
        speeds_kmh={
            "trunk": 40.0, "trunk_link": 30.0, "primary": 35.0, "primary_link": 30.0,
            "secondary": 30.0, "secondary_link": 25.0, **_URBAN,
            "living_street": 12.0, "service": 15.0, "track": 15.0,
        },
        access_tags=("access", "vehicle", "motor_vehicle", "motorcycle"),
        oneway_tags=("oneway:motor_vehicle", "oneway:motorcycle"),
    ),
    RoadProfile(
        name="truck",
        speeds_kmh={
            "motorway": 70.0, "motorway_link": 40.0, "trunk": 45.0, "trunk_link": 30.0,
            "primary": 35.0, "primary_link": 30.0, "secondary": 30.0, "secondary_link": 25.0,
            "tertiary": 25.0, "tertiary_link": 20.0, "unclassified": 20.0, "residential": 15.0,
            "road": 15.0, "living_street": 10.0, "service": 10.0,
        },
        access_tags=("access", "vehicle", "motor_vehicle", "hgv"),
        denied_service=frozenset({"alley", "driveway", "parking_aisle", "drive-through", "emergency_access"}),
        oneway_tags=("oneway:motor_vehicle", "oneway:hgv"),
    ),
)


@dataclass(frozen=True)
class NetworkParams:
    """The vehicle profiles a graph is built for. ``from_file`` reads a TOML
    file with one ``[profile.<name>]`` table per profile."""

    profiles: tuple[RoadProfile, ...] = field(default_factory=lambda: DEFAULT_PROFILES)

    def __post_init__(self) -> None:
        names = [p.name for p in self.profiles]
        if not names:
            raise ValueError("at least one vehicle profile is required")
        if len(set(names)) != len(names):
            msg = f"profile names must be unique, got {names}"
            raise ValueError(msg)

    @classmethod
    def from_file(cls, path: str | Path) -> NetworkParams:
        path = Path(path)
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
            profiles = tuple(RoadProfile.from_dict(n, v) for n, v in raw.get("profile", {}).items())
            return cls(profiles=profiles)
        except (OSError, ValueError, TypeError) as exc:  # TOMLDecodeError is a ValueError
            msg = f"{path}: {exc}"
            raise ValueError(msg) from exc


_SPEED = "speed_kph_"


def speed_attr(profile: str) -> str:
    return f"{_SPEED}{profile}"


def time_attr(profile: str) -> str:
    return f"travel_time_{profile}"


def graph_profiles(G: nx.MultiDiGraph) -> tuple[str, ...]:
    """The vehicle profiles a road graph was built for."""
    raw = G.graph.get("profiles", "")
    return tuple(p for p in str(raw).split(",") if p)


@contextmanager
def _way_tags() -> Iterator[None]:
    """Make osmnx keep the access tags the profiles need as edge attributes."""
    old = ox.settings.useful_tags_way
    ox.settings.useful_tags_way = sorted(set(old) | set(WAY_TAGS))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = old


def _elements_from_pbf(path: Path) -> dict[str, Any]:
    try:
        import osmium  # only PBF files need pyosmium
    except ImportError as exc:
        raise ValueError("reading PBF files needs the osmium package (pip install osmium)") from exc
    nodes: dict[int, dict[str, Any]] = {}
    ways = []
    for way in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if not isinstance(way, osmium.osm.Way) or "highway" not in way.tags:
            continue
        refs = []
        for n in way.nodes:
            if n.location.valid():
                nodes[n.ref] = {"type": "node", "id": n.ref, "lat": n.lat, "lon": n.lon}
                refs.append(n.ref)
        ways.append({"type": "way", "id": way.id, "nodes": refs, "tags": {t.k: t.v for t in way.tags}})
    return {"elements": [*nodes.values(), *ways]}


def _elements_from_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        msg = f"{path}: not an Overpass API JSON response (no 'elements' list)"
        raise ValueError(msg)
    return data


_READERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    ".osm": lambda p: _osm_xml._overpass_json_from_xml(p, "utf-8"),
    ".xml": lambda p: _osm_xml._overpass_json_from_xml(p, "utf-8"),
    ".pbf": _elements_from_pbf,
    ".json": _elements_from_json,
}


def read_osm_elements(path: str | Path) -> dict[str, Any]:
    """OSM data of an XML, PBF or Overpass JSON file, as an Overpass-style
    ``{"elements": [...]}`` dict (the form osmnx builds graphs from)."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        msg = f"{path}: unknown OSM file type {path.suffix!r} (expected .osm, .xml, .pbf or .json)"
        raise ValueError(msg)
    if not path.is_file():
        msg = f"{path}: no such OSM file"
        raise FileNotFoundError(msg)
    try:
        return reader(path)
    except (OSError, ValueError, RuntimeError, SyntaxError, SAXException) as exc:  # SyntaxError: XML
        msg = f"{path}: cannot read OSM data ({exc})"
        raise ValueError(msg) from exc


def _check_complete_ways(elements: list[dict[str, Any]]) -> None:
    nodes = {e["id"] for e in elements if e["type"] == "node"}
    broken = [(e["id"], n) for e in elements if e["type"] == "way" for n in e["nodes"] if n not in nodes]
    if broken:
        way, node = broken[0]
        msg = (f"{len({w for w, _ in broken}):,} way(s) refer to nodes missing from the data (way {way}: "
               f"node {node}); extract complete ways (osmium extract --strategy complete_ways, "
               "or Overpass `(._;>;); out;`)")
        raise ValueError(msg)


def graph_from_elements(response: Mapping[str, Any], *, params: NetworkParams | None = None) -> nx.MultiDiGraph:
    """Road graph from Overpass-style OSM elements, with osmnx's own graph builder."""
    elements = [
        e for e in response.get("elements", [])
        if e.get("type") == "node" or (e.get("type") == "way" and "highway" in e.get("tags", {}))
    ]
    if not any(e["type"] == "way" for e in elements):
        raise ValueError("the OSM data has no highway ways")
    _check_complete_ways(elements)
    with _way_tags():
        raw = ox_graph._create_graph([{"elements": elements}], bidirectional=False)
    return road_graph(raw, params=params or NetworkParams())


def graph_from_file(path: str | Path, *, params: NetworkParams | None = None) -> nx.MultiDiGraph:
    """Road graph from a local OSM XML, PBF or Overpass JSON file."""
    try:
        return graph_from_elements(read_osm_elements(path), params=params)
    except ValueError as exc:
        if str(path) in str(exc):
            raise
        msg = f"{path}: {exc}"
        raise ValueError(msg) from exc


_OFFLINE = "is the machine offline? Build from a local file with `planner network build --osm FILE` instead"


def _check_overpass_reachable() -> None:
    """Fail at once when offline (osmnx would first wait a minute for its rate limit)."""
    url = ox.settings.overpass_url.rstrip("/") + "/status"
    try:
        requests.get(url, timeout=min(ox.settings.requests_timeout, 10), **ox.settings.requests_kwargs)
    except requests.exceptions.RequestException as exc:
        msg = f"cannot reach the Overpass API at {url} ({type(exc).__name__}): {_OFFLINE}"
        raise TravelTimeError(msg) from exc


def graph_from_polygon(polygon: Polygon, *, params: NetworkParams | None = None) -> nx.MultiDiGraph:
    """Download the ways inside a WGS84 polygon from the Overpass API (needs the network)."""
    _check_overpass_reachable()
    try:
        with _way_tags():
            raw = ox.graph_from_polygon(
                polygon, custom_filter='["highway"]["area"!~"yes"]',
                simplify=False, retain_all=True, truncate_by_edge=True,
            )
    except requests.exceptions.RequestException as exc:
        msg = f"cannot download OpenStreetMap data ({type(exc).__name__}): {_OFFLINE}"
        raise TravelTimeError(msg) from exc
    return road_graph(raw, params=params or NetworkParams())


def graph_from_bbox(
    south: float, west: float, north: float, east: float, *, params: NetworkParams | None = None
) -> nx.MultiDiGraph:
    """Download the ways in a bounding box (degrees) from the Overpass API."""
    if not (south < north and west < east):
        msg = f"bbox must be south < north and west < east, got {south},{west},{north},{east}"
        raise ValueError(msg)
    return graph_from_polygon(box(west, south, east, north), params=params)


def _add_profile_speeds(G: nx.MultiDiGraph, profiles: tuple[RoadProfile, ...]) -> None:
    """Speeds per profile on every edge; drop edges no profile may use; add the
    other direction of one-way streets for the profiles exempt from them."""
    unused, contraflow = [], []
    for u, v, k, data in G.edges(keys=True, data=True):
        speeds = {p.name: p.speed_for(data) for p in profiles}
        data.update({speed_attr(name): speed for name, speed in speeds.items() if speed is not None})
        if all(speed is None for speed in speeds.values()):
            unused.append((u, v, k))
        exempt = {speed_attr(p.name): speeds[p.name] for p in profiles
                  if speeds[p.name] is not None and data["oneway"] and p.exempt_from_oneway(data)}
        if exempt:
            base = {a: x for a, x in data.items() if not a.startswith(_SPEED)}
            contraflow.append((v, u, base | exempt | {"reversed": not data["reversed"]}))
    G.remove_edges_from(unused)
    G.add_edges_from(contraflow)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])


def road_graph(raw: nx.MultiDiGraph, *, params: NetworkParams) -> nx.MultiDiGraph:
    """Keep the ways some profile may use, simplify, and add per-profile weights."""
    G = raw.copy()
    _add_profile_speeds(G, params.profiles)
    if G.number_of_edges() == 0:
        raise ValueError("no way in the OSM data is usable by any vehicle profile")
    G = ox.truncate.largest_component(G, strongly=False)
    speeds = [speed_attr(p.name) for p in params.profiles]
    G = ox.simplify_graph(G, edge_attrs_differ=speeds)
    for _, _, data in G.edges(data=True):
        for profile in params.profiles:
            speed = data.get(speed_attr(profile.name))
            if speed is not None:
                data[time_attr(profile.name)] = data["length"] / (float(speed) / 3.6)
    G.graph["profiles"] = ",".join(p.name for p in params.profiles)
    return G


def save_graph(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Cache a road graph as GraphML."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.save_graphml(G, path)
    return path


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Load a road graph cached by :func:`save_graph`."""
    path = Path(path)
    if not path.is_file():
        msg = f"road graph {path} not found (build it with `planner network build`)"
        raise TravelTimeError(msg)
    G = ox.load_graphml(path)
    profiles = graph_profiles(G)
    if not profiles:
        msg = f"{path}: not a planner road graph (no 'profiles' graph attribute)"
        raise TravelTimeError(msg)
    for _, _, data in G.edges(data=True):
        for p in profiles:
            for attr in (speed_attr(p), time_attr(p)):
                if attr in data:
                    data[attr] = float(data[attr])
    return G
