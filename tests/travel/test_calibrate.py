"""Fitting the great-circle provider to a road graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.settings import TravelSettings
from planner.travel.calibrate import Calibration, CalibrationParams, calibrate, calibrated_settings
from planner.travel.osm_graph import (
    NetworkParams,
    RoadProfile,
    graph_from_elements,
    graph_from_file,
)
from planner.travel.osm_provider import OsmProvider

OSM = Path(__file__).resolve().parents[1] / "data" / "osm"


def straight_road() -> OsmProvider:
    """A 2.2 km two-way primary road due north: roads are great circles here."""
    nodes = [{"type": "node", "id": i + 1, "lat": 21.0 + 0.001 * i, "lon": 105.0} for i in range(21)]
    way = {"type": "way", "id": 1, "nodes": [n["id"] for n in nodes], "tags": {"highway": "primary"}}
    params = NetworkParams(profiles=(RoadProfile("motorbike", {"primary": 36.0}),))
    return OsmProvider(graph_from_elements({"elements": [*nodes, way]}, params=params))


def test_straight_road_has_no_detour():
    fit = calibrate(straight_road(), params=CalibrationParams(sample_size=40))
    assert fit.detour_factor == pytest.approx(1.0, abs=0.005)
    assert fit.speeds_kmh["motorbike"] == pytest.approx(36.0, rel=0.01)
    assert fit.detour_mape < 0.01 and fit.speed_mape["motorbike"] < 0.01


@pytest.fixture(scope="module")
def tiny_fit() -> Calibration:
    G = graph_from_file(OSM / "tiny.osm", params=NetworkParams.from_file(OSM / "profiles.toml"))
    return calibrate(OsmProvider(G), params=CalibrationParams(sample_size=30, seed=3))


def test_grid_with_one_way_streets_has_a_detour(tiny_fit):
    # around a block on a grid: between 1 and the L1/L2 ratio plus one-way detours
    assert 1.1 < tiny_fit.detour_factor < 2.5
    # trucks avoid the alley: slower on average than motorbikes on the same roads
    assert tiny_fit.speeds_kmh["truck"] < tiny_fit.speeds_kmh["motorbike"]
    assert set(tiny_fit.pairs) == {"motorbike", "truck"}
    assert "detour factor" in tiny_fit.summary()


def test_same_seed_same_fit(tiny_fit):
    G = graph_from_file(OSM / "tiny.osm", params=NetworkParams.from_file(OSM / "profiles.toml"))
    assert calibrate(OsmProvider(G), params=CalibrationParams(sample_size=30, seed=3)) == tiny_fit


def test_calibrated_settings_keep_other_profiles(tiny_fit):
    settings = TravelSettings(speeds_kmh=(("motorbike", 30.0), ("truck", 40.0), ("van", 33.0)))
    new = calibrated_settings(settings, tiny_fit)
    assert new.detour_factor == round(tiny_fit.detour_factor, 3)
    assert new.speed_kmh("van") == 33.0
    assert new.speed_kmh("truck") == round(tiny_fit.speeds_kmh["truck"], 1)
    assert new.provider == settings.provider


def test_graph_too_small_for_the_minimum_distance():
    with pytest.raises(ValueError, match="too small"):
        calibrate(straight_road(), params=CalibrationParams(sample_size=10, min_distance_m=5000))


def test_params(tmp_path):
    with pytest.raises(ValueError, match="sample_size"):
        CalibrationParams(sample_size=1)
    path = tmp_path / "cal.toml"
    path.write_text("[calibration]\nsample_size = 50\nseed = 4\n", encoding="utf-8")
    assert CalibrationParams.from_file(path) == CalibrationParams(sample_size=50, seed=4)
    path.write_text("[calibration]\nsamples = 50\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cal.toml \[calibration\]: .*samples"):
        CalibrationParams.from_file(path)
