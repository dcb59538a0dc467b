from __future__ import annotations

import pytest

from planner.routing import RoutingParams


def test_from_file_reads_a_routing_table(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[routing]\ntime_limit_s = 5\nsolution_limit = 10\nmetaheuristic = "tabu_search"\n')
    params = RoutingParams.from_file(path)
    assert (params.time_limit_s, params.solution_limit, params.metaheuristic) == (5, 10, "tabu_search")


def test_walk_parts_is_read_from_a_routing_table(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[routing]\nwalk_parts = true\n")
    assert RoutingParams.from_file(path).walk_parts and not RoutingParams().walk_parts


def test_from_file_names_unknown_fields(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("time_limit = 5\n")
    with pytest.raises(ValueError, match=r"p.toml.*unknown field.*time_limit"):
        RoutingParams.from_file(path)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("time_limit_s", 0, "time_limit_s"),
    ("first_solution", "magic", "first_solution"),
    ("metaheuristic", "magic", "metaheuristic"),
    ("max_packing_houses_per_lot", 0, "max_packing_houses_per_lot"),
    ("repair_time_share", 1.0, "repair_time_share"),
    ("backend", "vroom", "backend must be one of insertion, ortools, pyvrp, hybrid"),
    ("hybrid_share", 0.0, "hybrid_share"),
    ("walk_parts", "yes", "walk_parts must be true or false"),
])
def test_validation_names_the_field(field, value, match):
    with pytest.raises(ValueError, match=match):
        RoutingParams(**{field: value})


def test_a_day_is_planned_by_catchments_when_large_for_its_limit():
    """None (the default): by catchments above max_lots_per_part (300) lots
    at a limit shorter than 0.2 s a lot when the exact insertion builds the
    day (and at most 2,000 lots), above 20 lots per second when a model
    search does (another backend, a balance, a break rule); an explicit
    value wins."""
    at_60 = RoutingParams(time_limit_s=60)
    assert at_60.decompose is None and at_60.builds_day()
    assert not at_60.by_catchments(300) and at_60.by_catchments(301)  # 0.2 s a lot: 300 lots whole from 60 s
    assert not RoutingParams(time_limit_s=400).by_catchments(2000) and RoutingParams(time_limit_s=399.9).by_catchments(2000)
    assert RoutingParams(time_limit_s=3600).by_catchments(2001)  # at most 2,000 lots whole
    assert not RoutingParams(time_limit_s=200).by_catchments(1000) and RoutingParams(time_limit_s=200).by_catchments(1001)
    assert at_60.by_catchments(1201, breaks=True)  # a break rule: OR-Tools' model, 20 lots a second
    assert not at_60.by_catchments(1200, breaks=True)
    assert at_60.replace(solution_limit=50).builds_day()  # (work-bounded: as many exact steps as solutions)
    for model in (at_60.replace(backend="ortools"), at_60.replace(balance="kg")):
        assert not model.builds_day()
        assert not model.by_catchments(1200) and model.by_catchments(1201)
    assert not RoutingParams(time_limit_s=1).by_catchments(300)  # a small day stays whole at any limit
    assert RoutingParams(time_limit_s=1).by_catchments(301)
    assert RoutingParams(time_limit_s=60, decompose=True).by_catchments(10)
    assert not RoutingParams(time_limit_s=1, decompose=False).by_catchments(100_000)
