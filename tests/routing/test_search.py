"""OR-Tools search parameters (planner.routing.search)."""

from __future__ import annotations

from planner.routing import RoutingParams
from planner.routing.search import search_parameters


def test_a_solution_limit_leaves_no_time_limit_inside_the_search_but_the_guard():
    # the neighbourhoods' time limit would make the plan depend on the
    # machine's load; under a solution limit only the solve's guard is left
    bounded = search_parameters(RoutingParams(solution_limit=20, lns_time_limit_s=0.1), time_limit_s=67.0)
    assert bounded.solution_limit == 20
    assert bounded.lns_time_limit.ToMilliseconds() == 67_000 == bounded.time_limit.ToMilliseconds()
    timed = search_parameters(RoutingParams(lns_time_limit_s=0.1), time_limit_s=67.0)
    assert timed.lns_time_limit.ToMilliseconds() == 100
