"""A province-sized pickup day planned by catchments on a local Dask cluster.

Generates a Luc Ngan day of ``--lots`` lots (fleet, farms and packing-house
intake scaled like the lots, as benchmarks/pickup_set.py does), routes it by
catchments (``decompose``) under ``--solution-limit`` on 1, 2... local worker
processes, and records per worker count: wall seconds, the peak resident
memory of the main process and of the largest worker, whether the plan is the
same as with one worker, and each catchment's own solve seconds; from those,
the expected wall time on 8 and 32 workers (longest-first assignment of the
measured catchment times to that many workers, the makespan).

    nice -n 10 .venv/bin/python benchmarks/province_day.py --lots 15000 --workers 1 2
Results: appended to benchmarks/results/province_day.json; .md: every row,
then the findings (province_day.notes.md).
"""

from __future__ import annotations

import argparse
import heapq
import json
import resource
import time
from pathlib import Path
from typing import Any

from pickup_set import _load, _scaled_day, code_version  # type: ignore[import-not-found]

from planner.routing import RoutingParams, route_pickups
from planner.routing.engine import PartJob, solve_part
from planner.routing.result import RoutingResult

RESULTS = Path(__file__).resolve().parent / "results"


def _solve_measured(job: PartJob) -> tuple[RoutingResult, int]:
    """A worker's task: the catchment's plan and the worker's peak RSS (KiB)."""
    result = solve_part(job)
    return result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def makespan(seconds: list[float], workers: int) -> float:
    """Longest-processing-time-first schedule of ``seconds`` on ``workers``."""
    loads = [0.0] * workers
    heapq.heapify(loads)
    for s in sorted(seconds, reverse=True):
        heapq.heapreplace(loads, loads[0] + s)
    return max(loads)


def run(case: Any, params: RoutingParams, workers: int, seed: int) -> tuple[dict[str, Any], list[Any]]:
    from dask.distributed import Client, LocalCluster

    peaks: list[int] = []
    parts: list[float] = []
    costs: list[int] = []  # each catchment's day cost (which catchment differs, when a plan does)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        def mapper(fn: Any, jobs: list[PartJob]) -> list[RoutingResult]:
            out = client.gather(client.map(_solve_measured, jobs, pure=False))
            peaks.extend(kib for _, kib in out)
            parts.extend(r.seconds for r, _ in out)
            costs.extend(round(r.day_cost) for r, _ in out)
            return [r for r, _ in out]

        load_before, wall = _load(), time.perf_counter()
        result = route_pickups(case, params=params, seed=seed, mapper=mapper)
        wall, load_after = time.perf_counter() - wall, _load()
    plan = [(r.vehicle_id, [(s.site, s.kind, s.arrival, s.lot_ids) for s in r.stops]) for r in result.routes]
    row = {
        "workers": workers, "lots": len(case.lots), "catchments": int(result.stats.get("catchments", 0)),
        "wall_s": round(wall, 1), "main_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mib": round(max(peaks, default=0) / 1024), "routed": len(result.deliveries),
        "unassigned": len(result.unassigned), "day_cost": round(result.day_cost),
        "catchment_s": [round(s, 2) for s in parts], "catchment_cost": costs,
        "expected_8_workers_s": round(makespan(parts, 8), 1), "expected_32_workers_s": round(makespan(parts, 32), 1),
        "solution_limit": params.solution_limit, "version": code_version(), "load_before": load_before,
        "load_after": load_after,
    }
    return row, plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lots", type=int, default=15_000)
    ap.add_argument("--seed", type=int, default=15_000)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--solution-limit", type=int, default=200)
    ap.add_argument("--time-limit", type=float, default=3600.0, help="a guard; the solution limit decides")
    ap.add_argument("--max-lots-per-part", type=int, default=300)
    ap.add_argument("--note", default="", help="the conditions of the run (what else the machine was doing)")
    args = ap.parse_args()
    built = time.perf_counter()
    case = _scaled_day(args.lots, args.seed)
    print(f"generated {len(case.lots)} lots in {time.perf_counter() - built:.1f} s", flush=True)
    params = RoutingParams(time_limit_s=args.time_limit, solution_limit=args.solution_limit, decompose=True,
                           max_lots_per_part=args.max_lots_per_part, repair_rounds=1)
    rows, first = [], None
    for k in args.workers:
        row, plan = run(case, params, k, args.seed)
        first = plan if first is None else first
        row["same_plan_as_first"] = plan == first
        rows.append(row)
        print(json.dumps(row), flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "province_day.json"
    for row in rows:
        row["conditions"] = args.note
    runs = (json.loads(path.read_text()) if path.exists() else []) + rows
    path.write_text(json.dumps(runs, indent=1) + "\n")
    (RESULTS / "province_day.md").write_text(table(runs))
    print(table(runs))


def table(rows: list[dict[str, Any]]) -> str:
    """Every run's row (each batch's first row is the one the others are
    compared with), then the findings (province_day.notes.md)."""
    lines = ["| workers | lots | catchments | solution limit | wall s | main peak MiB | worker peak MiB | routed | "
             "unassigned | day cost VND | same plan as the batch's first | expected 8 workers s | "
             "expected 32 workers s | load (1 min) | version | conditions |", "|" + "---|" * 16]
    lines += [f"| {r['workers']} | {r['lots']:,} | {r['catchments']} | {r['solution_limit']} | {r['wall_s']} | "
              f"{r['main_peak_mib']} | {r['worker_peak_mib']} | {r['routed']:,} | {r['unassigned']:,} | "
              f"{r.get('day_cost', 0):,} | {r['same_plan_as_first']} | {r['expected_8_workers_s']} | "
              f"{r['expected_32_workers_s']} | {r['load_before'].split()[0]}-{r['load_after'].split()[0]} | "
              f"{r['version']} | {r.get('conditions', '')} |" for r in rows]
    notes = RESULTS / "province_day.notes.md"
    return "\n".join(lines) + "\n" + ("\n" + notes.read_text() if notes.exists() else "")


if __name__ == "__main__":
    main()
