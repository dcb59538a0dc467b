"""A test per warning (legal but implausible) and per error (cannot be right),
each naming file, row and field, on the tiny case with one mistake each."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from planner.exceptions import CaseError
from planner.io import read_case
from planner.io.tables import ReadLog

from .conftest import TINY

FARMS = "farm-c,Farm C,farm,21.38,106.58,,,,,,,,,,Chu,\n"


def _sub(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return edit


def _warnings(case_with, edits) -> list[str]:
    log = ReadLog()
    read_case(case_with(edits), log=log)
    return log.warnings


def _problems(case_with, edits) -> list[str]:
    with pytest.raises(CaseError) as info:
        read_case(case_with(edits))
    return info.value.problems


def test_the_tiny_case_has_no_warning(case_with):
    assert _warnings(case_with, {}) == []


def test_a_farm_far_from_every_other_farm(case_with):
    far = "farm-d,Farm D,farm,21.40,-106.60,,,,,,,,,,Chu,\n"  # the longitude lost its sign
    (warning,) = _warnings(case_with, {"sites.csv": lambda t: t + FARMS + far})
    assert warning.startswith("sites.csv row 10, lat/lon: 21.4, -106.6 is 14,046 km from the nearest other farm (farm-a)")
    assert "km from the nearest other farm (farm-" in warning and "more than 50 km" in warning


def test_three_farms_close_together_are_fine(case_with):
    assert _warnings(case_with, {"sites.csv": lambda t: t + FARMS}) == []


def test_a_date_far_from_the_epoch_suggests_a_day_month_swap(case_with):
    lots = _sub("L1,farm-a,lychee,A,150,15,2025-06-12T04:00,2025-06-12T10:00",
                "L1,farm-a,lychee,A,150,15,2025-12-06T04:00,2025-12-06T10:00")
    (warning,) = _warnings(case_with, {"lots.csv": lots})
    assert warning == (
        "lots.csv row 2, ready: 2025-12-06 04:00 is 175 days after the case's last day "
        "(2025-06-12, 2 day(s)) (day and month swapped? 2025-06-12 is within the case)"
    )


def test_an_order_date_far_before_the_epoch(case_with):
    orders = _sub("O1,livestream,domestic,lychee,A,5,1,2025-06-12T09:00,2025-06-13T20:00",
                  "O1,livestream,domestic,lychee,A,5,1,2025-04-12T09:00,2025-06-13T20:00")
    (warning,) = _warnings(case_with, {"orders.csv": orders})
    assert warning.startswith("orders.csv row 2, ordered: 2025-04-12 09:00 is 61 days before the case's first day")


def test_kg_per_box_outside_the_products_range(case_with):
    lots = _sub("L2,farm-b,lychee,A,400,40,", "L2,farm-b,lychee,A,1850,18,")
    (warning,) = _warnings(case_with, {"lots.csv": lots})
    assert warning == (
        "lots.csv row 3, boxes: 1,850.0 kg in 18 box(es) is 102.78 kg a box; lychee is packed "
        "10 kg a box (expected 0.5-20): kg or boxes mistyped?"
    )


def test_a_vehicle_home_at_a_farm(case_with):
    fleet = _sub("moto,Motorbike,motorbike,200,20,ambient,,ph-chu,", "moto,Motorbike,motorbike,200,20,ambient,,farm-a,")
    (warning,) = _warnings(case_with, {"fleet.csv": fleet})
    assert warning.startswith("fleet.csv row 2, home: farm-a is a farm, not a depot or packing house")


def test_order_coordinates_outside_its_country(case_with):
    orders = _sub("Los Angeles,US,CA,33.94,-118.41,lax", "Los Angeles,US,CA,33.94,118.41,lax")
    (warning,) = _warnings(case_with, {"orders.csv": orders})
    assert warning.startswith("orders.csv row 3, lat/lon: 33.94, 118.41 is ")
    assert warning.endswith("km outside US, the order's country: coordinates or country wrong?")


def test_a_coastal_order_inside_the_tolerance_is_fine(case_with):
    orders = _sub("Hanoi,VN,,21.03,105.85,hub-hn", "Hai Phong,VN,,20.83,106.92,hub-hn")  # Lach Huyen port
    assert _warnings(case_with, {"orders.csv": orders}) == []


def test_a_certification_no_market_names(case_with):
    lots = _sub("VietGAP;growing-area-code", "VietGAP;growing-area-code;FreshFruit")
    (warning,) = _warnings(case_with, {"lots.csv": lots})
    assert warning.startswith("lots.csv row 2, certifications: 'FreshFruit' is named by no market rule")


def test_a_region_name_is_mapped_to_its_code_with_a_warning(case_with):
    orders = _sub("Los Angeles,US,CA,", "Los Angeles,US,Florida,")
    log = ReadLog()
    case = read_case(case_with({"orders.csv": orders}), log=log)
    assert log.warnings == ["orders.csv row 3, region: 'Florida' read as ISO 3166-2 US-FL (Florida): write FL"]
    assert case.orders[1].destination.region == "FL"  # the market's forbidden region now matches


def test_a_prefixed_code_is_stored_without_prefix(case_with):
    case = read_case(case_with({"orders.csv": _sub("Los Angeles,US,CA,", "Los Angeles,US,us-ca,")}))
    assert case.orders[1].destination.region == "CA"


def test_an_empty_region_for_a_market_that_forbids_regions(case_with):
    (warning,) = _warnings(case_with, {"orders.csv": _sub("Los Angeles,US,CA,", "Los Angeles,US,,")})
    assert warning == "orders.csv row 3, region: empty, but market US forbids FL, HI: the rule cannot be checked"


# ---------------------------------------------------------------- errors


def test_a_market_inconsistent_with_the_country(case_with):
    orders = _sub("O2,b2b,US,", "O2,b2b,domestic,")
    assert _problems(case_with, {"orders.csv": orders}) == [
        "orders.csv row 3, market: market 'domestic' covers VN, not the order's country US; "
        "market(s) for US: US"
    ]


def test_a_region_that_is_no_subdivision_where_a_market_forbids_regions(case_with):
    orders = _sub("Los Angeles,US,CA,", "Los Angeles,US,Floridaa,")
    assert _problems(case_with, {"orders.csv": orders}) == [
        "orders.csv row 3, region: 'Floridaa' is no ISO 3166-2 subdivision of US; market US forbids "
        "FL, HI: write the code (e.g. AK)"
    ]


def test_a_district_is_kept_where_no_market_forbids_regions(case_with):
    case = read_case(case_with({"orders.csv": _sub("Hanoi,VN,,", "Hanoi,VN,Dong Da,")}))
    assert case.orders[0].destination.region == "Dong Da"


def test_a_misspelt_certification(case_with):
    lots = _sub("VietGAP;growing-area-code", "VietGAP;growing area code")
    assert _problems(case_with, {"lots.csv": lots}) == [
        "lots.csv row 2, certifications: 'growing area code' is not a known certification; "
        "did you mean 'growing-area-code'?"
    ]


def test_a_near_miss_certification(case_with):
    lots = _sub("VietGAP;growing-area-code", "VeitGAP;growing-area-code")
    assert _problems(case_with, {"lots.csv": lots}) == [
        "lots.csv row 2, certifications: 'VeitGAP' is not a known certification; did you mean 'VietGAP'?"
    ]


def test_a_country_that_is_no_alpha2_code(case_with):
    orders = _sub("Los Angeles,US,CA,", "Los Angeles,USA,CA,")
    assert _problems(case_with, {"orders.csv": orders}) == [
        "orders.csv row 3, country: must be an ISO 3166-1 alpha-2 code (VN, US, AU, JP...), got 'USA'; "
        "did you mean US?"
    ]


def test_region_problems_come_with_the_others_in_one_pass(case_with):
    orders = _sub("Los Angeles,US,CA,", "Los Angeles,US,Floridaa,")
    lots = _sub("L2,farm-b,lychee,A,400,", "L2,farm-b,lychee,A,-400,")
    problems = _problems(case_with, {"orders.csv": orders, "lots.csv": lots})
    assert [p.split(",")[0] for p in problems] == ["lots.csv row 3", "orders.csv row 3"]


def test_thresholds_are_case_settings(case_with):
    settings = (TINY / "settings.toml").read_text(encoding="utf-8")
    far = "farm-d,Farm D,farm,21.40,107.60,,,,,,,,,,Chu,\n"  # about 100 km east of the others
    edits = {"sites.csv": lambda t: t + FARMS + far}
    assert len(_warnings(case_with, edits)) == 1
    edits["settings.toml"] = settings + "\n[checks]\nfar_site_km = 150\n"
    assert _warnings(case_with, edits) == []


def test_bad_thresholds_are_named(case_with):
    settings = (TINY / "settings.toml").read_text(encoding="utf-8")
    problems = _problems(case_with, {"settings.toml": settings + "\n[checks]\nfar_site_km = -1\nfar_sites = 3\n"})
    assert "settings.toml [checks], far_sites: unknown key" in problems[0]
    assert problems[1] == "settings.toml [checks], far_site_km: must be > 0, got -1"


@pytest.mark.parametrize(("typed", "meant"), [("Farm-A", "farm-a"), ("farm a", "farm-a"), ("farm-aa", "farm-a")])
def test_an_unknown_id_says_which_was_meant(case_with, typed, meant):
    lots = _sub("L1,farm-a,", f"L1,{typed},")
    assert _problems(case_with, {"lots.csv": lots}) == [
        f"lots.csv row 2, farm: unknown site {typed!r}; did you mean {meant!r}?"
    ]
