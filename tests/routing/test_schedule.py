"""Routes built from visits (planner.routing.schedule): the memory of built
routes a ruin-and-recreate search shares (RouteBuilds)."""

from __future__ import annotations

from planner.routing.schedule import RouteBuilds, build_route

from .test_reinsert import _setup


def test_route_builds_remember_and_forget(rk):
    _case, net, table, _bounds, routes, start = _setup(rk)
    builds = RouteBuilds(net, table, limit=1)
    first = builds(0, start, routes[0])
    assert first == build_route(net, table, 0, start, routes[0])  # what build_route gives
    assert builds(0, start, list(routes[0])) is first and (builds.hits, builds.misses) == (1, 1)
    later = builds(0, start + 60, routes[0])  # another start is another route, and the limit of 1 drops the first
    assert later is not first and builds.misses == 2
    assert builds(0, start, routes[0]) is not first and builds.misses == 3
