"""write_case then read_case gives back an equal case."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import Case, Departure, KineticsModel, ProductProfile, TimeWindow
from planner.domain.units import DAY, HOUR
from planner.io import read_case, write_case

ROOT = Path(__file__).resolve().parent.parent.parent
PARTS = ("settings", "sites", "products", "markets", "vehicle_types", "lanes", "lots", "orders")


def assert_same_case(a: Case, b: Case) -> None:
    for name in PARTS:
        assert getattr(a, name) == getattr(b, name), name
    assert a == b


def test_round_trip_of_the_tiny_case(tiny_case, tmp_path):
    out = write_case(tiny_case, tmp_path / "copy")
    assert out == tmp_path / "copy"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["settings.toml", "products.toml", "markets.toml", "lanes.toml",
         "sites.csv", "lots.csv", "orders.csv", "fleet.csv"])
    assert_same_case(read_case(out), tiny_case)


def test_round_trip_is_stable(tiny_case, tmp_path):
    first = write_case(tiny_case, tmp_path / "a")
    second = write_case(read_case(first), tmp_path / "b")
    for f in first.iterdir():
        assert f.read_bytes() == (second / f.name).read_bytes(), f.name


def test_round_trip_of_awkward_values(tiny_case, tmp_path):
    ph = tiny_case.site_by_id["ph-chu"]
    night = tuple(TimeWindow(d * DAY + 22 * HOUR, (d + 1) * DAY + 6 * HOUR) for d in range(2))
    sites = tuple(
        dataclasses.replace(s, opening=night, name='Chu "night" house, QL31') if s is ph else s
        for s in tiny_case.sites
    )
    arrhenius = ProductProfile(
        id="lychee-arr", name="Lychee (Arrhenius)", ref_temp_c=4.5, ref_shelf_life_s=2_000_003,
        model=KineticsModel.ARRHENIUS, activation_energy_j_mol=81_234.5,
        precool_budget_fraction=0.15, kg_per_box=7.5,
    )
    lanes = tuple(
        dataclasses.replace(lane, departures=(Departure(10 * HOUR, 7 * HOUR), Departure(DAY + 11 * HOUR + 5, DAY + 8 * HOUR + 5)),
                            transit_s=12_345)
        if lane.id == "nib-lax-air" else lane
        for lane in tiny_case.lanes
    )
    lots = tuple(dataclasses.replace(lot, kg=lot.kg + 0.1, service_s=97) for lot in tiny_case.lots)
    settings = dataclasses.replace(tiny_case.settings, ambient_c=tuple(25.0 + h / 3 for h in range(24)))
    case = tiny_case.replace(sites=sites, products=(*tiny_case.products, arrhenius), lanes=lanes,
                             lots=lots, settings=settings)
    assert_same_case(read_case(write_case(case, tmp_path / "awkward")), case)


def test_lanes_with_different_cutoffs_cannot_be_written(tiny_case, tmp_path):
    lanes = tuple(
        dataclasses.replace(lane, departures=(Departure(10 * HOUR, 9 * HOUR), Departure(20 * HOUR, 10 * HOUR)))
        if lane.id == "nib-lax-air" else lane
        for lane in tiny_case.lanes
    )
    with pytest.raises(ValueError, match="different cut-offs"):
        write_case(tiny_case.replace(lanes=lanes), tmp_path / "x")


def test_round_trip_of_the_embedded_case(tmp_path):
    folder = ROOT / "data" / "luc-ngan"
    if not folder.is_dir():
        pytest.skip("data/luc-ngan not generated")
    full = read_case(folder)
    # every site, lot, lane and vehicle type; a slice of the 12,000 orders keeps it quick
    case = full.replace(orders=full.orders[::12])
    assert_same_case(read_case(write_case(case, tmp_path / "luc-ngan")), case)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ready=st.integers(0, DAY), window=st.integers(0, DAY), kg=st.floats(0.001, 1e6),
    service=st.integers(0, 3 * HOUR), deadline=st.integers(1, 3 * DAY),
)
def test_round_trip_keeps_any_seconds_and_kilograms(tiny_case, tmp_path_factory, ready, window, kg,
                                                    service, deadline):
    lot = dataclasses.replace(tiny_case.lots[0], ready=ready, latest_pickup=ready + window, kg=kg,
                              service_s=service)
    order = dataclasses.replace(tiny_case.orders[0], kg=kg, deadline=tiny_case.orders[0].ordered + deadline)
    case = tiny_case.replace(lots=(lot, tiny_case.lots[1]), orders=(order, tiny_case.orders[1]))
    assert_same_case(read_case(write_case(case, tmp_path_factory.mktemp("rt"))), case)


def test_irregular_opening_hours_are_refused_not_truncated(tiny_case, tmp_path):
    # a packing house closed on day 1 (an outage) cannot be written as a daily open/close
    site = next(s for s in tiny_case.sites if s.opening)
    kept = (site.opening[0],) + tuple(w for w in site.opening[2:])
    changed = tiny_case.replace(sites=tuple(dataclasses.replace(s, opening=kept) if s.id == site.id else s
                                            for s in tiny_case.sites))
    with pytest.raises(ValueError, match=rf"site {site.id}: opening hours .* cannot be written"):
        write_case(changed, tmp_path / "out")
