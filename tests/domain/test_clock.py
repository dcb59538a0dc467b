from datetime import datetime
from zoneinfo import ZoneInfo

from planner.domain.clock import clock, clock_range, duration, id_stamp, shelf_life

EPOCH = datetime(2025, 6, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TZ = "Asia/Ho_Chi_Minh"


def test_clock_is_local_time_and_day() -> None:
    assert clock(9 * 3600 + 44 * 60, EPOCH, TZ) == "09:44 12 Jun"
    assert clock(-3600, EPOCH, TZ) == "23:00 11 Jun"
    assert clock(35077, EPOCH, TZ) == "09:44 12 Jun"


def test_clock_of_an_absurd_time_does_not_raise() -> None:
    assert "s from the planning epoch" in clock(10**13, EPOCH, TZ)


def test_clock_range_same_day_and_over_midnight() -> None:
    assert clock_range(4 * 3600, 5 * 3600, EPOCH, TZ) == "04:00-05:00 12 Jun"
    assert clock_range(23 * 3600, 25 * 3600, EPOCH, TZ) == "23:00 12 Jun - 01:00 13 Jun"


def test_durations_for_people() -> None:
    assert duration(30) == "30 s"
    assert duration(12 * 60) == "12 min"
    assert duration(3 * 3600 + 20 * 60) == "3 h 20 min"
    assert duration(5 * 3600) == "5 h"
    assert duration(-90 * 60) == "-1 h 30 min"
    assert duration(2.4 * 86400) == "2.4 days"
    assert shelf_life(19.2 * 86400, 5.0) == "19.2 days at 5 °C"


def test_id_stamp_is_local_time_and_day_without_separators_urls_or_sheets_refuse() -> None:
    assert id_stamp(7 * 3600, EPOCH, TZ) == "07h00-12.06"
    assert id_stamp(86_400 + 13 * 3600 + 5 * 60, EPOCH, TZ) == "13h05-13.06"
    assert id_stamp(7 * 3600 + 30, EPOCH, TZ) == "07h00m30-12.06"  # two departures a few seconds apart differ
    assert not set(id_stamp(30_600, EPOCH, TZ)) & set(":/\\?*[] ")
    assert id_stamp(10**13, EPOCH, TZ) == f"{10**13}s"
