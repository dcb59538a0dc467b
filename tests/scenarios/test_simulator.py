"""The simulator and the Dask runner with the real daily planner
(``planner.plan_day``) on the tiny Luc Ngan case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli.main import app
from scenarios import Replications, load_results, load_scenario, run_replications, simulate_run
from scenarios.distributions import Distribution
from scenarios.results import tables
from scenarios.spec import Disruption, DisruptionKind, ScenarioSpec

from .conftest import DATA


@pytest.fixture(scope="module")
def tiny() -> ScenarioSpec:
    return load_scenario(DATA / "tiny.toml")


@pytest.fixture(scope="module")
def one_worker_rep(tiny: ScenarioSpec) -> Replications:
    """Two runs on a local cluster of one in-process worker."""
    rep = run_replications(tiny, runs=2, workers=1, processes=False)
    assert rep.workers == 1 and [r.run for r in rep.runs] == [0, 1]
    return rep


@pytest.fixture(scope="module")
def one_worker(one_worker_rep: Replications) -> pd.DataFrame:
    return tables(one_worker_rep)["runs"].drop(columns="seconds")


@pytest.fixture(scope="module")
def cli_two_workers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same two runs through ``planner simulate`` on two worker processes."""
    out = tmp_path_factory.mktemp("sim") / "tiny"
    result = CliRunner().invoke(app, ["simulate", str(DATA / "tiny.toml"), "--runs", "2",
                                      "--workers", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_two_workers_give_the_same_kpis_as_one(one_worker: pd.DataFrame, cli_two_workers: Path) -> None:
    two = load_results(cli_two_workers)
    assert two.meta["workers"] == 2
    pd.testing.assert_frame_equal(one_worker.reset_index(drop=True),
                                  two.runs.drop(columns="seconds"), check_dtype=False)


def test_results_folder_holds_tables_and_report(cli_two_workers: Path) -> None:
    names = {p.name for p in cli_two_workers.iterdir()}
    assert {"runs.csv", "days.csv", "markets.csv", "summary.csv", "meta.json", "scenario.toml",
            "report.html"} <= names
    summary = load_results(cli_two_workers).summary.set_index("kpi")
    assert summary.loc["service_level", "ci_low"] <= summary.loc["service_level", "mean"]


def test_runs_are_consistent_ledgers(one_worker: pd.DataFrame) -> None:
    for r in one_worker.itertuples():
        assert r.orders_total > 0 and r.orders_served <= r.orders_total
        assert r.kg_delivered_sound <= r.kg_served <= r.kg_ordered + 1e-6
        assert r.kg_collected <= r.kg_harvested + 1e-6
        assert 0.0 <= r.service_level <= 1.0 and 0.0 <= r.on_time_rate <= 1.0
        assert r.cost_total > 0 and r.km > 0


def test_a_packing_house_outage_moves_the_kpis_the_expected_way(one_worker_rep: Replications) -> None:
    hit = simulate_run(load_scenario(DATA / "tiny-packing-house-outage.toml"), 0)
    base = one_worker_rep.runs[0]
    assert [d["kg_harvested"] for d in hit.days] == [d["kg_harvested"] for d in base.days]  # same draws
    assert hit.days[0]["disruptions"] and not hit.days[1]["disruptions"]
    # nothing reaches pre-cooling on day 0: its lots spoil on the farms, its orders wait
    assert base.days[0]["kg_collected"] > 0 and hit.days[0]["kg_collected"] == 0
    assert hit.kpis["kg_spoiled_farm"] >= base.kpis["kg_spoiled_farm"] + hit.days[0]["kg_harvested"] - 1e-6
    assert hit.days[1]["orders_open"] > base.days[1]["orders_open"]
    assert hit.kpis["service_level"] < base.kpis["service_level"]


def test_compare_command(cli_two_workers: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp.csv"
    result = CliRunner().invoke(app, ["compare", str(cli_two_workers), str(cli_two_workers),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert set(table["verdict"]) == {"no clear difference"}
    bad = CliRunner().invoke(app, ["compare", str(tmp_path), str(cli_two_workers)])
    assert bad.exit_code == 2 and "no meta.json" in bad.output


def test_simulate_reports_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[scenario]\nbase_case = "nowhere"\ndays = 0\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["simulate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "bad.toml [scenario] days: must be >= 1, got 0" in result.output


def test_an_export_disruption_fails_export_orders() -> None:
    """The irradiation centre down for 48 hours and the Narita flights
    cancelled for three days: more export orders fail and more kg go unserved,
    run by run, on the same draws (common random numbers)."""
    spec = load_scenario(DATA / "tiny-export.toml")
    no_delay = Distribution.fixed(0.0)  # on time: only the disruption fails orders
    spec = replace(spec, execution=replace(spec.execution, leg_delay_min=no_delay, route_delay_min=no_delay))
    hit = replace(spec, disruptions=(
        Disruption(DisruptionKind.TREATMENT_OUTAGE, "irr-hanoi", days=(0,), hours=48.0),
        Disruption(DisruptionKind.FLIGHT_CANCELLATION, "han-nrt-air", days=(0,), hours=72.0),
    ))
    pairs = [(simulate_run(spec, run).kpis, simulate_run(hit, run).kpis) for run in range(3)]
    for base, disrupted in pairs:
        assert disrupted["kg_export_ordered"] == base["kg_export_ordered"] > 0  # the same orders
        assert disrupted["orders_export_failed"] > base["orders_export_failed"]
        assert disrupted["export_service_level"] < base["export_service_level"]
        assert disrupted["kg_unserved"] > base["kg_unserved"]
