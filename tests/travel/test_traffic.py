"""Rush hours: corridor shares and time-dependent travel against hand-computed figures."""

import numpy as np
import pytest
import shapely

from planner.domain.geo import Location
from planner.domain.traffic import Corridor, SlowPeriod
from planner.travel import traffic
from planner.travel.traffic import (
    DayProfile,
    TimeDependentTimes,
    corridor_shares,
    inside_share,
    travel_seconds,
)

H = 3600
ROAD = Corridor("ql31", "QL31", (Location(21.0, 106.0), Location(21.0, 106.2)), width_m=1000)
MORNING = SlowPeriod("ql31", 6 * H, 8 * H, 0.5)


def test_share_of_an_arc_inside_and_across_the_corridor() -> None:
    along = [Location(21.0, 106.05), Location(21.0, 106.15)]
    across = [Location(20.95, 106.1), Location(21.05, 106.1)]
    off = [Location(21.3, 106.05), Location(21.3, 106.15)]
    assert corridor_shares(along, [ROAD])[0, 0, 1] == pytest.approx(1.0)
    # 2 km of buffer (1 km each side) over an 11.12 km meridian arc
    assert corridor_shares(across, [ROAD])[0, 1, 0] == pytest.approx(2.0 / 11.12, rel=0.01)
    assert corridor_shares(off, [ROAD])[0, 0, 1] == 0.0



def _share(p: tuple[float, float], q: tuple[float, float], xs: list[float], ys: list[float], width: float) -> float:
    px, py, qx, qy = (np.array([v], dtype=np.float64) for v in (*p, *q))
    return float(inside_share(px, py, qx, qy, np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64),
                              width)[0])


def test_inside_share_by_hand_through_caps_and_joins() -> None:
    # a 100 m edge buffered by 5 m: from x=-10 to 10 on its axis, inside from the cap's tip at -5: 15 of 20 m
    assert _share((-10, 0), (10, 0), [0, 100], [0, 0], 5) == pytest.approx(0.75)
    # across it at x=50: 10 of 40 m
    assert _share((50, -20), (50, 20), [0, 100], [0, 0], 5) == pytest.approx(0.25)
    # through the end disc off its axis: y=3 meets the disc of radius 5 at x=-4, the rectangle from 0: 4 + 20 of 30
    assert _share((-10, 3), (20, 3), [0, 100], [0, 0], 5) == pytest.approx(24 / 30)
    # an L-shaped polyline (100 m east, then 100 m north): along y=2 the first edge's rectangle reaches x=100 and
    # the second's x=105; the join's disc covers nothing beyond that: inside from 0 to 105 of 0..200
    assert _share((0, 2), (200, 2), [0, 100, 100], [0, 0, 100], 5) == pytest.approx(105 / 200)
    # two edges covering the same stretch are counted once; a point corridor is a disc; a still segment is 0
    assert _share((0, 0), (100, 0), [0, 100, 0], [0, 0, 0], 5) == pytest.approx(1.0)
    assert _share((-10, 0), (10, 0), [0], [0], 5) == pytest.approx(0.5)
    assert _share((1, 1), (1, 1), [0, 100], [0, 0], 5) == 0.0


@pytest.mark.parametrize("wiggly", [False, True])
def test_inside_share_matches_a_finely_buffered_polygon(wiggly: bool) -> None:
    """Against shapely's intersection with the corridor buffered by 512 chords
    a quarter circle: the same share within 10 cm of each segment (a corridor
    of 4 edges, and one of 59 whose capsules overlap and double back)."""
    rng = np.random.default_rng(3)
    xs, ys = np.array([0.0, 3000, 5000, 5200, 9000]), np.array([0.0, 400, -1500, 2000, 2100])
    if wiggly:
        xs, ys = np.linspace(0, 9000, 60), 900 * np.sin(np.linspace(0, 9000, 60) / 500) + rng.normal(0, 300, 60)
    area = shapely.buffer(shapely.linestrings(np.stack([xs, ys], axis=1)), 700, quad_segs=512)
    p = rng.uniform([-2000, -3000], [11000, 4000], (3000, 2))
    q = p + rng.normal(0, 1500, (3000, 2))
    segments = shapely.linestrings(np.stack([p, q], axis=1))
    length = shapely.length(segments)
    expected = shapely.length(shapely.intersection(segments, area)) / length
    got = inside_share(p[:, 0], p[:, 1], q[:, 0], q[:, 1], xs, ys, 700.0)
    assert np.max(np.abs(got - expected) * length) < 0.1
    assert 0.2 < np.mean(got > 0) < 0.9  # the sample crosses the corridor, and misses it


def test_shares_do_not_depend_on_how_many_pairs_are_measured_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    places = [Location(20.98 + 0.04 * rng.random(), 105.98 + 0.24 * rng.random()) for _ in range(40)]
    whole = corridor_shares(places, [ROAD])
    monkeypatch.setattr(traffic, "CHUNK_CELLS", 7)
    assert np.array_equal(corridor_shares(places, [ROAD]), whole)
    assert np.array_equal(whole[0], whole[0].T)
    assert np.array_equal(corridor_shares(places[3:5], [ROAD])[0, 0, 1], whole[0, 3, 4])

def _arc(periods: list[SlowPeriod], share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    day = DayProfile.build([ROAD], periods, "truck")
    return day.slowness(np.array([share])), day.starts


def test_a_trip_into_the_morning_peak_by_hand() -> None:
    slowness, starts = _arc([MORNING])
    # 05:30: 30 min free (1800 s of the 3600), then 1800 free-flow s at half speed = 3600 s
    assert travel_seconds(3600, slowness, starts, 5 * H + 1800) == 5400
    # 07:30: 30 min at half speed covers 900 free-flow s, the other 2700 s at full speed
    assert travel_seconds(3600, slowness, starts, 7 * H + 1800) == 4500
    assert travel_seconds(3600, slowness, starts, 9 * H) == 3600
    # the next day's peak too (engine time runs past midnight)
    assert travel_seconds(3600, slowness, starts, 24 * H + 6 * H) == 7200


def test_half_an_arc_in_the_corridor_is_slowed_on_that_half() -> None:
    slowness, starts = _arc([MORNING], share=0.5)
    # inside the peak: 0.5 + 0.5 / 0.5 = 1.5 real seconds per free-flow second
    assert travel_seconds(3600, slowness, starts, 6 * H) == 5400


def test_night_speed_over_midnight_applies_to_every_road() -> None:
    night = SlowPeriod("*", 22 * H, 5 * H, 1.25)
    slowness, starts = _arc([night], share=0.0)
    assert travel_seconds(3600, slowness, starts, 23 * H) == 2880  # 3600 / 1.25
    assert travel_seconds(3600, slowness, starts, -2 * H) == 2880  # 22:00 the evening before
    # 04:30: 30 min at 1.25 covers 2250 free-flow s, the other 1350 s at full speed
    assert travel_seconds(3600, slowness, starts, 4 * H + 1800) == 3150


def test_leaving_later_never_arrives_earlier() -> None:
    slowness, starts = _arc([MORNING, SlowPeriod("ql31", 7 * H, 7 * H + 900, 0.2)])
    arrivals = [t + travel_seconds(2400, slowness, starts, t) for t in range(4 * H, 10 * H, 60)]
    assert arrivals == sorted(arrivals)


def test_matrix_at_and_worst_bound_the_exact_times() -> None:
    points = [Location(21.0, 106.02), Location(21.0, 106.18), Location(21.2, 106.1)]
    base = np.array([[0, 1800, 2400], [1800, 0, 2400], [2400, 2400, 0]], dtype=np.int64)
    times = TimeDependentTimes.build(base, points, [ROAD], [MORNING], "truck")
    at = times.at(7 * H)
    assert at[0, 1] == times.seconds(0, 1, 7 * H) == 3600  # fully inside, half speed all along
    worst = times.worst(4 * H, 10 * H)
    for t in range(4 * H, 10 * H, 300):
        exact = times.at(t)
        assert np.all(exact <= worst)
    assert worst[0, 1] == 3600
    assert np.array_equal(times.worst(10 * H, 12 * H), base)  # no peak touched


def test_unknown_corridor_and_bad_periods_are_named() -> None:
    with pytest.raises(ValueError, match="unknown corridor 'ql1a'"):
        DayProfile.build([ROAD], [SlowPeriod("ql1a", 0, H, 0.5)], "truck")
    with pytest.raises(ValueError, match="speed_factor must be within"):
        SlowPeriod("ql31", 0, H, 0.0)
    with pytest.raises(ValueError, match="start and end are the same"):
        SlowPeriod("ql31", H, H, 0.5)
    with pytest.raises(ValueError, match="points needs at least 2"):
        Corridor("x", "x", (Location(21, 106),))


def test_profiles_limit_a_period() -> None:
    bikes_only = SlowPeriod("ql31", 6 * H, 8 * H, 0.5, profiles=("motorbike",))
    assert DayProfile.build([ROAD], [bikes_only], "truck").flat
    assert not DayProfile.build([ROAD], [bikes_only], "motorbike").flat


def test_remembered_legs_are_the_computed_ones_and_the_memo_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import planner.travel.traffic as traffic

    monkeypatch.setattr(traffic, "MEMO_MAX", 50)
    points = [Location(21.0, 106.02), Location(21.0, 106.18), Location(21.2, 106.1)]
    base = np.array([[0, 1800, 2400], [1800, 0, 2400], [2400, 2400, 0]], dtype=np.int64)
    times = TimeDependentTimes.build(base, points, [ROAD], [MORNING], "truck")
    for _ in range(3):  # the second and third passes read the memo (or refill it past the bound)
        for t in range(5 * H, 9 * H, 97):
            for i, j in ((0, 1), (1, 2), (2, 0)):
                assert times.seconds(i, j, t) == travel_seconds(int(base[i, j]), times.slowness[i, j],
                                                                times.profile.starts, t)
                assert len(times._memo) <= 50
