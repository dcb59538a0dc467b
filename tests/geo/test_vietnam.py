"""Vietnam's communes and provinces by 2025 or former name (vietnamadminunits' data)."""

from __future__ import annotations

import pytest

from planner.geo.vietnam import commune, label, province, ward


@pytest.mark.parametrize(
    ("name", "prov", "code", "ward_name", "old"),
    [
        # Luc Ngan, DOMAIN.md: Phi Dien, Giap Son, Dong Coc, Tan Hoa and Tan Quang became the commune Luc Ngan
        ("Lục Ngạn", "Bắc Ninh", "07582", "Xã Lục Ngạn", ""),
        ("Tan Quang", "Bac Giang", "07582", "Xã Lục Ngạn", "Xã Tân Quang, Huyện Lục Ngạn, Tỉnh Bắc Giang"),
        ("Phì Điền", "Bắc Ninh", "07582", "Xã Lục Ngạn", "Thị trấn Phì Điền, Huyện Lục Ngạn, Tỉnh Bắc Giang"),
        # Thanh Hai, Hong Giang, Tru Huu and Chu became Chu ward
        ("chu", "bac ninh", "07525", "Phường Chũ", ""),
        ("Hồng Giang", "Bắc Giang", "07525", "Phường Chũ", "Phường Hồng Giang, Thị xã Chũ, Tỉnh Bắc Giang"),
        ("Nghia Ho", "Bac Ninh", "07525", "Phường Chũ", "Phường Chũ, Thị xã Chũ, Tỉnh Bắc Giang"),  # an older alias
        # Phuong Son, Quy Son and My An became Phuong Son ward
        ("Phượng Sơn", "Bắc Ninh", "07612", "Phường Phượng Sơn", ""),
        ("Quy Son", "Bac Ninh", "07612", "Phường Phượng Sơn", "Xã Quý Sơn, Thị xã Chũ, Tỉnh Bắc Giang"),
        ("07525", "24", "07525", "Phường Chũ", ""),  # by codes
    ],
)
def test_communes_by_old_or_new_name(name, prov, code, ward_name, old):
    unit = commune(name, prov)
    assert unit is not None
    assert (unit.province_code, unit.province, unit.ward_code, unit.ward, unit.old) == ("24", "Bắc Ninh", code, ward_name, old)


def test_the_whole_country_hai_duong_into_hai_phong():
    assert province("Hải Dương") is not None
    assert (province("Hai Duong").province, province("Hai Duong").old) == ("Hải Phòng", "Tỉnh Hải Dương")
    assert province("Ho Chi Minh City").province_code == "79"
    assert province("HN").province == "Hà Nội"


def test_unknown_names():
    assert commune("Xyz", "Bắc Ninh") is None
    assert commune("Chũ", "Hà Nội") is None
    assert province("Atlantis") is None


def test_label_shows_new_then_old():
    assert label("Hong Giang", "07525") == "Phường Chũ (Hong Giang)"
    assert label("Chu", "07525") == "Phường Chũ"
    assert label("somewhere", "") == "somewhere"
    assert ward("07582").ward == "Xã Lục Ngạn"
    assert commune("Hong Giang", "Bac Ninh").label == (
        "Phường Chũ, Bắc Ninh (Phường Hồng Giang, Thị xã Chũ, Tỉnh Bắc Giang)")
