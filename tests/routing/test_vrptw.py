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
