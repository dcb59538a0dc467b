"""Every shipped scenario against the base: run each with a few replications
(same seed, so runs are paired by their random draws) and tabulate the key
KPIs, with the paired 95 % interval of (scenario - base).

Writes the results folders benchmarks/results/scenarios_table/<name>/ (KPI
tables and report.html), benchmarks/results/scenarios_table.json and
benchmarks/results/scenarios_table.md.

Run: .venv/bin/python benchmarks/scenarios_table.py [--runs 4] [--workers 2]
[--skip NAME ...] (default: the 14-day peak, which has its own benchmark)"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from scenarios_format import interval, shown  # benchmarks/ is the script's folder

from scenarios import (
    compare,
    load_results,
    load_scenario,
    run_replications,
    write_report,
    write_results,
)
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
    ap.add_argument("--skip", nargs="*", default=["main-crop-peak-14d"],
                    help="scenarios not run (default: the 14-day peak, benchmarks/scenarios_peak.py; --skip alone: none)")
    ap.add_argument("--only", nargs="*", default=[], help="run only these scenarios (the table takes every "
                    "results folder already in --out)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep results folders that already hold at least --runs runs")
    ap.add_argument("--assemble", action="store_true", help="run nothing: write the tables from --out")
    ap.add_argument("--out", type=Path, default=RESULTS / "scenarios_table")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where scenarios_table.json and .md go")
    ap.add_argument("--note", default="", help="how it was run (code snapshot, machine)")
    args = ap.parse_args()
    files = sorted((ROOT / "scenarios").glob("*.toml"), key=lambda p: (p.stem != "base", p.stem))
    specs = [load_scenario(p) for p in files if p.stem not in args.skip]
    todo = [s for s in specs if not args.only or s.name in args.only]
    if not args.assemble:
        with dask_client(workers=args.workers) as client:
            for spec in todo:
                meta = args.out / spec.name / "meta.json"
                if args.reuse and meta.is_file() and json.loads(meta.read_text())["runs"] >= args.runs:
                    continue
                load_before, started, clock = os.getloadavg(), time.perf_counter(), time.gmtime()
                rep = run_replications(spec, runs=args.runs, client=client)
                folder = args.out / spec.name
                write_results(rep, folder)
                write_report(load_results(folder), folder)
                (folder / "load.json").write_text(json.dumps(
                    {"before": [round(x, 2) for x in load_before],
                     "after": [round(x, 2) for x in os.getloadavg()],
                     "started_utc": time.strftime("%H:%M", clock),
                     "ended_utc": time.strftime("%H:%M", time.gmtime())}), encoding="utf-8")
                console.print(f"{spec.name}: {args.runs} runs x {spec.days} days in "
                              f"{time.perf_counter() - started:.0f} s")
    record = tabulate([s for s in specs if (args.out / s.name / "meta.json").is_file()], args.out)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "scenarios_table.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    (args.results / "scenarios_table.md").write_text(markdown(record, args.note), encoding="utf-8")
    show(record)


def tabulate(specs: list, out: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """Means, intervals and paired differences against the base of every
    results folder in ``out``."""
    base = load_results(out / "base")
    record: dict[str, dict] = {}  # type: ignore[type-arg]
    for spec in specs:
        res = load_results(out / spec.name)
        means = res.summary.set_index("kpi")
        row = {k: {"mean": float(means.loc[k, "mean"]), "ci_low": float(means.loc[k, "ci_low"]),
                   "ci_high": float(means.loc[k, "ci_high"])} for k in KEY if k in means.index}
        if spec.name != "base" and spec.days == base.meta["days"]:
            cmp = compare(base, res).table.set_index("kpi")
            for k in row:
                if k in cmp.index:
                    row[k].update(diff=float(cmp.loc[k, "diff"]), diff_low=float(cmp.loc[k, "ci_low"]),
                                  diff_high=float(cmp.loc[k, "ci_high"]), verdict=cmp.loc[k, "verdict"],
                                  p_fdr=float(cmp.loc[k, "p_fdr"]) if "p_fdr" in cmp.columns else math.nan)
        plan_s = res.days["plan_seconds"]
        load = out / spec.name / "load.json"
        record[spec.name] = {"days": spec.days, "runs": res.meta["runs"], "sample": spec.sample,
                             "planner": res.meta.get("planner", dict(spec.planner)),
                             "effective_sample": res.meta.get("effective_sample", {}),
                             "wall_s": res.meta["wall_s"], "workers": res.meta.get("workers_start"),
                             "plan_s_mean": float(plan_s.mean()), "plan_s_max": float(plan_s.max()),
                             "load": json.loads(load.read_text()) if load.is_file() else {}, "kpis": row}
    return record


def markdown(record: dict, note: str = "") -> str:  # type: ignore[type-arg]
    """The tables people read: the base with its interval and each scenario's
    paired difference; every scenario's means; how long it took at what load."""
    names = list(record)
    others = [n for n in names if n != "base"]
    base = record["base"]
    lines = ["# Shipped scenarios against the base", ""]
    if note:
        lines += [note, ""]
    same = all(r["planner"] == base["planner"] for r in record.values())
    lines += [f"Sample {base['sample']}, planner {base['planner']} "
              f"({'the same in every scenario' if same else 'NOT the same in every scenario: see the JSON'}). "
              "Cells: the base's mean "
              "with its 95 % interval; for each scenario, scenario minus base with the paired 95 % interval "
              "(run i of both saw the same draws), **bold** where it excludes 0, before any multiple-comparison "
              "adjustment (`planner compare` prints the Benjamini-Hochberg `p_fdr`; the JSON has it). kg, "
              "orders, cost, km and CO2e are for the whole district (the sample scaled up).", ""]
    lines.append("| KPI (unit) | base, mean [95 % CI] | " + " | ".join(f"{n} - base" for n in others) + " |")
    lines.append("|---" * (len(others) + 2) + "|")
    lines.append("| runs | " + " | ".join(str(record[n]["runs"]) for n in names) + " |")
    for k in KEY:
        b = base["kpis"].get(k)
        if b is None:
            continue
        cells = [interval(k, b["mean"], b["ci_low"], b["ci_high"])]
        for n in others:
            v = record[n]["kpis"].get(k, {})
            if "diff" not in v:
                cells.append("")
                continue
            text = interval(k, v["diff"], v["diff_low"], v["diff_high"], signed=True)
            clear = v["verdict"] != "no clear difference"
            cells.append(f"**{text} {v['verdict'].removeprefix('B ')}**" if clear else text)
        lines.append(f"| {shown(k).titled} | " + " | ".join(cells) + " |")
    lines += ["", "Every scenario's own means and 95 % intervals:", "",
              "| KPI (unit) | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for k in KEY:
        cells = []
        for n in names:
            v = record[n]["kpis"].get(k)
            cells.append("" if v is None else interval(k, v["mean"], v["ci_low"], v["ci_high"]))
        label = shown(k)
        lines.append(f"| {label.label} ({label.unit}) | " + " | ".join(cells) + " |")
    lines += ["", "Time and load:", "",
              "| scenario | days x runs | workers | wall (s) | planning a day, mean / max (s) | "
              "effective sample: vehicles, lane units, intake | started - ended (UTC) | "
              "load average before -> after (1, 5, 15 min) |", "|---|---|---|---|---|---|---|---|"]
    for n, r in record.items():
        eff = ", ".join(f"{r.get('effective_sample', {}).get(k, math.nan):.3f}"
                        for k in ("vehicles", "lane_units", "intake_kg_h"))
        load = r.get("load") or {}
        lines.append(f"| {n} | {r['days']} x {r['runs']} | {r.get('workers')} | {r['wall_s']:,.0f} | "
                     f"{r['plan_s_mean']:.1f} / {r['plan_s_max']:.1f} | {eff} | "
                     f"{load.get('started_utc', '?')} - {load.get('ended_utc', '?')} | "
                     f"{load.get('before', '?')} -> {load.get('after', '?')} |")
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
