"""Working rules: a break after a stated working time, a longest working day;
planned by the search, checked exactly by the independent checker."""

from __future__ import annotations

import dataclasses

from planner.routing import check_result, route_pickups

H = 3600


def _case(rk, **rules):
    """One 100 kg lot ready 04:00 at a farm 20 km (2,000 s) from the packing
    house: out 2,000 s, loading 300 s, back 2,000 s, unloading 600 s: 4,900 s
    of work at least."""
    vt = dataclasses.replace(rk.vehicle(kg=200), **rules)
    return rk.case([rk.ph(), rk.site("f", 20.0)], [vt], [rk.lot("A", "f", 100, ready_h=4, latest_h=10)])


def test_a_break_after_an_hour_at_work_is_planned_and_checks(rk):
    """A rest of 30 min at least every hour: the 4,900 s trip needs one, so
    the day lasts 4,900 + 1,800 = 6,700 s and a stop waits 30 min."""
    case = _case(rk, break_after_s=H, break_s=1800)
    result = route_pickups(case, params=rk.fast)
    assert check_result(case, result) == []
    assert [d.lot_id for d in result.deliveries] == ["A"]
    route = result.routes[0]
    assert route.duration_s == 6700
    assert max(s.waiting for s in route.stops) >= 1800


def test_the_checker_catches_a_day_without_the_break(rk):
    plain = _case(rk)
    result = route_pickups(plain, params=rk.fast)
    assert result.routes[0].duration_s == 4900
    ruled = _case(rk, break_after_s=H, break_s=1800)
    problems = [str(v) for v in check_result(ruled, result)]
    assert problems == ["moto#1: works 1 h 22 min without a break (03:26 12 Jun to 04:48 12 Jun); "
                        "a moto rests 30 min at least every 1 h"]


def test_a_day_longer_than_allowed_leaves_the_lot_out(rk):
    """At most 4,800 s of work: the 4,900 s trip does not fit, the lot is
    left out with a reason; 5,000 s: it fits."""
    short = _case(rk, max_work_s=4800)
    result = route_pickups(short, params=rk.fast)
    assert check_result(short, result) == []
    assert [u.lot_id for u in result.unassigned] == ["A"] and result.unassigned[0].detail
    fits = _case(rk, max_work_s=5000)
    result = route_pickups(fits, params=rk.fast)
    assert check_result(fits, result) == []
    assert result.routes[0].duration_s == 4900
    problems = [str(v) for v in check_result(short, result)]
    assert problems == ["moto#1: works 1 h 22 min (03:26 12 Jun to 04:48 12 Jun), more than the 1 h 20 min a "
                        "moto may"]


def test_working_rules_are_read_and_written_in_fleet_csv(rk, tmp_path):
    """fleet.csv columns max_work_h, break_after_h and break_min."""
    from planner.io import read_case
    from planner.io.writer import write_case

    case = _case(rk, max_work_s=9 * H, break_after_s=4 * H + 1800, break_s=45 * 60)
    write_case(case, tmp_path)
    (tmp_path / "orders.csv").unlink()  # no orders: the file is optional, written empty
    header = (tmp_path / "fleet.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("max_work_h,break_after_h,break_min")
    vt = read_case(tmp_path).vehicle_types[0]
    assert (vt.max_work_s, vt.break_after_s, vt.break_s) == (9 * H, 4 * H + 1800, 2700)
