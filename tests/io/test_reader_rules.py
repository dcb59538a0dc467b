"""Every validation rule of the case reader, each with a bad file.

Each case edits the tiny case and lists the problems the reader must report:
every expected problem is a tuple of fragments that must all appear in one
reported line (file and row, field, why), and nothing else may be reported (no
duplicates, no follow-on noise)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from planner.exceptions import CaseError
from planner.io import read_case


def sub(old: str, new: str) -> Callable[[str], str]:
    """Replace ``old`` (which must be in the file) by ``new``."""

    def edit(text: str) -> str:
        assert old in text, f"{old!r} is not in the tiny file: this case would test nothing"
        return text.replace(old, new, 1)

    return edit


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


BAD = {
    # --- files -----------------------------------------------------------------------
    "settings-missing": ({"settings.toml": None}, [("settings.toml", "file is missing")]),
    "products-missing": ({"products.toml": None}, [("products.toml", "file is missing")]),
    "markets-missing": ({"markets.toml": None}, [("markets.toml", "file is missing")]),
    "sites-missing": ({"sites.csv": None}, [("sites.csv", "file is missing")]),
    "settings-bad-toml": (
        {"settings.toml": "name = \n"}, [("settings.toml", "not valid TOML", "line 1")]),
    "products-bad-toml": (
        {"products.toml": "[lychee\n"}, [("products.toml", "not valid TOML")]),
    "lanes-bad-toml": ({"lanes.toml": "[[lane]\n"}, [("lanes.toml", "not valid TOML")]),
    "markets-utf16-garbage": (
        {"markets.toml": b'\xff\xfe\x00\xd8'},
        [("markets.toml", "byte-order mark but is not UTF-16")]),
    "sites-empty": ({"sites.csv": ""}, [("sites.csv", "the file is empty")]),
    "sites-ragged-row": (
        {"sites.csv": append("x,y,farm,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n")},
        [("sites.csv", "row 9: 19 fields but the header has 16", "decimal comma")]),
    # --- missing columns ------------------------------------------------------------------
    "sites-missing-column": (
        {"sites.csv": sub(",kind,", ",knd,")}, [("sites.csv", "missing column(s) kind")]),
    "sites-header-with-a-line-break": (  # (found by the fuzz test: a problem is one line)
        {"sites.csv": sub("id,name,", '"i\nd",name,')},
        [("sites.csv", "missing column(s) id", "found: 'i\\nd', name")]),
    "lots-missing-column": (
        {"lots.csv": sub(",kg,", ",weight,")}, [("lots.csv", "missing column(s) kg")]),
    "orders-missing-columns": (
        {"orders.csv": sub(",deadline,", ",due,")}, [("orders.csv", "missing column(s) deadline")]),
    "fleet-missing-column": (
        {"fleet.csv": sub(",shift_end,", ",shift_stop,")},
        [("fleet.csv", "missing column(s) shift_end")]),
    # --- numbers ------------------------------------------------------------------------
    "order-negative-kg": (
        {"orders.csv": sub(",5,1,", ",-3,1,")}, [("orders.csv row 2", "kg", "must be > 0, got -3")]),
    "lot-negative-kg": (
        {"lots.csv": sub(",150,15,", ",-3,15,")}, [("lots.csv row 2", "kg", "must be > 0, got -3")]),
    "lot-zero-kg": (
        {"lots.csv": sub(",400,40,", ",0,40,")}, [("lots.csv row 3", "kg", "must be > 0, got 0")]),
    "lot-non-numeric-kg": (
        {"lots.csv": sub(",150,15,", ",heavy,15,")},
        [("lots.csv row 2", "kg", "must be a number, got 'heavy'")]),
    "lot-nan-kg": (
        {"lots.csv": sub(",150,15,", ",nan,15,")},
        [("lots.csv row 2", "kg", "must be a finite number", "got 'nan'")]),
    "order-infinite-kg": (
        {"orders.csv": sub(",100,10,", ",inf,10,")},
        [("orders.csv row 3", "kg", "must be a finite number", "got 'inf'")]),
    "market-infinite-shelf-life": (
        {"markets.toml": sub("min_shelf_life_days = 12", "min_shelf_life_days = inf")},
        [("markets.toml [US]", "min_shelf_life_days", "finite number")]),
    "product-astronomical-shelf-life": (
        {"products.toml": sub("ref_shelf_life_days = 25.0", "ref_shelf_life_days = 1e300")},
        [("products.toml [lychee]", "ref_shelf_life_days", "at most 1e15", "'1e+300'")]),
    "lane-astronomical-transit": (
        {"lanes.toml": sub("transit_h = 18", "transit_h = 1e300")},
        [("lanes.toml lane 4", "transit_h", "at most 1e15")]),
    "lot-fractional-boxes": (
        {"lots.csv": sub(",150,15,", ",150,1.5,")},
        [("lots.csv row 2", "boxes", "must be a whole number, got '1.5'")]),
    "lot-negative-value": (
        {"lots.csv": sub(",9000000", ",-1")}, [("lots.csv row 2", "value", "must be >= 0")]),
    "site-non-numeric-lat": (
        {"sites.csv": sub("21.40", "north")}, [("sites.csv row 2", "lat", "must be a number")]),
    "site-lat-out-of-range": (
        {"sites.csv": sub("21.40", "99")}, [("sites.csv row 2, lat: must be within [-90, 90], got 99",)]),
    "order-lon-out-of-range-and-bad-kind": (
        {"orders.csv": sub("-118.41", "241.59"), "sites.csv": sub(",city_hub,", ",hub,")},
        [("orders.csv row 3, lon: must be within [-180, 180], got 241.59",),
         ("sites.csv row 5, kind: must be one of",)]),
    "site-bad-kind-and-bad-lat": (
        {"sites.csv": sub("farm-a,Farm A,farm,21.40", "farm-a,Farm A,orchard,-91")},
        [("sites.csv row 2, kind: must be one of",), ("sites.csv row 2, lat: must be within",)]),
    "site-negative-intake": (
        {"sites.csv": sub(",5000,", ",-5,")},
        [("sites.csv row 4", "intake_kg_per_hour", "must be > 0")]),
    "site-bad-boolean": (
        {"sites.csv": sub(",true,", ",maybe,")},
        [("sites.csv row 4", "precooling", "true or false")]),
    "order-missing-lat": (
        {"orders.csv": sub("21.03", "")}, [("orders.csv row 2", "lat", "is required")]),
    "order-missing-city": (
        {"orders.csv": sub(",Hanoi,", ",,")}, [("orders.csv row 2", "city", "is required")]),
    "fleet-zero-capacity": (
        {"fleet.csv": sub(",200,20,", ",0,20,")},
        [("fleet.csv row 2", "capacity_kg", "must be > 0")]),
    "fleet-non-integer-count": (
        {"fleet.csv": sub(",2,50000", ",two,50000")},
        [("fleet.csv row 2", "count", "whole number")]),
    "fleet-negative-cost": (
        {"fleet.csv": sub(",12000,80000", ",-12000,80000")},
        [("fleet.csv row 3", "cost_per_km", "must be >= 0")]),
    # --- datetimes and windows ----------------------------------------------------------
    "lot-bad-datetime": (
        {"lots.csv": sub("2025-06-12T04:00", "2025-13-45T04:00")},
        [("lots.csv row 2", "ready", "ISO 8601", "2025-13-45T04:00")]),
    "order-bad-datetime": (
        {"orders.csv": sub("2025-06-12T09:30", "yesterday")},
        [("orders.csv row 3", "ordered", "ISO 8601")]),
    "lot-latest-pickup-before-ready": (
        {"lots.csv": sub("2025-06-12T10:00", "2025-06-12T03:00")},
        [("lots.csv row 2", "latest_pickup",
          "must be at or after ready (2025-06-12T04:00), got 2025-06-12T03:00")]),
    "order-deadline-before-ordered": (
        {"orders.csv": sub("2025-06-13T20:00", "2025-06-12T08:00")},
        [("orders.csv row 2", "deadline",
          "must be after ordered (2025-06-12T09:00), got 2025-06-12T08:00")]),
    "fleet-shift-end-before-start": (
        {"fleet.csv": sub("03:00,12:00", "12:00,03:00")},
        [("fleet.csv row 2", "shift_end", "must be after shift_start (12:00), got 03:00")]),
    "order-deadline-at-order-time": (
        {"orders.csv": sub("2025-06-13T20:00", "2025-06-12T09:00")},
        [("orders.csv row 2", "deadline", "must be after ordered")]),
    "fleet-both-shift-clocks-bad": (
        {"fleet.csv": sub("03:00,14:00", "noon,later")},
        [("fleet.csv row 3", "shift_start", "'noon'"), ("fleet.csv row 3", "shift_end", "'later'")]),
    "fleet-bad-shift-end": (
        {"fleet.csv": sub("03:00,12:00", "03:00,1200")},
        [("fleet.csv row 2", "shift_end", "ISO 8601 datetime or HH:MM", "'1200'")]),
    "fleet-reefer-without-setpoint": (
        {"fleet.csv": sub(",reefer,4,", ",reefer,,")},
        [("fleet.csv row 3", "vehicle type reefer: a reefer needs setpoint_c")]),
    "site-treatment-without-capacity": (
        {"sites.csv": sub(",irradiation,20000,", ",irradiation,,")},
        # with the centre invalid, no site offers the US market's treatment
        [("sites.csv row 6", "treatment irradiation needs treatment_kg_per_day"),
         ("markets.toml [US]", "treatment", "no site offers treatment irradiation")]),
    "fleet-bad-shift-clock": (
        {"fleet.csv": sub("03:00,12:00", "3am,12:00")},
        [("fleet.csv row 2", "shift_start", "ISO 8601 datetime or HH:MM", "'3am'")]),
    "site-bad-opening-hours": (
        {"sites.csv": sub("03:00,22:00", "3am,22:00")}, [("sites.csv row 4", "open", "HH:MM")]),
    "lane-bad-daily-time": (
        {"lanes.toml": sub('"23:40"', '"25:99"')},
        [("lanes.toml lane 4 (nib-lax-air)", "daily", "HH:MM", "25:99")]),
    "lane-daily-not-a-list": (
        {"lanes.toml": sub('["23:40"]', '"23:40"')},
        [("lanes.toml lane 4", "daily", "must be a list")]),
    "lane-bad-departure": (
        {"lanes.toml": sub('daily = ["23:40"]', 'departures = ["soon"]')},
        [("lanes.toml lane 4", "departures", "ISO 8601")]),
    "lane-bad-schedule": (
        {"lanes.toml": sub('daily = ["23:40"]', 'schedule = ["tomorrow 18:00"]')},
        [("lanes.toml lane 4", "schedule", "+DAYS HH:MM")]),
    "lane-negative-cutoff": (
        {"lanes.toml": sub("cutoff_h = 4", "cutoff_h = -4")},
        [("lanes.toml lane 4", "cutoff_h", "must be >= 0")]),
    # --- enums -----------------------------------------------------------------------------
    "site-unknown-kind": (
        {"sites.csv": sub(",airport,", ",spaceport,")},
        # the lanes from the airport are not reported: its row already was
        [("sites.csv row 7", "kind", "must be one of farm", "'spaceport'")]),
    "site-unknown-treatment": (
        {"sites.csv": sub(",irradiation,", ",xray,")},
        [("sites.csv row 6", "treatment", "irradiation, fumigation", "'xray'"),
         ("markets.toml [US]", "treatment", "no site offers treatment irradiation")]),
    "order-unknown-channel": (
        {"orders.csv": sub(",livestream,", ",telepathy,")},
        [("orders.csv row 2", "channel", "livestream, b2b", "'telepathy'")]),
    "fleet-unknown-temperature": (
        {"fleet.csv": sub(",ambient,", ",lukewarm,")},
        [("fleet.csv row 2", "temperature", "ambient, iced, reefer", "'lukewarm'")]),
    "lane-unknown-mode": (
        {"lanes.toml": sub('"air"', '"rocket"')},
        [("lanes.toml lane 4 (nib-lax-air)", "mode", "road, reefer_truck, air, rail, sea")]),
    "product-unknown-model": (
        {"products.toml": append('model = "magic"\n')},
        [("products.toml [lychee]", "model", "q10, arrhenius", "'magic'")]),
    "market-unknown-treatment": (
        {"markets.toml": sub('"irradiation"', '"prayer"')},
        [("markets.toml [US]", "treatment", "irradiation, fumigation", "'prayer'")]),
    # --- unknown ids -------------------------------------------------------------------------
    "lot-unknown-farm": (
        {"lots.csv": sub(",farm-a,", ",farm-z,")},
        [("lots.csv row 2", "farm", "unknown site 'farm-z'")]),
    "lot-unknown-packing-house": (
        {"lots.csv": sub(",ph-chu,", ",ph-zz,")},
        [("lots.csv row 3", "packing_houses", "'ph-zz' is not a packing house")]),
    "lot-packing-house-of-wrong-kind": (
        {"lots.csv": sub(",ph-chu,", ",nib,")},
        [("lots.csv row 3", "packing_houses", "'nib' is not a packing house")]),
    "fleet-unknown-home": (
        {"fleet.csv": sub("ph-chu,,03:00,12:00", "ph-zz,,03:00,12:00")},
        # the end defaults to the home, so both are unknown
        [("fleet.csv row 2", "home", "unknown site 'ph-zz'"),
         ("fleet.csv row 2", "end", "unknown site 'ph-zz'")]),
    "fleet-unknown-end": (
        {"fleet.csv": sub("ph-chu,,03:00,14:00", "ph-chu,depot-x,03:00,14:00")},
        [("fleet.csv row 3", "end", "unknown site 'depot-x'")]),
    "fleet-profile-without-speed": (
        {"fleet.csv": sub(",motorbike,", ",bicycle,")},
        [("fleet.csv row 2", "profile", "no speed for profile 'bicycle'")]),
    "lane-unknown-origin": (
        {"lanes.toml": sub('origin = "nib"', 'origin = "nowhere"')},
        [("lanes.toml lane 4 (nib-lax-air)", "origin", "unknown site 'nowhere'")]),
    "lane-unknown-destination": (
        {"lanes.toml": sub('destination = "hub-hn"', 'destination = "hub-xx"')},
        [("lanes.toml lane 1 (chu-hn-reefer)", "destination", "unknown site 'hub-xx'")]),
    "order-unknown-hub": (
        {"orders.csv": sub(",hub-hn", ",hub-xx")}, [("orders.csv row 2", "hub", "unknown site 'hub-xx'")]),
    "order-unknown-market": (
        {"orders.csv": sub(",domestic,", ",mars,")},
        [("orders.csv row 2", "market", "unknown market 'mars'")]),
    "order-unknown-product": (
        {"orders.csv": sub("domestic,lychee", "domestic,durian")},
        [("orders.csv row 2", "product", "unknown product 'durian'")]),
    "lot-unknown-product": (
        {"lots.csv": sub("L1,farm-a,lychee", "L1,farm-a,durian")},
        [("lots.csv row 2", "product", "unknown product 'durian'")]),
    "lot-farm-is-an-airport": (
        {"lots.csv": sub(",farm-a,", ",nib,")},
        [("lots.csv row 2", "farm", "'nib' is a airport, not a farm or collection point")]),
    "lot-farm-is-a-packing-house": (
        {"lots.csv": sub(",farm-b,", ",ph-chu,")},
        [("lots.csv row 3", "farm", "not a farm or collection point")]),
    "market-treatment-nobody-offers": (
        {"markets.toml": sub('"irradiation"', '"fumigation"')},
        [("markets.toml [US]", "treatment", "no site offers treatment fumigation")]),
    # --- duplicate ids -------------------------------------------------------------------------
    "duplicate-site": (
        {"sites.csv": sub("hub-hn,Hanoi hub", "nib,Hanoi hub")},
        # the first row holding the id is named; hub-hn is then genuinely unknown
        [("sites.csv row 5", "id", "duplicate id (2 times)"),
         ("orders.csv row 2", "hub", "unknown site 'hub-hn'"),
         ("lanes.toml lane 1", "destination", "unknown site 'hub-hn'")]),
    "duplicate-lot": (
        {"lots.csv": sub("L2,", "L1,")}, [("lots.csv row 2", "id", "duplicate id (2 times)")]),
    "duplicate-order": (
        {"orders.csv": sub("O2,", "O1,")}, [("orders.csv row 2", "id", "duplicate id (2 times)")]),
    "duplicate-vehicle-type": (
        {"fleet.csv": sub("reefer,Reefer", "moto,Reefer")},
        [("fleet.csv row 2", "id", "duplicate id (2 times)")]),
    "duplicate-lane": (
        {"lanes.toml": sub('id = "irr-nib"', 'id = "chu-hn-reefer"')},
        [("lanes.toml lane 1 (chu-hn-reefer)", "id", "duplicate id (2 times)")]),
    # --- settings --------------------------------------------------------------------------
    "unknown-timezone": (
        {"settings.toml": sub("Asia/Ho_Chi_Minh", "Mars/Olympus_Mons")},
        [("settings.toml", "timezone", "unknown time zone 'Mars/Olympus_Mons'")]),
    "timezone-path-like": (
        {"settings.toml": sub("Asia/Ho_Chi_Minh", "../../etc/passwd")},
        [("settings.toml", "timezone", "unknown time zone")]),
    "empty-timezone": (
        {"settings.toml": sub('"Asia/Ho_Chi_Minh"', '""')},
        [("settings.toml", "timezone", "unknown time zone ''")]),
    "epoch-not-a-date": (
        {"settings.toml": sub('"2025-06-12"', '"tomorrow"')},
        [("settings.toml", "epoch", "must be a date (YYYY-MM-DD)", "'tomorrow'")]),
    "epoch-a-number": (
        {"settings.toml": sub('"2025-06-12"', "5")}, [("settings.toml", "epoch", "must be a date")]),
    "epoch-missing": (
        {"settings.toml": sub('epoch = "2025-06-12"\n', "")},
        [("settings.toml", "epoch", "is required")]),
    "horizon-not-a-number": (
        {"settings.toml": sub("horizon_days = 2", 'horizon_days = "two"')},
        [("settings.toml", "horizon_days", "whole number", "'two'")]),
    "horizon-zero": (
        {"settings.toml": sub("horizon_days = 2", "horizon_days = 0")},
        [("settings.toml", "horizon_days", "must be >= 1")]),
    "ambient-not-a-number": (
        {"settings.toml": sub("ambient_c = 30.0", 'ambient_c = "hot"')},
        [("settings.toml", "ambient_c", "must be a number", "'hot'")]),
    "ambient-wrong-length": (
        {"settings.toml": sub("ambient_c = 30.0", "ambient_c = [28, 29, 30]")},
        [("settings.toml", "ambient_c", "24 hourly values, got 3")]),
    "ambient-hour-not-a-number": (
        {"settings.toml": sub("ambient_c = 30.0", "ambient_c = [28.0, \"x\"]")},
        [("settings.toml", "ambient_c[1]", "must be a number")]),
    "speed-negative": (
        {"settings.toml": sub("truck = 40.0", "truck = -4")},
        [("settings.toml [travel.speeds_kmh]", "truck", "must be > 0, got -4")]),
    "speed-not-a-number": (
        {"settings.toml": sub("truck = 40.0", 'truck = "fast"')},
        [("settings.toml [travel.speeds_kmh]", "truck", "must be a number")]),
    "travel-unknown-provider": (
        {"settings.toml": sub('"great_circle"', '"teleport"')},
        [("settings.toml [travel]", "provider must be great_circle or osm", "'teleport'")]),
    "travel-osm-without-graph": (
        {"settings.toml": sub('"great_circle"', '"osm"')},
        [("settings.toml [travel]", "travel.graph is required")]),
    "travel-detour-below-one": (
        {"settings.toml": sub("detour_factor = 1.3", "detour_factor = 0.8")},
        [("settings.toml [travel]", "detour_factor must be >= 1")]),
    "travel-unknown-key": (
        {"settings.toml": sub("detour_factor = 1.3", "detour_factor = 1.3\ndetuor = 2")},
        [("settings.toml [travel]", "detuor", "unknown key")]),
    "travel-not-a-table": (
        {"settings.toml": 'epoch = "2025-06-12"\ntravel = 3\n'},
        [("settings.toml [travel]", "must be a table")]),
    # --- products and markets -----------------------------------------------------------------
    "product-q10-not-a-number": (
        {"products.toml": sub("q10 = 3.3", 'q10 = "x"')},
        [("products.toml [lychee]", "q10", "must be a number")]),
    "product-q10-at-most-one": (
        {"products.toml": sub("q10 = 3.3", "q10 = 0.5")},
        [("products.toml [lychee]", "q10 must be > 1, got 0.5")]),
    "product-missing-reference": (
        {"products.toml": sub("ref_temp_c = 5.0\n", "")},
        [("products.toml [lychee]", "ref_temp_c", "is required")]),
    "product-zero-shelf-life": (
        {"products.toml": sub("ref_shelf_life_days = 25.0", "ref_shelf_life_days = 0")},
        [("products.toml [lychee]", "ref_shelf_life_days", "must be > 0")]),
    "product-arrhenius-without-energy": (
        {"products.toml": append('model = "arrhenius"\n')},
        [("products.toml [lychee]", "activation_energy_j_mol > 0")]),
    "product-precool-fraction-above-one": (
        {"products.toml": sub("precool_budget_fraction = 0.2", "precool_budget_fraction = 1.5")},
        [("products.toml [lychee]", "precool_budget_fraction must be in (0, 1]")]),
    "product-not-a-table": (
        {"products.toml": "lychee = 3\n"}, [("products.toml [lychee]", "must be a table")]),
    "market-countries-not-a-list": (
        {"markets.toml": sub('countries = ["US"]', 'countries = "US"')},
        [("markets.toml [US]", "countries", "must be a list of strings")]),
    "market-negative-shelf-life": (
        {"markets.toml": sub("min_shelf_life_days = 12", "min_shelf_life_days = -1")},
        [("markets.toml [US]", "min_shelf_life_days", "must be >= 0")]),
    "market-not-a-table": (
        {"markets.toml": sub("[domestic]\n", "domestic = 1\n[domestic-table]\n")},
        [("markets.toml [domestic]", "must be a table")]),
    # --- misspelt keys would leave a default silently in force ----------------------------
    "settings-unknown-key": (
        {"settings.toml": sub("horizon_days = 2", "horizon_day = 2")},
        [("settings.toml", "horizon_day", "unknown key (known: ambient_c, currency")]),
    "product-unknown-key": (
        {"products.toml": sub("q10 = 3.3", "q_10 = 2.5")},
        [("products.toml [lychee]", "q_10", "unknown key")]),
    "market-unknown-key": (
        {"markets.toml": sub('forbidden_regions = ["FL", "HI"]', 'forbidden_states = ["FL", "HI"]')},
        [("markets.toml [US]", "forbidden_states", "unknown key")]),
    "lane-unknown-key": (
        {"lanes.toml": sub("cutoff_h = 4", "cut_off_h = 4")},
        [("lanes.toml lane 4 (nib-lax-air)", "cut_off_h", "unknown key")]),
    # --- lanes ------------------------------------------------------------------------------
    "lane-same-origin-and-destination": (
        {"lanes.toml": sub('destination = "lax"', 'destination = "nib"')},
        [("lanes.toml lane 4 (nib-lax-air)", "origin and destination are the same site nib")]),
    "lane-non-positive-transit": (
        {"lanes.toml": sub("transit_h = 18", "transit_h = -1")},
        [("lanes.toml lane 4", "transit_h", "must be > 0, got -1")]),
    "lane-missing-id": (
        {"lanes.toml": sub('id = "irr-nib"\n', "")}, [("lanes.toml lane 3", "id", "is required")]),
    "lane-not-an-array-of-tables": (
        {"lanes.toml": "lane = 3\n"}, [("lanes.toml", "[[lane]] tables")]),
}


def _fmt(problems: list[str]) -> str:
    return "\n".join(problems)


@pytest.mark.parametrize(("edits", "expected"), list(BAD.values()), ids=list(BAD))
def test_bad_case_reports_exactly_its_problems(case_with, edits, expected):
    folder = case_with(edits)
    with pytest.raises(CaseError) as info:
        read_case(folder)
    problems = info.value.problems
    for fragments in expected:
        assert any(all(f in p for f in fragments) for p in problems), (
            f"no problem has all of {fragments}; got:\n{_fmt(problems)}"
        )
    assert len(problems) == len(expected), f"expected {len(expected)}, got:\n{_fmt(problems)}"


def test_each_rule_case_is_valid_without_its_edit(tiny_case):
    # the edits above start from a valid case: the problems are theirs
    assert tiny_case.lots and tiny_case.orders and tiny_case.lanes and tiny_case.vehicle_types
