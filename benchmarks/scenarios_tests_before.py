"""Issue 17's behaviours probed on the code BEFORE the change, through its own API.

Issue 17's tests (tests/scenarios at HEAD) fail on the old code already at
import (the names they test did not exist). This script shows that the
behaviour each test asserts was absent, not just the name: it reproduces each
test's situation with the old API and prints what the old code did.

Run it against a worktree of the commit before the change, for example:

    git worktree add --detach /tmp/old 701e321
    cd /tmp/old && PYTHONPATH=/tmp/old /work/main/.venv/bin/python \\
        /work/main/benchmarks/scenarios_tests_before.py

(prints one markdown table row a probe; about 1-2 minutes, most of it
waiting for Dask to time out)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path.cwd()
TINY = ROOT / "tests" / "scenarios" / "data"
HOUR, DAY = 3600, 86400


class Scripted:
    """Every delay draw is ``delay`` minutes, deviations 0, random() ``u``."""

    def __init__(self, delay: float = 0.0, u: float = 0.99) -> None:
        self.delay, self.u = delay, u

    def lognormal(self, *_: Any) -> float:
        return self.delay

    def normal(self, *_: Any) -> float:
        return 0.0

    def random(self, *_: Any) -> float:
        return self.u


def row(test: str, asserted: str, observed: str, fails: bool) -> None:
    print(f"| {test} | {asserted} | {observed} | {'fails' if fails else 'passes'} |", flush=True)


def fleet_ratio() -> None:
    from planner.io import read_case
    from scenarios.daycase import sampled

    case = read_case(ROOT / "data" / "luc-ngan")
    full = sum(v.count for v in case.vehicle_types)
    got = {s: sum(v.count for v in sampled(case, s).vehicle_types) / full for s in (0.1, 0.2, 0.5)}
    bad = any(abs(r / s - 1) > 0.06 for s, r in got.items())
    row("test_sampled_fleet_and_lanes_hold_the_ratio", "sampled vehicles / real = share (within 6 %)",
        ", ".join(f"share {s}: {r:.3f} ({r / s:.2f}x)" for s, r in got.items()), bad)


def _world(case: Any) -> tuple[Any, Any]:
    from planner.consolidation import Supply
    from planner.consolidation.results import OrderItinerary
    from planner.domain import Departure

    truck = replace(case.lanes[0], id="truck", departures=(Departure(round(8.5 * HOUR), round(8.25 * HOUR)),
                                                           Departure(round(16.5 * HOUR), round(16.25 * HOUR))))
    flight = replace(case.lanes[0], id="flight", departures=tuple(
        Departure(round((13 + 24 * d) * HOUR), round((11 + 24 * d) * HOUR)) for d in range(2)))
    order = replace(case.orders[0], id="o1", market="domestic", deadline=30 * HOUR, min_shelf_life_s=0)
    world = case.replace(lanes=(truck, flight), orders=(order,))
    supply = Supply(id="a", site="ph-chu", product="lychee", grade="A", kg=10.0, available_at=8 * HOUR,
                    shelf_life_left_s=20 * DAY)

    def leg(sid: str, lane: str, dep: float, cut: float, arr: float, temp: float, dest: str) -> Any:
        return SimpleNamespace(id=sid, lane_id=lane, departure=round(dep * HOUR), cutoff=round(cut * HOUR),
                               arrival=round(arr * HOUR), temperature_c=temp, destination=dest, cost=0.0)

    legs = [leg("S1", "truck", 8.5, 8.25, 10.5, 4.0, "han"), leg("S2", "flight", 13, 11, 17, 18.0, "nrt")]
    it = OrderItinerary("o1", ("S1", "S2"), round(18 * HOUR), 19 * DAY, ("a",))
    plan = SimpleNamespace(supplies=(supply,), routing=SimpleNamespace(deliveries=()),
                           consolidation=SimpleNamespace(shipments=legs, itineraries={"o1": it}))
    return world, plan


def missed_flight() -> None:
    from planner.io import read_case
    from scenarios.distributions import parse_distribution
    from scenarios.execution import execute
    from scenarios.spec import ExecutionSpec

    case = read_case(TINY / "tiny-luc-ngan")
    world, plan = _world(case)
    lognormal = parse_distribution({"dist": "lognormal", "median": 10.0, "sigma": 1.0})
    spec = ExecutionSpec(route_delay_min=lognormal, leg_delay_min=lognormal,
                         temperature_deviation_c=parse_distribution({"dist": "normal", "mean": 0.0, "sd": 1.0}))
    [out] = execute(world, plan, spec, lambda key: Scripted(150.0 if "truck" in key else 0.0), lot_loss={})
    late_h = (out.delivered - 18 * HOUR) / HOUR
    row("test_a_late_truck_misses_the_flight_and_takes_the_next",
        "truck 2 h 30 min late (arrives 13:00, cut-off 11:00): next day's flight, 24 h late, not on time",
        f"delivered {late_h:.1f} h after plan (the flight waited), on time {out.on_time}, "
        f"no missed_departures attribute: {not hasattr(out, 'missed_departures')}",
        late_h < 24 or out.on_time)


def reefer_failure() -> None:
    from planner.consolidation import Supply
    from planner.consolidation.results import OrderItinerary
    from planner.io import read_case
    from scenarios.execution import execute
    from scenarios.spec import ExecutionSpec

    case = read_case(TINY / "tiny-luc-ngan")
    order = replace(case.orders[0], id="o1", market="domestic", deadline=3 * DAY, min_shelf_life_s=0)
    world = case.replace(orders=(order,))
    leg = SimpleNamespace(id="S1", lane_id="chu-hcmc-reefer", departure=9 * HOUR, cutoff=8 * HOUR,
                          arrival=45 * HOUR, temperature_c=4.0, destination="hub-hcmc", cost=0.0)
    supply = Supply(id="a", site="ph-chu", product="lychee", grade="A", kg=10.0, available_at=7 * HOUR,
                    shelf_life_left_s=20 * DAY)
    plan = SimpleNamespace(supplies=(supply,), routing=SimpleNamespace(deliveries=()), consolidation=SimpleNamespace(
        shipments=[leg], itineraries={"o1": OrderItinerary("o1", ("S1",), 46 * HOUR, 18 * DAY, ("a",))}))
    try:
        ExecutionSpec(reefer_failure_probability=0.5)  # type: ignore[call-arg]
        has_p = True
    except TypeError:
        has_p = False
    [out] = execute(world, plan, ExecutionSpec(), lambda key: Scripted(0.0, u=0.0), lot_loss={})
    row("test_a_reefer_failure_spoils_its_load",
        "a reefer that fails (p = 0.5, u = 0) warms its load to 35 C: spoiled, shelf life left 0",
        f"ExecutionSpec takes reefer_failure_probability: {has_p}; with u = 0 the load arrives with "
        f"{out.shelf_life_left_s / DAY:.1f} d left, spoiled {out.spoiled}", not out.spoiled)


def downgrade() -> None:
    from planner.domain import HarvestLot
    from planner.io import read_case
    from scenarios import execution
    from scenarios.distributions import parse_distribution
    from scenarios.spec import ExecutionSpec

    case = read_case(TINY / "tiny-luc-ngan")
    lots = tuple(HarvestLot(i, case.lots[0].farm, "lychee", 100.0, 6 * HOUR, 9 * HOUR) for i in ("late", "ok"))
    case = case.replace(lots=lots)
    moto = next(v for v in case.vehicle_types if v.temperature.value == "ambient")
    deliveries = [SimpleNamespace(lot_id=i, vehicle_id=f"{moto.id}#{k}", delivered=round(7.5 * HOUR),
                                  budget_left_s=600.0) for k, i in enumerate(("late", "ok"))]
    plan = SimpleNamespace(routing=SimpleNamespace(deliveries=deliveries))
    spec = ExecutionSpec(route_delay_min=parse_distribution({"dist": "lognormal", "median": 10.0, "sigma": 1.0}))
    loss = execution.lot_extra_loss(case, plan, spec, lambda key: Scripted(30.0 if key.endswith("#0") else 0.0))
    product = case.products[0]
    row("test_a_lot_past_its_budget_is_downgraded",
        "a lot whose 30 min pickup delay spends more than its 600 s of budget left is downgraded",
        f"old execution only charges the delay ({loss['late']:.0f} reference s, > 600 s) to shelf life; "
        f"no downgrade exists (execute_pickups: {hasattr(execution, 'execute_pickups')}); the budget is "
        f"{product.precool_budget_fraction:.0%} of shelf life = {product.precool_budget_s / HOUR:.0f} reference h",
        True)


def midday_replan() -> None:
    import inspect

    from scenarios import daycase, simulator

    has = "announced_by_h" in inspect.signature(daycase.day_case).parameters
    row("test_a_midday_cancellation_replans_the_legs_not_yet_departed",
        "a cancellation announced after the first departure re-plans only the legs not yet left",
        f"day_case takes announced_by_h: {has}; scenarios.replan exists: "
        f"{(ROOT / 'scenarios' / 'replan.py').exists()}; simulator plans once a day "
        f"(planner called once in simulate_run: {inspect.getsource(simulator.simulate_run).count('planner(') == 1})",
        not has)


def compare_horizons() -> None:
    from scenarios import compare, load_results, write_results
    from scenarios.runner import Replications
    from scenarios.simulator import RunResult
    from scenarios.spec import ScenarioSpec

    def rep(name: str, days: int) -> Any:
        spec = ScenarioSpec(name=name, source=Path(f"/nowhere/{name}.toml"), base_case=Path("/nowhere"),
                            days=days, seed=1)
        runs = [RunResult(run=i, kpis={"service_level": s, "cost_per_kg": c, "kg_spoiled": 10.0 * i},
                          days=[{"day": d, "kg_ordered_new": 100.0, "kg_delivered_sound": 90.0}
                                for d in range(days)],
                          markets=[{"market": "domestic", "service_level": s}], seconds=1.0)
                for i, (s, c) in enumerate(zip([0.9, 0.8, 1.0], [10.0, 12.0, 11.0], strict=True))]
        return Replications(spec, runs, 3.0, 2, "inproc://test")

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_results(rep("a", 2), Path(tmp) / "a")
        write_results(rep("b", 1), Path(tmp) / "b")
        try:
            result = compare(load_results(Path(tmp) / "a"), load_results(Path(tmp) / "b"))
            observed = f"compared without a word ({len(result.table)} KPI rows, method {result.method})"
            refused = False
        except Exception as exc:  # noqa: BLE001 - any refusal counts
            observed, refused = f"refused: {exc}", True
    row("test_compare_refuses_mismatched_horizons", "2 days against 1 is refused, naming the horizons",
        observed, not refused)


def bad_scheduler() -> None:
    from typer.testing import CliRunner

    from planner.cli.main import app

    started = time.monotonic()
    result = CliRunner().invoke(app, ["simulate", str(TINY / "tiny.toml"), "--out", "/tmp/before-o",
                                      "--runs", "1", "--scheduler", "tcp://127.0.0.1:9"])
    text = (result.stdout or "") + (getattr(result, "stderr", "") or "")
    lines = [x for x in text.splitlines() if x.strip()]
    exc = type(result.exception).__name__ if result.exception else "none"
    row("test_a_bad_scheduler_address_is_one_line_and_exit_2", "exit 2, one line, no traceback",
        f"exit {result.exit_code} after {time.monotonic() - started:.0f} s, exception {exc}, "
        f"{len(lines)} output line(s)", result.exit_code != 2)


def lose_every_worker(wait_s: float = 90.0) -> None:
    from distributed import Client, LocalCluster

    from scenarios import load_scenario, run_replications

    spec = load_scenario(TINY / "tiny.toml")
    outcome: dict[str, object] = {}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:

        def run() -> None:
            try:
                outcome["result"] = run_replications(spec, runs=2, client=client)
            except Exception as exc:  # noqa: BLE001
                outcome["error"] = exc

        runner = threading.Thread(target=run, daemon=True)
        runner.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(client.processing().values()):
            time.sleep(0.2)  # until a run is processing
        cluster.scale(0)
        killed = time.monotonic()
        runner.join(timeout=wait_s)
        hung = runner.is_alive()
        row("test_losing_every_worker_is_an_error_within_the_stated_time",
            "every worker gone: a ClusterError within the stated time (60 s)",
            f"after {time.monotonic() - killed:.0f} s: " + ("still waiting (hangs)" if hung else
                                                            f"ended with {outcome}"), hung or "error" not in outcome)


def main() -> None:
    print("| test | what it asserts | what the old code did | on the old code |")
    print("|---|---|---|---|")
    for probe in (fleet_ratio, downgrade, missed_flight, reefer_failure, midday_replan, compare_horizons,
                  bad_scheduler, lose_every_worker):
        try:
            probe()
        except Exception as exc:  # noqa: BLE001 - a probe that cannot even run is reported
            row(probe.__name__, "(probe)", f"could not run on the old code: {type(exc).__name__}: {exc}", True)


if __name__ == "__main__":
    main()
