from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from planner.domain import Case
from planner.domain.units import DAY
from scenarios import load_scenario
from scenarios.daycase import day_case, standing_case
from scenarios.generate import draw_day
from scenarios.spec import ScenarioSpec


@pytest.fixture
def spec(write_scenario) -> ScenarioSpec:  # type: ignore[no-untyped-def]
    return load_scenario(write_scenario("days = 3\nseed = 5\n"))


def test_same_run_and_day_same_draw(tiny_luc_ngan: Case, spec: ScenarioSpec) -> None:
    a = draw_day(tiny_luc_ngan, spec, run=2, day=1)
    b = draw_day(tiny_luc_ngan, spec, run=2, day=1)
    assert a == b
    c = draw_day(tiny_luc_ngan, spec, run=3, day=1)
    assert [o.id for o in a.orders] != [o.id for o in c.orders] or a.lots != c.lots


def test_a_day_looks_like_the_base_day(tiny_luc_ngan: Case, spec: ScenarioSpec) -> None:
    draws = [draw_day(tiny_luc_ngan, spec, run=r, day=0) for r in range(30)]
    mean_orders = sum(len(d.orders) for d in draws) / len(draws)
    mean_lots = sum(len(d.lots) for d in draws) / len(draws)
    assert 30 <= mean_orders <= 50  # Poisson around the base case's 40 orders
    assert 7 <= mean_lots <= 13  # ... and its 10 lots
    assert draws[0].ambient_c == tiny_luc_ngan.settings.ambient_c  # no weather change asked


def test_times_are_in_the_day_frame(tiny_luc_ngan: Case, spec: ScenarioSpec) -> None:
    d = draw_day(tiny_luc_ngan, spec, run=0, day=2)
    assert all(-DAY < o.ordered < DAY for o in d.orders)  # placed the evening before or on the day
    assert all(0 <= lot.ready < DAY for lot in d.lots)
    assert all(o.id.startswith(("LS02-", "B2B02-")) for o in d.orders)


def test_scales_by_day_stream_and_commune(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    communes = sorted({s.commune for s in tiny_luc_ngan.sites if s.commune and s.kind == "farm"})
    text = ("days = 2\n[demand]\nby_day = [0.0, 3.0]\n[[demand.stream]]\nmarket = \"domestic\"\n"
            "scale = 0\n[harvest.communes]\n" + "".join(f'"{c}" = 0\n' for c in communes))
    spec = load_scenario(write_scenario(text))
    assert draw_day(tiny_luc_ngan, spec, run=0, day=0).orders == ()
    day1 = draw_day(tiny_luc_ngan, spec, run=0, day=1)
    assert day1.orders and {o.market for o in day1.orders} <= {"US", "AU", "JP"}
    farm_commune = {s.id: s.commune for s in tiny_luc_ngan.sites}
    assert all(farm_commune[lot.farm] not in communes for lot in day1.lots)


def test_weather_by_day(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    spec = load_scenario(write_scenario("days = 2\n[weather]\nby_day_c = [0.0, 5.0]\n"))
    base = tiny_luc_ngan.settings.ambient_c
    hot = draw_day(tiny_luc_ngan, spec, run=0, day=1).ambient_c
    assert hot == pytest.approx(tuple(t + 5.0 for t in base))


def _case(tiny: Case, text: str, write_scenario, day: int = 0) -> Case:  # type: ignore[no-untyped-def]
    spec = load_scenario(write_scenario(text))
    return day_case(standing_case(tiny, spec), draw_day(tiny, spec, run=0, day=day))


def test_flight_cancellation_removes_the_days_departures_only(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    before = {lane.id: lane for lane in tiny_luc_ngan.lanes}["han-lax-air"].departures
    case = _case(tiny_luc_ngan, 'days = 1\n[[disruption]]\nkind = "flight_cancellation"\n'
                 'lane = "han-lax-air"\ndays = [0]\n', write_scenario)
    after = {lane.id: lane for lane in case.lanes}["han-lax-air"].departures
    assert [d for d in before if d.time >= DAY] == list(after)
    assert len(before) == len(after) + 1


def test_outage_closes_the_site(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    case = _case(tiny_luc_ngan, 'days = 1\n[[disruption]]\nkind = "treatment_outage"\n'
                 'site = "irr-hanoi"\ndays = [0]\nstart_h = 0\nhours = 24\n', write_scenario)
    site = case.site_by_id["irr-hanoi"]
    assert not any(site.is_open(t) for t in range(0, DAY, 600))
    assert site.is_open(DAY + 12 * 3600)


def test_long_outages_and_cancellations_go_on_over_midnight(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    spec = load_scenario(write_scenario(
        'days = 3\n[[disruption]]\nkind = "treatment_outage"\nsite = "irr-hanoi"\ndays = [0]\n'
        'start_h = 12\nhours = 30\n[[disruption]]\nkind = "flight_cancellation"\nlane = "han-lax-air"\n'
        'days = [0]\nhours = 48\n'))
    st = standing_case(tiny_luc_ngan, spec)
    lax = {lane.id: lane for lane in tiny_luc_ngan.lanes}["han-lax-air"].departures
    days = [day_case(st, draw_day(tiny_luc_ngan, spec, run=0, day=d)) for d in range(3)]
    # day 0 knows both: the centre closed from noon until 18:00 on day 1, two days of flights gone
    irr0 = days[0].site_by_id["irr-hanoi"]
    assert irr0.is_open(10 * 3600) and not irr0.is_open(14 * 3600)
    assert not irr0.is_open(DAY + 17 * 3600) and irr0.is_open(DAY + 19 * 3600)
    assert [d.time for d in {x.id: x for x in days[0].lanes}["han-lax-air"].departures] == \
        [d.time for d in lax if d.time >= 2 * DAY]
    # day 1 (its own frame) sees what is left: closed until 18:00, one day of flights gone
    irr1 = days[1].site_by_id["irr-hanoi"]
    assert not irr1.is_open(17 * 3600) and irr1.is_open(19 * 3600)
    assert [d.time for d in {x.id: x for x in days[1].lanes}["han-lax-air"].departures] == \
        [d.time for d in lax if d.time >= DAY]
    # day 2: over
    assert days[2].site_by_id["irr-hanoi"].opening == tiny_luc_ngan.site_by_id["irr-hanoi"].opening
    assert not draw_day(tiny_luc_ngan, spec, run=0, day=2).disruptions


def test_breakdown_road_delay_and_fleet_change(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    text = ('days = 1\n[[fleet]]\nvehicle_type = "reefer-chu"\nadd = 3\n'
            '[[disruption]]\nkind = "vehicle_breakdown"\nvehicle_type = "reefer-chu"\ndays = [0]\namount = 2\n'
            '[[disruption]]\nkind = "road_delay"\ndays = [0]\namount = 1.25\n'
            '[[lane]]\nid = "chu-hanoi-reefer"\nunits_per_departure = 9\n')
    case = _case(tiny_luc_ngan, text, write_scenario)
    base_count = {v.id: v.count for v in tiny_luc_ngan.vehicle_types}["reefer-chu"]
    assert {v.id: v.count for v in case.vehicle_types}["reefer-chu"] == base_count + 3 - 2
    base_speed = dict(tiny_luc_ngan.settings.travel.speeds_kmh)
    assert dict(case.settings.travel.speeds_kmh)["truck"] == pytest.approx(base_speed["truck"] / 1.25)
    assert {lane.id: lane for lane in case.lanes}["chu-hanoi-reefer"].units_per_departure == 9


def test_probability_disruptions_are_seeded(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    spec = load_scenario(write_scenario('days = 1\n[[disruption]]\nkind = "road_delay"\nprobability = 0.3\n'))
    hits = Counter(bool(draw_day(tiny_luc_ngan, spec, run=r, day=0).disruptions) for r in range(100))
    assert 15 <= hits[True] <= 45  # about 30 of 100
    again = [bool(draw_day(tiny_luc_ngan, spec, run=r, day=0).disruptions) for r in range(20)]
    assert again == [bool(draw_day(tiny_luc_ngan, spec, run=r, day=0).disruptions) for r in range(20)]


def test_a_sample_scales_draws_and_capacities(tiny_luc_ngan: Case, write_scenario) -> None:  # type: ignore[no-untyped-def]
    from scenarios.daycase import sampled
    from scenarios.streams import Part, keyed_streams

    full = load_scenario(write_scenario("days = 1\n", "full.toml"))
    half = load_scenario(write_scenario("days = 1\nsample = 0.5\n", "half.toml"))
    n_full = sum(len(draw_day(tiny_luc_ngan, full, run=r, day=0).orders) for r in range(20))
    n_half = sum(len(draw_day(tiny_luc_ngan, half, run=r, day=0).orders) for r in range(20))
    assert 0.35 < n_half / n_full < 0.65  # Poisson(20) vs Poisson(40) a day, 20 days
    st = sampled(standing_case(tiny_luc_ngan, half), 0.5, keyed_streams(0, 0, 0, Part.SAMPLE))
    irr = st.site_by_id["irr-hanoi"].treatment_kg_per_day
    assert irr == pytest.approx(tiny_luc_ngan.site_by_id["irr-hanoi"].treatment_kg_per_day * 0.5)
    store = st.site_by_id["ph-chu"].cold_storage_kg
    assert store == pytest.approx(tiny_luc_ngan.site_by_id["ph-chu"].cold_storage_kg * 0.5)
    intake = st.site_by_id["ph-chu"].intake_kg_per_hour
    assert intake == pytest.approx(tiny_luc_ngan.site_by_id["ph-chu"].intake_kg_per_hour * 0.5)


@pytest.mark.parametrize("share", [0.1, 0.2, 0.5])
def test_sampled_fleet_and_lanes_hold_the_ratio(share: float) -> None:
    """Randomised rounding: a vehicle type of 1 at 0.2 is not kept at 1 (the old
    floor made the sampled pickup fleet 2.15 times its share); over many
    draws the counts and lane units average share x the real ones (within 3 %)."""
    from planner.io import read_case
    from scenarios.daycase import capacity_totals, sampled
    from scenarios.streams import Part, keyed_streams

    from .conftest import SHIPPED

    case = read_case(SHIPPED.parent / "data" / "luc-ngan")
    full = capacity_totals(case)
    n = 200
    totals = {"vehicles": 0.0, "lane_units": 0.0}
    for r in range(n):
        got = capacity_totals(sampled(case, share, keyed_streams(11, r, 0, Part.SAMPLE)))
        for k in totals:
            totals[k] += got[k]
    items = {"vehicles": [v.count for v in case.vehicle_types],
             "lane_units": [lane.units_per_departure for lane in case.lanes]}
    for k, v in totals.items():
        frac = np.array(items[k]) * share % 1.0  # each item is floor(x) + Bernoulli(frac)
        se = float(np.sqrt(np.sum(frac * (1 - frac)) / n))  # of the mean total
        assert abs(v / n - share * full[k]) <= 4 * se + 1e-9, k
        assert v / n / full[k] == pytest.approx(share, rel=0.06), k


def test_sampled_keeps_common_random_numbers() -> None:
    """Two scenarios whose fleets differ round with the same draws: more
    vehicles never sample to fewer."""
    from dataclasses import replace

    from planner.io import read_case
    from scenarios.daycase import sampled
    from scenarios.streams import Part, keyed_streams

    from .conftest import SHIPPED

    case = read_case(SHIPPED.parent / "data" / "luc-ngan")
    more = case.replace(vehicle_types=tuple(replace(v, count=v.count + 3) for v in case.vehicle_types))
    for r in range(50):
        a = sampled(case, 0.2, keyed_streams(3, r, 0, Part.SAMPLE))
        b = sampled(more, 0.2, keyed_streams(3, r, 0, Part.SAMPLE))
        assert all(y.count >= x.count for x, y in zip(a.vehicle_types, b.vehicle_types, strict=True))


def test_scaled_up_multiplies_extensive_figures_only() -> None:
    from scenarios.simulator import scaled_up

    row = {"kg_served": 10.0, "orders_total": 3, "cost_total": 5.0, "km": 2.0, "co2e_kg": 1.0,
           "downgrade_loss": 7.0, "service_level": 0.5, "cost_per_kg": 0.5, "shelf_life_left_days": 20.0,
           "day": 1, "market": "US"}
    up = scaled_up(row, 4.0)
    assert up == {**row, "kg_served": 40.0, "orders_total": 12, "cost_total": 20.0, "km": 8.0,
                  "co2e_kg": 4.0, "downgrade_loss": 28.0}


def test_keyed_streams_draw_per_name() -> None:
    """A departure's (or vehicle's) draws depend on its name, run and day only."""
    from scenarios.streams import Part, keyed_streams

    a = keyed_streams(7, 1, 2, Part.EXECUTION)
    first = a("departure chu-hanoi-reefer 36000").random(3)
    a("departure han-lax-air 171600").random(5)  # another departure in between changes nothing
    assert (keyed_streams(7, 1, 2, Part.EXECUTION)("departure chu-hanoi-reefer 36000").random(3) == first).all()
    assert (a("departure chu-hanoi-reefer 36001").random(3) != first).all()
    assert (keyed_streams(7, 2, 2, Part.EXECUTION)("departure chu-hanoi-reefer 36000").random(3) != first).all()
