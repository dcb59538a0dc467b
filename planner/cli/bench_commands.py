"""``planner bench vrptw``: the routing engine on Solomon-format VRPTW files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if TYPE_CHECKING:
    from ..routing.params import RoutingParams

console = Console()
bench_app = typer.Typer(help="Benchmarks of the engines on literature instances.", no_args_is_help=True)


class Solver(StrEnum):
    HYBRID = "hybrid"
    ORTOOLS = "ortools"
    PYVRP = "pyvrp"


class Objective(StrEnum):
    DISTANCE = "distance"
    VEHICLES = "vehicles"


# fixed cost per used vehicle under the hierarchical objective (distance units):
# more than any instance's total distance, so one vehicle less always wins
VEHICLE_COST = 100_000.0


def find_bks(files: list[Path]) -> dict[str, Any]:
    """BKS.json from the instances' folder or one of its parents, if any."""
    for folder in [files[0].resolve().parent, *files[0].resolve().parents][:3]:
        candidate = folder / "BKS.json"
        if candidate.is_file():
            return dict(json.loads(candidate.read_text()))
    return {}


def best_known(bks: dict[str, Any], name: str, objective: Objective = Objective.DISTANCE
               ) -> tuple[float | None, str, int | None]:
    """Best known distance, its objective and its vehicle count. Distance
    objective: the distance-only value (Solomon ``NAME_distance``), else the
    plain key (the literature's fewest-vehicles-then-distance objective, whose
    distance a distance-only run may beat: the gap can then be negative).
    Vehicles objective: the plain key."""
    if objective is Objective.DISTANCE and f"{name.upper()}_distance" in bks:
        entry = bks[f"{name.upper()}_distance"]
        return float(entry["best_known_cost"]), "distance", entry.get("solved_with_vehicles")
    for key in (name.upper(), name.lower(), name):
        if key in bks:
            entry = bks[key]
            return float(entry["best_known_cost"]), "vehicles_then_distance", entry.get("solved_with_vehicles")
    return None, "", None


def run_one(path: Path, *, solver: Solver, time_limit_s: float, seed: int,
            params: RoutingParams, bks: dict[str, Any], progress: Any = None,
            objective: Objective = Objective.DISTANCE, cpu_time: bool = False) -> dict[str, Any]:
    """One instance, one solver. Under the vehicles objective ``gap_pct`` is
    the distance gap and ``vehicles_over_bks`` says how many vehicles more
    than the best known solution were used (the hierarchical comparison).
    ``cpu_time`` makes PyVRP's budget CPU seconds (a busy machine then
    changes the wall time, not the result); OR-Tools' stays wall-clock."""
    from ..routing.solomon import read_solomon
    from ..routing.vrptw import evaluate, solve_vrptw_ortools

    inst = read_solomon(path)
    vehicle_cost = VEHICLE_COST if objective is Objective.VEHICLES else 0.0
    run_params = params.replace(time_limit_s=time_limit_s)
    if solver is Solver.PYVRP:
        from ..routing.pyvrp_backend import solve_vrptw_pyvrp

        sol = solve_vrptw_pyvrp(inst, time_limit_s=time_limit_s, seed=seed, vehicle_cost=vehicle_cost,
                                cpu_time=cpu_time)
    elif solver is Solver.HYBRID:
        from ..routing.vrptw_hybrid import solve_vrptw_hybrid

        sol = solve_vrptw_hybrid(inst, params=run_params, seed=seed, progress=progress, vehicle_cost=vehicle_cost,
                                 cpu_time=cpu_time)
    else:
        sol = solve_vrptw_ortools(inst, params=run_params, seed=seed, progress=progress, vehicle_cost=vehicle_cost)
    score = evaluate(inst, sol.routes)
    bk, bk_objective, bk_vehicles = best_known(bks, inst.name, objective)
    gap = None if bk is None or not score.feasible else round(100 * (score.distance / bk - 1), 3)
    return {
        "name": inst.name, "solver": solver.value, "objective": objective.value, "customers": inst.num_customers,
        "vehicles": score.vehicles, "distance": round(float(score.distance), 4), "bks": bk,
        "bks_objective": bk_objective, "bks_vehicles": bk_vehicles,
        "vehicles_over_bks": None if bk_vehicles is None else score.vehicles - int(bk_vehicles),
        "gap_pct": gap, "clock": "cpu" if cpu_time and solver is not Solver.ORTOOLS else "wall", "seconds": round(sol.seconds, 2), "time_to_first_s": sol.time_to_first_s,
        "feasible": score.feasible, "problems": list(score.problems), "routes": sol.routes,
    }


def results_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="VRPTW benchmark (distance, literature convention)")
    for col in ("instance", "solver", "vehicles", "BKS veh", "distance", "BKS", "gap %", "s", "feasible"):
        table.add_column(col, justify="left" if col in {"instance", "solver"} else "right")
    for r in rows:
        table.add_row(r["name"], r["solver"], str(r["vehicles"]), str(r.get("bks_vehicles") or ""),
                      f"{r['distance']:.2f}",
                      "" if r["bks"] is None else f"{r['bks']:.2f}",
                      "" if r["gap_pct"] is None else f"{r['gap_pct']:.2f}",
                      f"{r['seconds']:.1f}", "yes" if r["feasible"] else "NO")
    return table


@bench_app.command("vrptw")
def vrptw(
    files: Annotated[list[Path], typer.Argument(help="Solomon-format instance files.", exists=True, dir_okay=False)],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per instance and solver.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    solver: Annotated[list[Solver], typer.Option(
        help="hybrid (the engine's VRPTW search: PyVRP then OR-Tools), ortools or pyvrp; "
             "repeat for a side-by-side run.")] = [Solver.HYBRID],  # noqa: B006
    objective: Annotated[Objective, typer.Option(
        help="distance (minimise distance with the instance's fleet) or vehicles "
             "(fewest vehicles first, then distance: the literature's hierarchical objective).")
    ] = Objective.DISTANCE,
    params: Annotated[Path | None, typer.Option(help="RoutingParams TOML for OR-Tools.", exists=True)] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the results here.")] = None,
) -> None:
    """Solve each file with each solver; print distance, gap to BKS, time, feasibility."""
    from ..routing.params import RoutingParams

    routing_params = RoutingParams.from_file(params) if params else RoutingParams()
    bks = find_bks(files)
    rows: list[dict[str, Any]] = []
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("solving", total=len(files) * len(solver))
        for path in files:
            for s in solver:
                bar.update(task, description=f"{path.stem} ({s.value})")
                rows.append(run_one(path, solver=s, time_limit_s=time_limit, seed=seed,
                                    params=routing_params, bks=bks, objective=objective))
                bar.advance(task)
                if json_out is not None:
                    write_results(json_out, rows, time_limit_s=time_limit, seed=seed)
    console.print(results_table(rows))
    for s in solver:
        gaps = [r["gap_pct"] for r in rows if r["solver"] == s.value and r["gap_pct"] is not None]
        feasible = sum(r["feasible"] for r in rows if r["solver"] == s.value)
        mean = f"{sum(gaps) / len(gaps):.2f} %" if gaps else "n/a"
        over = [r["vehicles_over_bks"] for r in rows if r["solver"] == s.value and r["feasible"]
                and r["vehicles_over_bks"] is not None]
        fleet = f", {sum(v <= 0 for v in over)}/{len(over)} with at most the best known vehicles" \
            if objective is Objective.VEHICLES and over else ""
        console.print(f"{s.value}: {feasible}/{len(files)} feasible, mean gap {mean}{fleet}")


def write_results(path: Path, rows: list[dict[str, Any]], *, time_limit_s: float, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"time_limit_s": time_limit_s, "seed": seed, "results": rows}
    path.write_text(json.dumps(doc, indent=1))


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
