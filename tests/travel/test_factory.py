"""A case's travel settings choose its provider."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.domain.geo import Location
from planner.domain.settings import TravelSettings
from planner.exceptions import TravelTimeError
from planner.travel import GreatCircleProvider
from planner.travel.factory import provider_for
from planner.travel.osm_graph import NetworkParams, graph_from_file, save_graph
from planner.travel.osm_provider import OsmProvider

OSM = Path(__file__).resolve().parents[1] / "data" / "osm"


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("case")
    G = graph_from_file(OSM / "tiny.osm", params=NetworkParams.from_file(OSM / "profiles.toml"))
    save_graph(G, folder / "roads" / "tiny.graphml")
    return folder


def test_great_circle_by_default(tiny_case, tmp_path):
    provider = provider_for(tiny_case.settings.travel, tmp_path)
    assert provider == GreatCircleProvider(1.3, {"motorbike": 30.0, "truck": 40.0})


def test_osm_graph_relative_to_the_case(case_dir):
    settings = TravelSettings(provider="osm", graph="roads/tiny.graphml")
    provider = provider_for(settings, case_dir)
    assert isinstance(provider, OsmProvider)
    m = provider.matrix([Location(21.001, 105.0)], [Location(21.001, 105.001)], "motorbike")
    assert m.seconds[0, 0] == 21  # the alley, 103.8 m at 5 m/s
    assert provider_for(settings, case_dir) is provider  # loaded once


def test_rebuilt_graph_is_reloaded(case_dir):
    settings = TravelSettings(provider="osm", graph="roads/tiny.graphml")
    first = provider_for(settings, case_dir)
    path = case_dir / "roads" / "tiny.graphml"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert provider_for(settings, case_dir) is not first


def test_missing_graph_is_named(tmp_path):
    settings = TravelSettings(provider="osm", graph="roads/none.graphml")
    with pytest.raises(TravelTimeError, match=r"travel.graph: road graph .*none.graphml not found"):
        provider_for(settings, tmp_path)
