"""The pre-cooling target on the embedded day (data/luc-ngan): lots and kg
unloaded after it, hours from harvest to unloading, km, vehicles and the
day's cost, before and after the routing priced the target.

``run`` solves the day (``route_pickups``, one time limit, one seed per
solve, each under ``--lock`` with the load average recorded before and after
it) and appends each plan's raw figures (per lot: kg, ready, unloading,
pre-cooling budget left; per plan: km, vehicles, vehicle and shelf-life
cost, unassigned, checker violations) to ``--out``. It imports only what
every code version has, so the code before the change runs it too
(``PYTHONPATH`` at an old tree). ``table`` computes the target's KPIs from
those raw figures with the current rule (:mod:`planner.routing.costs`) and
prints a Markdown table.

    nice -n 10 .venv/bin/python benchmarks/precool_target.py run --label after --seeds 1 2 3
    .venv/bin/python benchmarks/precool_target.py table
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from planner.io import read_case
from planner.routing import RoutingParams, check_result, route_pickups

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "precool_target.json"


def _load() -> float:
    return os.getloadavg()[0]


def run(label: str, seeds: list[int], limit: float, params: dict[str, Any], lock: str, out: Path,
        folder: Path) -> None:
    case = read_case(folder)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    import planner
    for seed in seeds:
        with open(lock, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            load_before = _load()
            wall, cpu = time.perf_counter(), time.process_time()
            result = route_pickups(case, params=RoutingParams(time_limit_s=limit, **params), seed=seed)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            load_after = _load()
        ready = {lot.id: lot.ready for lot in case.lots}
        row = {
            "label": label, "seed": seed, "limit_s": limit, "params": params, "planner": str(planner.__file__),
            "head": commit, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "load_before": round(load_before, 2), "load_after": round(load_after, 2),
            "km": round(result.total_km, 3), "vehicles": len(result.routes),
            "vehicle_cost": round(result.total_cost, 0), "shelf_life_cost": round(result.shelf_life_cost, 0),
            "unassigned": len(result.unassigned), "unassigned_kg": round(result.kg_unassigned, 1),
            "violations": len(check_result(case, result)),
            "lots": [[d.lot_id, d.kg, ready[d.lot_id], d.delivered, round(d.budget_left_s, 3)]
                     for d in result.deliveries],
        }
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        print(label, seed, f"{wall:.1f} s", f"load {load_before:.1f}-{load_after:.1f}", f"{row['km']:.0f} km",
              f"{row['unassigned']} out", f"{row['violations']} violations", flush=True)


def figures(case: Any, row: dict[str, Any]) -> dict[str, float]:
    """The target's KPIs of one stored plan, by the current rule."""
    from planner.routing.costs import precool_kpis
    from planner.routing.result import LotDelivery

    lots = {lot.id: lot for lot in case.lots}
    deliveries = [LotDelivery(lid, "", "", 0, delivered, 0.0, left, kg) for lid, kg, _, delivered, left in row["lots"]]
    k = precool_kpis(case, lots, deliveries)
    k["day_cost"] = row["vehicle_cost"] + row["shelf_life_cost"] + k["precool_late_cost"]
    return k


def table(out: Path) -> str:
    case = read_case(ROOT / "data" / "luc-ngan")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = ["| plan | seed | lots late | kg late | late loss (M VND) | harvest to unloading h mean (by kg) / median / max "
             "| km | vehicles | lots out (kg) | vehicles' cost (M VND) | shelf life (M VND) | day cost (M VND) "
             "| violations | wall s | load |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    by_label: dict[str, list[dict[str, float]]] = {}
    for row in rows:
        k = figures(case, row)
        by_label.setdefault(row["label"], []).append(k | row)
        lines.append(
            f"| {row['label']} | {row['seed']} | {k['precool_late_lots']:.0f} | {k['precool_late_kg']:,.0f} "
            f"| {k['precool_late_cost'] / 1e6:,.1f} | {k['precool_hours_mean']:.2f} / {k['precool_hours_median']:.2f}"
            f" / {k['precool_hours_max']:.2f} | {row['km']:,.0f} | {row['vehicles']} "
            f"| {row['unassigned']} ({row['unassigned_kg']:,.0f}) "
            f"| {row['vehicle_cost'] / 1e6:,.2f} | {row['shelf_life_cost'] / 1e6:,.2f} | {k['day_cost'] / 1e6:,.1f} "
            f"| {row['violations']} | {row['wall_s']:.1f} | {row['load_before']:.1f}-{row['load_after']:.1f} |")
    lines += ["", "| plan | runs | lots late (mean) | kg late (mean) | median h (mean) | km (mean) | vehicles (mean) "
                  "| lots out (mean) | day cost M VND (mean) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, ks in by_label.items():
        def m(key: str, ks: list[dict[str, float]] = ks) -> float:
            return statistics.fmean(float(k[key]) for k in ks)
        lines.append(f"| {label} | {len(ks)} | {m('precool_late_lots'):.1f} | {m('precool_late_kg'):,.0f} "
                     f"| {m('precool_hours_median'):.2f} | {m('km'):,.0f} | {m('vehicles'):.1f} "
                     f"| {m('unassigned'):.1f} | {m('day_cost') / 1e6:,.1f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--label", required=True)
    r.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    r.add_argument("--limit", type=float, default=30.0)
    r.add_argument("--param", action="append", default=[], help="RoutingParams field=value (JSON value)")
    r.add_argument("--lock", default="/work/bench.lock")
    r.add_argument("--out", type=Path, default=OUT)
    r.add_argument("--case", type=Path, default=ROOT / "data" / "luc-ngan",
                   help="the day's folder (an old code version reads the folder of its own commit)")
    t = sub.add_parser("table")
    t.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.cmd == "run":
        params = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
        run(args.label, args.seeds, args.limit, params, args.lock, args.out, args.case)
    else:
        print(table(args.out))


if __name__ == "__main__":
    main()
