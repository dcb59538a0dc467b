"""Reading the tiny case: values in engine units, hand-checked; every problem at
once; GeoJSON sites; optional files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from planner.domain import (
    Channel,
    Departure,
    KineticsModel,
    Location,
    Mode,
    SiteKind,
    TemperatureClass,
    TimeWindow,
    Treatment,
)
from planner.domain.units import DAY, HOUR, MINUTE
from planner.exceptions import CaseError
from planner.io import problems_of, read_case

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"


def test_settings_in_engine_units(tiny_case):
    s = tiny_case.settings
    assert s.epoch == datetime(2025, 6, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (s.timezone, s.currency, s.horizon_days) == ("Asia/Ho_Chi_Minh", "VND", 2)
    assert s.ambient_c == (30.0,) * 24
    assert s.iced_c == 12.0
    assert s.packing_service_s == 10 * MINUTE
    assert s.travel.detour_factor == 1.3
    assert dict(s.travel.speeds_kmh) == {"motorbike": 30.0, "truck": 40.0}


def test_sites(tiny_case):
    assert [s.id for s in tiny_case.sites] == [
        "farm-a", "farm-b", "ph-chu", "hub-hn", "irr-hn", "nib", "lax"]
    ph = tiny_case.site_by_id["ph-chu"]
    assert ph.kind is SiteKind.PACKING_HOUSE
    assert ph.location == Location(21.373, 106.572)
    # 03:00-22:00 on each of the 2 days of the horizon
    assert ph.opening == (TimeWindow(3 * HOUR, 22 * HOUR), TimeWindow(DAY + 3 * HOUR, DAY + 22 * HOUR))
    assert (ph.intake_kg_per_hour, ph.precooling, ph.cold_storage_kg) == (5000.0, True, 50000.0)
    irr = tiny_case.site_by_id["irr-hn"]
    assert irr.treatment is Treatment.IRRADIATION
    assert (irr.treatment_kg_per_day, irr.treatment_s, irr.treatment_cost_per_kg) == (20000.0, 2 * HOUR, 3000.0)
    farm = tiny_case.site_by_id["farm-a"]
    assert farm.opening == () and farm.is_open(123_456)
    assert farm.commune == "Phuong Son"
    assert tiny_case.site_by_id["lax"].region == "CA"


def test_lots(tiny_case):
    l1, l2 = tiny_case.lots
    assert (l1.id, l1.farm, l1.product, l1.grade, l1.kg, l1.boxes) == ("L1", "farm-a", "lychee", "A", 150.0, 15)
    assert (l1.ready, l1.latest_pickup) == (4 * HOUR, 10 * HOUR)
    assert l1.service_s == 5 * MINUTE
    assert l1.certifications == frozenset({"VietGAP", "growing-area-code"})
    assert l1.packing_houses == ()
    assert l2.packing_houses == ("ph-chu",)
    assert l2.value == 20_000_000.0


def test_orders(tiny_case):
    o1, o2 = tiny_case.orders
    assert o1.channel is Channel.LIVESTREAM and o2.channel is Channel.B2B
    assert (o1.ordered, o1.deadline) == (9 * HOUR, DAY + 20 * HOUR)
    assert o1.min_shelf_life_s == 5 * DAY
    assert (o1.destination.city, o1.destination.country, o1.destination.hub) == ("Hanoi", "VN", "hub-hn")
    assert o1.partner == "viettel-post" and o2.partner == ""
    assert o2.destination.region == "CA"
    assert o2.destination.location == Location(33.94, -118.41)
    assert (o2.kg, o2.boxes, o2.value, o2.min_shelf_life_s) == (100.0, 10, 12_000_000.0, 12 * DAY)


def test_fleet(tiny_case):
    moto, reefer = tiny_case.vehicle_types
    assert moto.temperature is TemperatureClass.AMBIENT and moto.setpoint_c is None
    assert moto.shift == TimeWindow(3 * HOUR, 12 * HOUR)
    assert (moto.count, moto.capacity_kg, moto.capacity_boxes) == (2, 200.0, 20)
    assert moto.end_site == "ph-chu"
    assert reefer.temperature is TemperatureClass.REEFER and reefer.setpoint_c == 4.0
    assert (reefer.fixed_cost, reefer.cost_per_km, reefer.cost_per_hour) == (400_000.0, 12_000.0, 80_000.0)


def test_lanes(tiny_case):
    by_id = {lane.id: lane for lane in tiny_case.lanes}
    road = by_id["chu-hn-reefer"]
    assert road.on_demand and road.mode is Mode.REEFER_TRUCK
    assert (road.transit_s, road.handling_s, road.units_per_departure) == (9000, HOUR, 2)
    assert road.unit_cost(2500) == 1_500_000.0
    air = by_id["nib-lax-air"]
    # daily 23:40 over a 2-day horizon, cargo due 4 h before
    dep = 23 * HOUR + 40 * MINUTE
    assert air.departures == (Departure(dep, dep - 4 * HOUR), Departure(DAY + dep, DAY + dep - 4 * HOUR))
    assert air.unit_cost(10) == 2_000_000.0  # minimum charge
    assert air.unit_cost(1500) == 120_000_000.0


def test_products_and_markets(tiny_case):
    lychee = tiny_case.product_by_id["lychee"]
    assert lychee.model is KineticsModel.Q10 and lychee.kg_per_box == 10.0
    assert lychee.precool_budget_s == round(0.2 * 25 * DAY)
    us = tiny_case.market_by_id["US"]
    assert us.treatment is Treatment.IRRADIATION
    assert us.forbidden_regions == frozenset({"FL", "HI"})
    assert us.min_shelf_life_s == 12 * DAY
    assert us.lot_eligible(frozenset({"VietGAP", "growing-area-code"}))
    assert not us.lot_eligible(frozenset({"VietGAP"}))
    assert tiny_case.market_by_id["domestic"].treatment is None


def test_every_problem_is_reported_at_once(case_with):
    folder = case_with({
        "orders.csv": lambda t: t.replace(",5,1,", ",-3,1,").replace(",100,10,", ",-7,10,"),
        "lots.csv": lambda t: t.replace(",farm-a,", ",farm-z,").replace("2025-06-12T05:00", "soon"),
        "fleet.csv": lambda t: t.replace(",ambient,", ",lukewarm,"),
        "markets.toml": lambda t: t.replace("min_shelf_life_days = 12", "min_shelf_life_days = -1"),
        "lanes.toml": lambda t: t.replace('"air"', '"rocket"'),
    })
    with pytest.raises(CaseError) as info:
        read_case(folder)
    problems = info.value.problems
    assert problems == [
        "markets.toml [US], min_shelf_life_days: must be >= 0, got -1",
        "lanes.toml lane 4 (nib-lax-air), mode: must be one of road, reefer_truck, air, rail, sea; got 'rocket'",
        "lots.csv row 3, ready: must be an ISO 8601 datetime or HH:MM, got 'soon'",
        "orders.csv row 2, kg: must be > 0, got -3",
        "orders.csv row 3, kg: must be > 0, got -7",
        "fleet.csv row 2, temperature: must be one of ambient, iced, reefer; got 'lukewarm'",
        "lots.csv row 2, farm: unknown site 'farm-z'",
    ]
    assert str(info.value).startswith("7 problem(s) in the case:\n  markets.toml [US]")
    assert isinstance(info.value, ValueError)


def test_many_bad_rows_give_one_message_each(case_with):
    header = "id,farm,product,grade,kg,boxes,ready,latest_pickup,service_min,certifications,packing_houses,value\n"
    rows = "".join(
        f"X{i},farm-a,lychee,A,{-i},1,2025-06-12T04:00,2025-06-12T10:00,5,,,0\n" for i in range(1, 26)
    )
    problems = list(problems_of(case_with({"lots.csv": header + rows})))
    assert problems == [f"lots.csv row {i + 1}, kg: must be > 0, got -{i}" for i in range(1, 26)]


def test_problems_of_a_valid_case_is_empty():
    assert list(problems_of(TINY)) == []


def test_no_such_folder(tmp_path):
    with pytest.raises(CaseError, match="no such case folder"):
        read_case(tmp_path / "nowhere")
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert list(problems_of(file)) == [f"{file}: is a file, not a case folder"]


def test_a_file_that_is_a_folder_is_a_problem_not_a_crash(case_with):
    folder = case_with({"lots.csv": None, "settings.toml": None})
    (folder / "lots.csv").mkdir()
    (folder / "settings.toml").mkdir()
    assert list(problems_of(folder)) == ["settings.toml: cannot be read (Is a directory)"]
    (folder / "settings.toml").rmdir()
    (folder / "settings.toml").write_text((TINY / "settings.toml").read_text())
    assert list(problems_of(folder)) == ["lots.csv: cannot be read (Is a directory)"]


def test_optional_files_may_be_absent(case_with):
    case = read_case(case_with({"lots.csv": None, "orders.csv": None, "fleet.csv": None,
                                "lanes.toml": None}))
    assert (case.lots, case.orders, case.vehicle_types, case.lanes) == ((), (), (), ())
    assert len(case.sites) == 7


def test_header_only_tables_are_empty(case_with):
    header = (TINY / "orders.csv").read_text().splitlines()[0] + "\n"
    assert read_case(case_with({"orders.csv": header})).orders == ()


def test_blank_cells_take_defaults_and_spaces_are_trimmed(case_with):
    case = read_case(case_with({"lots.csv": lambda t: t.replace(
        "L1,farm-a,lychee,A,150,15,", "L1, farm-a , lychee,,150,,").replace(",5,VietGAP;", ",,VietGAP;")}))
    lot = case.lots[0]
    assert (lot.farm, lot.grade, lot.boxes, lot.service_s) == ("farm-a", "A", 0, 5 * MINUTE)


def test_datetimes_with_offsets_and_clock_times(case_with):
    case = read_case(case_with({
        # 04:00 local as UTC; latest pickup as a bare clock time on the first day
        "lots.csv": lambda t: t.replace("2025-06-12T04:00,2025-06-12T10:00",
                                        "2025-06-11T21:00+00:00,10:30"),
        # a whole date is its local midnight
        "orders.csv": lambda t: t.replace("2025-06-13T20:00", "2025-06-14"),
    }))
    assert (case.lots[0].ready, case.lots[0].latest_pickup) == (4 * HOUR, 10 * HOUR + 30 * MINUTE)
    assert case.orders[0].deadline == 2 * DAY


def test_opening_over_midnight_and_all_day(case_with):
    case = read_case(case_with({"sites.csv": lambda t: t.replace("03:00,22:00", "22:00,06:00")
                                .replace("06:00,22:00", "00:00,24:00")}))
    assert case.site_by_id["ph-chu"].opening[0] == TimeWindow(22 * HOUR, DAY + 6 * HOUR)
    assert case.site_by_id["irr-hn"].opening[1] == TimeWindow(DAY, 2 * DAY)


def test_lane_schedule_with_day_offsets(case_with):
    case = read_case(case_with({"lanes.toml": lambda t: t.replace(
        'daily = ["23:40"]', 'schedule = ["+1 18:00", "+0 09:15"]')}))
    air = next(lane for lane in case.lanes if lane.id == "nib-lax-air")
    assert [d.time for d in air.departures] == [9 * HOUR + 15 * MINUTE, DAY + 18 * HOUR]
    assert all(d.time - d.cutoff == 4 * HOUR for d in air.departures)


def test_hourly_ambient(case_with):
    hourly = [20.0 + h for h in range(24)]
    case = read_case(case_with({"settings.toml": lambda t: t.replace(
        "ambient_c = 30.0", f"ambient_c = {hourly}")}))
    assert case.settings.ambient_c == tuple(hourly)
    assert case.settings.ambient_at(5 * HOUR + 59 * MINUTE) == 25.0
    assert case.settings.ambient_at(DAY + 13 * HOUR) == 33.0


def test_unquoted_toml_date_epoch(case_with):
    case = read_case(case_with({"settings.toml": lambda t: t.replace('"2025-06-12"', "2025-06-12")}))
    assert case.settings.epoch.date().isoformat() == "2025-06-12"


# --- GeoJSON sites --------------------------------------------------------------------


def _geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def _tiny_features() -> list[dict]:
    frame = pd.read_csv(TINY / "sites.csv", dtype=str, keep_default_na=False)
    return [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
        "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")},
    } for r in frame.to_dict("records")]


def test_geojson_sites_read_like_csv(case_with, tiny_case):
    case = read_case(case_with({"sites.csv": None, "sites.geojson": _geojson(_tiny_features())}))
    assert case.sites == tiny_case.sites


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda f: f[0]["geometry"].pop("coordinates"), "sites.geojson feature 1, geometry: must be a Point"),
        (lambda f: f[0].update(geometry={"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
         "sites.geojson feature 1, geometry: must be a Point"),
        (lambda f: f.__setitem__(0, "not a feature"), "sites.geojson feature 1, geometry"),
        (lambda f: f[1]["geometry"].update(coordinates=["east", 21.3]),
         "sites.geojson feature 2, lon: must be a number, got 'east'"),
        (lambda f: f[2]["properties"].update(kind="castle"), "sites.geojson feature 3, kind: must be one of"),
    ],
    ids=["no-coordinates", "line", "not-a-feature", "text-lon", "bad-kind"],
)
def test_bad_geojson_features(case_with, mangle, expected):
    features = _tiny_features()
    mangle(features)
    problems = list(problems_of(case_with({"sites.csv": None, "sites.geojson": _geojson(features)})))
    assert any(p.startswith(expected) for p in problems), problems
    # references to the bad feature's site are not repeated (when it names its id)
    assert len(problems) == (2 if "not a feature" in str(features) else 1), problems


@pytest.mark.parametrize("text", ["{nope", json.dumps({"type": "FeatureCollection"}),
                                  json.dumps({"features": 3}), "[]"])
def test_malformed_geojson_is_one_problem(case_with, text):
    problems = list(problems_of(case_with({"sites.csv": None, "sites.geojson": text})))
    assert len(problems) == 1 and problems[0].startswith("sites.geojson: "), problems


def test_a_pickup_window_may_be_a_single_moment(case_with):
    case = read_case(case_with({"lots.csv": lambda t: t.replace(
        "2025-06-12T04:00,2025-06-12T10:00", "2025-06-12T04:00,2025-06-12T04:00")}))
    assert case.lots[0].ready == case.lots[0].latest_pickup == 4 * HOUR


def test_every_bad_field_of_one_row_is_reported(case_with):
    folder = case_with({"orders.csv": lambda t: t.replace(
        "O1,livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-13T20:00,5,",
        "O1,telepathy,domestic,lychee,A,-5,one,2025-06-12T09:00,2025-06-12T08:00,-5,")})
    assert list(problems_of(folder)) == [
        "orders.csv row 2, deadline: must be after ordered (2025-06-12T09:00), got 2025-06-12T08:00",
        "orders.csv row 2, channel: must be one of livestream, b2b; got 'telepathy'",
        "orders.csv row 2, kg: must be > 0, got -5",
        "orders.csv row 2, boxes: must be a whole number, got 'one'",
        "orders.csv row 2, min_shelf_life_days: must be >= 0, got -5",
    ]
