"""Engine units and time windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import Location, TimeWindow, next_open
from planner.domain.units import (
    DAY,
    HOUR,
    MINUTE,
    days,
    hours,
    km,
    parse_datetime,
    to_datetime,
    to_seconds,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
EPOCH = datetime(2025, 6, 12, tzinfo=HCM)


def test_unit_constants_and_conversions():
    assert (MINUTE, HOUR, DAY) == (60, 3600, 86_400)
    assert hours(2.5) == 9000 and days(0.5) == 43_200 and km(81.012) == 81_012
    assert isinstance(hours(1.0001), int)


def test_to_seconds_and_back():
    moment = datetime(2025, 6, 13, 4, 30, tzinfo=HCM)
    assert to_seconds(moment, EPOCH) == DAY + 4 * HOUR + 30 * MINUTE
    assert to_datetime(DAY + 4 * HOUR + 30 * MINUTE, EPOCH) == moment
    # the same instant in UTC (Vietnam is UTC+7, no daylight saving)
    assert to_seconds(datetime(2025, 6, 12, 21, 30, tzinfo=UTC), EPOCH) == DAY + 4 * HOUR + 30 * MINUTE
    assert to_datetime(0, EPOCH, "UTC") == datetime(2025, 6, 11, 17, 0, tzinfo=ZoneInfo("UTC"))


def test_to_seconds_needs_a_time_zone():
    with pytest.raises(ValueError, match="no time zone"):
        to_seconds(datetime(2025, 6, 12, 4, 0), EPOCH)


def test_parse_datetime_takes_naive_values_in_the_case_zone():
    assert parse_datetime("2025-06-12T04:00", "Asia/Ho_Chi_Minh") == datetime(2025, 6, 12, 4, tzinfo=HCM)
    aware = parse_datetime(" 2025-06-12T04:00+00:00 ", "Asia/Ho_Chi_Minh")
    assert aware.utcoffset() == timedelta(0)
    with pytest.raises(ValueError):
        parse_datetime("12/06/2025 04:00", "Asia/Ho_Chi_Minh")


@given(st.integers(min_value=-10 * DAY, max_value=400 * DAY))
def test_seconds_round_trip_through_datetimes(t):
    assert to_seconds(to_datetime(t, EPOCH, "Asia/Ho_Chi_Minh"), EPOCH) == t


def test_time_window():
    w = TimeWindow(3 * HOUR, 22 * HOUR)
    assert w.duration == 19 * HOUR
    assert w.contains(3 * HOUR) and w.contains(22 * HOUR) and not w.contains(22 * HOUR + 1)
    assert TimeWindow(5, 5).duration == 0
    with pytest.raises(ValueError, match="ends \\(4\\) before it starts \\(5\\)"):
        TimeWindow(5, 4)
    assert sorted([TimeWindow(10, 20), TimeWindow(0, 5)]) == [TimeWindow(0, 5), TimeWindow(10, 20)]


def test_next_open():
    windows = [TimeWindow(3 * HOUR, 22 * HOUR), TimeWindow(DAY + 3 * HOUR, DAY + 22 * HOUR)]
    assert next_open(windows, 0) == 3 * HOUR
    assert next_open(windows, 10 * HOUR) == 10 * HOUR
    assert next_open(windows, 22 * HOUR) == 22 * HOUR
    assert next_open(windows, 23 * HOUR) == DAY + 3 * HOUR
    assert next_open(windows, 2 * DAY) is None
    assert next_open([], 5) is None


@pytest.mark.parametrize(("lat", "lon", "match"), [
    (90.5, 0.0, "lat must be within \\[-90, 90\\], got 90.5"),
    (0.0, -180.1, "lon must be within \\[-180, 180\\], got -180.1"),
])
def test_location_bounds(lat, lon, match):
    with pytest.raises(ValueError, match=match):
        Location(lat, lon)


def test_location_edges_are_valid():
    assert Location(-90.0, 180.0).lon == 180.0
