"""The road graph: which ways each profile may use, speeds, one-way rules,
the three file formats and the GraphML cache, on the hand-written tiny.osm."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.geo import Location
from planner.exceptions import TravelTimeError
from planner.travel.great_circle import haversine_m
from planner.travel.osm_graph import (
    DEFAULT_PROFILES,
    NetworkParams,
    RoadProfile,
    graph_from_file,
    graph_profiles,
    load_graph,
    save_graph,
    time_attr,
)

OSM = Path(__file__).resolve().parents[1] / "data" / "osm"
LAT_STEP_M = haversine_m([Location(21.000, 105.0)], [Location(21.001, 105.0)])[0, 0]


@pytest.fixture(scope="module")
def params() -> NetworkParams:
    return NetworkParams.from_file(OSM / "profiles.toml")


@pytest.fixture(scope="module")
def tiny(params):
    return graph_from_file(OSM / "tiny.osm", params=params)


def names(G, u, v):
    return {str(d["name"]) for d in G.get_edge_data(u, v, default={}).values()}


def test_profiles_from_file(params):
    assert [p.name for p in params.profiles] == ["motorbike", "truck"]
    assert params.profiles[1].denied_service == frozenset({"alley", "driveway"})


def test_footway_and_building_are_not_roads(tiny):
    assert 10 not in tiny.nodes  # the footway C-J
    assert not {20, 21, 22, 23} & set(tiny.nodes)  # the building
    highways = {d["highway"] for _, _, d in tiny.edges(data=True)}
    assert highways == {"primary", "residential", "service"}


def test_one_way_streets_have_one_direction(tiny):
    assert names(tiny, 1, 2) == names(tiny, 2, 1) == {"Main"}
    # East runs north D(4) -> E(5) -> F(6) only
    assert names(tiny, 4, 5) == names(tiny, 5, 6) == {"East"}
    assert not names(tiny, 5, 4) and not names(tiny, 6, 5)


def test_one_way_exemption_for_motorbikes(tiny):
    # North is oneway=-1 (F -> C) with oneway:motorcycle=no
    (north,) = tiny.get_edge_data(6, 3).values()
    (contra,) = tiny.get_edge_data(3, 6).values()
    assert time_attr("truck") in north and time_attr("motorbike") in north
    assert time_attr("truck") not in contra
    assert contra[time_attr("motorbike")] == pytest.approx(north[time_attr("motorbike")])


def test_alley_is_for_motorbikes_only(tiny):
    (alley,) = tiny.get_edge_data(2, 5).values()
    assert time_attr("motorbike") in alley and time_attr("truck") not in alley


def test_speeds_and_maxspeed_cap(tiny):
    (main,) = tiny.get_edge_data(1, 2).values()
    assert main["length"] == pytest.approx(LAT_STEP_M)
    # primary is 72 km/h for the profile but maxspeed 36 caps it: 10 m/s
    assert main[time_attr("truck")] == pytest.approx(LAT_STEP_M / 10.0)
    (east,) = tiny.get_edge_data(4, 5).values()
    assert east[time_attr("motorbike")] == pytest.approx(LAT_STEP_M / 5.0)


def test_overpass_json_gives_the_same_graph(tiny, params):
    other = graph_from_file(OSM / "tiny.overpass.json", params=params)
    assert sorted(other.edges()) == sorted(tiny.edges())
    for u, v, k, d in tiny.edges(keys=True, data=True):
        assert other.edges[u, v, k].get(time_attr("truck")) == d.get(time_attr("truck"))


def test_pbf_gives_the_same_graph(tiny, params, tmp_path):
    osmium = pytest.importorskip("osmium")
    pbf = tmp_path / "tiny.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(OSM / "tiny.osm")):
            writer.add(obj)
    other = graph_from_file(pbf, params=params)
    assert sorted(other.edges()) == sorted(tiny.edges())


def test_graphml_round_trip(tiny, tmp_path):
    loaded = load_graph(save_graph(tiny, tmp_path / "g" / "tiny.graphml"))
    assert graph_profiles(loaded) == ("motorbike", "truck")
    for u, v, k, d in tiny.edges(keys=True, data=True):
        for p in ("motorbike", "truck"):
            assert loaded.edges[u, v, k].get(time_attr(p)) == pytest.approx(d.get(time_attr(p)))


def test_missing_graph_names_the_build_command(tmp_path):
    with pytest.raises(TravelTimeError, match="planner network build"):
        load_graph(tmp_path / "none.graphml")


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("roads.csv", "a,b\n", "unknown OSM file type '.csv'"),
        ("roads.json", '{"nodes": []}', "not an Overpass API JSON response"),
        ("roads.osm", "<osm><node", "cannot read OSM data"),
        ("roads.json", '{"elements": [{"type": "node", "id": 1, "lat": 0, "lon": 0}]}', "no highway ways"),
        ("roads.json", '{"elements": [{"type": "node", "id": 1, "lat": 0, "lon": 0}, {"type": "way", "id": 9, '
                       '"nodes": [1, 2], "tags": {"highway": "primary"}}]}', r"1 way\(s\) .* \(way 9: node 2\)"),
    ],
)
def test_bad_files_are_named(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        graph_from_file(path)
    assert str(path) in str(info.value)


# --- the access hierarchy of a profile, on tag dicts --------------------------

MOTORBIKE, TRUCK = DEFAULT_PROFILES


@pytest.mark.parametrize(
    ("tags", "motorbike", "truck"),
    [
        ({"highway": "footway"}, None, None),
        ({"highway": "steps"}, None, None),
        ({"highway": "motorway"}, None, 70.0),  # no motorbikes on expressways
        ({"highway": "residential"}, 20.0, 15.0),
        ({"highway": "residential", "maxspeed": "10"}, 10.0, 10.0),
        ({"highway": "residential", "access": "private"}, None, None),
        ({"highway": "residential", "access": "no", "motorcycle": "yes"}, 20.0, None),
        ({"highway": "residential", "motor_vehicle": "no"}, None, None),
        ({"highway": "residential", "hgv": "no"}, 20.0, None),
        ({"highway": "service", "service": "alley"}, 15.0, None),
        ({"highway": "pedestrian", "area": "yes"}, None, None),
        ({"building": "yes"}, None, None),
    ],
)
def test_profile_access(tags, motorbike, truck):
    assert MOTORBIKE.speed_for(tags) == motorbike
    assert TRUCK.speed_for(tags) == truck


@pytest.mark.parametrize(
    ("tags", "motorbike", "truck"),
    [
        ({"oneway": "yes"}, False, False),
        ({"oneway": "yes", "oneway:motorcycle": "no"}, True, False),
        ({"oneway": "yes", "oneway:motor_vehicle": "no"}, True, True),
        ({"oneway:motor_vehicle": "no", "oneway:hgv": "yes"}, True, False),
    ],
)
def test_profile_one_way_exemption(tags, motorbike, truck):
    assert MOTORBIKE.exempt_from_oneway(tags) is motorbike
    assert TRUCK.exempt_from_oneway(tags) is truck


def test_profile_validation(tmp_path):
    with pytest.raises(ValueError, match="speeds_kmh.primary must be positive"):
        RoadProfile("car", {"primary": 0.0})
    path = tmp_path / "profiles.toml"
    path.write_text("[profile.car]\nspeed_kmh = { primary = 50 }\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"profiles.toml: profile car: unknown key\(s\) \['speed_kmh'\]"):
        NetworkParams.from_file(path)
    path.write_text("[profile.car\n", encoding="utf-8")
    with pytest.raises(ValueError, match="profiles.toml: "):
        NetworkParams.from_file(path)
    with pytest.raises(ValueError, match="unique"):
        NetworkParams(profiles=(MOTORBIKE, MOTORBIKE))
