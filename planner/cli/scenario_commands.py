"""``planner simulate`` and ``planner compare``: harvest-peak scenarios.

The scenario machinery lives in the top-level ``scenarios`` package, which
depends on the planner; it is imported inside the commands so that the
engine never imports it at load time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
err = Console(stderr=True)


def _fail(problems: list[str], head: str) -> typer.Exit:
    err.print(f"[red]{head}[/red]")
    for p in problems:
        err.print(f"  {p}", markup=False, highlight=False)
    return typer.Exit(2)


def simulate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML), e.g. scenarios/heat-wave.toml.")],
    out: Annotated[Path, typer.Option("--out", help="Results folder.")],
    runs: Annotated[int | None, typer.Option("--runs", min=1, help="Replications (default: the file's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local Dask worker processes (default: cores, at most runs).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Override the scenario's seed.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    no_worker_timeout: Annotated[float, typer.Option(
        "--no-worker-timeout", min=1.0,
        help="Seconds the cluster may have no worker (at the start or after losing them all) before "
             "the run fails.")] = 60.0,
) -> None:
    """Run N seeded replications of a scenario on Dask; write KPIs and report.html to OUT."""
    from scenarios import load_scenario, run_replications, write_report, write_results
    from scenarios.errors import ClusterError, ScenarioError
    from scenarios.results import FORMATS, load_results

    if fmt not in FORMATS:
        raise _fail([f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}"], "bad option")
    try:
        spec = load_scenario(scenario)
    except ScenarioError as exc:
        raise _fail(exc.problems, f"{scenario}: {len(exc.problems)} problem(s)") from None
    n = runs or spec.runs
    n_workers = workers or max(1, min(os.cpu_count() or 1, n))
    where = scheduler or f"a local cluster of {n_workers} worker process(es)"
    console.print(f"[bold]{spec.name}[/bold]: {n} run(s) of {spec.days} day(s) on {where}")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("replications", total=n)
        try:
            rep = run_replications(spec, runs=n, seed=seed, workers=n_workers, scheduler=scheduler,
                                   no_worker_s=no_worker_timeout,
                                   progress=lambda done, total, r: bar.update(task, completed=done))
        except ClusterError as exc:
            bar.stop()
            err.print(f"cluster: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    write_results(rep, out, fmt=fmt)
    report = write_report(load_results(out), out)
    results = load_results(out)
    console.print(_summary_table(results.summary, f"{spec.name}: {n} runs, {rep.wall_s:.0f} s"))
    console.print(f"results in {out} (report: {report})")


def _summary_table(summary, title: str) -> Table:  # type: ignore[no-untyped-def]
    from scenarios.results import DATA, KPIS

    table = Table(title=title)
    for col in ("KPI", "unit", "mean", "95% interval"):
        table.add_column(col, justify="left" if col in ("KPI", "unit") else "right")
    rows = summary.set_index("kpi")
    for kpi in KPIS:
        if kpi in rows.index:
            r = rows.loc[kpi]
            d = DATA[kpi].decimals or 0
            table.add_row(DATA[kpi].label, DATA[kpi].unit, f"{r['mean']:,.{d}f}",
                          f"{r['ci_low']:,.{d}f} – {r['ci_high']:,.{d}f}")
    return table


def compare(
    dir_a: Annotated[Path, typer.Argument(help="Results folder A (e.g. the base).")],
    dir_b: Annotated[Path, typer.Argument(help="Results folder B (e.g. the policy).")],
    method: Annotated[str, typer.Option("--method", help="auto, welch, paired or bootstrap.")] = "auto",
    level: Annotated[float, typer.Option("--level", min=0.5, max=0.999, help="Confidence level.")] = 0.95,
    out: Annotated[Path | None, typer.Option("--out", help="Write the comparison as CSV.")] = None,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Chart of B - A: writes CHART.html and CHART.png (default: "
                        "DIR_B/compare-<A's scenario>).")] = None,
    allow_mismatch: Annotated[bool, typer.Option(
        "--allow-mismatch", help="Compare results of different horizons, samples, base cases or seeds "
                                 "anyway (said loudly in the output).")] = False,
) -> None:
    """Tell, KPI by KPI, whether B is better than A, with the interval of B - A."""
    from scenarios import load_results
    from scenarios.compare import compare as compare_results
    from scenarios.compare import headline, suggested_runs
    from scenarios.errors import ResultsError
    from scenarios.report import write_comparison
    from scenarios.results import DATA

    try:
        a, b = load_results(dir_a), load_results(dir_b)
        result = compare_results(a, b, method=method, level=level, allow_mismatch=allow_mismatch)
    except (ResultsError, ValueError) as exc:
        raise _fail([str(exc)], "cannot compare") from None
    for w in result.warnings:
        err.print(f"[bold red]{w}[/bold red]", highlight=False)
    paired = f", {result.runs_paired} paired runs" if result.runs_paired else ""
    table = Table(title=f"B = {result.b_name} vs A = {result.a_name} "
                        f"({result.method}{paired}, {level:.0%} interval of B - A)")
    for col in ("KPI", "unit", "A", "B", "B - A", "interval", "p", "p (FDR)", "verdict"):
        table.add_column(col, justify="left" if col in ("KPI", "unit", "verdict") else "right")
    for r in result.table.itertuples():
        style = {"B better": "green", "B worse": "red"}.get(r.verdict, "")
        d = DATA[r.kpi].decimals if r.kpi in DATA and DATA[r.kpi].decimals is not None else 2
        table.add_row(DATA[r.kpi].label if r.kpi in DATA else r.kpi, r.unit, f"{r.mean_a:,.{d}f}",
                      f"{r.mean_b:,.{d}f}", f"{r.diff:+,.{d}f}",
                      f"{r.ci_low:+,.{d}f} … {r.ci_high:+,.{d}f}", f"{r.p_value:.3f}", f"{r.p_fdr:.3f}",
                      f"[{style}]{r.verdict}[/{style}]" if style else r.verdict)
    console.print(table)
    for line in headline(result):
        console.print(f"  {line}", highlight=False)
    console.print(result.note, highlight=False)
    runs = suggested_runs(a, b, level=level)
    console.print("Runs per scenario for an interval of about +-1 point of service, +-1 t of spoilage, "
                  "+-100 VND/kg, +-1 t CO2e: " + ", ".join(f"{k} {v}" for k, v in runs.items()),
                  highlight=False)
    page, png = write_comparison(result, chart or Path(dir_b) / f"compare-{result.a_name}", runs=runs)
    console.print(f"chart: {page} ({png.name})")
    if out:
        result.table.to_csv(out, index=False)
        console.print(f"written {out}")


def register(app: typer.Typer) -> None:
    app.command()(simulate)
    app.command()(compare)
