"""``planner plan``: the evening job. ``planner check``: evaluate an edited plan."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..exceptions import PlanCheckError, SolverError, TravelTimeError
from .case_commands import load_or_exit
from .render_commands import LangOption, PdfOption

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def plan(
    case: Annotated[Path, typer.Argument(help="Case folder (e.g. data/luc-ngan).")],
    out: Annotated[Path, typer.Option(help="Folder for plan.json, GeoJSON, manifests, report.")],
    time_limit: Annotated[float, typer.Option(help="Solver seconds in all.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed: same seed and limits, same plan.")] = 0,
    day: Annotated[str | None, typer.Option("--date", help="Plan the lots ready on this date (YYYY-MM-DD).")] = None,
    params_file: Annotated[Path | None, typer.Option("--params", help="TOML file with [plan] parameters.")] = None,
    solution_limit: Annotated[int | None, typer.Option(
        help="Stop each routing search after this many solutions and the freight MIP after "
             "10x as many nodes: the same plan on any machine (the time limit then only guards the routing; "
             "the freight's placing of left-over orders has none, so the run may last several times the limit).")] = None,
    lang: LangOption = None,
    pdf: PdfOption = True,
    scheduler: Annotated[str | None, typer.Option(
        help="Solve the routing's catchments in parallel on Dask: 'local' for a local cluster, or a "
             "scheduler address (tcp://host:8786).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Catchments planned at once when the day is planned by catchments (over 300 lots and a limit "
             "under 0.2 s a lot, or over 2,000 lots; decompose = true in the params file, or --scheduler): local processes, or "
             "the local Dask cluster's workers; a day planned whole runs that many walks of its search at "
             "once. Default: this machine's cores.",
        min=1)] = None,
) -> None:
    """Plan one day: pickup routes, freight, KPIs, and the files people read."""
    from ..assembly import PlanParams, plan_day
    from ..assembly.day import restrict_to_day
    from ..io.digest import case_digest
    from ..outputs import write_outputs
    from ..travel import provider_for

    loaded = load_or_exit(case)
    try:
        params = PlanParams.from_file(params_file) if params_file else PlanParams()
        values = {**params.as_dict(), "time_limit_s": time_limit}
        if scheduler is not None:
            values["routing"] = {**values["routing"], "decompose": True}
        if workers is not None:
            values["routing"] = {**values["routing"], "workers": workers}
        if solution_limit is not None:
            values["routing"] = {**values["routing"], "solution_limit": solution_limit}
            values["consolidation"] = {**values["consolidation"], "node_limit": 10 * solution_limit}
        params = PlanParams.from_dict(values)
        if day:
            loaded = restrict_to_day(loaded, date.fromisoformat(day))
        travel = provider_for(loaded.settings.travel, case)
    except (ValueError, OSError, TravelTimeError) as exc:
        raise _fail(str(exc)) from None
    started = time.perf_counter()
    with ExitStack() as stack, Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                        console=console, transient=True, auto_refresh=False) as bar:
        # (drawn at each report, twice a second while searching: no refresh thread, so the search may fork)
        mapper = None
        if scheduler is not None:
            from ..processes import usable_cores
            from ..routing.parallel import dask_mapper
            mapper = stack.enter_context(dask_mapper(None if scheduler == "local" else scheduler,
                                                     workers=workers or usable_cores()))
        task = bar.add_task("planning", total=1.0)
        try:
            result = plan_day(loaded, params, seed=seed, travel=travel, mapper=mapper,
                              progress=lambda f, m: bar.update(task, completed=f, description=m[:60], refresh=True))
        except SolverError as exc:  # the guarantee refused the plan: nothing is written
            raise _fail(f"no plan written: {exc}") from None
    solved = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    doc = result.to_json()
    doc["case"]["digest"] = case_digest(case)
    (out / "plan.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    notes: list[str] = []
    written = write_outputs(json.loads((out / "plan.json").read_text(encoding="utf-8")), loaded, out,
                            lang=lang.value if lang else None, pdf=pdf, notes=notes,
                            roads=travel if loaded.settings.travel.provider == "osm" else None)  # type: ignore[arg-type]
    console.print(result.summary(), highlight=False)
    console.print(f"planned in {solved:.1f} s; wrote {out / 'plan.json'}, "
                  + ", ".join(str(p.relative_to(out)) for p in written.values()), highlight=False)
    for note in notes:
        err.print(f"[yellow]warning:[/yellow] {note}", highlight=False)


def check(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN.json", help="A plan.json, perhaps edited.")],
    case: Annotated[Path, typer.Argument(help="The case folder it was planned from.")],
    all_notes: Annotated[bool, typer.Option("--all-notes", help="List every note, not one line per kind.")] = False,
) -> None:
    """Recompute an edited plan's times, loads, freshness and costs; list every violation.

    Violations come first, then the notes (what an edit made stale without
    breaking a rule) in one line per kind, then the recomputed totals.
    Exit 0 when the plan breaks no rule, 1 when it does, 2 when it cannot be read."""
    from ..assembly.check import check_plan_file
    from ..travel import provider_for

    loaded = load_or_exit(case)
    try:
        report = check_plan_file(plan_file, loaded, travel=provider_for(loaded.settings.travel, case))
    except (PlanCheckError, TravelTimeError) as exc:
        raise _fail(str(exc)) from None
    if report.ok:
        console.print("[green]no violations[/green]")
    else:
        console.print(f"[red]{len(report.violations)} violation(s)[/red]")
        for violation in report.violations:
            console.print(f"  {violation}", markup=False, highlight=False)
    for kind, notes in report.notes_by_kind().items():
        if all_notes:
            for note in notes:
                console.print(f"[yellow]note[/yellow] {kind}: {note}", highlight=False)
        else:
            more = f" (and {len(notes) - 1} more; --all-notes lists them)" if len(notes) > 1 else ""
            console.print(f"[yellow]{len(notes)} note(s)[/yellow] {kind}: {notes[0]}{more}", highlight=False)
    for key, value in report.totals.items():
        console.print(f"{key}: {value:,}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(plan)
    app.command()(check)
