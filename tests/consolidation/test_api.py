"""Facade, params, supplies, baselines, determinism and the tiny case file."""

from __future__ import annotations

import pytest

from planner.consolidation import (
    ConsolidationParams,
    Supply,
    check_result,
    consolidate,
    supplies_from_lots,
)
from planner.consolidation.baselines import greedy_next_departure, one_truck_per_city
from planner.domain import Mode


def test_tiny_case_file_plan_is_valid_and_deterministic(tiny_case):
    supplies = supplies_from_lots(tiny_case)
    params = ConsolidationParams(time_limit_s=5, unserved_penalty=10_000_000)
    first = consolidate(tiny_case, supplies, params=params, seed=3)
    again = consolidate(tiny_case, supplies, params=params, seed=3)
    assert check_result(tiny_case, supplies, first, params=params) == []
    assert first.shipments == again.shipments and first.itineraries == again.itineraries
    assert set(first.itineraries) == {"O1", "O2"}
    # O2 (US) is irradiated at the Hanoi centre and flies from Noi Bai
    legs = first.itineraries["O2"].shipments
    assert [s.split("@")[0] for s in legs] == ["chu-irr-reefer", "irr-nib", "nib-lax-air"]
    assert [s.id for s in first.for_partner("vna-cargo")] == [legs[-1]]
    assert "orders served" in first.summary()


def test_supplies_from_lots_respect_allowed_packing_house(tiny_case):
    supplies = {s.id: s for s in supplies_from_lots(tiny_case)}
    assert supplies["L2"].site == "ph-chu"
    lot = next(lot for lot in tiny_case.lots if lot.id == "L2")
    assert supplies["L2"].available_at > lot.ready
    assert 0 < supplies["L2"].shelf_life_left_s < 25 * 86_400


def test_bad_supply_names_the_field(tiny_case):
    with pytest.raises(ValueError, match="supply S1: kg must be positive"):
        Supply("S1", "ph-chu", "lychee", "A", 0, 0, 10)
    with pytest.raises(ValueError, match="supply S1: site 'nowhere'"):
        consolidate(tiny_case, [Supply("S1", "nowhere", "lychee", "A", 5, 0, 10)])


def test_params_from_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[consolidation]\ntime_limit_s = 3.5\nshelf_tiers = 3\n")
    assert ConsolidationParams.from_file(path) == ConsolidationParams(time_limit_s=3.5, shelf_tiers=3)
    path.write_text("time_limit = 3\n")
    with pytest.raises(ValueError, match="unknown consolidation parameter"):
        ConsolidationParams.from_file(path)
    with pytest.raises(ValueError, match="solver must be one of"):
        ConsolidationParams(solver="gurobi")


@pytest.mark.parametrize("baseline", [one_truck_per_city, greedy_next_departure])
def test_baselines_pass_the_checker(tiny_case, baseline):
    supplies = supplies_from_lots(tiny_case)
    result = baseline(tiny_case, supplies)
    assert check_result(tiny_case, supplies, result) == []
    assert len(result.itineraries) + len(result.unserved) == len(tiny_case.orders)


def test_model_beats_greedy_next_departure(kit):
    # greedy takes the first departure (an expensive flight); the model waits for the truck
    lanes = [kit.lane("ph-hub-air", "ph", "hub", mode=Mode.AIR, transit_h=1, per_kg=50_000,
                      departures=((8, 7),)),
             kit.lane("ph-hub", "ph", "hub", transit_h=4, per_unit=1_000_000,
                      departures=((14, 12),))]
    orders = [kit.order(f"O{k}", kg=50, deadline_h=30) for k in range(3)]
    case = kit.case(lanes, orders)
    supplies = [kit.supply(at_h=2)]
    ours = consolidate(case, supplies, params=kit.fast)
    greedy = greedy_next_departure(case, supplies, params=kit.fast)
    assert check_result(case, supplies, greedy, params=kit.fast) == []
    assert ours.freight_cost == 1_000_000
    assert greedy.freight_cost == 3 * 50 * 50_000


def test_highs_and_scip_agree_on_the_tiny_case(tiny_case):
    supplies = supplies_from_lots(tiny_case)
    costs = [consolidate(tiny_case, supplies, params=ConsolidationParams(solver=s, time_limit_s=5)).cost
             for s in ("scip", "highs")]
    assert costs[0] == pytest.approx(costs[1])
