from __future__ import annotations

from collections import Counter

import pytest

from planner.casegen import CaseSpec, generate_case
from planner.casegen.places import luc_ngan_places
from planner.domain import Channel, SiteKind
from planner.io import read_case, write_case

from ..conftest import ROOT

SMALL = {"n_farms": 30, "n_lots": 40, "n_orders": 600}


def test_same_seed_same_case() -> None:
    assert generate_case(seed=7, **SMALL) == generate_case(seed=7, **SMALL)


def test_another_seed_another_case() -> None:
    a, b = generate_case(seed=7, **SMALL), generate_case(seed=8, **SMALL)
    assert a.lots != b.lots and a.orders != b.orders


def test_the_embedded_case_is_what_the_generator_makes() -> None:
    assert read_case(ROOT / "data" / "luc-ngan") == generate_case(CaseSpec())


def test_a_written_case_reads_back_equal(tmp_path) -> None:
    case = generate_case(seed=3, **SMALL)
    assert read_case(write_case(case, tmp_path / "case")) == case


def test_the_embedded_day_has_the_size_of_the_story() -> None:
    case = generate_case(CaseSpec())
    assert 150 <= len(case.lots) <= 300
    assert len(case.orders) == 12_000
    kg = sum(o.kg for o in case.orders)
    assert 50_000 <= kg <= 60_000  # "54 t in six hours"
    consumer = [o for o in case.orders if o.channel is Channel.LIVESTREAM]
    assert 2 <= sum(o.kg for o in consumer) / len(consumer) <= 10
    cities = Counter(o.destination.city for o in consumer)
    assert set(cities) == {"Hanoi", "Ho Chi Minh City"}
    markets = {o.market for o in case.orders}
    assert {"domestic", "US", "AU", "JP"} <= markets
    livestream = sorted(o.ordered for o in consumer)
    assert livestream[-1] - livestream[0] <= 6 * 3600


def test_farms_lie_in_luc_ngan() -> None:
    case = generate_case(seed=1, **SMALL)
    for farm in case.sites_of(SiteKind.FARM):
        assert 21.265 <= farm.location.lat <= 21.609
        assert 106.444 <= farm.location.lon <= 106.866


def test_communes_answer_to_old_and_new_names() -> None:
    places = luc_ngan_places()
    assert places.canonical_commune("Phi Dien") == "Luc Ngan"
    assert places.canonical_commune("tru huu") == "Chu"
    assert places.canonical_commune("Phuong Son") == "Phuong Son"
    with pytest.raises(KeyError, match="unknown commune"):
        places.canonical_commune("Atlantis")


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="n_lots must be >= 1"):
        CaseSpec(n_lots=0)
    with pytest.raises(ValueError, match="b2b_share"):
        CaseSpec(b2b_share=1.5)


def test_the_embedded_case_names_people_and_places_in_vietnamese() -> None:
    case = read_case(ROOT / "data" / "luc-ngan")
    assert case.settings.lang == "vi"
    farms = case.sites_of(SiteKind.FARM)
    assert all(f.contact and f.phone and f.address for f in farms)
    assert all(f.id.isascii() for f in case.sites)
    names = " ".join(f.name + " " + f.address for f in farms)
    for place in ("Chũ", "Phượng Sơn", "Lục Ngạn", "Giáp Sơn"):
        assert place in names
    assert case.site_by_id["ph-chu"].name.startswith("Nhà sơ chế Chũ")
    phones = [f.phone for f in farms] + [d.phone for d in case.drivers]
    assert all(p.startswith("0000 ") for p in phones)  # no Vietnamese number starts 0000
    assert len(set(phones)) == len(phones)


def test_every_vehicle_of_the_embedded_fleet_has_a_driver() -> None:
    case = read_case(ROOT / "data" / "luc-ngan")
    from planner.domain import drivers_by_vehicle

    by_vehicle = drivers_by_vehicle(case.drivers)
    vehicles = {f"{vt.id}#{k}" for vt in case.vehicle_types for k in range(1, vt.count + 1)}
    assert set(by_vehicle) == vehicles
    assert all(d.plate and d.name.count(" ") >= 2 for d in case.drivers)


def test_old_and_new_commune_names_are_in_each_farm_address() -> None:
    places = luc_ngan_places()
    giap_son = next(c for c in places.communes if c.name == "Giap Son")
    assert places.address(giap_son) == "xã Giáp Sơn cũ, nay xã Lục Ngạn"
    kien_lao = next(c for c in places.communes if c.name == "Kien Lao")
    assert places.address(kien_lao) == "xã Kiên Lao"
