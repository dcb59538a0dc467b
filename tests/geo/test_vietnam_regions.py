"""Order regions in Vietnam: ISO 3166-2:VN as pycountry ships it still lists the
63 provinces of before 1 July 2025; the 34 provinces of 2025 are stored under
the code of their namesake, and a former province (code or name) is read as
the one it was merged into, naming both."""

from __future__ import annotations

import pycountry
import pytest

from planner.geo import vietnam
from planner.geo.regions import region_of


def test_pycountry_still_lists_the_63_provinces_of_before_2025():
    # If iso-codes updates ISO 3166-2:VN to the 2025 list, this module's mapping must be revisited.
    subs = pycountry.subdivisions.get(country_code="VN")
    assert len(subs) == 63
    assert {"VN-54", "VN-56", "VN-61"} <= {s.code for s in subs}  # Bắc Giang, Bắc Ninh, Hải Dương


def test_every_2025_province_has_exactly_one_iso_code():
    target, own, _ = vietnam._iso_table()
    new_provinces = {code for code, _, _ in vietnam._provinces()[0].values()}
    assert len(new_provinces) == 34
    assert set(own) == new_provinces  # each 2025 province has its code
    assert len(set(own.values())) == 34
    assert len(target) == 63  # every former province leads to one of them


@pytest.mark.parametrize(("text", "code", "name", "former"), [
    ("56", "56", "Bắc Ninh", ""),
    ("Bắc Ninh", "56", "Bắc Ninh", ""),
    ("Bắc Giang", "56", "Bắc Ninh", "Bắc Giang (VN-54)"),
    ("VN-54", "56", "Bắc Ninh", "Bắc Giang (VN-54)"),
    ("Hai Duong", "HP", "Hải Phòng", "Hải Dương (VN-61)"),
    ("Kiên Giang", "44", "An Giang", "Kiên Giang (VN-47)"),
    ("57", "SG", "Hồ Chí Minh", "Bình Dương (VN-57)"),
    ("Ho Chi Minh City", "SG", "Hồ Chí Minh", ""),
    ("Thừa Thiên-Huế", "26", "Huế", ""),  # renamed in January 2025, not merged
    ("Huế", "26", "Huế", ""),
    ("Hà Giang", "07", "Tuyên Quang", "Hà Giang (VN-03)"),
])
def test_current_and_former_provinces_by_code_and_name(text, code, name, former):
    found = region_of("VN", text)
    assert found is not None
    assert (found.code, found.name, found.former) == (code, name, former)


@pytest.mark.parametrize("text", ["Dong Da", "Phường Chũ", "99", "24x", ""])
def test_districts_wards_and_unknown_codes_are_no_province(text):
    assert region_of("VN", text) is None


def test_a_number_is_an_iso_code_never_a_statistics_office_code():
    # GSO 24 is the 2025 Bắc Ninh; ISO 24 is the former Quảng Bình, now in Quảng Trị
    found = region_of("VN", "24")
    assert found is not None and (found.code, found.name) == ("25", "Quảng Trị")


@pytest.mark.parametrize(("region", "warning"), [
    ("Bắc Giang", "orders.csv row 2, region: 'Bắc Giang' names Bắc Giang (VN-54), merged into Bắc Ninh on "
                  "1 July 2025: read as ISO 3166-2 VN-56 (Bắc Ninh); write 56"),
    ("54", "orders.csv row 2, region: '54' names Bắc Giang (VN-54), merged into Bắc Ninh on 1 July 2025: "
           "read as ISO 3166-2 VN-56 (Bắc Ninh); write 56"),
    ("Bắc Ninh", "orders.csv row 2, region: 'Bắc Ninh' read as ISO 3166-2 VN-56 (Bắc Ninh): write 56"),
    ("56", ""),
])
def test_an_order_region_is_stored_by_its_2025_code_with_a_warning_naming_row_and_field(tmp_path, region, warning):
    from planner.io import read_case
    from planner.io.tables import ReadLog
    from tests.io.conftest import build_case

    case = build_case(tmp_path / "case", {"orders.csv": lambda t: t.replace(",Hanoi,VN,,", f",Hanoi,VN,{region},")})
    log = ReadLog()
    orders = read_case(case, log=log).orders
    assert orders[0].destination.region == "56"
    assert [w for w in log.warnings if "region" in w] == ([warning] if warning else [])


def test_a_market_forbidding_a_merged_province_is_refused(tmp_path):
    from planner.exceptions import CaseError
    from planner.io import read_case
    from tests.io.conftest import build_case

    rule = '\n[north]\nname = "North"\ncountries = ["VN"]\nforbidden_regions = ["54", "HN"]\nmin_shelf_life_days = 3.0\n'
    case = build_case(tmp_path / "case", {"markets.toml": lambda t: t + rule})
    with pytest.raises(CaseError) as err:
        read_case(case)
    assert err.value.problems == [
        "markets.toml [north], forbidden_regions: '54' is Bắc Giang (VN-54), merged into Bắc Ninh on 1 July "
        "2025, whose orders are stored as 56: write 56 (forbids all of Bắc Ninh) or remove it"]
