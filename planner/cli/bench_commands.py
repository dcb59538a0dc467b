"""``planner bench vrptw``: the routing engine on Solomon-format VRPTW files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..routing.params import RoutingParams
from ..routing.solomon import read_solomon
from ..routing.vrptw import evaluate, solve_vrptw_ortools

console = Console()
bench_app = typer.Typer(help="Benchmarks of the engines on literature instances.", no_args_is_help=True)


class Solver(StrEnum):
    ORTOOLS = "ortools"
    PYVRP = "pyvrp"


def find_bks(files: list[Path]) -> dict[str, Any]:
    """BKS.json from the instances' folder or one of its parents, if any."""
    for folder in [files[0].resolve().parent, *files[0].resolve().parents][:3]:
        candidate = folder / "BKS.json"
        if candidate.is_file():
            return dict(json.loads(candidate.read_text()))
    return {}


def best_known(bks: dict[str, Any], name: str) -> tuple[float | None, str]:
    """Distance-only best known value (Solomon ``NAME_distance``), else the
    plain key (the literature's fewest-vehicles-then-distance objective, whose
    distance a distance-only run may beat: the gap can then be negative)."""
    if f"{name.upper()}_distance" in bks:
        return float(bks[f"{name.upper()}_distance"]["best_known_cost"]), "distance"
    for key in (name.upper(), name.lower(), name):
        if key in bks:
            return float(bks[key]["best_known_cost"]), "vehicles_then_distance"
    return None, ""


def run_one(path: Path, *, solver: Solver, time_limit_s: float, seed: int,
            params: RoutingParams, bks: dict[str, Any], progress: Any = None) -> dict[str, Any]:
    inst = read_solomon(path)
    if solver is Solver.PYVRP:
        from ..routing.pyvrp_backend import solve_vrptw_pyvrp

        sol = solve_vrptw_pyvrp(inst, time_limit_s=time_limit_s, seed=seed)
    else:
        sol = solve_vrptw_ortools(inst, params=params.replace(time_limit_s=time_limit_s), seed=seed,
                                  progress=progress)
    score = evaluate(inst, sol.routes)
    bk, bk_objective = best_known(bks, inst.name)
    gap = None if bk is None or not score.feasible else round(100 * (score.distance / bk - 1), 3)
    return {
        "name": inst.name, "solver": solver.value, "customers": inst.num_customers,
        "vehicles": score.vehicles, "distance": round(float(score.distance), 4), "bks": bk,
        "bks_objective": bk_objective,
        "gap_pct": gap, "seconds": round(sol.seconds, 2), "time_to_first_s": sol.time_to_first_s,
        "feasible": score.feasible, "problems": list(score.problems), "routes": sol.routes,
    }


def results_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="VRPTW benchmark (distance, literature convention)")
    for col in ("instance", "solver", "vehicles", "distance", "BKS", "gap %", "s", "feasible"):
        table.add_column(col, justify="left" if col in {"instance", "solver"} else "right")
    for r in rows:
        table.add_row(r["name"], r["solver"], str(r["vehicles"]), f"{r['distance']:.2f}",
                      "" if r["bks"] is None else f"{r['bks']:.2f}",
                      "" if r["gap_pct"] is None else f"{r['gap_pct']:.2f}",
                      f"{r['seconds']:.1f}", "yes" if r["feasible"] else "NO")
    return table


@bench_app.command("vrptw")
def vrptw(
    files: Annotated[list[Path], typer.Argument(help="Solomon-format instance files.", exists=True, dir_okay=False)],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per instance and solver.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    solver: Annotated[list[Solver], typer.Option(help="Backend; repeat for a side-by-side run.")] = [Solver.ORTOOLS],  # noqa: B006
    params: Annotated[Path | None, typer.Option(help="RoutingParams TOML for OR-Tools.", exists=True)] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the results here.")] = None,
) -> None:
    """Solve each file with each solver; print distance, gap to BKS, time, feasibility."""
    routing_params = RoutingParams.from_file(params) if params else RoutingParams()
    bks = find_bks(files)
    rows: list[dict[str, Any]] = []
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("solving", total=len(files) * len(solver))
        for path in files:
            for s in solver:
                bar.update(task, description=f"{path.stem} ({s.value})")
                rows.append(run_one(path, solver=s, time_limit_s=time_limit, seed=seed,
                                    params=routing_params, bks=bks))
                bar.advance(task)
                if json_out is not None:
                    write_results(json_out, rows, time_limit_s=time_limit, seed=seed)
    console.print(results_table(rows))
    for s in solver:
        gaps = [r["gap_pct"] for r in rows if r["solver"] == s.value and r["gap_pct"] is not None]
        feasible = sum(r["feasible"] for r in rows if r["solver"] == s.value)
        mean = f"{sum(gaps) / len(gaps):.2f} %" if gaps else "n/a"
        console.print(f"{s.value}: {feasible}/{len(files)} feasible, mean gap {mean}")


def write_results(path: Path, rows: list[dict[str, Any]], *, time_limit_s: float, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"time_limit_s": time_limit_s, "seed": seed, "results": rows}
    path.write_text(json.dumps(doc, indent=1))


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
