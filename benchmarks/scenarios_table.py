"""Every shipped scenario against the base: run each with a few replications
(same seed, so runs are paired by their random draws) and tabulate the key
KPIs, with the paired 95 % interval of (scenario - base).

Writes the results folders benchmarks/results/scenarios_table/<name>/ (KPI
tables and report.html), benchmarks/results/scenarios_table.json and
benchmarks/results/scenarios_table.md.

Run: .venv/bin/python benchmarks/scenarios_table.py [--runs 4] [--workers 2]
[--skip main-crop-peak-14d]"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scenarios import (
    compare,
    load_results,
    load_scenario,
    run_replications,
    write_report,
    write_results,
)
from scenarios.results import DATA
from scenarios.runner import dask_client

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
KEY = ("service_level", "on_time_rate", "export_service_level", "orders_export_failed", "kg_ordered",
       "kg_delivered_sound", "kg_unserved", "kg_spoiled", "kg_spoiled_farm", "kg_spoiled_packing_house",
       "kg_spoiled_transit", "kg_downgraded", "kg_downgraded_sold", "precool_hours_mean", "precool_late_kg",
       "orders_missed_departure", "orders_stranded", "orders_reefer_failed", "kg_left_at_packing_houses",
       "shelf_life_left_days", "cost_per_kg", "vehicle_fill", "unit_fill", "km", "co2e_kg")
console = Console()


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", nargs="*", default=[])
    ap.add_argument("--reuse", action="store_true",
                    help="keep results folders that already hold at least --runs runs")
    ap.add_argument("--out", type=Path, default=RESULTS / "scenarios_table")
    args = ap.parse_args()
    files = sorted((ROOT / "scenarios").glob("*.toml"), key=lambda p: (p.stem != "base", p.stem))
    specs = [load_scenario(p) for p in files if p.stem not in args.skip]
    record: dict[str, dict] = {}  # type: ignore[type-arg]
    with dask_client(workers=args.workers) as client:
        for spec in specs:
            meta = args.out / spec.name / "meta.json"
            if args.reuse and meta.is_file() and json.loads(meta.read_text())["runs"] >= args.runs:
                continue
            started = time.perf_counter()
            rep = run_replications(spec, runs=args.runs, client=client)
            folder = args.out / spec.name
            write_results(rep, folder)
            write_report(load_results(folder), folder)
            console.print(f"{spec.name}: {args.runs} runs x {spec.days} days in "
                          f"{time.perf_counter() - started:.0f} s")
    base = load_results(args.out / "base")
    for spec in specs:
        res = load_results(args.out / spec.name)
        means = res.summary.set_index("kpi")
        row = {k: {"mean": float(means.loc[k, "mean"]), "ci_low": float(means.loc[k, "ci_low"]),
                   "ci_high": float(means.loc[k, "ci_high"])} for k in KEY if k in means.index}
        if spec.name != "base" and spec.days == base.meta["days"]:
            cmp = compare(base, res).table.set_index("kpi")
            for k in row:
                if k in cmp.index:
                    row[k].update(diff=float(cmp.loc[k, "diff"]), diff_low=float(cmp.loc[k, "ci_low"]),
                                  diff_high=float(cmp.loc[k, "ci_high"]), verdict=cmp.loc[k, "verdict"])
        plan_s = res.days["plan_seconds"]
        record[spec.name] = {"days": spec.days, "runs": res.meta["runs"], "sample": spec.sample,
                             "effective_sample": res.meta.get("effective_sample", {}),
                             "wall_s": res.meta["wall_s"], "plan_s_mean": float(plan_s.mean()),
                             "plan_s_max": float(plan_s.max()), "kpis": row}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scenarios_table.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    (RESULTS / "scenarios_table.md").write_text(markdown(record), encoding="utf-8")
    show(record)


def markdown(record: dict) -> str:  # type: ignore[type-arg]
    names = list(record)
    lines = ["| KPI | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines.append("| days x runs | " + " | ".join(f"{r['days']} x {r['runs']}" for r in record.values()) + " |")
    lines.append("| planning s a day, mean (max) | "
                 + " | ".join(f"{r['plan_s_mean']:.1f} ({r['plan_s_max']:.1f})" for r in record.values()) + " |")
    lines.append("| effective sample: vehicles, lane units, intake | " + " | ".join(
        ", ".join(f"{r.get('effective_sample', {}).get(k, math.nan):.3f}"
                  for k in ("vehicles", "lane_units", "intake_kg_h")) for r in record.values()) + " |")
    for k in KEY:
        cells = []
        for r in record.values():
            v = r["kpis"].get(k)
            if v is None:
                cells.append("")
                continue
            cell = f"{_fmt(v['mean'])} [{_fmt(v['ci_low'])}, {_fmt(v['ci_high'])}]"
            if "diff" in v:
                cell += f"; Δ {_fmt(v['diff'])} [{_fmt(v['diff_low'])}, {_fmt(v['diff_high'])}] {v['verdict']}"
            cells.append(cell)
        lines.append(f"| {DATA[k].titled if k in DATA else k} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def show(record: dict) -> None:  # type: ignore[type-arg]
    t = Table(title="shipped scenarios (mean; scenario - base with its paired 95 % CI)")
    t.add_column("KPI")
    for name in record:
        t.add_column(name, justify="right")
    for k in KEY:
        cells = []
        for r in record.values():
            v = r["kpis"].get(k)
            if v is None:
                cells.append("")
            elif "diff" in v:
                cells.append(f"{_fmt(v['mean'])}\nΔ {_fmt(v['diff'])} [{_fmt(v['diff_low'])}, {_fmt(v['diff_high'])}]")
            else:
                cells.append(_fmt(v["mean"]))
        t.add_row(k, *cells)
    console.print(t)


if __name__ == "__main__":
    main()
