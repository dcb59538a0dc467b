"""The OSM provider on real extracts of central Hanoi (../shared/osm): one-way
streets, footways kept off the truck graph, snapping, and matrix entries equal
to networkx's single-pair shortest paths."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pyproj
import pytest

from planner.domain.geo import Location
from planner.exceptions import OffNetworkError
from planner.travel.osm_graph import graph_from_file, read_osm_elements, time_attr
from planner.travel.osm_provider import OsmProvider

pytestmark = pytest.mark.shared
FILES = {"hoan-kiem": "hanoi-hoan-kiem.osm", "center": "hanoi-center.overpass.json"}
NOT_DRIVEN = {"footway", "path", "pedestrian", "steps", "cycleway", "corridor"}


@pytest.fixture(scope="module", params=sorted(FILES))
def extract(request, shared_dir):
    path = shared_dir / "osm" / FILES[request.param]
    G = graph_from_file(path)
    return path, G, OsmProvider(G)


@pytest.fixture(scope="module")
def hoan_kiem(shared_dir):
    G = graph_from_file(shared_dir / "osm" / FILES["hoan-kiem"])
    return G, OsmProvider(G)


def node_location(G, n):
    return Location(G.nodes[n]["y"], G.nodes[n]["x"])


def test_footways_are_in_the_data_but_not_for_trucks(extract):
    path, G, _ = extract
    raw = Counter(e["tags"]["highway"] for e in read_osm_elements(path)["elements"]
                  if e["type"] == "way" and "highway" in e.get("tags", {}))
    assert raw["footway"] > 0
    for _, _, d in G.edges(data=True):
        highways = set(d["highway"]) if isinstance(d["highway"], list) else {d["highway"]}
        if time_attr("truck") in d:
            assert not highways & NOT_DRIVEN
    truck = sum(time_attr("truck") in d for _, _, d in G.edges(data=True))
    motorbike = sum(time_attr("motorbike") in d for _, _, d in G.edges(data=True))
    assert 0 < truck < motorbike  # alleys and hgv=no streets are motorbike-only


def strong_nodes(G, profile):
    """The largest strongly connected component of a profile's roads."""
    usable = nx.subgraph_view(G, filter_edge=lambda u, v, k: time_attr(profile) in G.edges[u, v, k])
    return max(nx.strongly_connected_components(usable), key=len)


def test_one_way_streets(hoan_kiem):
    G, provider = hoan_kiem
    strong = strong_nodes(G, "truck")
    one_way = [(u, v, d) for u, v, d in G.edges(data=True)
               if d["oneway"] and time_attr("truck") in d and u != v and {u, v} <= strong
               and not G.has_edge(v, u) and d["length"] > 30]
    assert len(one_way) >= 10
    rng = np.random.default_rng(0)
    for i in rng.choice(len(one_way), size=10, replace=False):
        u, v, d = one_way[i]
        m = provider.matrix([node_location(G, u)], [node_location(G, v)], "truck")
        back = provider.matrix([node_location(G, v)], [node_location(G, u)], "truck")
        assert m.seconds[0, 0] <= round(d[time_attr("truck")]) + 1
        assert back.seconds[0, 0] > m.seconds[0, 0]  # the way round the block


def test_motorbikes_ride_both_ways_where_tagged(extract):
    path, G, _ = extract
    tagged = sum(1 for e in read_osm_elements(path)["elements"]
                 if e["type"] == "way" and e.get("tags", {}).get("oneway:motorcycle") == "no")
    contraflow = [(u, v) for u, v, d in G.edges(data=True)
                  if d["oneway"] and time_attr("truck") not in d and time_attr("motorbike") in d
                  and any(time_attr("truck") in x for x in G.get_edge_data(v, u, default={}).values())]
    assert tagged > 0 and len(contraflow) >= tagged


def test_snapping(hoan_kiem):
    _, provider = hoan_kiem
    on_road = provider.sample_points("motorbike", 50, seed=1)
    assert provider.snap(on_road, "motorbike").distance_m.max() < 0.5
    shifted = [Location(p.lat + 0.0001, p.lon) for p in on_road]  # 11 m north
    assert provider.snap(shifted, "motorbike").distance_m.max() <= 11.2
    with pytest.raises(OffNetworkError, match="origin 0"):
        provider.matrix([Location(21.06, 105.83)], on_road[:1], "motorbike")  # 3 km north


def _networkx_time(G, profile):
    attr = time_attr(profile)

    def weight(u, v, edges):
        times = [d[attr] for d in edges.values() if attr in d]
        return min(times) if times else None

    return weight


@pytest.mark.parametrize("profile", ["motorbike", "truck"])
def test_matrix_equals_networkx_single_pairs(extract, profile):
    _, G, provider = extract
    weight = _networkx_time(G, profile)
    strong = strong_nodes(G, profile)
    rng = np.random.default_rng(7)
    nodes = rng.choice(sorted(strong), size=12, replace=False)
    points = [node_location(G, n) for n in nodes]
    m = provider.matrix(points[:4], points, profile)
    for i in range(4):
        for j in range(len(points)):
            seconds, path = nx.single_source_dijkstra(G, nodes[i], nodes[j], weight=weight)
            metres = sum(min(d["length"] for d in G[a][b].values() if time_attr(profile) in d)
                         for a, b in zip(path, path[1:], strict=False))
            assert abs(m.seconds[i, j] - seconds) <= 1
            assert abs(m.metres[i, j] - metres) <= 1 + 0.05 * len(path)


def test_route_lines_are_as_long_as_the_route(hoan_kiem):
    _, provider = hoan_kiem
    stops = provider.sample_points("truck", 6, seed=5)
    geod = pyproj.Geod(ellps="WGS84")
    for stop, leg in zip(stops, provider.routes(stops, "truck"), strict=False):
        assert leg.line.coords[0] == pytest.approx((stop.lon, stop.lat), abs=1e-6)
        # the graph's lengths are spherical, the line's ellipsoidal: 0.5 % apart here
        assert geod.geometry_length(leg.line) == pytest.approx(leg.metres, rel=0.01, abs=2)
