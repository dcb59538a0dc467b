"""Each domain object validates itself at construction and names the field."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from planner.domain import (
    CaseSettings,
    Channel,
    Departure,
    Destination,
    HarvestLot,
    KineticsModel,
    Lane,
    Location,
    MarketRule,
    Mode,
    Order,
    ProductProfile,
    Site,
    SiteKind,
    TemperatureClass,
    TimeWindow,
    TravelSettings,
    Treatment,
    VehicleType,
)
from planner.domain.units import DAY, HOUR

CHU = Location(21.373, 106.572)


def lot(**kw) -> HarvestLot:
    return HarvestLot(**{"id": "L1", "farm": "f", "product": "lychee", "kg": 150.0,
                         "ready": 4 * HOUR, "latest_pickup": 10 * HOUR, **kw})


def order(**kw) -> Order:
    dest = Destination(Location(21.03, 105.85), "Hanoi", "VN", "hub-hn")
    return Order(**{"id": "O1", "channel": Channel.LIVESTREAM, "destination": dest,
                    "market": "domestic", "product": "lychee", "kg": 5.0, "boxes": 1,
                    "ordered": 9 * HOUR, "deadline": DAY, "min_shelf_life_s": 5 * DAY,
                    "value": 300_000.0, **kw})


def vehicle(**kw) -> VehicleType:
    return VehicleType(**{"id": "moto", "name": "Motorbike", "profile": "motorbike",
                          "capacity_kg": 200.0, "capacity_boxes": 20,
                          "temperature": TemperatureClass.AMBIENT, "home": "ph",
                          "shift": TimeWindow(3 * HOUR, 12 * HOUR), **kw})


def lane(**kw) -> Lane:
    return Lane(**{"id": "a-b", "origin": "a", "destination": "b", "mode": Mode.AIR,
                   "partner": "p", "transit_s": 2 * HOUR, "unit_name": "ULD", "unit_kg": 1500.0,
                   "unit_boxes": 150, "units_per_departure": 4, "temperature_c": 6.0, **kw})


def site(**kw) -> Site:
    return Site(**{"id": "s", "name": "S", "kind": SiteKind.PACKING_HOUSE, "location": CHU, **kw})


def product(**kw) -> ProductProfile:
    return ProductProfile(**{"id": "lychee", "name": "Lychee", "ref_temp_c": 5.0,
                             "ref_shelf_life_s": 25 * DAY, **kw})


@pytest.mark.parametrize(("factory", "kwargs", "match"), [
    (lot, {"kg": -3.0}, "lot L1: kg must be positive, got -3.0"),
    (lot, {"kg": 0.0}, "kg must be positive"),
    (lot, {"boxes": -1}, "boxes, service_s and value must be >= 0"),
    (lot, {"latest_pickup": 3 * HOUR}, "lot L1: latest_pickup \\(10800\\) is before ready \\(14400\\)"),
    (order, {"kg": -3.0}, "order O1: kg must be positive, got -3.0"),
    (order, {"boxes": -2}, "boxes must be >= 0, got -2"),
    (order, {"value": -1.0}, "value must be >= 0"),
    (order, {"min_shelf_life_s": -1}, "min_shelf_life must be >= 0"),
    (order, {"deadline": 9 * HOUR}, "deadline \\(32400\\) must be after ordered \\(32400\\)"),
    (order, {"deadline": 8 * HOUR}, "deadline .* must be after ordered"),
    (vehicle, {"capacity_kg": 0.0}, "vehicle type moto: capacity_kg must be positive"),
    (vehicle, {"count": -1}, "capacity_boxes and count must be >= 0"),
    (vehicle, {"cost_per_km": -1.0}, "costs must be >= 0"),
    (vehicle, {"temperature": TemperatureClass.REEFER}, "a reefer needs setpoint_c"),
    (lane, {"destination": "a"}, "lane a-b: origin and destination are the same site a"),
    (lane, {"transit_s": 0}, "transit must be positive, got 0"),
    (lane, {"unit_kg": 0.0}, "unit_kg and units_per_departure must be positive"),
    (lane, {"units_per_departure": 0}, "unit_kg and units_per_departure must be positive"),
    (lane, {"min_charge": -5.0}, "costs and unit_boxes must be >= 0"),
    (lane, {"departures": (Departure(20, 10), Departure(10, 5))}, "departures must be sorted"),
    (site, {"id": ""}, "site id must not be empty"),
    (site, {"intake_kg_per_hour": 0.0}, "site s: intake_kg_per_hour must be positive, got 0.0"),
    (site, {"cold_storage_kg": -1.0}, "cold_storage_kg must be positive"),
    (site, {"treatment_s": -1}, "treatment time and cost must be >= 0"),
    (site, {"treatment": Treatment.IRRADIATION}, "treatment irradiation needs treatment_kg_per_day"),
    (site, {"opening": (TimeWindow(DAY, DAY + 5), TimeWindow(0, 5))}, "opening windows must be sorted"),
    (product, {"ref_shelf_life_s": 0}, "product lychee: ref_shelf_life must be positive"),
    (product, {"q10": 1.0}, "q10 must be > 1, got 1.0"),
    (product, {"model": KineticsModel.ARRHENIUS}, "arrhenius needs activation_energy_j_mol > 0"),
    (product, {"precool_budget_fraction": -0.1}, "precool_budget_fraction must be in \\(0, 1\\]"),
    (product, {"precool_limit_s": -1}, "precool_limit must be >= 0"),
    (product, {"precool_target_s": 30 * 3600, "precool_limit_s": 24 * 3600},
     "precool_target \\(108000 s\\) must not exceed precool_limit \\(86400 s\\)"),
    (product, {"kg_per_box": 0.0}, "kg_per_box must be positive"),
])
def test_invalid_objects_name_the_object_and_field(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)


def test_valid_objects_and_their_helpers():
    assert lot().service_s == 300 and lot().certifications == frozenset()
    assert order().grade == "A"
    v = vehicle(end="")
    assert v.end_site == "ph" and vehicle(end="hub").end_site == "hub"
    assert vehicle(temperature=TemperatureClass.REEFER, setpoint_c=4.0).setpoint_c == 4.0
    assert product(precool_budget_fraction=1.0).precool_budget_s == 25 * DAY
    # not stated: the hard budget is the 24 h limit at the default 27 C harvest ambient (Q10 3: 3^2.2 a clock s)
    assert product().precool_budget_s == round(24 * 3600 * 3.0 ** 2.2)
    assert product(precool_limit_s=6 * 3600, precool_ambient_c=15.0).precool_budget_s == round(6 * 3600 * 3.0)


def test_lane_costs_and_departures():
    air = lane(cost_per_kg=80_000.0, min_charge=2_000_000.0,
               departures=(Departure(10 * HOUR, 6 * HOUR), Departure(34 * HOUR, 30 * HOUR)))
    assert not air.on_demand and lane().on_demand
    assert air.unit_cost(10.0) == 2_000_000.0
    assert air.unit_cost(1000.0) == 80_000_000.0
    truck = lane(mode=Mode.REEFER_TRUCK, cost_per_unit=1_500_000.0, cost_per_kg=100.0)
    assert truck.unit_cost(2000.0) == 1_700_000.0
    with pytest.raises(ValueError, match="cut-off 11 is after departure"):
        Departure(10, 11)
    assert Departure(10, 10).cutoff == 10


def test_site_opening_hours():
    ph = site(opening=(TimeWindow(3 * HOUR, 22 * HOUR), TimeWindow(DAY + 3 * HOUR, DAY + 22 * HOUR)))
    assert ph.is_open(3 * HOUR) and not ph.is_open(23 * HOUR) and ph.is_open(DAY + 12 * HOUR)
    assert site().is_open(-5)


def test_market_rules():
    us = MarketRule("US", "United States", frozenset({"US"}), Treatment.IRRADIATION,
                    frozenset({"FL", "HI"}), frozenset({"growing-area-code"}), 12 * DAY)
    assert us.lot_eligible(frozenset({"growing-area-code", "VietGAP"}))
    assert not us.lot_eligible(frozenset({"VietGAP"}))
    assert MarketRule("domestic", "VN", frozenset({"VN"})).lot_eligible(frozenset())
    with pytest.raises(ValueError, match="market id must not be empty"):
        MarketRule("", "x", frozenset())
    with pytest.raises(ValueError, match="market JP: min_shelf_life must be >= 0"):
        MarketRule("JP", "Japan", frozenset({"JP"}), min_shelf_life_s=-1)


def test_objects_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        lot().kg = 1.0  # type: ignore[misc]


# --- settings -------------------------------------------------------------------------

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def settings(**kw) -> CaseSettings:
    return CaseSettings(**{"name": "t", "epoch": datetime(2025, 6, 12, tzinfo=HCM), **kw})


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"timezone": "Mars/Olympus_Mons"}, "unknown time zone 'Mars/Olympus_Mons'"),
    ({"epoch": datetime(2025, 6, 12)}, "epoch must have a time zone"),
    ({"epoch": datetime(2025, 6, 12, tzinfo=UTC)}, "epoch must be local midnight, got 2025-06-12T07:00"),
    ({"epoch": datetime(2025, 6, 12, 6, tzinfo=HCM)}, "must be local midnight"),
    ({"ambient_c": (30.0,) * 23}, "ambient_c must have 24 hourly values, got 23"),
    ({"horizon_days": 0}, "horizon_days must be >= 1"),
    ({"packing_service_s": -1}, "packing_service_s must be >= 0"),
])
def test_invalid_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        settings(**kwargs)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"provider": "teleport"}, "travel.provider must be great_circle or osm, got 'teleport'"),
    ({"detour_factor": 0.99}, "detour_factor must be >= 1, got 0.99"),
    ({"speeds_kmh": (("truck", 0.0),)}, "travel.speeds_kmh.truck must be positive"),
    ({"provider": "osm"}, "travel.graph is required"),
])
def test_invalid_travel_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TravelSettings(**kwargs)


def test_settings_helpers():
    s = settings(ambient_c=tuple(float(h) for h in range(24)), horizon_days=3)
    assert s.horizon_s == 3 * DAY
    assert s.ambient_at(0) == 0.0 and s.ambient_at(13 * HOUR + 59) == 13.0
    assert s.ambient_at(DAY + 23 * HOUR) == 23.0
    assert settings(epoch=datetime(2025, 6, 11, 17, tzinfo=UTC)).epoch.utcoffset().total_seconds() == 0
    t = TravelSettings()
    assert t.speed_kmh("truck") == 40.0
    with pytest.raises(KeyError, match="no speed for vehicle profile 'boat'"):
        t.speed_kmh("boat")
    assert TravelSettings(provider="osm", graph="roads.graphml").graph == "roads.graphml"
