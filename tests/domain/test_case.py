"""The frozen case: cross-reference checks, indices, ride temperatures."""

from __future__ import annotations

import dataclasses

import pytest

from planner.domain import (
    Case,
    Problem,
    SiteKind,
    TemperatureClass,
    case_problems,
)
from planner.domain.units import HOUR
from planner.exceptions import CaseError


def test_indices_are_read_only(tiny_case):
    assert tiny_case.site_by_id["nib"].kind is SiteKind.AIRPORT
    assert set(tiny_case.product_by_id) == {"lychee"}
    assert set(tiny_case.market_by_id) == {"domestic", "US"}
    with pytest.raises(TypeError):
        tiny_case.site_by_id["x"] = tiny_case.sites[0]  # type: ignore[index]


def test_sites_of(tiny_case):
    assert [s.id for s in tiny_case.sites_of(SiteKind.FARM)] == ["farm-a", "farm-b"]
    assert [s.id for s in tiny_case.sites_of(SiteKind.AIRPORT, SiteKind.CITY_HUB)] == ["hub-hn", "nib", "lax"]


def test_temperature_of_each_vehicle_class(tiny_case):
    moto, reefer = tiny_case.vehicle_types
    assert tiny_case.temperature_of(reefer, 5 * HOUR) == 4.0
    assert tiny_case.temperature_of(moto, 5 * HOUR) == 30.0  # ambient
    iced = dataclasses.replace(moto, temperature=TemperatureClass.ICED)
    assert tiny_case.temperature_of(iced, 5 * HOUR) == 12.0
    # iced is never warmer than ambient
    cool = dataclasses.replace(tiny_case.settings, ambient_c=(8.0,) * 12 + (30.0,) * 12)
    case = tiny_case.replace(settings=cool)
    assert case.temperature_of(iced, 2 * HOUR) == 8.0
    assert case.temperature_of(iced, 14 * HOUR) == 12.0
    assert case.temperature_of(moto, 2 * HOUR) == 8.0


def test_replace_validates_again(tiny_case):
    fewer = tiny_case.replace(orders=tiny_case.orders[:1])
    assert len(fewer.orders) == 1 and fewer.lots == tiny_case.lots
    with pytest.raises(CaseError, match="lot L1, farm: unknown site 'farm-a'"):
        tiny_case.replace(sites=tuple(s for s in tiny_case.sites if s.id != "farm-a"))


def test_equal_cases_compare_equal(tiny_case):
    assert tiny_case.replace() == tiny_case
    assert tiny_case.replace(orders=()) != tiny_case


def test_constructing_a_case_reports_every_cross_reference_problem(tiny_case):
    o1, o2 = tiny_case.orders
    bad_order = dataclasses.replace(o2, market="mars", product="durian",
                                    destination=dataclasses.replace(o2.destination, hub="hub-x"))
    bad_lot = dataclasses.replace(tiny_case.lots[0], farm="nib", packing_houses=("farm-b",))
    with pytest.raises(CaseError) as info:
        tiny_case.replace(orders=(o1, bad_order, o1), lots=(bad_lot, tiny_case.lots[1]))
    assert info.value.problems == [
        "order O1, id: duplicate id (2 times)",
        "lot L1, farm: site 'nib' is a airport, not a farm or collection point",
        "lot L1, packing_houses: 'farm-b' is not a packing house",
        "order O2, market: unknown market 'mars'",
        "order O2, product: unknown product 'durian'",
        "order O2, hub: unknown site 'hub-x'",
    ]


def test_case_problems_names_what_a_reference_points_to(tiny_case):
    vt = dataclasses.replace(tiny_case.vehicle_types[0], home="depot", profile="bicycle")
    parts = dict(
        settings=tiny_case.settings, sites=tiny_case.sites, products=tiny_case.products,
        markets=tiny_case.markets, vehicle_types=(vt,), lanes=tiny_case.lanes,
        lots=tiny_case.lots, orders=tiny_case.orders,
    )
    problems = case_problems(_Parts(**parts))
    assert problems == [
        Problem("vehicle type", "moto", "home", "unknown site 'depot'", "site", "depot"),
        Problem("vehicle type", "moto", "end", "unknown site 'depot'", "site", "depot"),
        Problem("vehicle type", "moto", "profile",
                "no speed for profile 'bicycle' in settings.travel.speeds_kmh"),
    ]
    assert str(problems[0]) == "vehicle type moto, home: unknown site 'depot'"


def test_a_market_treatment_must_be_offered_somewhere(tiny_case):
    sites = tuple(s for s in tiny_case.sites if s.id != "irr-hn")
    lanes = tuple(lane for lane in tiny_case.lanes if "irr-hn" not in (lane.origin, lane.destination))
    with pytest.raises(CaseError, match="market US, treatment: no site offers treatment irradiation"):
        tiny_case.replace(sites=sites, lanes=lanes)


def test_a_case_error_is_a_value_error_listing_its_problems():
    err = CaseError(["a.csv row 2, kg: must be > 0, got -3", "b.csv: file is missing"])
    assert isinstance(err, ValueError)
    assert str(err) == (
        "2 problem(s) in the case:\n  a.csv row 2, kg: must be > 0, got -3\n  b.csv: file is missing"
    )


@dataclasses.dataclass
class _Parts:
    """The fields of a case without its checks (what the reader hands to case_problems)."""

    settings: object
    sites: tuple
    products: tuple
    markets: tuple
    vehicle_types: tuple
    lanes: tuple
    lots: tuple
    orders: tuple


def test_case_is_frozen(tiny_case):
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_case.orders = ()  # type: ignore[misc]
    assert isinstance(tiny_case, Case)
