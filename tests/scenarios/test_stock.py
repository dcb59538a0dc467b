"""Packed stock carried to the next day (scenarios.stock), against hand-computed
figures, and its ledger in a simulated run."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from planner.consolidation import Supply
from planner.consolidation.results import ManifestLine, OrderItinerary
from planner.domain import Case
from planner.domain.units import DAY, HOUR
from scenarios import load_scenario, simulate_run
from scenarios.execution import LotOutcome
from scenarios.stock import carry_stock, storage_rates, used_kg

from .conftest import DATA


def _supply(sid: str, kg: float, *, at: int = 10 * HOUR, left: int = 20 * DAY, site: str = "ph-chu") -> Supply:
    return Supply(id=sid, site=site, product="lychee", grade="A", kg=kg, available_at=at,
                  shelf_life_left_s=left)


def _plan(supplies: list[Supply], lines: list[tuple[str, str, float]]) -> SimpleNamespace:
    """A plan whose only shipment carries ``lines`` (order, supply, kg); a
    second leg repeats them, as a connecting shipment's manifest does."""
    manifest = tuple(ManifestLine(o, kg, 1, s, 0, 0) for o, s, kg in lines)
    first = SimpleNamespace(id="S1", manifest=manifest)
    second = SimpleNamespace(id="S2", manifest=manifest)
    orders = sorted({o for o, _, _ in lines})
    its = {o: OrderItinerary(o, ("S1", "S2"), 0, 0, ()) for o in orders}
    return SimpleNamespace(supplies=tuple(supplies), routing=SimpleNamespace(deliveries=()),
                           consolidation=SimpleNamespace(shipments=[first, second], itineraries=its))


@pytest.fixture(scope="module")
def case(tiny_luc_ngan: Case) -> Case:
    return tiny_luc_ngan


def test_used_kg_counts_each_order_once() -> None:
    plan = _plan([_supply("a", 100.0)], [("o1", "a", 30.0), ("o2", "a", 20.0)])
    assert used_kg(plan) == {"a": 50.0}


def test_unshipped_fruit_waits_in_the_cold_store(case: Case) -> None:
    rates = {"lychee": 1.0}  # the store at the reference temperature: 1 s of shelf life a second
    plan = _plan([_supply("a", 100.0), _supply("b", 40.0, at=DAY + HOUR)], [("o1", "a", 30.0)])
    late = LotOutcome("a", 100.0, 0, 9 * HOUR, 300, 600.0, downgraded=False)
    out = carry_stock(case, plan, storage_rate=rates, lots={"a": late})
    a, b = out.carried
    assert (a.id, a.kg, a.available_at) == ("a", 70.0, 0)
    assert a.shelf_life_left_s == 20 * DAY - 14 * HOUR - 600  # 14 h in store since 10:00, and the pickup's delay
    assert (b.id, b.kg, b.available_at, b.shelf_life_left_s) == ("b", 40.0, HOUR, 20 * DAY)  # not in yet
    assert out.kg_spoiled == 0.0 and out.kg_sold_off == 0.0 and out.kg_carried == 110.0


def test_stock_out_of_shelf_life_spoils_at_the_packing_house(case: Case) -> None:
    plan = _plan([_supply("a", 100.0, left=10 * HOUR)], [])
    out = carry_stock(case, plan, storage_rate={"lychee": 1.0})
    assert out.carried == () and out.kg_spoiled == 100.0


def test_a_full_cold_store_keeps_the_freshest(case: Case) -> None:
    room = replace(case, sites=tuple(replace(s, cold_storage_kg=120.0) if s.id == "ph-chu" else s
                                     for s in case.sites))
    plan = _plan([_supply("old", 100.0, left=5 * DAY), _supply("new", 100.0, left=9 * DAY)], [])
    out = carry_stock(room, plan, storage_rate={"lychee": 1.0})
    assert [(s.id, s.kg) for s in out.carried] == [("new", 100.0), ("old", 20.0)]
    assert out.kg_sold_off == pytest.approx(80.0)


def test_storage_rate_follows_the_planner_params(case: Case) -> None:
    assert storage_rates(case, {})["lychee"] == pytest.approx(1.0)  # 5 C, the reference
    assert storage_rates(case, {"consolidation": {"storage_temp_c": 15.0}})["lychee"] > 3.0


def test_a_run_carries_its_stock_and_every_kg_is_accounted_for() -> None:
    result = simulate_run(load_scenario(DATA / "tiny.toml"), 0)
    d0, d1 = result.days
    assert d0["kg_stock_in"] == 0.0 and d1["kg_stock_in"] == pytest.approx(d0["kg_stock_out"])
    k = result.kpis
    packed_out = (k["kg_served"] + k["kg_spoiled_packing_house"] + k["kg_left_at_packing_houses"]
                  + k["kg_downgraded_sold"])
    assert k["kg_downgraded_sold"] <= k["kg_downgraded"]
    assert (k["downgrade_loss"] > 0.0) == (k["kg_downgraded"] > 0.0) and k["downgrade_loss"] >= 0.0
    assert k["kg_collected"] == pytest.approx(packed_out + k["kg_in_store_at_end"], abs=1.0)
