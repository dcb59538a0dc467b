"""The hybrid backend: PyVRP's routes as the start of OR-Tools' full model."""

from __future__ import annotations

from planner.routing import RoutingParams, check_result, route_pickups
from planner.routing.deadline import Deadline
from planner.routing.hint_budget import HintBudget
from planner.routing.model import PickupModel
from planner.routing.search import search_parameters


def test_hybrid_backend_on_the_tiny_case(tiny_case):
    messages: list[str] = []
    result = route_pickups(tiny_case, params=RoutingParams(time_limit_s=2, solution_limit=100, backend="hybrid"),
                           progress=lambda _f, m: messages.append(m))
    assert check_result(tiny_case, result) == []
    assert {d.lot_id for d in result.deliveries} == {"L1", "L2"}
    assert result.delivery_of("L2").vehicle_id == "reefer#1"
    assert "round 0: pyvrp start" in messages


def _two_lot_model(rk, *, polls: int) -> tuple[PickupModel, HintBudget, list[int], list[int]]:
    # one 200 kg motorbike; lots A (100 kg) and B (150 kg): together over capacity
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle()],
                   [rk.lot("A", "f1", 100), rk.lot("B", "f2", 150)])
    params = RoutingParams(time_limit_s=1, solution_limit=1)
    net, table, data = rk.model_input(case, params)
    model = PickupModel(net, data, params, table)
    budget = HintBudget(model.routing, polls=polls)
    model.routing.CloseModelWithParameters(search_parameters(params, time_limit_s=1))
    (d_a,), (d_b,) = net.delivery["A"].values(), net.delivery["B"].values()
    return model, budget, [net.pickup["A"], d_a], [net.pickup["B"], d_b]


def test_start_keeps_what_the_full_model_accepts(rk):
    # the hinted route carries A and B on board together, over capacity: the
    # start keeps A's pickup and delivery and leaves B to the search
    model, budget, (p_a, d_a), (p_b, d_b) = _two_lot_model(rk, polls=100_000)
    start = model._initial([[p_a, p_b, d_a, d_b]], Deadline.after(60.0), budget)
    assert start is not None
    kept = model._decode(start, None).routes[0]
    assert [n for n, _ in kept] == [p_a, d_a]
    # past the deadline the lot-by-lot reading stops: what is kept so far (nothing) is the start
    passed = Deadline(0.0, clock=lambda: 1.0)
    late = model._initial([[p_a, p_b, d_a, d_b]], passed, budget)
    assert late is not None and model._decode(late, None).routes[0] == []
    # the whole hint is taken as it is when it is feasible
    whole = model._initial([[p_a, d_a, p_b, d_b]], Deadline.after(60.0), budget)
    assert [n for n, _ in model._decode(whole, None).routes[0]] == [p_a, d_a, p_b, d_b]
    assert not budget.exhausted and budget.used > 0


def test_reading_a_hint_is_bounded_by_work(rk):
    # a restore search that needs more limit checks than the budget allows is
    # stopped: no start (the search begins from scratch), however long the deadline
    model, budget, (p_a, d_a), (p_b, d_b) = _two_lot_model(rk, polls=0)
    assert model._initial([[p_a, d_a, p_b, d_b]], Deadline.after(3600.0), budget) is None
    assert budget.exhausted
    # disarmed after the read: the limit never stops the search itself
    assert budget._limit_reached() is False


def test_hybrid_is_deterministic_under_a_solution_limit(rk):
    sites = [rk.ph(), *(rk.site(f"f{k}", km) for k, km in enumerate((-6, -3, 2, 5, 8)))]
    lots = [rk.lot(f"L{k}", f"f{k % 5}", 60 + 10 * k) for k in range(8)]
    case = rk.case(sites, [rk.vehicle(count=3)], lots)
    params = RoutingParams(time_limit_s=20, solution_limit=30, backend="hybrid")
    runs = [route_pickups(case, params=params, seed=3) for _ in range(2)]
    assert check_result(case, runs[0]) == []
    assert [(d.lot_id, d.vehicle_id, d.delivered) for d in runs[0].deliveries] == \
        [(d.lot_id, d.vehicle_id, d.delivered) for d in runs[1].deliveries]
