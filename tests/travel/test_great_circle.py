"""The default travel-time provider: great-circle metres times a detour factor,
at a constant speed per vehicle profile."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import Location, TravelSettings
from planner.travel import GreatCircleProvider, TravelMatrix, TravelTimeProvider, haversine_m

CHU = Location(21.373, 106.572)
NOI_BAI = Location(21.2212, 105.8072)
LONG_BIEN = Location(21.042, 105.850)
LACH_HUYEN = Location(20.83, 106.92)
BAC_GIANG = Location(21.275, 106.196)
HANOI = Location(21.0285, 105.8542)
HCMC_SGN = Location(10.8188, 106.6520)


def _luc_ngan_points(n: int, seed: int) -> list[Location]:
    rng = np.random.default_rng(seed)
    lats = rng.uniform(21.265, 21.609, n)
    lons = rng.uniform(106.444, 106.866, n)
    return [Location(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]


@pytest.mark.parametrize(
    ("destination", "km"),
    [(NOI_BAI, 81.0), (LONG_BIEN, 83.0), (LACH_HUYEN, 70.0), (BAC_GIANG, 40.0)],
    ids=["noi-bai", "long-bien", "lach-huyen", "bac-giang"],
)
def test_known_distances_from_chu(destination, km):
    # DOMAIN.md: great-circle from Chu, each "about" the figure: within 2 %.
    metres = haversine_m([CHU], [destination])[0, 0]
    assert metres == pytest.approx(km * 1000, rel=0.02)


def test_hanoi_to_hcmc_is_about_1160_km():
    assert haversine_m([HANOI], [HCMC_SGN])[0, 0] == pytest.approx(1_160_000, rel=0.02)


def test_a_degree_of_latitude_is_about_111_km():
    d = haversine_m([Location(0.0, 0.0)], [Location(1.0, 0.0)])[0, 0]
    assert d == pytest.approx(111_195, rel=1e-4)  # 2 pi 6371.0088 km / 360


def test_antipodes_are_half_the_circumference_apart():
    d = haversine_m([Location(0.0, 0.0)], [Location(0.0, 180.0)])[0, 0]
    assert d == pytest.approx(np.pi * 6_371_008.8)


def test_matrix_shape_and_int_metres_seconds():
    m = GreatCircleProvider().matrix([CHU, NOI_BAI], [CHU, LONG_BIEN, LACH_HUYEN], "truck")
    assert isinstance(m, TravelMatrix)
    assert m.seconds.shape == m.metres.shape == (2, 3)
    assert m.seconds.dtype == m.metres.dtype == np.int64


def test_matrix_is_symmetric_with_zero_diagonal():
    points = _luc_ngan_points(60, seed=7)
    m = GreatCircleProvider().matrix(points, points, "motorbike")
    np.testing.assert_array_equal(m.metres, m.metres.T)
    np.testing.assert_array_equal(m.seconds, m.seconds.T)
    assert not np.diagonal(m.metres).any()
    assert not np.diagonal(m.seconds).any()
    off = ~np.eye(len(points), dtype=bool)
    assert (m.metres[off] > 0).all()


def test_triangle_inequality_in_metres():
    points = _luc_ngan_points(40, seed=11)
    d = haversine_m(points, points)
    # d[i, k] <= d[i, j] + d[j, k] for every i, j, k (1 mm slack for float rounding)
    assert (d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1e-3).all()
    metres = GreatCircleProvider(detour_factor=1.3).matrix(points, points, "truck").metres
    # rounding to whole metres can break it by at most 2 m
    assert (metres[:, None, :] <= metres[:, :, None] + metres[None, :, :] + 2).all()


def test_detour_factor_and_speed_per_profile():
    provider = GreatCircleProvider(detour_factor=1.3, speeds_kmh={"motorbike": 30.0, "truck": 40.0})
    crow = haversine_m([CHU], [NOI_BAI])[0, 0]
    truck = provider.matrix([CHU], [NOI_BAI], "truck")
    moto = provider.matrix([CHU], [NOI_BAI], "motorbike")
    assert truck.metres[0, 0] == round(1.3 * crow)
    assert moto.metres[0, 0] == truck.metres[0, 0]
    assert truck.seconds[0, 0] == round(1.3 * crow / (40 / 3.6))
    assert moto.seconds[0, 0] == round(1.3 * crow / (30 / 3.6))
    # same road, a third slower: seconds scale with 40/30
    assert moto.seconds[0, 0] == pytest.approx(truck.seconds[0, 0] * 40 / 30, abs=1)
    # Chu to Noi Bai by truck: 81 km * 1.3 = 105 km at 40 km/h is about 2.6 h
    assert truck.seconds[0, 0] / 3600 == pytest.approx(2.63, abs=0.05)


def test_from_settings_uses_the_case_travel_settings(tiny_case):
    provider = GreatCircleProvider.from_settings(tiny_case.settings.travel)
    assert provider.detour_factor == 1.3
    assert dict(provider.speeds_kmh) == {"motorbike": 30.0, "truck": 40.0}
    custom = GreatCircleProvider.from_settings(
        TravelSettings(detour_factor=1.5, speeds_kmh=(("boat", 15.0),))
    )
    m = custom.matrix([CHU], [LACH_HUYEN], "boat")
    crow = haversine_m([CHU], [LACH_HUYEN])[0, 0]
    assert m.metres[0, 0] == round(1.5 * crow)
    assert m.seconds[0, 0] == round(1.5 * crow / (15 / 3.6))


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(KeyError, match="bicycle.*known: \\['motorbike', 'truck'\\]"):
        GreatCircleProvider().matrix([CHU], [NOI_BAI], "bicycle")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"detour_factor": 0.9}, "detour_factor must be >= 1"),
     ({"speeds_kmh": {"truck": 0.0}}, "speed for truck must be positive")],
)
def test_invalid_provider_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GreatCircleProvider(**kwargs)


def test_empty_inputs_give_empty_matrices():
    m = GreatCircleProvider().matrix([], [CHU, NOI_BAI], "truck")
    assert m.metres.shape == (0, 2)
    m = GreatCircleProvider().matrix([CHU], [], "truck")
    assert m.seconds.shape == (1, 0)


def test_the_provider_satisfies_the_protocol():
    assert isinstance(GreatCircleProvider(), TravelTimeProvider)


def test_travel_matrix_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="differ in shape"):
        TravelMatrix(seconds=np.zeros((2, 2), np.int64), metres=np.zeros((2, 3), np.int64))


lat = st.floats(min_value=-89.0, max_value=89.0, allow_nan=False)
lon = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
points = st.lists(st.builds(Location, lat, lon), min_size=1, max_size=6)


@settings(max_examples=50, deadline=None)
@given(a=points, b=points)
def test_distance_is_symmetric_non_negative_and_bounded(a, b):
    ab, ba = haversine_m(a, b), haversine_m(b, a)
    np.testing.assert_allclose(ab, ba.T, rtol=1e-12, atol=1e-6)
    assert (ab >= 0).all()
    assert (ab <= np.pi * 6_371_008.8 + 1e-6).all()


def _textbook_haversine(a: list[Location], b: list[Location]) -> np.ndarray:
    lat1, lon1 = np.radians([p.lat for p in a]), np.radians([p.lon for p in a])
    lat2, lon2 = np.radians([p.lat for p in b]), np.radians([p.lon for p in b])
    dlat, dlon = lat2[None, :] - lat1[:, None], lon2[None, :] - lon1[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(h))


@pytest.mark.parametrize("block_cells", [1, 7, 64, 1 << 17])
def test_blocked_matrix_matches_the_textbook_formula(monkeypatch, block_cells):
    import planner.travel.great_circle as gc

    monkeypatch.setattr(gc, "BLOCK_CELLS", block_cells)
    rng = np.random.default_rng(3)
    a = [Location(float(x), float(y)) for x, y in zip(rng.uniform(-80, 80, 13), rng.uniform(-180, 180, 13), strict=True)]
    b = [Location(float(x), float(y)) for x, y in zip(rng.uniform(-80, 80, 9), rng.uniform(-180, 180, 9), strict=True)]
    np.testing.assert_allclose(haversine_m(a, b), _textbook_haversine(a, b), rtol=1e-9, atol=1e-3)
    m = GreatCircleProvider(detour_factor=1.2, speeds_kmh={"truck": 36.0}).matrix(a, b, "truck")
    np.testing.assert_array_equal(m.metres, np.rint(1.2 * _textbook_haversine(a, b)).astype(np.int64))
    np.testing.assert_allclose(m.seconds, 1.2 * _textbook_haversine(a, b) / 10.0, atol=0.51)


def test_short_distances_keep_their_precision():
    # 1e-5 degree of latitude is 1.112 m; the half-angle form loses nothing there
    here = Location(21.373, 106.572)
    d = haversine_m([here], [Location(21.37301, 106.572), Location(21.373, 106.57201)])[0]
    assert d[0] == pytest.approx(1.11195, rel=1e-5)
    assert d[1] == pytest.approx(1.11195 * np.cos(np.radians(21.373)), rel=1e-4)
