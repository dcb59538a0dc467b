"""A progress callback that raises stops the routing search, and the
exception reaches the caller (OR-Tools would otherwise swallow it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planner.routing import RoutingParams, route_pickups

from .conftest import lot, make_case, packing_house, site, vehicle


class Cancelled(Exception):
    pass


def _case():  # type: ignore[no-untyped-def]
    farms = [site(f"f{k}", 1.0 + 0.7 * k) for k in range(12)]
    lots = [lot(f"l{k}", f"f{k}", 40, ready_h=4, latest_h=9) for k in range(12)]
    return make_case([packing_house(), *farms], [vehicle(kg=120, count=3)], lots)


@pytest.mark.parametrize("after", [1, 2, 3])
def test_an_exception_raised_by_progress_propagates_out_of_the_search(after: int) -> None:
    calls = []

    def progress(fraction: float, message: str) -> None:
        calls.append(message)
        if len(calls) > after:
            raise Cancelled(message)

    # without a work bound the search would run its whole time limit and return a plan
    with pytest.raises(Cancelled):
        route_pickups(_case(), params=RoutingParams(time_limit_s=30.0, repair_rounds=0), seed=1, progress=progress)
    assert len(calls) == after + 1  # nothing called it again once it raised


def test_the_search_is_cancelled_while_searching_not_after() -> None:
    """The exception is raised from inside the solve: the OR-Tools search
    reports the solutions it found before, none after."""
    seen = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if "solution cost" in message:
            raise Cancelled(message)

    with pytest.raises(Cancelled):
        route_pickups(_case(), params=RoutingParams(time_limit_s=30.0, repair_rounds=0, backend="ortools"), seed=1,
                      progress=progress)
    assert "solution cost" in seen[-1] and not any(m.endswith("done") for m in seen)


def test_the_exact_search_reports_progress_and_is_cancelled_while_it_runs() -> None:
    """The default backend spends the limit in the exact search, which
    reports every half second: a cancel raised there ends the routing
    before its end ("done")."""
    seen = []

    def progress(fraction: float, message: str) -> None:
        seen.append((fraction, message))
        if "exact search" in message:
            raise Cancelled(message)

    with pytest.raises(Cancelled):
        route_pickups(_case(), params=RoutingParams(time_limit_s=30.0), seed=1, progress=progress)
    assert "exact search" in seen[-1][1] and 0.0 < seen[-1][0] < 1.0
    assert not any(m.endswith("done") for _, m in seen)


def test_planner_imports_without_pyvrp() -> None:
    code = ("import sys; sys.modules['pyvrp'] = None\n"
            "import planner, planner.routing, planner.assembly, planner.routing.vrptw_hybrid\n"
            "from planner.routing.optional import pyvrp\n"
            "from planner.exceptions import SolverError\n"
            "try:\n    pyvrp()\nexcept SolverError as e:\n    print('needs', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "pip install 'coldchain-planner[bench]'" in out.stdout


def test_a_cancel_during_the_extra_trips_stops_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """No search solution (a starved search): the extra-trip construction
    polls progress too, so a cancel stops it."""
    from planner.routing import engine

    monkeypatch.setattr(engine.PickupModel, "solve", lambda self, **kw: None)
    monkeypatch.setattr(engine, "_poller", lambda report, *a, **kw: lambda: report(0.9, "extra trips"))
    seen = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if message.endswith("extra trips"):
            raise Cancelled(message)

    with pytest.raises(Cancelled):
        route_pickups(_case(), params=RoutingParams(time_limit_s=5.0, repair_rounds=0), seed=1, progress=progress)
