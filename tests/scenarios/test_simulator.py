"""The simulator and the Dask runner with the real daily planner
(``planner.plan_day``) on the tiny Luc Ngan case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner import Supply
from planner.cli.main import app
from planner.domain import SiteKind
from planner.domain.units import DAY
from planner.exceptions import SolverError
from planner.routing import Reason as LotReason
from planner.routing.result import UnassignedLot
from scenarios import Replications, load_results, load_scenario, run_replications, simulate_run
from scenarios.distributions import Distribution
from scenarios.results import tables
from scenarios.simulator import plan_or_make_room, sell_least_fresh
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
    cancelled for three days: on the same draws (common random numbers) no
    run fails fewer export orders or serves more kg, and the runs together
    fail more and leave more unserved (a run whose export orders need
    neither the centre nor those flights is not hit: with the default
    routing since 2026-12-06, run 1's one failed order fails either way)."""
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
        assert disrupted["orders_export_failed"] >= base["orders_export_failed"]
        assert disrupted["export_service_level"] <= base["export_service_level"]
        assert disrupted["kg_unserved"] >= base["kg_unserved"]
    assert sum(d["orders_export_failed"] for _, d in pairs) > sum(b["orders_export_failed"] for b, _ in pairs)
    assert sum(d["kg_unserved"] for _, d in pairs) > sum(b["kg_unserved"] for b, _ in pairs)
    assert sum(d["export_service_level"] for _, d in pairs) < sum(b["export_service_level"] for b, _ in pairs)


def _stock(sid: str, site: str, kg: float) -> Supply:
    return Supply(id=sid, site=site, product="lychee", grade="A", kg=kg, available_at=0,
                  shelf_life_left_s=20 * DAY)


class _Refusing:
    """A planner that refuses (SolverError naming ``names``) while any stock
    of ``sites`` is offered (always with ``sites`` None), and records the
    stock of every call."""

    def __init__(self, names: str, sites: set[str] | None, planner: object = None) -> None:
        self.names, self.sites, self.planner = names, sites, planner
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, case: object, seed: int, stock: tuple[Supply, ...] = ()) -> object:
        self.calls.append(tuple(s.id for s in stock))
        if self.sites is None or any(s.site in self.sites for s in stock):
            raise SolverError(f"the plan still breaks 1 rule(s) after 6 repair rounds, so it is not returned: "
                              f"{self.names}: 27,379.1 kg of pre-cooled fruit waiting in the cold store")
        return self.planner(case, seed, stock) if self.planner else "plan"


def test_a_refused_day_sells_the_named_houses_stock_and_plans_again() -> None:
    stock = (_stock("k1", "ph-kim", 600.0), _stock("k2", "ph-kim", 300.0), _stock("k3", "ph-kim-2", 50.0),
             _stock("c1", "ph-chu", 500.0))
    planner = _Refusing("ph-kim", {"ph-kim"})
    plan, kept, sold = plan_or_make_room(planner, None, 1, stock, where="run 0, day 3")  # type: ignore[arg-type]
    assert plan == "plan" and planner.calls == [("k1", "k2", "k3", "c1"), ("k3", "c1")]
    assert [s.id for s in kept] == ["k3", "c1"] and sold == pytest.approx(900.0)


def test_a_refusal_naming_no_house_sells_all_stock_and_a_second_one_names_the_day() -> None:
    stock = (_stock("k1", "ph-kim", 600.0), _stock("c1", "ph-chu", 500.0))
    plan, kept, sold = plan_or_make_room(_Refusing("the freight", {"ph-kim"}), None, 1, stock,  # type: ignore[arg-type]
                                         where="run 0, day 3")
    assert plan == "plan" and kept == () and sold == pytest.approx(1100.0)
    with pytest.raises(SolverError, match=r"^run 2, day 5: the plan still breaks"):
        plan_or_make_room(_Refusing("ph-kim", None), None, 1, (), where="run 2, day 5")  # type: ignore[arg-type]
    with pytest.raises(SolverError, match=r"^run 2, day 5: the planner refused the day even with the stock sold off"):
        plan_or_make_room(_Refusing("ph-kim", None), None, 1, stock, where="run 2, day 5")  # type: ignore[arg-type]


def test_a_run_with_a_refused_day_accounts_for_the_stock_sold_off(tiny: ScenarioSpec) -> None:
    """The real planner, refusing day 1 while the stock of its houses is offered:
    the day is planned without it, counted, and every kg is still accounted for."""
    from scenarios.simulator import DailyPlanner, cached_case

    houses = {s.id for s in cached_case(str(tiny.base_case)).sites_of(SiteKind.PACKING_HOUSE)}
    planner = _Refusing(", ".join(sorted(houses)), houses, DailyPlanner(tiny.planner))
    result = simulate_run(tiny, 0, planner=planner)
    d0, d1 = result.days
    assert d1["kg_stock_in"] > 0.0 and d1["plans_refused"] == 1 and d0["plans_refused"] == 0
    assert d1["kg_left_at_packing_houses"] >= d1["kg_stock_in"] - 1e-6
    k = result.kpis
    assert k["plans_refused"] == 1
    packed_out = (k["kg_served"] + k["kg_spoiled_packing_house"] + k["kg_left_at_packing_houses"]
                  + k["kg_downgraded_sold"])
    assert k["kg_collected"] == pytest.approx(packed_out + k["kg_in_store_at_end"], abs=1.0)


def _aged(sid: str, site: str, kg: float, days_left: float) -> Supply:
    return replace(_stock(sid, site, kg), shelf_life_left_s=int(days_left * DAY))


def test_a_house_sells_its_least_fresh_stock_first_and_splits_the_last_supply() -> None:
    stock = (_aged("k1", "ph-kim", 600.0, 9), _aged("k2", "ph-kim", 300.0, 3), _aged("k3", "ph-kim", 400.0, 5),
             _aged("c1", "ph-chu", 500.0, 1))
    kept = sell_least_fresh(stock, {"ph-kim": 500.0})
    assert [(s.id, s.kg) for s in kept] == [("k1", 600.0), ("k3", 200.0), ("c1", 500.0)]
    assert sell_least_fresh(stock, {"ph-kim": 5_000.0}) == (stock[3],)


class _FullStore:
    """A planner that keeps ``kg_out`` kg of lots out at ph-kim (its cold store
    full) while more than ``room`` kg of stock is offered there; records the
    stock kg of every call."""

    def __init__(self, kg_out: float, room: float, detail: str = "taken out of the plan by its check: ph-kim: "
                 "27,379.1 kg of pre-cooled fruit waiting in the cold store at 09:44 > cold_storage_kg 26,000") -> None:
        self.kg_out, self.room, self.detail = kg_out, room, detail
        self.calls: list[float] = []

    def __call__(self, case: object, seed: int, stock: tuple[Supply, ...] = ()) -> object:
        held = sum(s.kg for s in stock if s.site == "ph-kim")
        self.calls.append(held)
        out = [UnassignedLot("lot-9", LotReason.PACKING_HOUSE_CAPACITY, self.detail, self.kg_out)] \
            if held > self.room else []
        return type("Plan", (), {"routing": type("Routing", (), {"unassigned": out})()})()


def test_lots_kept_out_by_a_full_cold_store_make_its_house_sell_stock_and_plan_again() -> None:
    stock = (_aged("k1", "ph-kim", 600.0, 9), _aged("k2", "ph-kim", 300.0, 3), _aged("c1", "ph-chu", 500.0, 1))
    planner = _FullStore(kg_out=250.0, room=800.0)
    plan, kept, sold = plan_or_make_room(planner, None, 1, stock, where="run 0, day 2")  # type: ignore[arg-type]
    assert planner.calls == [900.0, 650.0] and sold == pytest.approx(250.0)
    assert [(s.id, s.kg) for s in kept] == [("k1", 600.0), ("k2", 50.0), ("c1", 500.0)]
    assert plan.routing.unassigned == []


def test_lots_kept_out_for_another_reason_or_at_a_house_without_stock_sell_nothing() -> None:
    stock = (_aged("c1", "ph-chu", 500.0, 1),)
    for planner in (_FullStore(250.0, -1.0, detail="ph-chu intake is full 09:00-09:15 with lots of higher value"),
                    _FullStore(250.0, -1.0)):  # the second names ph-kim's cold store: no stock there
        plan, kept, sold = plan_or_make_room(planner, None, 1, stock, where="run 0, day 2")  # type: ignore[arg-type]
        assert kept == stock and sold == 0.0 and len(planner.calls) == 1
