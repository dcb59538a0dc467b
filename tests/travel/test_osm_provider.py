"""The OSM provider on the hand-written tiny.osm: snapping, one-way streets,
the truck's detour around the alley, points part-way along a road, route lines.

Main runs north A-B-C at 10 m/s (maxspeed 36), East north D-E-F one-way at
5 m/s, South A-D two-way, North F->C only (both ways for motorbikes), and an
alley B-E for motorbikes.
Expected values add up edge lengths (0.001 deg of latitude = 111.2 m, of
longitude = 103.8 m here) over their speeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.geo import Location
from planner.exceptions import OffNetworkError, TravelTimeError
from planner.travel import TravelTimeProvider
from planner.travel.great_circle import haversine_m
from planner.travel.osm_graph import NetworkParams, graph_from_file
from planner.travel.osm_provider import OsmProvider, _Encoding

OSM = Path(__file__).resolve().parents[1] / "data" / "osm"
A, B, C = Location(21.000, 105.000), Location(21.001, 105.000), Location(21.002, 105.000)
D, E, F = Location(21.000, 105.001), Location(21.001, 105.001), Location(21.002, 105.001)
LAT_M = haversine_m([A], [B])[0, 0]  # 111.2 m
SOUTH_M = haversine_m([A], [D])[0, 0]  # 103.8 m
ALLEY_M = haversine_m([B], [E])[0, 0]
NORTH_M = haversine_m([C], [F])[0, 0]
MAIN, SLOW = 10.0, 5.0  # m/s


@pytest.fixture(scope="module")
def provider() -> OsmProvider:
    G = graph_from_file(OSM / "tiny.osm", params=NetworkParams.from_file(OSM / "profiles.toml"))
    return OsmProvider(G, max_snap_m=100.0)


def one(provider, a, b, profile):
    m = provider.matrix([a], [b], profile)
    return int(m.seconds[0, 0]), int(m.metres[0, 0])


def near(seconds, metres):
    """Expected (seconds, metres), rounded; points part-way along an edge are
    placed on the projected line, whose fractions differ from the spherical
    edge lengths by a fraction of a metre."""
    return pytest.approx((round(seconds), round(metres)), abs=1)


def test_is_a_travel_time_provider(provider):
    assert isinstance(provider, TravelTimeProvider)
    assert provider.profiles == ("motorbike", "truck")


def test_motorbike_takes_the_alley_truck_goes_round(provider):
    assert one(provider, B, E, "motorbike") == near(ALLEY_M / SLOW, ALLEY_M)
    # truck: B -> A on Main, A -> D on South, D -> E on East
    metres = LAT_M + SOUTH_M + LAT_M
    seconds = LAT_M / MAIN + SOUTH_M / SLOW + LAT_M / SLOW
    assert one(provider, B, E, "truck") == near(seconds, metres)


def test_one_way_street_is_driven_one_way(provider):
    assert one(provider, D, F, "truck") == near(2 * LAT_M / SLOW, 2 * LAT_M)
    # back from F: North to C, Main down to A, South to D
    seconds = NORTH_M / SLOW + 2 * LAT_M / MAIN + SOUTH_M / SLOW
    assert one(provider, F, D, "truck") == near(seconds, NORTH_M + 2 * LAT_M + SOUTH_M)


def test_reversed_one_way_street(provider):
    # North is oneway=-1 (F -> C only): C to F goes all the way round
    seconds = 2 * LAT_M / MAIN + SOUTH_M / SLOW + 2 * LAT_M / SLOW
    assert one(provider, C, F, "truck") == near(seconds, 4 * LAT_M + SOUTH_M)


def test_motorbikes_ride_against_an_exempt_one_way(provider):
    # oneway:motorcycle=no on North
    assert one(provider, C, F, "motorbike") == near(NORTH_M / SLOW, NORTH_M)


def test_point_part_way_along_a_one_way_street(provider):
    p = Location(21.0005, 105.001)  # half way D -> E
    half = LAT_M / 2
    assert one(provider, p, E, "truck") == near(half / SLOW, half)
    assert one(provider, D, p, "truck") == near(half / SLOW, half)
    # to D it must carry on north and come round
    seconds = (half + LAT_M + NORTH_M) / SLOW + 2 * LAT_M / MAIN + SOUTH_M / SLOW
    metres = half + LAT_M + NORTH_M + 2 * LAT_M + SOUTH_M
    assert one(provider, p, D, "truck") == near(seconds, metres)


def test_two_points_on_one_road(provider):
    q1, q2 = Location(21.0002, 105.001), Location(21.0008, 105.001)
    gap = haversine_m([q1], [q2])[0, 0]
    assert one(provider, q1, q2, "truck") == near(gap / SLOW, gap)
    # backwards: to E, the alley to B, Main to A, South to D, then up East
    stub = LAT_M * 0.2
    seconds = (stub + ALLEY_M) / SLOW + LAT_M / MAIN + (SOUTH_M + stub) / SLOW
    assert one(provider, q2, q1, "motorbike") == near(seconds, stub + ALLEY_M + LAT_M + SOUTH_M + stub)


def test_snapping_onto_the_nearest_road(provider):
    west_of_b = Location(21.001, 105.0 - 0.001 * 30 / SOUTH_M)  # 30 m west of B
    snap = provider.snap([west_of_b], "truck")
    assert snap.distance_m[0] == pytest.approx(30.0, abs=0.1)
    assert one(provider, west_of_b, B, "truck") == (0, 0)


def test_points_too_far_from_a_road_are_reported(provider):
    j = Location(21.003, 105.000)  # on the footway, 111 m north of C
    with pytest.raises(OffNetworkError, match=r"1 point\(s\) farther than 100 m .* truck: destination 1") as info:
        provider.matrix([A], [B, j], "truck")
    # projected (ellipsoidal) metres: 0.5 % shorter than the spherical LAT_M here
    assert info.value.points == [("destination", 1, 21.003, 105.0, pytest.approx(LAT_M, rel=0.01))]


def test_unknown_profile(provider):
    with pytest.raises(KeyError, match="'car'"):
        provider.matrix([A], [B], "car")


def test_routes_follow_the_roads(provider):
    legs = provider.routes([B, E, A], "motorbike")
    assert [leg.seconds for leg in legs] == [round(ALLEY_M / SLOW), round(ALLEY_M / SLOW + LAT_M / MAIN)]
    assert np.allclose(legs[0].line.coords, [(105.0, 21.001), (105.001, 21.001)])
    # E -> A cannot take East south (one-way): back through the alley and B
    assert np.allclose(legs[1].line.coords, [(105.001, 21.001), (105.0, 21.001), (105.0, 21.0)])
    p = Location(21.0005, 105.001)
    (leg,) = provider.routes([p, D], "truck")
    assert leg.seconds == one(provider, p, D, "truck")[0]
    assert np.allclose(leg.line.coords[0], (105.001, 21.0005)) and np.allclose(leg.line.coords[-1], (105.001, 21.0))
    assert any(np.allclose(xy, (105.001, 21.002)) for xy in leg.line.coords)  # round by F


POINTS = st.lists(
    st.builds(Location, st.floats(20.9998, 21.0022), st.floats(104.9998, 105.0012)),
    min_size=1, max_size=6,
)


@settings(max_examples=30, deadline=None)
@given(points=POINTS, profile=st.sampled_from(["motorbike", "truck"]))
def test_matrix_invariants(provider, points, profile):
    m = provider.matrix(points, points, profile)
    s = m.seconds
    assert (np.diag(s) == 0).all() and (np.diag(m.metres) == 0).all()
    assert (s >= 0).all() and (m.metres >= 0).all()
    # triangle inequality, up to the rounding of three entries
    assert (s[:, None, :] <= s[:, :, None] + s[None, :, :] + 2).all()
    row = provider.matrix(points[:1], points, profile)
    assert (row.seconds[0] == s[0]).all() and (row.metres[0] == m.metres[0]).all()


def test_empty_inputs(provider):
    assert provider.matrix([], [A], "truck").seconds.shape == (0, 1)
    assert provider.matrix([A], [], "truck").metres.shape == (1, 0)
    assert provider.routes([A], "truck") == []


# --- packing time and length into one float64 ---------------------------------

def test_encoding_units_follow_the_graph_size():
    city = _Encoding.fitting(20_000, 2_000, 5_000)  # paths up to 20 km, 2,000 s
    assert (city.metre_unit, city.tick_s) == (0.1, 0.001)
    country = _Encoding.fitting(5_000_000, 500_000, 10**6)  # 5,000 km, 139 h
    assert (country.metre_unit, country.tick_s) == (1.0, 0.001)
    with pytest.raises(TravelTimeError, match="too large"):
        _Encoding.fitting(1e12, 1e10, 10**6)


@given(legs=st.lists(st.tuples(st.floats(0, 300), st.floats(0, 5_000)), min_size=1, max_size=50))
def test_encoded_sums_decode_to_rounded_sums(legs):
    enc = _Encoding.fitting(50 * 5_000, 50 * 300, 50)
    seconds, metres = np.array(legs).T
    packed = enc.encode(seconds, metres)
    total = packed.sum(keepdims=True)
    assert total[0] == sum(float(x) for x in packed)  # float64 sums of these are exact
    s, m = enc.decode(total)
    ticks, units = np.rint(seconds / enc.tick_s).sum(), np.rint(metres / enc.metre_unit).sum()
    assert s[0] == round(ticks * enc.tick_s) and m[0] == round(units * enc.metre_unit)
