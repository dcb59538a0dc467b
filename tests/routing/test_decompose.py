"""Catchments (planner/routing/decompose.py): each packing house takes the
nearest lots up to its share of the day's kg by intake per hour and no more
than its cold store; hand-computed assignments, and a day planned by
catchments that the independent checker accepts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.routing import RoutingParams, check_result, decompose, route_pickups
from planner.routing.decompose import catchments


def _where(case) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {lot.id: part.house for part in catchments(case, list(case.lots)) for lot in part.lots}


def _line(rk, a: dict[str, object], b: dict[str, object], farms=range(1, 9)):  # type: ignore[no-untyped-def]
    """House A at km 0, house B at km 40, one 100 kg lot per farm at km 1..8 (all nearer A)."""
    sites = [rk.ph("A", 0.0, **a), rk.ph("B", 40.0, **b), *(rk.site(f"f{x}", float(x)) for x in farms)]
    lots = [rk.lot(f"L{x}", f"f{x}") for x in farms]
    return rk.case(sites, [rk.vehicle(count=2, home="A")], lots)


def test_without_limits_every_lot_goes_to_its_nearest_house(rk):
    assert set(_where(_line(rk, {}, {})).values()) == {"A"}


def test_a_house_takes_its_share_of_the_kg_by_intake_and_the_lots_that_lose_least_go_on(rk):
    # 800 kg, A takes 1,000 of 4,000 kg an hour: 200 kg. Moving farm x to B adds (40 - x) - x km a kg:
    # least for the farms furthest east, so farms 1 and 2 stay at A.
    case = _line(rk, {"intake_kg_per_hour": 1000.0}, {"intake_kg_per_hour": 3000.0})
    where = _where(case)
    assert [lot for lot, house in sorted(where.items()) if house == "A"] == ["L1", "L2"]
    parts = catchments(case, list(case.lots))
    assert {p.house: sum(lot.kg for lot in p.lots) for p in parts} == {"A": 200, "B": 600}
    assert all(lot.packing_houses == (p.house,) for p in parts for lot in p.lots)


def test_a_house_without_an_intake_limit_takes_what_the_limited_one_cannot(rk):
    # A alone has a limit: its share among the limited houses is all the kg; B, unlimited, takes nothing then
    assert set(_where(_line(rk, {"intake_kg_per_hour": 500.0}, {})).values()) == {"A"}
    # ... but A's cold store holds 300 kg: the three lots that lose most by moving (farms 1-3) stay
    where = _where(_line(rk, {"intake_kg_per_hour": 500.0, "cold_storage_kg": 300.0}, {}))
    assert sorted(lot for lot, house in where.items() if house == "A") == ["L1", "L2", "L3"]


def test_kg_no_house_has_room_for_goes_to_the_nearest(rk):
    # both cold stores hold 200 kg of the 800: 400 kg past every room, sent to A, the nearer for every farm
    where = _where(_line(rk, {"cold_storage_kg": 200.0}, {"cold_storage_kg": 200.0}))
    assert sum(house == "B" for house in where.values()) == 2
    assert sorted(lot for lot, house in where.items() if house == "B") == ["L7", "L8"]


def test_a_lot_allowed_at_one_house_only_stays_there(rk):
    case = _line(rk, {"intake_kg_per_hour": 1000.0}, {"intake_kg_per_hour": 3000.0})
    lots = tuple(replace(lot, packing_houses=("A",)) if lot.id == "L8" else lot for lot in case.lots)
    where = _where(case.replace(lots=lots))
    assert where["L8"] == "A"
    assert sum(house == "A" for house in where.values()) == 2  # still its 200 kg: L8 and L1 (the next-best to keep)
    assert where["L1"] == "A"


def test_the_lots_of_one_farm_split_between_houses_by_id(rk):
    sites = [rk.ph("A", 0.0, intake_kg_per_hour=1000.0), rk.ph("B", 40.0, intake_kg_per_hour=1000.0),
             rk.site("f", 5.0)]
    lots = [rk.lot(f"L{k}", "f") for k in range(4)]
    where = _where(rk.case(sites, [rk.vehicle(count=2, home="A")], lots))
    assert sum(house == "A" for house in where.values()) == 2 == sum(house == "B" for house in where.values())
    assert _where(rk.case(sites, [rk.vehicle(count=2, home="A")], lots)) == where  # the same every time


def test_the_nearest_house_alone_overfills_a_small_intake_the_shares_do_not(rk, monkeypatch):
    """Eight 150 kg lots ready at 04:00 beside house A (300 kg an hour); B (1,200 kg an hour) 12 km east.
    By nearest house every lot is A's and the last wait hours for its intake; with the shares A's room is
    240 kg (a fifth of 1,200): the flow sends it one lot and 90 of another's 150 kg, and that lot goes where
    most of it is sent, so A takes 300 kg; the plan unloads fewer kg late for pre-cooling. Both plans pass
    the checker."""
    sites = [rk.ph("A", 0.0, intake_kg_per_hour=300.0), rk.ph("B", 12.0, intake_kg_per_hour=1200.0),
             *(rk.site(f"f{k}", 0.5 + 0.2 * k) for k in range(8))]
    lots = [rk.lot(f"L{k}", f"f{k}", 150, ready_h=4, latest_h=9) for k in range(8)]
    fleet = [rk.vehicle("a", kg=300, count=3, home="A"), rk.vehicle("b", kg=300, count=3, home="B")]
    case = rk.case(sites, fleet, lots, budget_h=3.0)
    params = RoutingParams(time_limit_s=10, solution_limit=100, decompose=True, workers=1, max_lots_per_part=4)
    shared = route_pickups(case, params=params, seed=1)
    monkeypatch.setattr(decompose, "INTAKE_SLACK", 1e9)  # (every house's room unbounded: the nearest house)
    nearest = route_pickups(case, params=params, seed=1)
    assert check_result(case, shared) == [] and check_result(case, nearest) == []
    assert {d.packing_house for d in nearest.deliveries} == {"A"}
    assert sum(d.kg for d in shared.deliveries if d.packing_house == "A") == pytest.approx(300)
    assert shared.stats["precool_late_kg"] < nearest.stats["precool_late_kg"]
