"""Routes drawn along the roads when the case has an OSM road graph (the
hand-written tests/data/osm/tiny.osm), straight where a stop is off the graph."""

from __future__ import annotations

import pytest

from planner.outputs import render_report
from planner.outputs.geojson import route_lines
from planner.outputs.roads import Roads

from .conftest import DATA

OSM = DATA / "osm"


@pytest.fixture(scope="module")
def router():
    from planner.travel.osm_graph import NetworkParams, graph_from_file
    from planner.travel.osm_provider import OsmProvider

    return OsmProvider(graph_from_file(OSM / "tiny.osm",
                                       params=NetworkParams.from_file(OSM / "profiles.toml")))


@pytest.fixture
def plan_on_roads(tiny_plan):
    """moto-1's stops moved onto the tiny road graph: Main at its south end,
    East at its north end, back."""
    points = [(21.000, 105.000), (21.002, 105.001), (21.000, 105.000), (21.000, 105.000)]
    for stop, (lat, lon) in zip(tiny_plan["routes"][0]["stops"], points, strict=True):
        stop["lat"], stop["lon"] = lat, lon
    return tiny_plan


def test_routes_follow_the_roads_and_fall_back_to_straight_lines(plan_on_roads, tiny_case,
                                                                  router) -> None:
    lines = route_lines(plan_on_roads, tiny_case, Roads(router))
    moto, reefer = lines.geometry
    # two legs along Main and East (through nodes 2, 3 or 5, 6), not one straight hop each
    assert len(moto.coords) > 4
    lons = {round(x, 4) for x, _ in moto.coords}
    assert lons <= {105.0, 105.001} and moto.length > 2 * 0.002
    # farm-b and the Chu packing house are far from the graph: straight lines through the stops
    assert len(reefer.coords) == len(plan_on_roads["routes"][1]["stops"])


def test_the_report_draws_routes_along_roads_over_a_road_layer(plan_on_roads, tiny_case, router,
                                                               elements) -> None:
    page = elements(render_report(plan_on_roads, tiny_case, roads=Roads(router)))
    assert [e for e in page if e.tag == "path" and "road" in e.classes and e.within("map-pickup")]
    notes = {e.text for e in page if "note" in e.classes and e.within("map-pickup")}
    assert any("along the roads" in n for n in notes)
    footer = next(e.text for e in page if e.tag == "footer")
    assert "along the roads" in footer
