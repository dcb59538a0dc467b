"""Solomon reader, the VRPTW model and both backends on a 4-customer instance."""

from __future__ import annotations

import json

import pytest

from planner.routing import RoutingParams
from planner.routing.pyvrp_backend import solve_vrptw_pyvrp
from planner.routing.solomon import read_solomon
from planner.routing.vrptw import evaluate, solve_vrptw_ortools

TINY = """T4

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
    0      0          0          0          0       100          0
    1      3          4          5          0       100          1
    2      6          8          5          0       100          1
    3     -3         -4          5          0       100          1
    4     -6         -8          5          0       100          1
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "T4.txt"
    path.write_text(TINY)
    return read_solomon(path)


def test_reader(tiny):
    assert (tiny.name, tiny.num_vehicles, tiny.capacity, tiny.num_customers) == ("T4", 2, 10, 4)
    assert tiny.distances()[0, 2] == pytest.approx(10.0)


def test_reader_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(TINY.replace("    3     -3", "    3     x3"))
    with pytest.raises(ValueError, match=r"bad.txt, line \d+"):
        read_solomon(path)


@pytest.mark.parametrize("backend", ["ortools", "pyvrp"])
def test_both_backends_find_the_optimum(tiny, backend):
    # two out-and-back spokes of 20 each: distance 40
    if backend == "ortools":
        sol = solve_vrptw_ortools(tiny, params=RoutingParams(time_limit_s=1.0, solution_limit=50))
    else:
        sol = solve_vrptw_pyvrp(tiny, time_limit_s=0.5)
    score = evaluate(tiny, sol.routes)
    assert score.feasible and score.distance == pytest.approx(40.0)
    assert sorted(sorted(r) for r in sol.routes) == [[1, 2], [3, 4]]


def test_evaluate_flags_capacity_and_windows(tiny):
    score = evaluate(tiny, [[1, 2, 3, 4]])
    assert not score.feasible and any("capacity" in p for p in score.problems)


def test_shared_solomon_file(shared_dir):
    inst = read_solomon(shared_dir / "benchmarks" / "vrptw" / "solomon" / "C101.txt")
    bks = json.loads((shared_dir / "benchmarks" / "vrptw" / "BKS.json").read_text())
    assert inst.num_customers == 100 and inst.num_vehicles == bks["C101"]["vehicles"]


def test_bench_command(tmp_path):
    from typer.testing import CliRunner

    from planner.cli.main import app

    path = tmp_path / "T4.txt"
    path.write_text(TINY)
    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["bench", "vrptw", str(path), "--time-limit", "0.5",
                                   "--solver", "ortools", "--solver", "pyvrp", "--json", str(out)])
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text())["results"]
    assert [(r["solver"], r["feasible"], round(r["distance"], 6)) for r in rows] == [
        ("ortools", True, 40.0), ("pyvrp", True, 40.0)]


def test_hybrid_finds_the_optimum_and_rejects_a_bad_share(tiny):
    from planner.routing.vrptw_hybrid import solve_vrptw_hybrid

    sol = solve_vrptw_hybrid(tiny, params=RoutingParams(time_limit_s=1.0, solution_limit=50))
    assert sol.solver == "hybrid"
    score = evaluate(tiny, sol.routes)
    assert score.feasible and score.distance == pytest.approx(40.0)
    with pytest.raises(ValueError, match="pyvrp_share"):
        solve_vrptw_hybrid(tiny, params=RoutingParams(time_limit_s=1.0), pyvrp_share=1.0)


def test_ortools_starts_from_given_routes(tiny):
    # four vehicles, a poor start (one spoke per customer, distance 60): with a
    # solution limit of 1 the search returns the start itself, with more it
    # improves it to the optimum (without a start its first solution is already 40)
    four = read_solomon_text(TINY.replace("  2         10", "  4         10"), tiny)
    start = [[1], [2], [3], [4]]
    kept = solve_vrptw_ortools(four, params=RoutingParams(time_limit_s=1.0, solution_limit=1), initial=start)
    assert kept.routes == start and evaluate(four, kept.routes).distance == pytest.approx(60.0)
    better = solve_vrptw_ortools(four, params=RoutingParams(time_limit_s=1.0, solution_limit=50), initial=start)
    assert evaluate(four, better.routes).distance == pytest.approx(40.0)


def read_solomon_text(text, like):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{like.name}.txt"
        path.write_text(text)
        return read_solomon(path)


@pytest.mark.parametrize("solver", ["pyvrp", "hybrid"])
def test_vehicles_objective_uses_fewer_vehicles(shared_dir, solver):
    # R201: distance-only solutions use 8-9 vehicles, the best known hierarchical one 4
    from planner.cli.bench_commands import VEHICLE_COST
    from planner.routing.vrptw_hybrid import solve_vrptw_hybrid

    inst = read_solomon(shared_dir / "benchmarks" / "vrptw" / "solomon" / "R201.txt")
    runs = {}
    for cost in (0.0, VEHICLE_COST):
        if solver == "pyvrp":
            sol = solve_vrptw_pyvrp(inst, time_limit_s=2.0, vehicle_cost=cost)
        else:
            sol = solve_vrptw_hybrid(inst, params=RoutingParams(time_limit_s=2.5), vehicle_cost=cost)
        runs[cost] = evaluate(inst, sol.routes)
    assert runs[0.0].feasible and runs[VEHICLE_COST].feasible
    assert runs[VEHICLE_COST].vehicles < runs[0.0].vehicles
    assert runs[VEHICLE_COST].distance > runs[0.0].distance


def test_bench_command_hybrid_vehicles_objective(tmp_path):
    from typer.testing import CliRunner

    from planner.cli.main import app

    path = tmp_path / "T4.txt"
    path.write_text(TINY)
    (tmp_path / "BKS.json").write_text(json.dumps({"T4": {"best_known_cost": 40.0, "solved_with_vehicles": 2}}))
    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["bench", "vrptw", str(path), "--time-limit", "0.6",
                                   "--objective", "vehicles", "--json", str(out)])
    assert res.exit_code == 0, res.output
    (row,) = json.loads(out.read_text())["results"]
    assert (row["solver"], row["objective"], row["feasible"]) == ("hybrid", "vehicles", True)
    assert (row["vehicles"], row["bks_vehicles"], row["vehicles_over_bks"], row["gap_pct"]) == (2, 2, 0, 0.0)


def test_cpu_time_stop_counts_this_process_cpu():
    from planner.routing.pyvrp_backend import MaxCpuTime

    generous, spent = MaxCpuTime(1000.0), MaxCpuTime(0.0)
    assert not generous(0)  # the first call starts the clock
    spent(0)
    busy = 0
    while not spent(0):  # ends once this process has used any CPU since
        busy += 1
    assert not generous(0)


def test_pyvrp_on_cpu_time_finds_the_optimum(tiny):
    sol = solve_vrptw_pyvrp(tiny, time_limit_s=0.3, cpu_time=True)
    assert evaluate(tiny, sol.routes).distance == pytest.approx(40.0)


def test_large_instances_search_without_the_slow_insertion_operators():
    """Above LARGE customers the path LNS operators built on cheapest insertion are
    off (one move ran 30-50 s past a 60 s limit on 1,000 customers); smaller
    instances keep OR-Tools' default set, with which the Solomon figures were made."""
    from ortools.util.optional_boolean_pb2 import BOOL_FALSE, BOOL_TRUE

    from planner.routing.vrptw import LARGE, SLOW_OPERATORS, _parameters

    params = RoutingParams(time_limit_s=5)
    large = _parameters(params, time_limit_s=5, customers=LARGE + 1).local_search_operators
    small = _parameters(params, time_limit_s=5, customers=LARGE).local_search_operators
    assert [getattr(large, name) for name in SLOW_OPERATORS] == [BOOL_FALSE] * len(SLOW_OPERATORS)
    assert [getattr(small, name) for name in SLOW_OPERATORS] == [BOOL_TRUE] * len(SLOW_OPERATORS)
    assert large.use_relocate == small.use_relocate == BOOL_TRUE  # the rest untouched
