from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain import SiteKind
from scenarios import ScenarioError, load_scenario
from scenarios.spec import DisruptionKind, ScenarioSpec

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped() -> dict[str, ScenarioSpec]:
    """Every shipped scenario file, read and cross-checked against data/luc-ngan."""
    specs = [load_scenario(p) for p in sorted(SHIPPED.glob("*.toml"))]
    return {s.name: s for s in specs}


def test_the_shipped_set_covers_the_issue(shipped: dict[str, ScenarioSpec]) -> None:
    assert set(shipped) >= {"base", "livestream-54t", "main-crop-peak-14d", "heat-wave",
                            "export-disruption", "more-reefers"}
    assert all(s.base_case.name == "luc-ngan" for s in shipped.values())
    assert shipped["main-crop-peak-14d"].days == 14


def test_export_disruption_hits_the_flight_and_the_irradiation_centre(
    shipped: dict[str, ScenarioSpec],
) -> None:
    spec = shipped["export-disruption"]
    kinds = {(d.kind, d.target, d.days, d.hours) for d in spec.disruptions}
    assert (DisruptionKind.FLIGHT_CANCELLATION, "han-nrt-air", (1,), 72.0) in kinds
    assert (DisruptionKind.TREATMENT_OUTAGE, "irr-hanoi", (1,), 48.0) in kinds


def test_shipped_files_are_work_bounded(shipped: dict[str, ScenarioSpec]) -> None:
    """Plans stop by work (solutions, nodes, gap), not by the clock: the same
    results on any machine and under any load."""
    for spec in shipped.values():
        assert dict(spec.planner["routing"])["solution_limit"] >= 1, spec.name
        # one OR-Tools first plan built at the whole model's cost, as the scenario results in scenarios/README.md
        # were measured (the insertion backend's start, priced since, was not measured there)
        assert dict(spec.planner["routing"])["backend"] == "ortools", spec.name
        assert dict(spec.planner["consolidation"])["node_limit"] >= 1, spec.name
        assert spec.planner["time_limit_s"] >= 120, spec.name  # a guard only


def test_shipped_files_plan_alike(shipped: dict[str, ScenarioSpec]) -> None:
    """One planner setting for every shipped file, so that `planner compare`
    pairs runs that differ only by the scenario's change; the first routing
    plan, built on the whole cost (the pre-cooling target's price included;
    on a sampled base day 17.2 t delivered sound against 2.3 t with the
    default parallel cheapest insertion), no repair re-solve (speed)."""
    base = dict(shipped["base"].planner)
    for spec in shipped.values():
        assert dict(spec.planner) == base, spec.name
    assert dict(base["routing"])["repair_rounds"] == 0
    assert dict(base["routing"])["first_solution"] == "local_cheapest_cost_insertion"


def test_second_packing_house_is_built_like_kim(shipped: dict[str, ScenarioSpec]) -> None:
    from scenarios.daycase import standing_case
    from scenarios.simulator import cached_case

    spec = shipped["second-packing-house"]
    base = cached_case(str(spec.base_case))
    case = standing_case(base, replace(spec, sample=1.0))
    house = case.site_by_id["ph-kien-lao"]
    assert house.kind is SiteKind.PACKING_HOUSE and house.cold_storage_kg == base.site_by_id["ph-kim"].cold_storage_kg
    assert {lane.destination for lane in case.lanes if lane.origin == "ph-kien-lao"} == {"hub-hanoi", "ph-chu"}
    counts = {v.id: v.count for v in case.vehicle_types}
    assert counts["moto-chu@ph-kien-lao"] == 5 and counts["moto-chu"] == 14 - 5
    assert sum(counts.values()) == sum(v.count for v in base.vehicle_types)  # riders moved, not added


def test_dates_become_day_numbers(write_scenario) -> None:  # type: ignore[no-untyped-def]
    path = write_scenario('days = 3\n[[disruption]]\nkind = "road_delay"\ndates = ["2025-06-14"]\n')
    spec = load_scenario(path)
    assert spec.disruptions[0].days == (2,)  # the tiny case starts on 2025-06-12


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert isinstance(info.value, ValueError)
    return info.value.problems


@pytest.mark.parametrize(("body", "expected"), [
    ("days = 0\n", "s.toml [scenario] days: must be >= 1, got 0"),
    ("dayz = 2\n", "s.toml [scenario] dayz: unknown key"),
    ("[demand]\nscale = { dist = \"normal\", mean = 1 }\n", "s.toml [demand] scale: must be a number or a distribution table (normal needs sd)"),
    ("sample = 0\n", "s.toml [scenario]: sample must be in (0, 1], got 0.0"),
    ("days = 2\n[harvest]\nby_day = [1.0]\n", "s.toml [harvest] by_day: has 1 values for 2 day(s)"),
    ("[harvest.communes]\nAtlantis = 2\n", "s.toml [harvest] communes.Atlantis: unknown commune"),
    ("[[fleet]]\nvehicle_type = \"hovercraft\"\nadd = 1\n", "s.toml [fleet] 1 vehicle_type: unknown vehicle type 'hovercraft'"),
    ("[[lane]]\nid = \"teleport\"\n", "s.toml [lane] 1 id: unknown lane 'teleport'"),
    ("[[disruption]]\nkind = \"meteor\"\ndays = [0]\n", "s.toml [[disruption] 1] kind: must be one of"),
    ("[[disruption]]\nkind = \"flight_cancellation\"\ndays = [0]\n", "s.toml [[disruption] 1] lane: is required"),
    ("[[disruption]]\nkind = \"flight_cancellation\"\nlane = \"chu-hanoi-reefer\"\ndays = [0]\n", "lane: 'chu-hanoi-reefer' has no scheduled departures to cancel"),
    ("[[disruption]]\nkind = \"treatment_outage\"\nsite = \"ph-chu\"\ndays = [0]\n", "site: 'ph-chu' is not a treatment_facility"),
    ("[[disruption]]\nkind = \"road_delay\"\n", "needs days (or dates) or a probability > 0"),
    ("[[disruption]]\nkind = \"road_delay\"\ndays = [5]\n", "days: day 5 is after the last simulated day"),
    ("[[disruption]]\nkind = \"road_delay\"\ndates = [\"2025-01-01\"]\n", "dates: 2025-01-01 is before the first simulated day"),
    ("[weather]\nhourly_sd_c = \"hot\"\n", "s.toml [weather] hourly_sd_c: must be a number"),
    ("[surprise]\nx = 1\n", "s.toml: unknown table or key 'surprise'"),
    ("[planner]\ntime_limit = 3\n", "s.toml [planner]: unknown plan parameter(s): time_limit"),
    ("[planner]\nrouting = { solution_limit = 0 }\n", "s.toml [planner]: routing params: solution_limit must be >= 1"),
    ("[planner]\nconsolidation = { solver = \"cplex\" }\n", "s.toml [planner]: "),
    ("[[packing_house]]\nid = \"ph-new\"\nlike = \"hub-hanoi\"\nlat = 21.4\nlon = 106.7\n",
     "s.toml [packing_house] 1 like: 'hub-hanoi' is not a packing house of the base case"),
    ("[[packing_house]]\nid = \"ph-kim\"\nlike = \"ph-chu\"\nlat = 21.4\nlon = 106.7\n",
     "s.toml [packing_house] 1 id: site 'ph-kim' already exists"),
    ("[[packing_house]]\nid = \"ph-new\"\nlike = \"ph-chu\"\nlon = 106.7\n",
     "s.toml [[packing_house] 1] lat: is required"),
    ("[[packing_house]]\nid = \"ph-new\"\nlike = \"ph-chu\"\nlat = 21.4\nlon = 106.7\nvehicles = { moto-chu = 99 }\n",
     "s.toml [packing_house] vehicles.moto-chu: moves 99 of"),
])
def test_bad_files_name_the_file_table_and_key(write_scenario, body: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(write_scenario(body))
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_at_once(write_scenario) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(write_scenario("days = 0\nseed = -1\n[weather]\nhourly_sd_c = -2\n"))
    assert len(problems) == 3


def test_missing_base_case_and_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nbase_case = "nowhere"\n', encoding="utf-8")
    assert any("base_case" in p and "not a valid case folder" in p for p in _problems(path))
    path.write_text("[scenario\n", encoding="utf-8")
    assert _problems(path)[0].startswith("s.toml: not valid TOML")
    assert "no such scenario file" in _problems(tmp_path / "absent.toml")[0]
    path.write_text('[scenario]\nname = "x"\n', encoding="utf-8")
    assert any("base_case: is required" in p for p in _problems(path))
