"""VRPTW benchmark subset: OR-Tools (our settings) and PyVRP side by side.

Runs one instance and solver at a time (the machine is shared) and writes
benchmarks/results/routing_vrptw.json and .md. Usage:
    .venv/bin/python benchmarks/routing_vrptw.py [--time-limit 30] [--seed 0] [--all]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.bench_commands import Solver, find_bks, run_one, write_results
from planner.routing.params import RoutingParams

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "vrptw"
OUT = ROOT / "benchmarks" / "results" / "routing_vrptw"
SOLOMON = ["C101", "C106", "C201", "C206", "R101", "R105", "R109", "R201", "R209",
           "RC101", "RC105", "RC202"]
HOMBERGER = ["c1_2_1", "c2_2_1", "r1_2_1", "r2_2_1", "rc1_2_1", "rc2_2_1"]


def files(all_instances: bool) -> list[Path]:
    if all_instances:
        return sorted((DATA / "solomon").glob("*.txt")) + sorted((DATA / "homberger_200").glob("*.txt"))
    return [DATA / "solomon" / f"{n}.txt" for n in SOLOMON] + [
        DATA / "homberger_200" / f"{n}.txt" for n in HOMBERGER]


def markdown(rows: list[dict]) -> str:
    by = {(r["name"], r["solver"]): r for r in rows}
    names = list(dict.fromkeys(r["name"] for r in rows))
    lines = ["| instance | BKS | ortools veh | ortools dist | ortools gap % | ortools s | ortools feasible "
             "| pyvrp veh | pyvrp dist | pyvrp gap % | pyvrp s | pyvrp feasible |",
             "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for n in names:
        cells = [n, f"{(by.get((n, 'ortools')) or by.get((n, 'pyvrp')))['bks']}"]
        for s in ("ortools", "pyvrp"):
            r = by.get((n, s))
            cells += ["", "", "", "", ""] if r is None else [
                str(r["vehicles"]), f"{r['distance']:.2f}",
                "" if r["gap_pct"] is None else f"{r['gap_pct']:.2f}", f"{r['seconds']:.1f}",
                "yes" if r["feasible"] else "NO"]
        lines.append("| " + " | ".join(cells) + " |")
    for group, pred in (("Solomon", lambda n: n[0].isupper()), ("Gehring-Homberger 200", lambda n: n[0].islower())):
        for s in ("ortools", "pyvrp"):
            gaps = [r["gap_pct"] for r in rows if r["solver"] == s and pred(r["name"]) and r["gap_pct"] is not None]
            feas = [r for r in rows if r["solver"] == s and pred(r["name"])]
            if feas:
                mean = sum(gaps) / len(gaps) if gaps else float("nan")
                lines.append(f"\n{group}, {s}: {sum(r['feasible'] for r in feas)}/{len(feas)} feasible, "
                             f"mean gap {mean:.2f} %")
    lines.append("\nGaps are to BKS.json: for Solomon the distance-only best known (`NAME_distance`); "
                 "for Gehring-Homberger only the fewest-vehicles-then-distance value is known, so a "
                 "distance-only run using more vehicles can go below it (negative gaps).")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args()
    paths = files(args.all)
    bks = find_bks(paths)
    rows: list[dict] = []
    for path in paths:
        for solver in (Solver.ORTOOLS, Solver.PYVRP):
            row = run_one(path, solver=solver, time_limit_s=args.time_limit, seed=args.seed,
                          params=RoutingParams(), bks=bks)
            rows.append(row)
            print(f"{row['name']:10s} {row['solver']:8s} veh {row['vehicles']:3d} dist {row['distance']:10.2f} "
                  f"gap {row['gap_pct']} s {row['seconds']:.1f} feasible {row['feasible']}", flush=True)
            write_results(OUT.with_suffix(".json"), rows, time_limit_s=args.time_limit, seed=args.seed)
    OUT.with_suffix(".md").write_text(markdown(rows))
    print(markdown(rows))


if __name__ == "__main__":
    main()
