"""Results, comparisons and the report, on hand-made run results (the
statistics are checked against hand-computed values; the simulator's own
tests run the real planner)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scenarios import ResultsError, compare, load_results, write_report, write_results
from scenarios.results import confidence_interval, summarize
from scenarios.runner import Replications
from scenarios.simulator import RunResult
from scenarios.spec import ScenarioSpec


def _rep(name: str, service: list[float], cost: list[float], seed: int = 1) -> Replications:
    spec = ScenarioSpec(name=name, source=Path(f"/nowhere/{name}.toml"), base_case=Path("/nowhere"),
                        days=2, seed=seed)
    runs = [
        RunResult(
            run=i, kpis={"service_level": s, "cost_per_kg": c, "kg_spoiled": 10.0 * i},
            days=[{"day": d, "kg_ordered_new": 100.0 + d, "kg_delivered_sound": 90.0,
                   "kg_spoiled_farm": 1.0, "kg_spoiled_transit": 0.0, "kg_lost": 0.0,
                   "disruptions": "road_delay" if d == 1 else ""} for d in range(2)],
            markets=[{"market": m, "service_level": s, "shelf_life_left_days": 20.0} for m in ("domestic", "US")],
            seconds=1.0,
        )
        for i, (s, c) in enumerate(zip(service, cost, strict=True))
    ]
    return Replications(spec, runs, wall_s=3.0, workers_start=2, scheduler="inproc://test", workers_end=2)


def test_t_interval_by_hand() -> None:
    # mean 2, sd 1, n 3: half-width t(0.975, 2) * 1 / sqrt(3) = 4.302653 / 1.732051 = 2.484138
    low, high = confidence_interval(np.array([1.0, 2.0, 3.0]))
    assert low == pytest.approx(2 - 2.484138, abs=1e-5)
    assert high == pytest.approx(2 + 2.484138, abs=1e-5)
    assert confidence_interval(np.array([5.0])) == (5.0, 5.0)
    assert confidence_interval(np.array([4.0, 4.0, math.nan])) == (4.0, 4.0)


def test_summary_has_every_kpi_with_its_interval() -> None:
    frame = pd.DataFrame({"run": [0, 1, 2], "service_level": [0.9, 0.8, 1.0], "seconds": [1, 1, 1]})
    s = summarize(frame).set_index("kpi")
    assert list(s.index) == ["service_level"]
    assert s.loc["service_level", "mean"] == pytest.approx(0.9)
    assert s.loc["service_level", "sd"] == pytest.approx(0.1)
    assert s.loc["service_level", "ci_low"] < 0.9 < s.loc["service_level", "ci_high"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_and_load_back(tmp_path: Path, fmt: str) -> None:
    rep = _rep("a", [0.9, 0.8, 1.0], [10.0, 12.0, 11.0])
    write_results(rep, tmp_path / "a", fmt=fmt)
    back = load_results(tmp_path / "a")
    assert list(back.runs["service_level"]) == [0.9, 0.8, 1.0]
    assert len(back.days) == 6 and len(back.markets) == 6
    assert back.meta["runs"] == 3 and back.meta["workers"] == 2 and back.meta["format"] == fmt


def test_missing_results_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no meta.json"):
        load_results(tmp_path)
    write_results(_rep("a", [0.9, 0.8], [1.0, 2.0]), tmp_path / "a")
    (tmp_path / "a" / "runs.csv").unlink()
    with pytest.raises(ResultsError, match="runs.csv is missing"):
        load_results(tmp_path / "a")


def _load(tmp_path: Path, rep: Replications) -> object:
    write_results(rep, tmp_path / rep.spec.name)
    return load_results(tmp_path / rep.spec.name)


def test_welch_by_hand_and_verdicts(tmp_path: Path) -> None:
    a = _load(tmp_path, _rep("a", [0.80, 0.82, 0.81, 0.79], [10.0, 11.0, 10.5, 10.2], seed=1))
    b = _load(tmp_path, _rep("b", [0.90, 0.92, 0.91, 0.93], [10.1, 10.9, 10.6, 10.3], seed=2))
    with pytest.raises(ResultsError, match="different seeds"):
        compare(a, b)  # different seeds: not paired, refused unless asked
    result = compare(a, b, allow_mismatch=True)  # then Welch, said loudly
    assert result.method == "welch"
    assert result.warnings == ("NOT COMPARABLE RUN FOR RUN: different seeds: A seed = 1, B seed = 2",)
    rows = result.table.set_index("kpi")
    assert rows.loc["service_level", "diff"] == pytest.approx(0.915 - 0.805)
    # both variances 5e-4 / 3, n = 4: se = sqrt(2 * 1.6667e-4 / 4) = 0.0091287, Welch df = 6,
    # t(0.975, 6) = 2.446912: half-width 0.022337
    assert rows.loc["service_level", "ci_low"] == pytest.approx(0.11 - 0.022337, abs=1e-5)
    assert rows.loc["service_level", "ci_high"] == pytest.approx(0.11 + 0.022337, abs=1e-5)
    assert rows.loc["service_level", "verdict"] == "B better"
    assert rows.loc["cost_per_kg", "verdict"] == "no clear difference"


def test_paired_when_seeds_match_and_bootstrap(tmp_path: Path) -> None:
    a = _load(tmp_path, _rep("a", [0.80, 0.90, 0.70], [10.0, 12.0, 14.0]))
    b = _load(tmp_path, _rep("b", [0.81, 0.91, 0.71], [10.0, 12.0, 14.0]))
    paired = compare(a, b).table.set_index("kpi")
    # every run gains exactly 0.01: the paired interval is the point 0.01, so B is better
    assert paired.loc["service_level", "ci_low"] == pytest.approx(0.01)
    assert paired.loc["service_level", "verdict"] == "B better"
    welch = compare(a, b, method="welch").table.set_index("kpi")
    assert welch.loc["service_level", "verdict"] == "no clear difference"  # the runs' spread hides it
    boot = compare(a, b, method="bootstrap").table.set_index("kpi")
    assert boot.loc["service_level", "ci_low"] <= 0.01 <= boot.loc["service_level", "ci_high"]
    with pytest.raises(ValueError, match="method must be one of"):
        compare(a, b, method="guess")


def test_report_is_self_contained(tmp_path: Path) -> None:
    rep = _rep("a", [0.9, 0.8, 1.0], [10.0, 12.0, 11.0])
    write_results(rep, tmp_path)
    page = write_report(load_results(tmp_path), tmp_path)
    text = page.read_text(encoding="utf-8")
    assert page.name == "report.html"
    assert text.count("data:image/png;base64,") == 3
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "service level" in text and "road_delay" in text


def test_compare_refuses_mismatched_horizons(tmp_path: Path) -> None:
    """Two days against one: refused (it used to say "B worse, -22.6 t"),
    naming the mismatch; the CLI says so in one problem and exits 2."""
    from dataclasses import replace

    from typer.testing import CliRunner

    from planner.cli.main import app

    a = _rep("a", [0.9, 0.8, 1.0], [10.0, 12.0, 11.0])
    one_day = _rep("b", [0.9, 0.8, 1.0], [10.0, 12.0, 11.0])
    one_day = replace(one_day, spec=replace(one_day.spec, days=1))
    ra, rb = _load(tmp_path, a), _load(tmp_path, one_day)
    with pytest.raises(ResultsError, match="different horizons: A days = 2, B days = 1"):
        compare(ra, rb)
    loud = compare(ra, rb, allow_mismatch=True)
    assert any("different horizons" in w for w in loud.warnings)
    result = CliRunner().invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 2 and "different horizons" in result.output


def test_compare_pairs_by_run_and_keeps_rates_in_range(tmp_path: Path) -> None:
    """B has runs 0-3, A runs 0-2: paired on the three common runs, said;
    a rate's interval never leaves [-1, 1] and the headline has units."""
    a = _load(tmp_path, _rep("a", [0.05, 0.95, 0.10], [10.0, 12.0, 11.0]))
    b = _load(tmp_path, _rep("b", [0.99, 0.02, 0.97, 0.5], [10.5, 12.5, 11.5, 9.0]))
    result = compare(a, b)
    assert result.method == "paired" and result.runs_paired == 3
    assert result.warnings == ("paired on the 3 runs both have (A has 3, B 4)",)
    rows = result.table.set_index("kpi")
    assert -1.0 <= rows.loc["service_level", "ci_low"] <= rows.loc["service_level", "ci_high"] <= 1.0
    assert rows.loc["service_level", "interval"] == "bootstrap"
    assert rows.loc["cost_per_kg", "diff"] == pytest.approx(0.5)
    assert "p_fdr" in rows.columns and "false discovery" in result.note
    from scenarios.compare import headline

    lines = headline(result)
    assert any(line.startswith("cost per kg delivered sound: +0 VND/kg") for line in lines)
    assert any("points" in line for line in lines)


def test_summary_intervals_stay_in_the_kpis_range() -> None:
    """service level 1.0, 1.0, 0.6: the t interval would reach above 1 (the
    issue's 0.885-1.046); the bootstrap is used and stays in [0, 1]; kg
    unserved 0, 0, 1000 stays >= 0."""
    frame = pd.DataFrame({"run": [0, 1, 2], "service_level": [1.0, 1.0, 0.6],
                          "kg_unserved": [0.0, 0.0, 1000.0], "seconds": [1, 1, 1]})
    low, high = confidence_interval(frame["service_level"].to_numpy())
    assert high > 1.0  # what Student-t alone gives
    s = summarize(frame).set_index("kpi")
    assert 0.0 <= s.loc["service_level", "ci_low"] <= s.loc["service_level", "ci_high"] <= 1.0
    assert s.loc["service_level", "interval"] == "bootstrap"
    assert s.loc["kg_unserved", "ci_low"] >= 0.0 and s.loc["kg_unserved", "unit"] == "kg"


def test_results_are_a_data_set(tmp_path: Path) -> None:
    """Counts are integers, values rounded to their dictionary's decimals,
    the dictionary travels with the results, and every market of the case
    is in every run (a market without orders: 0 kg, no service level)."""
    from scenarios.simulator import _Ledger

    rows, markets = _Ledger(markets=("AU", "JP", "US", "domestic")).summary()
    assert [m["market"] for m in markets] == ["AU", "JP", "US", "domestic"]
    assert markets[1]["orders"] == 0 and math.isnan(markets[1]["service_level"])
    rep = _rep("a", [0.912345678, 0.8, 1.0], [10.123456, 12.0, 11.0])
    for r in rep.runs:
        r.kpis.update(orders_total=330.0000001, kg_ordered=1234.56789)
    write_results(rep, tmp_path)
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert str(runs["orders_total"].dtype) == "int64" and list(runs["orders_total"]) == [330, 330, 330]
    assert list(runs["kg_ordered"]) == [1234.6] * 3 and runs["service_level"][0] == 0.9123
    text = (tmp_path / "runs.csv").read_text()
    assert "330.0" not in text and "e+" not in text
    dictionary = pd.read_csv(tmp_path / "kpis.csv")
    assert {"name", "label", "unit", "better", "definition"} <= set(dictionary.columns)
    assert set(runs.columns) <= set(dictionary["name"])
