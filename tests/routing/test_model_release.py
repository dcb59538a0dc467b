"""A routing model lets go of its OR-Tools objects once it has solved
(planner.routing.model.PickupModel._release): the callbacks it registers
(the at-solution callback, the stopper's limit) hold it back through C++,
a cycle the garbage collector cannot see, which grew a Dask worker by
about 200 MiB per catchment until its nanny restarted it."""

from __future__ import annotations

import gc
import weakref

import pytest

from planner.routing import RoutingParams
from planner.routing.deadline import Deadline
from planner.routing.model import PickupModel


def _model(rk) -> PickupModel:
    case = rk.case([rk.ph(), rk.site("f1", 3.0), rk.site("f2", 5.0)], [rk.vehicle()],
                   [rk.lot("A", "f1", 100), rk.lot("B", "f2", 50)])
    params = RoutingParams(time_limit_s=1, solution_limit=5)
    net, table, data = rk.model_input(case, params)
    return PickupModel(net, data, params, table)


@pytest.mark.parametrize("with_progress", [False, True])
def test_a_solved_model_is_freed(rk, with_progress):
    model = _model(rk)
    seen: list[str] = []
    solved = model.solve(deadline=Deadline.after(5.0), seed=0,
                         progress=(lambda _f, m: seen.append(m)) if with_progress else None)
    assert solved is not None and sum(len(r) for r in solved.routes) == 4  # both lots, picked up and delivered
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None


def test_a_failed_progress_callback_still_frees_the_model(rk):
    model = _model(rk)

    def stop(_f: float, _m: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as raised:
        model.solve(deadline=Deadline.after(5.0), seed=0, progress=stop)
    alive = weakref.ref(model)
    del model, raised  # (the traceback's frames hold the model too)
    gc.collect()
    assert alive() is None
