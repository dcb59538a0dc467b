"""Travel times on an OpenStreetMap road graph (see :mod:`.osm_graph`).

Points are snapped onto the nearest road a profile may use (a KD-tree on
projected edge vertices, then the exact nearest point of the candidate edges)
and enter the graph as *phantom* nodes part-way along their edge, as routing
engines do. Only edges of the profile's largest strongly connected component
are snapped to, so every origin reaches every destination.

Matrices come from one many-source Dijkstra (``scipy.sparse.csgraph``) per
block of origins. Each edge weight packs travel time and length into one exact
integer of a float64, ``ticks * 2**k + metres_units``: Dijkstra then minimises
time, breaks ties by length, and the metres of the fastest path fall out of the
same sum with no predecessor walk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
import pyproj
import scipy.sparse as sp
import shapely
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import LineString
from shapely.ops import substring

from ..domain.geo import Location
from ..exceptions import OffNetworkError, TravelTimeError
from .osm_graph import graph_profiles, load_graph, time_attr
from .provider import TravelMatrix

_SEGMENT_M = 20.0  # longest gap between KD-tree vertices along an edge
_AT_NODE_M = 1.0  # a point this close to a node may leave or reach it in any direction
_BLOCK_CELLS = 1_000_000  # distance cells per Dijkstra block (8 MB of float64)
_UNITS = ((0.1, 0.001), (1.0, 0.001), (1.0, 0.01), (1.0, 0.1), (1.0, 1.0))  # (m, s) per unit


@dataclass(frozen=True)
class Snap:
    """Where points meet a profile's roads: ``edge`` (index into the network's
    edges), ``fraction`` along it (0 at its start node) and ``distance_m``."""

    edge: NDArray[np.int64]
    fraction: NDArray[np.float64]
    distance_m: NDArray[np.float64]

    def take(self, which: slice) -> Snap:
        return Snap(self.edge[which], self.fraction[which], self.distance_m[which])


@dataclass(frozen=True)
class RouteLeg:
    """The fastest road route from one stop to the next; ``line`` is in lon/lat."""

    seconds: int
    metres: int
    line: LineString


@dataclass(frozen=True)
class _Encoding:
    """Time and length of a path packed into one float64 integer."""

    metre_unit: float
    tick_s: float
    bits: int  # 2**bits is greater than any path's metre units

    @classmethod
    def fitting(cls, longest_m: float, longest_s: float, hops: int) -> _Encoding:
        """The finest units in which paths up to ``longest_m`` and ``longest_s``
        of at most ``hops`` edges (each rounded by half a unit) fit exactly."""
        for metre_unit, tick_s in _UNITS:
            bits = math.ceil(math.log2(longest_m / metre_unit + hops + 2))
            if (longest_s / tick_s + hops + 2) * 2.0**bits < 2.0**53:
                return cls(metre_unit, tick_s, bits)
        msg = f"road graph too large to encode exactly (paths up to {longest_m:,.0f} m, {longest_s:,.0f} s)"
        raise TravelTimeError(msg)

    def encode(self, seconds: NDArray[np.float64], metres: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.rint(seconds / self.tick_s) * 2.0**self.bits + np.rint(metres / self.metre_unit)

    def decode(self, packed: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        exact = packed.astype(np.int64)  # every packed value is an integer below 2**53
        ticks, units = exact >> self.bits, exact & ((1 << self.bits) - 1)
        return (np.rint(ticks * self.tick_s).astype(np.int64),
                np.rint(units * self.metre_unit).astype(np.int64))


class _Network:
    """A road graph as arrays: nodes, directed edges, projected geometry."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        nodes, edges = ox.graph_to_gdfs(G, fill_edge_geometry=True)
        self.profiles = graph_profiles(G)
        self.node_index = {n: i for i, n in enumerate(nodes.index)}
        self.n_nodes = len(nodes)
        self.u = np.array([self.node_index[n] for n in edges.index.get_level_values(0)], dtype=np.int64)
        self.v = np.array([self.node_index[n] for n in edges.index.get_level_values(1)], dtype=np.int64)
        self.length = edges["length"].to_numpy(dtype=np.float64)
        self.seconds = {
            p: edges[time_attr(p)].to_numpy(dtype=np.float64) if time_attr(p) in edges
            else np.full(len(edges), np.nan) for p in self.profiles
        }
        crs = edges.estimate_utm_crs()
        self.lines = edges.geometry.to_crs(crs).to_numpy()
        self.to_xy = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        self.twin = self._twins()

    def _twins(self) -> NDArray[np.int64]:
        """For each edge, the same road in the other direction (or -1)."""
        twin = np.full(len(self.u), -1, dtype=np.int64)
        by_pair: dict[tuple[int, int], list[int]] = {}
        for e, (a, b) in enumerate(zip(self.u.tolist(), self.v.tolist(), strict=True)):
            by_pair.setdefault((a, b), []).append(e)
        for e, (a, b) in enumerate(zip(self.u.tolist(), self.v.tolist(), strict=True)):
            back = by_pair.get((b, a), [])
            gaps = [abs(self.length[f] - self.length[e]) for f in back]
            if back and min(gaps) < 0.5 and a != b:
                twin[e] = back[int(np.argmin(gaps))]
        return twin

    def project(self, points: Sequence[Location]) -> NDArray[np.float64]:
        lon = np.array([p.lon for p in points], dtype=np.float64)
        lat = np.array([p.lat for p in points], dtype=np.float64)
        x, y = self.to_xy.transform(lon, lat)
        return np.column_stack([x, y]).reshape(-1, 2)


class _ProfileNet:
    """One profile's usable edges: the snapping tree and the weighted graph."""

    def __init__(self, net: _Network, profile: str) -> None:
        self.net = net
        seconds = net.seconds[profile]
        usable = ~np.isnan(seconds)
        if not usable.any():
            msg = f"the road graph has no road usable by {profile}"
            raise TravelTimeError(msg)
        graph = sp.csr_array((np.ones(usable.sum()), (net.u[usable], net.v[usable])),
                             shape=(net.n_nodes, net.n_nodes))
        _, label = connected_components(graph, directed=True, connection="strong")
        main = np.bincount(label[net.u[usable]]).argmax()
        self.edges = np.flatnonzero(usable & (label[net.u] == main) & (label[net.v] == main))
        longest_s, longest_m = self._longest_path(seconds)
        self.encoding = _Encoding.fitting(longest_m, longest_s, int((label == main).sum()) + 2)
        self.cost = np.full(len(net.u), np.inf)
        self.cost[self.edges] = self.encoding.encode(seconds[self.edges], net.length[self.edges])
        self.seconds = seconds
        in_profile = np.zeros(len(net.u) + 1, dtype=bool)  # the extra slot answers twin -1
        in_profile[self.edges] = True
        self.twin = np.where(in_profile[net.twin], net.twin, -1)
        self._build_tree()

    def _longest_path(self, seconds: NDArray[np.float64]) -> tuple[float, float]:
        """Upper bounds of any fastest path's seconds and metres, phantom ends
        included: through any node r, ``d(a, b) <= d(a, r) + d(r, b)``."""
        e, n = self.edges, self.net.n_nodes
        graph = sp.csr_array((seconds[e], (self.net.u[e], self.net.v[e])), shape=(n, n))  # sums parallels
        root = int(self.net.u[e[0]])
        ahead, back = dijkstra(graph, indices=root), dijkstra(graph.T, indices=root)
        reach = np.isfinite(ahead) & np.isfinite(back)
        longest_s = float(ahead[reach].max() + back[reach].max() + 2 * seconds[e].max())
        moving = seconds[e] > 0
        fastest = float((self.net.length[e][moving] / seconds[e][moving]).max()) if moving.any() else 0.0
        return longest_s, longest_s * fastest

    def _build_tree(self) -> None:
        edges = self.edges[self.net.u[self.edges] != self.net.v[self.edges]]  # no loops
        twin = self.twin[edges]
        canonical = np.where(twin >= 0, np.minimum(edges, twin), edges)
        self.snappable = np.unique(canonical)
        dense = shapely.segmentize(self.net.lines[self.snappable], _SEGMENT_M)
        coords, owner = shapely.get_coordinates(dense, return_index=True)
        self.tree = cKDTree(coords)
        self.vertex_edge = self.snappable[owner]

    def snap(self, xy: NDArray[np.float64]) -> Snap:
        if len(xy) == 0:
            empty = np.zeros(0)
            return Snap(empty.astype(np.int64), empty, empty)
        nearest, _ = self.tree.query(xy)
        near = self.tree.query_ball_point(xy, r=nearest + _SEGMENT_M)
        counts = np.fromiter((len(c) for c in near), dtype=np.int64, count=len(near))
        point = np.repeat(np.arange(len(xy)), counts)
        edge = self.vertex_edge[np.concatenate([np.asarray(c, dtype=np.int64) for c in near])]
        pts = shapely.points(xy)
        dist = shapely.distance(self.net.lines[edge], pts[point])
        order = np.lexsort((edge, dist, point))
        first = order[np.r_[0, np.flatnonzero(np.diff(point[order])) + 1]]
        best = edge[first]
        fraction = shapely.line_locate_point(self.net.lines[best], pts, normalized=True)
        return Snap(best, np.asarray(fraction, dtype=np.float64), dist[first])

    @cached_property
    def base(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
        """The usable edges, the cheapest of parallel edges only: rows, cols, cost, edge id."""
        e = self.edges
        order = np.lexsort((self.cost[e], self.net.v[e], self.net.u[e]))
        e = e[order]
        keep = np.r_[True, (np.diff(self.net.u[e]) != 0) | (np.diff(self.net.v[e]) != 0)]
        e = e[keep]
        return self.net.u[e], self.net.v[e], self.cost[e], e

    @cached_property
    def edge_of(self) -> dict[tuple[int, int], int]:
        """The edge a route takes between two adjacent nodes."""
        rows, cols, _, ids = self.base
        return {(a, b): e for a, b, e in zip(rows.tolist(), cols.tolist(), ids.tolist(), strict=True)}

    def reverse(self, edge: NDArray[np.int64]) -> NDArray[np.int64]:
        """The edge that runs the other way along the same road, else the edge itself."""
        return np.where(self.twin[edge] >= 0, self.twin[edge], edge)

    def part(self, edge: NDArray[np.int64], fraction: NDArray[np.float64]) -> NDArray[np.float64]:
        """Packed cost of the first ``fraction`` of each edge."""
        return self.encoding.encode(self.seconds[edge] * fraction, self.net.length[edge] * fraction)


@dataclass(frozen=True)
class _Phantoms:
    """The road graph with the origins as extra nodes after the road nodes.
    Destination j is reached from node ``u[j]`` adding ``u_cost[j]``, from
    ``v[j]`` adding ``v_cost[j]`` (inf when it may not), or straight from an
    origin on the same road (``direct``: origin, destination, cost)."""

    graph: sp.csr_array
    first_origin: int
    u: NDArray[np.int64]
    u_cost: NDArray[np.float64]
    v: NDArray[np.int64]
    v_cost: NDArray[np.float64]
    direct: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]

    def to_destinations(self, rows: NDArray[np.int64], dist: NDArray[np.float64]) -> NDArray[np.float64]:
        """Packed costs from origins ``rows`` (``dist``: their Dijkstra rows) to the destinations."""
        out = np.minimum(dist[:, self.u] + self.u_cost, dist[:, self.v] + self.v_cost)
        i, j, cost = self.direct
        inside = (i >= rows[0]) & (i <= rows[-1])
        np.minimum.at(out, (i[inside] - rows[0], j[inside]), cost[inside])
        return out

    def with_destinations(self) -> sp.csr_array:
        """The graph with destination nodes too, numbered after the origins."""
        base = self.graph.tocoo()
        ids = self.graph.shape[0] + np.arange(len(self.u))
        can = np.isfinite(self.v_cost)
        i, j, cost = self.direct
        rows = np.concatenate([base.row, self.u, self.v[can], self.first_origin + i])
        cols = np.concatenate([base.col, ids, ids[can], ids[j]])
        data = np.concatenate([base.data, self.u_cost, self.v_cost[can], cost])
        size = self.graph.shape[0] + len(self.u)
        return sp.csr_array((data, (rows, cols)), shape=(size, size))


class OsmProvider:
    """Seconds and metres on OpenStreetMap roads, for the profiles the graph
    was built with. ``max_snap_m`` is how far a point may be from a usable road."""

    def __init__(self, graph: nx.MultiDiGraph, *, max_snap_m: float = 500.0) -> None:
        if max_snap_m <= 0:
            msg = f"max_snap_m must be positive, got {max_snap_m}"
            raise ValueError(msg)
        self.max_snap_m = max_snap_m
        self.graph = graph
        self._net = _Network(graph)
        self._profiles: dict[str, _ProfileNet] = {}

    @classmethod
    def from_file(cls, path: str | Path, *, max_snap_m: float = 500.0) -> OsmProvider:
        return cls(load_graph(path), max_snap_m=max_snap_m)

    @property
    def profiles(self) -> tuple[str, ...]:
        return self._net.profiles

    def _profile(self, profile: str) -> _ProfileNet:
        if profile not in self._net.profiles:
            msg = f"no roads for vehicle profile {profile!r} (known: {sorted(self._net.profiles)})"
            raise KeyError(msg)
        if profile not in self._profiles:
            self._profiles[profile] = _ProfileNet(self._net, profile)
        return self._profiles[profile]

    def snap(self, points: Sequence[Location], profile: str) -> Snap:
        """Snap points onto the roads of a profile (no distance check)."""
        return self._profile(profile).snap(self._net.project(points))

    def sample_points(self, profile: str, count: int, *, seed: int = 0) -> list[Location]:
        """``count`` points spread uniformly along the roads of a profile."""
        pnet = self._profile(profile)
        lines = self._net.lines[pnet.snappable]
        lengths = self._net.length[pnet.snappable]
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(lines), size=count, p=lengths / lengths.sum())
        xy = shapely.get_coordinates(shapely.line_interpolate_point(lines[pick], rng.random(count),
                                                                    normalized=True))
        lon, lat = self._net.to_lonlat.transform(xy[:, 0], xy[:, 1])
        return [Location(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]

    def _checked_snap(self, pnet: _ProfileNet, profile: str,
                      groups: Sequence[tuple[str, Sequence[Location]]]) -> list[Snap]:
        snaps, far = [], []
        for role, points in groups:
            snap = pnet.snap(self._net.project(points))
            far += [(role, int(i), points[i].lat, points[i].lon, float(snap.distance_m[i]))
                    for i in np.flatnonzero(snap.distance_m > self.max_snap_m).tolist()]
            snaps.append(snap)
        if far:
            raise OffNetworkError(profile, self.max_snap_m, far)
        return snaps

    def _canonical(self, pnet: _ProfileNet, snap: Snap) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Express snaps on the canonical direction of their road."""
        twin = pnet.twin[snap.edge]
        flip = (twin >= 0) & (twin < snap.edge)
        return np.where(flip, twin, snap.edge), np.where(flip, 1.0 - snap.fraction, snap.fraction)

    def _phantoms(self, pnet: _ProfileNet, origins: Snap, destinations: Snap) -> _Phantoms:
        net, (rows, cols, cost, _) = self._net, pnet.base
        n, s = net.n_nodes, len(origins.edge)
        oe, of = self._canonical(pnet, origins)
        de, df = self._canonical(pnet, destinations)
        o_ids = n + np.arange(s)
        # back along a one-way road only from (or to) a point at its end node
        o_back = (pnet.twin[oe] >= 0) | (of * net.length[oe] <= _AT_NODE_M)
        d_back = (pnet.twin[de] >= 0) | ((1.0 - df) * net.length[de] <= _AT_NODE_M)
        otw = pnet.reverse(oe)
        parts = [
            (rows, cols, cost),
            (o_ids, net.v[oe], pnet.part(oe, 1.0 - of)),  # ahead along the road
            (o_ids[o_back], net.u[oe[o_back]], pnet.part(otw[o_back], of[o_back])),
        ]
        r, c, w = (np.concatenate([p[i] for p in parts]) for i in range(3))
        graph = sp.csr_array((w, (r, c)), shape=(n + s, n + s))
        v_cost = np.where(d_back, pnet.part(pnet.reverse(de), 1.0 - df), np.inf)
        return _Phantoms(graph, n, net.u[de], pnet.part(de, df), net.v[de], v_cost,
                         self._same_road(pnet, oe, of, de, df))

    def _same_road(self, pnet: _ProfileNet, oe: NDArray[np.int64], of: NDArray[np.float64],
                   de: NDArray[np.int64], df: NDArray[np.float64],
                   ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Origin and destination pairs on one road that meet without leaving it."""
        order = np.argsort(de, kind="stable")
        lo = np.searchsorted(de[order], oe, side="left")
        hi = np.searchsorted(de[order], oe, side="right")
        i = np.repeat(np.arange(len(oe)), hi - lo)
        j = order[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)] or [np.zeros(0, int)])]
        e, ahead = oe[i], df[j] >= of[i]
        back = ~ahead & (pnet.twin[e] >= 0)
        cost = np.full(len(i), np.inf)
        cost[ahead] = pnet.part(e[ahead], df[j[ahead]] - of[i[ahead]])
        cost[back] = pnet.part(pnet.twin[e[back]], of[i[back]] - df[j[back]])
        keep = ahead | back
        return i[keep], j[keep], cost[keep]

    def matrix(self, origins: Sequence[Location], destinations: Sequence[Location],
               profile: str) -> TravelMatrix:
        pnet = self._profile(profile)
        snaps = self._checked_snap(pnet, profile, [("origin", origins), ("destination", destinations)])
        ph = self._phantoms(pnet, *snaps)
        s, d = len(origins), len(destinations)
        seconds, metres = np.zeros((s, d), dtype=np.int64), np.zeros((s, d), dtype=np.int64)
        block = max(1, _BLOCK_CELLS // ph.graph.shape[0])
        for start in range(0, s, block):
            rows = np.arange(start, min(s, start + block))
            dist = dijkstra(ph.graph, directed=True, indices=ph.first_origin + rows)
            packed = ph.to_destinations(rows, dist)
            if not np.isfinite(packed).all():
                msg = f"some destinations are unreachable for {profile} on this road graph"
                raise TravelTimeError(msg)
            seconds[rows], metres[rows] = pnet.encoding.decode(packed)
        return TravelMatrix(seconds=seconds, metres=metres)

    def routes(self, stops: Sequence[Location], profile: str) -> list[RouteLeg]:
        """The fastest road route between each stop and the next, with its line."""
        if len(stops) < 2:
            return []
        pnet = self._profile(profile)
        (snap,) = self._checked_snap(pnet, profile, [("stop", stops)])
        snaps = (snap.take(slice(None, -1)), snap.take(slice(1, None)))
        ph = self._phantoms(pnet, *snaps)
        legs, graph = len(stops) - 1, ph.with_destinations()
        first_destination = ph.graph.shape[0]
        dist, pred = dijkstra(graph, directed=True, indices=ph.first_origin + np.arange(legs),
                              return_predecessors=True)
        seconds, metres = pnet.encoding.decode(dist[np.arange(legs), first_destination + np.arange(legs)])
        ends = [self._canonical(pnet, snap) for snap in snaps]
        return [
            RouteLeg(int(seconds[i]), int(metres[i]),
                     self._leg_line(pnet, self._walk(pred[i], first_destination + i),
                                    (ends[0][0][i], ends[0][1][i]), (ends[1][0][i], ends[1][1][i])))
            for i in range(legs)
        ]

    @staticmethod
    def _walk(pred: NDArray[np.int32], target: int) -> list[int]:
        path = [target]
        while pred[path[-1]] >= 0:
            path.append(int(pred[path[-1]]))
        return path[::-1]

    def _leg_line(self, pnet: _ProfileNet, path: list[int], start: tuple[int, float],
                  end: tuple[int, float]) -> LineString:
        net, key = self._net, pnet.edge_of
        (se, sf), (ee, ef) = start, end
        if len(path) == 2:  # both on one road
            pieces = [substring(net.lines[se], sf, ef, normalized=True)]
        else:
            inner = path[1:-1]
            pieces = [substring(net.lines[se], sf, 1.0 if inner[0] == net.v[se] else 0.0, normalized=True)]
            pieces += [net.lines[key[(a, b)]] for a, b in zip(inner, inner[1:], strict=False)]
            pieces.append(substring(net.lines[ee], 0.0 if inner[-1] == net.u[ee] else 1.0, ef, normalized=True))
        xy = np.concatenate([shapely.get_coordinates(p) for p in pieces])
        keep = np.r_[True, (np.diff(xy, axis=0) != 0).any(axis=1)]
        lon, lat = net.to_lonlat.transform(xy[keep, 0], xy[keep, 1])
        coords = np.column_stack([lon, lat])
        return LineString(coords if len(coords) > 1 else np.vstack([coords, coords]))
