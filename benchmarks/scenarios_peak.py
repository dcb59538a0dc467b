"""Benchmark: the 14-day main-crop peak, 20 replications, on a local Dask
cluster of 1 and then 2 worker processes.

Prints the wall times, the per-task (replication) times, whether the runs'
KPIs are identical whatever the worker count, and the wall time expected on
a larger cluster (longest-processing-time list scheduling of the measured
task times, plus the measured start-up overhead). Writes
benchmarks/results/scenarios_peak.json and .md (with the load average
before and after each worker count) and the results folders
benchmarks/results/scenarios_peak/w1, w2 (KPI tables and report.html).

Run: .venv/bin/python benchmarks/scenarios_peak.py [--runs 20] [--workers 1 2]
(about 20 minutes on this 2-core machine: run it with nohup, on a quiet
machine, from a snapshot of the code when others edit the work tree)."""

from __future__ import annotations

import argparse
import functools
import heapq
import json
import os
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from scenarios_format import interval, shown  # benchmarks/ is the script's folder

from scenarios import load_results, load_scenario, run_replications, write_report, write_results
from scenarios.results import tables
from scenarios.runner import Replications
from scenarios.simulator import RunResult

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
console = Console()


def lpt_makespan(tasks: list[float], workers: int) -> float:
    """Makespan of longest-processing-time-first list scheduling."""
    loads = [0.0] * workers
    for t in sorted(tasks, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + t)
    return max(loads)


def kpi_differences(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """Largest relative difference of each KPI between two runs tables."""
    out = {}
    for col in a.columns:
        if col in ("run", "seconds") or col not in b:
            continue
        x, y = a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float)
        scale = np.maximum(np.abs(x), 1e-9)
        rel = np.where(np.isnan(x) & np.isnan(y), 0.0, np.abs(x - y) / scale)
        out[col] = float(np.nanmax(rel))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "main-crop-peak-14d.toml")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=RESULTS / "scenarios_peak")
    ap.add_argument("--results", type=Path, default=RESULTS,
                    help="where scenarios_peak.json and .md go")
    ap.add_argument("--note", default="", help="how it was run (code snapshot, machine)")
    ap.add_argument("--assemble", action="store_true",
                    help="run nothing: write the results from the runs saved so far in <out>/w<N>/runs "
                         "(a run too long to wait for is left out and the table says how many finished)")
    args = ap.parse_args()
    spec = load_scenario(args.scenario)
    record: dict[str, object] = {"note": args.note, "scenario": spec.name, "days": spec.days,
                                 "runs": args.runs, "sample": spec.sample, "planner": dict(spec.planner),
                                 "by_workers": {}}
    runs_tables = {}
    for w in args.workers:
        console.print(f"[bold]{spec.name}[/bold]: {args.runs} runs x {spec.days} days on {w} worker(s)")
        folder = args.out / f"w{w}"
        saved = folder / "runs"
        if args.assemble:
            rep, wall, load_before, load_after = assembled(spec, saved, w)
        else:
            saved.mkdir(parents=True, exist_ok=True)
            load_before = os.getloadavg()
            (saved / "load_before.json").write_text(json.dumps(load_before), encoding="utf-8")
            started = time.perf_counter()
            rep = run_replications(spec, runs=args.runs, workers=w,
                                   progress=functools.partial(keep, saved=saved, started=started))
            wall = time.perf_counter() - started
            load_after = os.getloadavg()
        record["runs_finished"] = len(rep.runs)
        write_results(rep, folder)
        write_report(load_results(folder), folder)
        task = [r.seconds for r in rep.runs]
        plan_s = [d["plan_seconds"] for r in rep.runs for d in r.days]
        runs_tables[w] = tables(rep)["runs"]
        record["by_workers"][str(w)] = {  # type: ignore[index]
            "wall_s": wall, "task_s_mean": float(np.mean(task)), "task_s_max": float(np.max(task)),
            "task_s_sum": float(np.sum(task)), "plan_s_per_day_mean": float(np.mean(plan_s)),
            "plan_s_per_day_max": float(np.max(plan_s)),
            "overhead_s": wall - lpt_makespan(task, w),
            "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in load_after],
        }
    base_w = args.workers[0]
    task1 = [float(x) for x in runs_tables[base_w]["seconds"]]
    overhead = record["by_workers"][str(base_w)]["overhead_s"]  # type: ignore[index]
    record["expected_wall_s_on_cluster"] = {
        str(w): overhead + lpt_makespan(task1, w) for w in (1, 2, 4, 8, 10, 20)}
    if len(args.workers) > 1:
        diffs = kpi_differences(runs_tables[args.workers[0]], runs_tables[args.workers[1]])
        record["max_relative_kpi_difference_between_worker_counts"] = diffs
        record["identical"] = all(v == 0.0 for v in diffs.values())
    summary = load_results(args.out / f"w{base_w}").summary
    record["kpis"] = {r.kpi: {"mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high}
                      for r in summary.itertuples()}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "scenarios_peak.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    (args.results / "scenarios_peak.md").write_text(markdown(record), encoding="utf-8")
    show(record)


def keep(done: int, n: int, r: RunResult, *, saved: Path, started: float) -> None:
    """Save a finished run at once (a long benchmark keeps what it did)."""
    wall = time.perf_counter() - started
    (saved / f"run-{r.run:03d}.pkl").write_bytes(pickle.dumps((r, wall, os.getloadavg())))
    console.print(f"  run {r.run}: {r.seconds:.0f} s ({done}/{n}), {wall:.0f} s since the start")


def assembled(spec: object, saved: Path,
              workers: int) -> tuple[Replications, float, tuple[float, ...], tuple[float, ...]]:
    """The runs saved in ``saved`` as one set of replications; the wall time
    is that of the last saved run."""
    items = [pickle.loads(p.read_bytes()) for p in sorted(saved.glob("run-*.pkl"))]
    if not items:
        raise SystemExit(f"{saved}: no finished run saved")
    runs = sorted((r for r, _, _ in items), key=lambda r: r.run)
    wall, _, after = max(((w, r.run, load) for r, w, load in items), key=lambda x: x[0])
    before = tuple(json.loads((saved / "load_before.json").read_text(encoding="utf-8")))
    return Replications(spec, runs, wall, workers, "local", workers_end=workers), wall, before, after  # type: ignore[arg-type]


def markdown(record: dict) -> str:  # type: ignore[type-arg]
    lines = [f"{record['scenario']}: {record.get('runs_finished', record['runs'])} of {record['runs']} runs "
             f"finished x {record['days']} days, sample {record['sample']}, "
             f"planner {record['planner']}", ""]
    if record.get("note"):
        lines += [str(record["note"]), ""]
    lines += ["| workers | wall (s) | task mean (s) | task max (s) | planning per day mean / max (s) "
              "| overhead (s) | load average before -> after (1, 5, 15 min) |", "|---|---|---|---|---|---|---|"]
    for w, r in record["by_workers"].items():
        lines.append(f"| {w} | {r['wall_s']:.0f} | {r['task_s_mean']:.1f} | {r['task_s_max']:.1f} | "
                     f"{r['plan_s_per_day_mean']:.2f} / {r['plan_s_per_day_max']:.1f} | {r['overhead_s']:.0f} | "
                     f"{r['load_avg_before']} -> {r['load_avg_after']} |")
    lines += ["", "Expected wall time on a cluster (LPT schedule of the 1-worker task times + its overhead):", "",
              "| workers | " + " | ".join(record["expected_wall_s_on_cluster"]) + " |",
              "|---" * (len(record["expected_wall_s_on_cluster"]) + 1) + "|",
              "| wall (s) | " + " | ".join(f"{v:.0f}" for v in record["expected_wall_s_on_cluster"].values()) + " |"]
    if "identical" in record:
        differing = {k: v for k, v in record["max_relative_kpi_difference_between_worker_counts"].items() if v}
        lines += ["", f"KPIs of every run identical on 1 and 2 workers: {record['identical']}"
                  + (f" (differing: {differing})" if differing else "")]
    lines += ["", "kg, orders, cost, km and CO2e are for the whole district over the 14 days (the sample scaled up).",
              "", "| KPI (unit) | mean [95 % CI] | column |", "|---|---|---|"]
    for k, v in record["kpis"].items():
        if k in ("run", "seconds"):
            continue
        s = shown(k)
        lines.append(f"| {s.label} ({s.unit}) | {interval(k, v['mean'], v['ci_low'], v['ci_high'])} | `{k}` |")
    return "\n".join(lines) + "\n"


def show(record: dict) -> None:  # type: ignore[type-arg]
    t = Table(title=f"{record['scenario']}: {record['runs']} runs x {record['days']} days")
    for col in ("workers", "wall (s)", "task mean (s)", "task max (s)", "plan per day (s)", "overhead (s)"):
        t.add_column(col, justify="right")
    for w, r in record["by_workers"].items():
        t.add_row(w, f"{r['wall_s']:.0f}", f"{r['task_s_mean']:.1f}", f"{r['task_s_max']:.1f}",
                  f"{r['plan_s_per_day_mean']:.2f}", f"{r['overhead_s']:.0f}")
    console.print(t)
    e = Table(title="expected wall time on a cluster (from the 1-worker task times)")
    e.add_column("workers", justify="right")
    e.add_column("wall (s)", justify="right")
    for w, s in record["expected_wall_s_on_cluster"].items():
        e.add_row(w, f"{s:.0f}")
    console.print(e)
    if "identical" in record:
        console.print(f"KPIs identical across worker counts: {record['identical']}")


if __name__ == "__main__":
    main()
