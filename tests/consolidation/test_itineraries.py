"""Itinerary enumeration: departures, cut-offs, on-demand grid, treatment, shelf life."""

from __future__ import annotations

import pytest

from planner.consolidation import ConsolidationParams
from planner.consolidation.itineraries import enumerate_itineraries, first_legs, next_legs
from planner.domain import Mode, Treatment
from planner.domain.units import HOUR
from planner.freshness import model_for

PARAMS = ConsolidationParams(on_demand_step_s=2 * HOUR, connection_options=2)


def test_next_legs_scheduled_respect_cutoff(kit):
    lane = kit.lane("a", "ph", "hub", departures=((10, 8), (20, 18), (30, 28)))
    legs = next_legs(lane, 9 * HOUR, options=2, step=2 * HOUR, latest=100 * HOUR)
    assert [(leg.departure, leg.cutoff) for leg in legs] == [(20 * HOUR, 18 * HOUR), (30 * HOUR, 28 * HOUR)]


def test_on_demand_leaves_handling_after_ready_or_on_the_grid(kit):
    lane = kit.lane("a", "ph", "hub", handling_h=0.5)
    legs = next_legs(lane, 9 * HOUR, options=3, step=2 * HOUR, latest=100 * HOUR)
    assert [leg.departure / HOUR for leg in legs] == [9.5, 10.5, 12.5]
    firsts = first_legs(lane, 7 * HOUR, 12 * HOUR, 2 * HOUR)
    assert [leg.cutoff / HOUR for leg in firsts] == [8, 10, 12]


def test_export_itinerary_goes_through_treatment(kit):
    lanes = [kit.lane("ph-irr", "ph", "irr", transit_h=1), kit.lane("irr-han", "irr", "han", transit_h=1),
             kit.lane("han-lax", "han", "lax", mode=Mode.AIR, transit_h=18, temp=6,
                      departures=((23, 20),))]
    case = kit.case(lanes, [])
    its = enumerate_itineraries(case, earliest_at={"ph": 6 * HOUR},
                                wanted={"lax": {Treatment.IRRADIATION}},
                                latest_at={"lax": 48 * HOUR}, params=PARAMS)
    assert its, "an irradiated itinerary to lax exists"
    for it in its:
        assert [leg.lane.id for leg in it.legs] == ["ph-irr", "irr-han", "han-lax"]
        v = it.treatment
        assert v is not None and v.facility == "irr" and v.end - v.start == 2 * HOUR
        assert v.start >= it.legs[0].arrival and it.legs[1].cutoff >= v.end
        assert it.legs[2].cutoff >= it.legs[1].arrival
    # a market without treatment gets the same lanes, passing the centre untreated
    plain = enumerate_itineraries(case, earliest_at={"ph": 6 * HOUR}, wanted={"lax": {None}},
                                  latest_at={"lax": 48 * HOUR}, params=PARAMS)
    assert plain and all(it.treatment is None for it in plain)


def test_shelf_life_consumed_along_the_legs(kit):
    lanes = [kit.lane("truck", "ph", "hub", transit_h=10, temp=15)]
    case = kit.case(lanes, [])
    (it, *_) = enumerate_itineraries(case, earliest_at={"ph": 6 * HOUR}, wanted={"hub": {None}},
                                     latest_at={"hub": 18 * HOUR}, params=PARAMS)
    model = model_for(case.product_by_id["lychee"])
    # 10 h at 15 C with Q10 3.3 and 5 C reference: 33 reference hours
    assert it.consumed(model) == pytest.approx(33 * HOUR)
