"""VRPTW benchmark: the engine's search (hybrid), OR-Tools alone and PyVRP.

Solomon (56 instances, 100 customers): distance objective with the
instance's fleet, gaps to the distance-only best known values. Gehring &
Homberger (60 instances, 200 customers): the literature's hierarchical
objective (fewest vehicles, then distance), compared with BKS.json's values,
which are of that objective. Each task is one instance and one solver, run
single-threaded; ``--jobs 2`` runs two at a time on the two cores. Writes
benchmarks/results/routing_vrptw.json (every row, with the routes) and .md.
Usage:
    .venv/bin/python benchmarks/routing_vrptw.py [--time-limit 30] [--seed 0] [--jobs 2]
        [--set solomon --set homberger] [--solomon-solvers hybrid pyvrp ortools]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from planner.cli.bench_commands import Objective, Solver, find_bks, run_one
from planner.routing.params import RoutingParams

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "vrptw"
OUT = ROOT / "benchmarks" / "results" / "routing_vrptw"
OBJECTIVE = {"solomon": Objective.DISTANCE, "homberger_200": Objective.VEHICLES}


def task(path: str, solver: str, objective: str, time_limit_s: float, seed: int, cpu_time: bool
         ) -> dict[str, Any]:
    p = Path(path)
    cpu = time.process_time()
    row = run_one(p, solver=Solver(solver), time_limit_s=time_limit_s, seed=seed, params=RoutingParams(),
                  bks=find_bks([p]), objective=Objective(objective), cpu_time=cpu_time)
    return row | {"cpu_s": round(time.process_time() - cpu, 2)}


def markdown(rows: list[dict[str, Any]], solvers: list[str], time_limit_s: float) -> str:
    out = [f"# VRPTW benchmark, {time_limit_s:g} s per instance and solver, seed 0\n"]
    for group in ("solomon", "homberger_200"):
        sel = [r for r in rows if r["set"] == group]
        if not sel:
            continue
        names = sorted(dict.fromkeys(r["name"] for r in sel), key=_order)
        present = [s for s in solvers if any(r["solver"] == s for r in sel)]
        out.append(f"\n## {group} ({OBJECTIVE[group].value} objective)\n")
        out.append("| solver | instances | feasible | mean gap % | max gap % | at most BKS vehicles "
                   "| mean gap % there | more vehicles than BKS | vehicles | mean s | mean CPU s |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in present:
            rs = [r for r in sel if r["solver"] == s]
            gaps = [r["gap_pct"] for r in rs if r["gap_pct"] is not None]
            within = [r for r in rs if r["feasible"] and (r["vehicles_over_bks"] or 0) <= 0]
            there = [r["gap_pct"] for r in within if r["gap_pct"] is not None]
            out.append(f"| {s} | {len(rs)} | {sum(r['feasible'] for r in rs)} | "
                       f"{statistics.fmean(gaps):.2f} | {max(gaps):.2f} | {len(within)} | "
                       f"{statistics.fmean(there):.2f} | {len(rs) - len(within)} | "
                       f"{sum(r['vehicles'] for r in rs)} | {statistics.fmean(r['seconds'] for r in rs):.1f} | "
                       f"{_mean_cpu(rs)} |")
        out.append("\nBy class (mean gap %):\n")
        classes = sorted({_cls(n) for n in names})
        out.append("| solver | " + " | ".join(classes) + " |")
        out.append("|---|" + "---:|" * len(classes))
        for s in present:
            cells = []
            for c in classes:
                g = [r["gap_pct"] for r in sel if r["solver"] == s and _cls(r["name"]) == c
                     and r["gap_pct"] is not None]
                cells.append(f"{statistics.fmean(g):.2f}" if g else "")
            out.append(f"| {s} | " + " | ".join(cells) + " |")
        out.append("\n| instance | BKS veh | BKS | " + " | ".join(f"{s} veh / dist / gap %" for s in present) + " |")
        out.append("|---|---:|---:|" + "---|" * len(present))
        by = {(r["name"], r["solver"]): r for r in sel}
        for n in names:
            any_row = next(r for r in sel if r["name"] == n)
            cells = []
            for s in present:
                r = by.get((n, s))
                cells.append("" if r is None else
                             f"{r['vehicles']} / {r['distance']:.2f} / "
                             f"{'infeasible' if r['gap_pct'] is None else format(r['gap_pct'], '.2f')}")
            out.append(f"| {n} | {any_row['bks_vehicles']} | {any_row['bks']} | " + " | ".join(cells) + " |")
    out.append("\nSolomon gaps are to the distance-only best known values (`NAME_distance` in BKS.json). "
               "Gehring-Homberger runs minimise vehicles first (a fixed cost per vehicle above any "
               "total distance) and compare with the hierarchical best known values: the distance gap "
               "is meaningful where the vehicle count equals the best known one.\n")
    return "\n".join(out)


def _mean_cpu(rows: list[dict[str, Any]]) -> str:
    cpu = [r["cpu_s"] for r in rows if "cpu_s" in r]
    return f"{statistics.fmean(cpu):.1f}" if cpu else ""


def _cls(name: str) -> str:
    """Problem class: C1, C2, R1, R2, RC1 or RC2 (Solomon R101 and Homberger r1_2_1 are both R1)."""
    n = name.upper()
    letters = n.rstrip("0123456789_").split("_")[0].rstrip("0123456789")
    return letters + n[len(letters)]


def _order(name: str) -> tuple[str, int]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (name.rstrip("0123456789_"), int(digits or 0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--set", action="append", choices=["solomon", "homberger_200"])
    ap.add_argument("--solvers", nargs="+", default=["hybrid", "pyvrp"])
    ap.add_argument("--solomon-extra", nargs="*", default=["ortools"],
                    help="solvers run on Solomon only, after everything else")
    ap.add_argument("--only", nargs="*", help="instance names (default: all)")
    ap.add_argument("--cpu-time", action="store_true",
                    help="PyVRP budgets in CPU seconds (for a shared machine); OR-Tools stays wall-clock")
    ap.add_argument("--append", action="store_true", help="keep the rows already in the JSON (other tasks)")
    args = ap.parse_args()
    sets = args.set or ["solomon", "homberger_200"]
    tasks: list[tuple[str, str, str, str]] = []
    for extra in (False, True):
        for group in sets:
            if extra and group != "solomon":
                continue
            for path in sorted((DATA / group).glob("*.txt")):
                if args.only and path.stem not in args.only:
                    continue
                for s in (args.solomon_extra if extra else args.solvers):
                    tasks.append((group, str(path), s, OBJECTIVE[group].value))
    rows: list[dict[str, Any]] = []
    if args.append and OUT.with_suffix(".json").is_file():
        rows = json.loads(OUT.with_suffix(".json").read_text())["results"]
        done = {(r["name"], r["solver"]) for r in rows}
        tasks = [t for t in tasks if (Path(t[1]).stem, t[2]) not in done]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(task, p, s, o, args.time_limit, args.seed, args.cpu_time): g for g, p, s, o in tasks}
        for k, fut in enumerate(as_completed(futures), 1):
            row = fut.result() | {"set": futures[fut]}
            rows.append(row)
            print(f"[{k}/{len(tasks)} {time.perf_counter() - started:6.0f}s] {row['name']:8s} {row['solver']:7s} "
                  f"veh {row['vehicles']:3d}/{row['bks_vehicles']} dist {row['distance']:10.2f} "
                  f"gap {row['gap_pct']} feasible {row['feasible']}", flush=True)
            OUT.with_suffix(".json").write_text(json.dumps(
                {"time_limit_s": args.time_limit, "seed": args.seed, "jobs": args.jobs, "results": rows}, indent=1))
    solvers = list(dict.fromkeys([*args.solvers, *args.solomon_extra, *(r["solver"] for r in rows)]))
    OUT.with_suffix(".md").write_text(markdown(rows, solvers, args.time_limit))
    print(OUT.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
