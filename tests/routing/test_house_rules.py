"""Packing-house rules in the router: the cold store's capacity and, at a
house that does not pre-cool, the wait at ambient until the first freight.
Each test also runs with the rule switched off, to show the rule is what
changes the plan."""

from __future__ import annotations

import pytest

from planner.domain import Departure, Lane, Mode
from planner.domain.units import HOUR
from planner.routing import Reason, check_result, engine, reinsert, route_pickups

from .conftest import FAST, lot, make_case, packing_house, site, vehicle


def _cold_store_case():  # type: ignore[no-untyped-def]
    ph = packing_house(cold_storage_kg=250.0, precooling=True)
    lots = [lot(k, "f", 100, value=v) for k, v in (("A", 3e6), ("B", 2e6), ("C", 1e6))]
    return make_case([ph, site("f", 2.0)], [vehicle(kg=400)], lots)


def test_the_cold_store_holds_the_days_deliveries() -> None:
    case = _cold_store_case()
    result = route_pickups(case, params=FAST, seed=1)
    assert check_result(case, result) == []
    assert {d.lot_id for d in result.deliveries} == {"A", "B"}  # 200 kg of a 250 kg store
    (u,) = result.unassigned
    assert u.lot_id == "C" and u.reason is Reason.PACKING_HOUSE_CAPACITY
    assert u.detail == "the cold store of ph (250 kg) is full with lots of higher value"


def test_without_the_cold_store_rule_all_three_go_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "cold_store_overflow", lambda case, deliveries, value: [])
    case = _cold_store_case()
    result = route_pickups(case, params=FAST.replace(reinsert=False), seed=1)
    assert {d.lot_id for d in result.deliveries} == {"A", "B", "C"}


def _no_precooling_case(*, departs_h: float, houses: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """A house 2 km away that does not pre-cool, whose freight leaves at
    ``departs_h``, and one 20 km away that does (budget: 6 h at 30 C)."""
    near = packing_house("near", 2.0, precooling=False)
    far = packing_house("far", -20.0, precooling=True)
    lane = Lane("near-out", "near", "far", Mode.REEFER_TRUCK, "p", 2 * HOUR, "truck", 1000.0, 100, 1, 4.0,
                departures=(Departure(round(departs_h * HOUR), round(departs_h * HOUR) - HOUR),))
    case = make_case([near, far, site("f", 4.0)], [vehicle(kg=200, home="near", shift=(3, 16))],
                     [lot("A", "f", 100, ready_h=4, latest_h=8, packing_houses=houses)])
    return case.replace(lanes=(lane,))


def test_fruit_at_a_house_without_precooling_must_last_until_its_freight() -> None:
    # delivered near 04:30, the only freight leaves at 14:00: 9.5 h at 30 C spends more than the 6 h budget
    case = _no_precooling_case(departs_h=14)
    result = route_pickups(case, params=FAST, seed=1)
    assert check_result(case, result) == []
    (d,) = result.deliveries
    assert d.packing_house == "far"


def test_an_early_freight_lets_it_use_the_near_house() -> None:
    case = _no_precooling_case(departs_h=6)
    (d,) = route_pickups(case, params=FAST, seed=1).deliveries
    assert d.packing_house == "near"


def test_without_the_rule_it_waits_at_the_near_house(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "ambient_wait", lambda case, table, d, product: (0.0, None))
    monkeypatch.setattr(reinsert, "ambient_wait", lambda case, table, d, product: (0.0, None))
    case = _no_precooling_case(departs_h=14)
    (d,) = route_pickups(case, params=FAST, seed=1).deliveries
    assert d.packing_house == "near"


def test_when_only_the_house_without_precooling_is_allowed_the_lot_is_left_with_the_reason() -> None:
    case = _no_precooling_case(departs_h=14, houses=("near",))
    result = route_pickups(case, params=FAST, seed=1)
    (u,) = result.unassigned
    assert u.reason is Reason.SPOILS_BEFORE_REACHING
    assert u.detail.startswith("near does not pre-cool: waiting there at ambient until the first freight (14:00 12 Jun)")
