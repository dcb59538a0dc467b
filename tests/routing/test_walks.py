"""The exact search's walks on several cores (planner.routing.walks)."""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import pytest

from planner.routing import RoutingParams, check_result, engine, route_pickups
from planner.routing import walks as walks_module
from planner.routing.deadline import Deadline
from planner.routing.improve import Improved
from planner.routing.plan_parts import Merge, Part
from planner.routing.walks import SEED_STRIDE, epochs, walks

needs_fork = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked walks need fork")


class _Recorder:
    """A walk that waits for its deadline and costs what its seed says
    (seed 1 + SEED_STRIDE, walk 1 of epoch 0, is the cheapest), its plan
    the plan it started from with its seed appended."""

    def __init__(self, die_forked: bool = False) -> None:
        self.calls: list[tuple[list, int, tuple[float, float], bool]] = []
        self.die_forked = die_forked

    def __call__(self, routes, end: Deadline, seed: int, phase: tuple[float, float], main: bool) -> Improved:
        self.calls.append((routes, seed, phase, main))
        if self.die_forked and not main:
            os._exit(3)  # a forked walk killed half-way
        while not end.expired():
            time.sleep(0.005)
        cost = {1: 50.0, 1 + SEED_STRIDE: 10.0}.get(seed, 100.0 + seed % 7)
        return Improved([*routes, [(seed, 0)]], cost, steps=3, kept=1, restarts=0)


def test_one_worker_is_one_walk_over_the_whole_time():
    walk = _Recorder()
    done = walks(walk, [[(1, 0)]], workers=1, deadline=Deadline.after(0.05), seed=1)
    assert walk.calls == [([[(1, 0)]], 1, (0.0, 1.0), True)]
    assert (done.cost, done.steps) == (50.0, 3)


def test_one_worker_bounded_by_time_alone_walks_on_from_the_best_plan_after_a_stall(monkeypatch):
    """A walk that ends itself (stalled) before the deadline: with
    ``until_deadline`` the next walk starts from the best plan found, with
    the next seed and the threshold where the whole time has brought it,
    until the deadline, at most one walk an epoch (a tiny day stalls in
    milliseconds: it still ends early); without it (a step limit: the same
    plan on any machine) the one walk is the search."""
    monkeypatch.setattr(walks_module, "EPOCH_S", 0.05)  # (0.3 s: 6 epochs)
    calls = []

    def stalling(routes, end, seed, phase, main):
        calls.append((routes, seed, phase))
        time.sleep(0.05)
        cost = {1: 80.0, 1 + SEED_STRIDE: 60.0}.get(seed, 70.0)
        return Improved([*routes, [(seed, 0)]], cost, steps=4, kept=1, restarts=5, stalled=True)

    done = walks(stalling, [[(1, 0)]], workers=1, deadline=Deadline.after(0.3), seed=1, until_deadline=True)
    assert len(calls) >= 3
    assert calls[0] == ([[(1, 0)]], 1, (0.0, 1.0))
    assert calls[1][0] == [[(1, 0)], [(1, 0)]] and calls[1][1] == 1 + SEED_STRIDE  # from walk 0's plan
    assert calls[2][0] == [[(1, 0)], [(1, 0)], [(1 + SEED_STRIDE, 0)]]  # from the best: walk 1's
    assert 0.0 < calls[1][2][0] < calls[2][2][0] < 1.0 and all(phase[1] == 1.0 for _, _, phase in calls)
    assert done.cost == 60.0 and done.steps == 4 * len(calls) and done.restarts == 5 * len(calls)
    calls.clear()
    monkeypatch.setattr(walks_module, "EPOCH_S", 10.0)  # 30 s: 3 epochs, each walk stalling in 0.05 s
    quick = walks(stalling, [[(1, 0)]], workers=1, deadline=Deadline.after(30.0), seed=1, until_deadline=True)
    assert len(calls) == 3 and quick.cost == 60.0
    calls.clear()
    once = walks(stalling, [[(1, 0)]], workers=1, deadline=Deadline.after(0.3), seed=1)
    assert len(calls) == 1 and once.cost == 80.0


def test_epochs_are_about_epoch_s_each():
    assert epochs(0.1) == 1
    assert epochs(walks_module.EPOCH_S * 3.2) == 3


@needs_fork
def test_the_walks_meet_at_the_cheapest_plan(monkeypatch):
    monkeypatch.setattr(walks_module, "EPOCH_S", 0.3)
    walk = _Recorder()
    done = walks(walk, [[(1, 0)]], workers=2, deadline=Deadline.after(0.6), seed=1)
    # this process ran walk 0 of each epoch (the forked walks' calls are in their processes)
    assert [(seed, phase, main) for _, seed, phase, main in walk.calls] == [
        (1, (0.0, 0.5), True), (1 + 2 * SEED_STRIDE, (0.5, 1.0), True)]
    # epoch 1 started from the forked walk's plan of epoch 0, the cheapest (10 against 50)
    assert walk.calls[1][0] == [[(1, 0)], [(1 + SEED_STRIDE, 0)]]
    assert done.cost == 10.0  # epoch 1's walks cost more: the best plan found is kept
    assert done.routes == [[(1, 0)], [(1 + SEED_STRIDE, 0)]]
    assert (done.steps, done.kept) == (12, 4)  # 2 walks x 2 epochs


@needs_fork
def test_walks_on_parts_give_their_plans_to_the_merge_which_may_win_the_epoch(monkeypatch):
    """With ``split`` each walk gets its part; ``merge`` gets the epoch's
    start and each walk's part, plan and cost, and its plan is the epoch's
    when cheaper than every walk's; a whole merge refused is counted."""
    monkeypatch.setattr(walks_module, "EPOCH_S", 60.0)  # (one epoch; the walks return at once)
    start = [[(1, 0)], [(2, 0)]]
    parts = [Part(frozenset({0}), frozenset({"a"})), Part(frozenset({1}), frozenset({"b"}))]
    cuts = []

    def split(plan, seed):
        cuts.append((plan, seed))
        return parts

    def walk(routes, end, seed, phase, main, part):
        (v,) = part.routes
        plan = [list(r) for r in routes]
        plan[v] = [(100 + v, 0)]  # each walk changes its own route
        return Improved(plan, 50.0 if main else 40.0, steps=2, kept=1)

    given = []

    def merging(cost, refused):
        def merge(first, plans):
            given.append((first, plans))
            return (None if cost is None else Merge([[(7, 0)], [(8, 0)]], cost, not refused)), refused
        return merge

    done = walks(walk, start, workers=2, deadline=Deadline.after(30.0), seed=1, split=split, merge=merging(30.0, False))
    assert cuts == [(start, 1)]
    assert given == [(start, [(parts[0], [[(100, 0)], [(2, 0)]], 50.0), (parts[1], [[(1, 0)], [(101, 0)]], 40.0)])]
    assert (done.routes, done.cost, done.merged, done.refused, done.steps) == ([[(7, 0)], [(8, 0)]], 30.0, 1, 0, 4)
    refused = walks(walk, start, workers=2, deadline=Deadline.after(30.0), seed=1, split=split,
                    merge=merging(None, True))
    assert (refused.routes, refused.cost, refused.merged, refused.refused) == ([[(1, 0)], [(101, 0)]], 40.0, 0, 1)
    units = walks(walk, start, workers=2, deadline=Deadline.after(30.0), seed=1, split=split, merge=merging(35.0, True))
    assert (units.cost, units.merged, units.refused) == (35.0, 1, 1)


@needs_fork
def test_an_epoch_whose_merge_did_not_win_is_followed_by_one_on_the_whole_plan(monkeypatch):
    """Parts while they pay: after an epoch whose merge was not the
    cheapest plan, the next epoch's walks have no part (the portfolio), and
    the one after that parts again. (The walks return at once: three
    epochs of a 30 s search in milliseconds, however busy the machine.)"""
    monkeypatch.setattr(walks_module, "EPOCH_S", 10.0)
    given = []  # (walk 0's part, per epoch; the forked walks' calls are in their processes)

    def walk(routes, end, seed, phase, main, part=None):
        given.append(part)
        return Improved(routes, 50.0, steps=1, kept=0)

    def split(plan, seed):
        return [Part(frozenset({0}), frozenset()), Part(frozenset(), frozenset())]

    results = iter([None, Merge([[(5, 0)]], 10.0, True)])
    done = walks(walk, [[(1, 0)]], workers=2, deadline=Deadline.after(30.0), seed=1, split=split,
                 merge=lambda start, plans: (next(results), False))
    assert [p is not None for p in given] == [True, False, True]
    assert (done.cost, done.merged) == (10.0, 1)


@needs_fork
def test_a_day_searched_by_walks_on_parts_passes_its_checks(monkeypatch, rk):
    """``walk_parts``: every epoch's walks get the parts of one cut (every
    vehicle in one part), and the plan passes the independent checks."""
    monkeypatch.setattr(walks_module, "EPOCH_S", 0.4)
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    cuts = []
    split = engine.split

    def counted(net, plan, lot_ids, count, seed):
        parts = split(net, plan, lot_ids, count, seed)
        cuts.append(parts)
        return parts

    monkeypatch.setattr(engine, "split", counted)
    case = rk.case([rk.ph(), rk.site("w", -4.0), rk.site("f1", 2.0), rk.site("f2", 4.0), rk.site("f3", 6.0)],
                   [rk.vehicle(count=3)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50), rk.lot("C", "f3", 80), rk.lot("D", "w", 60)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=2, workers=2, walk_parts=True), seed=1)
    assert not result.unassigned and not check_result(case, result)
    assert cuts and all(sorted(v for p in parts for v in p.routes) == [0, 1, 2] for parts in cuts)
    assert all(sorted(lid for p in parts for lid in p.lots) == ["A", "B", "C", "D"] for parts in cuts)


@needs_fork
def test_a_forked_walk_that_dies_is_ignored(monkeypatch):
    monkeypatch.setattr(walks_module, "EPOCH_S", 1.0)
    walk = _Recorder(die_forked=True)
    done = walks(walk, [[(1, 0)]], workers=2, deadline=Deadline.after(0.3), seed=1)
    assert (done.cost, done.steps) == (50.0, 3)  # walk 0's plan alone


def test_a_step_limited_search_stays_one_walk(monkeypatch, rk):
    """Under a solution limit the same seed gives the same plan on any
    machine: no walk is forked."""
    def refuse(*args, **kwargs):
        raise AssertionError("forked under a step limit")

    monkeypatch.setattr(walks_module, "_epoch", refuse)
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=5, solution_limit=5), seed=1)
    assert not result.unassigned and not check_result(case, result)


@needs_fork
def test_a_time_limited_day_on_two_walks_passes_its_checks(monkeypatch, rk):
    monkeypatch.setattr(walks_module, "EPOCH_S", 0.5)
    used = []
    epoch = walks_module._epoch

    def counted(*args, **kwargs):
        found = epoch(*args, **kwargs)
        used.append(len(found))
        return found

    monkeypatch.setattr(walks_module, "_epoch", counted)
    # (an earlier test's Dask client leaves an idle thread, which alone would keep the search to one walk)
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0), rk.site("f3", 6.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50), rk.lot("C", "f3", 80)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=2, workers=2), seed=1)
    assert not result.unassigned and not check_result(case, result)
    assert used and all(n == 2 for n in used)  # every epoch heard from both walks


@needs_fork
def test_a_cancel_in_this_process_ends_the_forked_walks(tmp_path):
    """What walk 0 raises (a cancel from the progress callback) reaches the
    caller, and the forked walk is ended, not waited for: it never reaches
    the end of its 30 s."""
    class Cancelled(Exception):
        pass

    started, finished = tmp_path / "started", tmp_path / "finished"

    def walk(routes, end: Deadline, seed: int, phase, main: bool) -> Improved:
        if main:
            while not started.exists():
                time.sleep(0.01)
            raise Cancelled
        (tmp_path / "starting").write_text(str(os.getpid()))
        os.replace(tmp_path / "starting", started)  # (whole: walk 0 reads it as soon as it exists)
        while not end.expired():
            time.sleep(0.005)
        finished.write_text("")
        return Improved(routes, 1.0, 1, 0)

    with pytest.raises(Cancelled):
        walks(walk, [[(1, 0)]], workers=2, deadline=Deadline.after(30.0), seed=1)
    assert started.exists() and not finished.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # (ended and reaped)


def test_the_first_walk_keeps_the_threshold_and_the_others_walk_closer_to_the_best(monkeypatch, rk):
    """A portfolio: the walk in this process may go ``THRESHOLD`` above the best plan, the forked ones
    ``OTHER_THRESHOLD`` (each of the embedded day and the house-down day preferred one of them alone)."""
    from planner.routing import improve as improve_module

    seen: list[float] = []
    real = engine.improve

    def spy(*args, **kwargs):
        seen.append(kwargs["threshold"])
        return real(*args, **kwargs)

    def both(walk, routes, *, workers, deadline, seed, until_deadline, **_parts):  # (the two walks in turn, here)
        walk(routes, deadline.share(0.5), seed, (0.0, 1.0), True)
        return walk(routes, deadline, seed + 1, (0.0, 1.0), False)

    monkeypatch.setattr(engine, "improve", spy)
    monkeypatch.setattr(engine, "walks", both)
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    case = rk.case([rk.ph(), rk.site("f1", 2.0), rk.site("f2", 4.0)], [rk.vehicle(count=2)],
                   [rk.lot("A", "f2", 50), rk.lot("B", "f1", 50)])
    result = route_pickups(case, params=RoutingParams(time_limit_s=2, workers=2), seed=1)
    assert not check_result(case, result)
    assert seen == [improve_module.THRESHOLD, improve_module.OTHER_THRESHOLD]
    assert improve_module.OTHER_THRESHOLD < improve_module.THRESHOLD


def test_one_walk_stops_early_for_its_finish_which_makes_the_result():
    walk = _Recorder()
    seen = []

    def finish(best: Improved, end: Deadline) -> Improved:
        seen.append((best.cost, end.left()))
        return Improved(best.routes, best.cost - 5.0, best.steps, best.kept)

    deadline = Deadline.after(0.4)
    done = walks(walk, [[(1, 0)]], workers=1, deadline=deadline, seed=1, finish=finish, finish_s=0.2)
    assert done.cost == 45.0  # (the walk's 50, less what the finish made of it)
    (cost, left), = seen
    assert cost == 50.0 and left <= 0.2  # the walk stopped finish_s before the deadline (or later, under load)
    assert walk.calls[0][0] == [[(1, 0)]] and len(walk.calls) == 1


@needs_fork
def test_in_the_last_epoch_walk_0_finishes_while_the_others_walk_on(monkeypatch):
    """The finish ends walk 0's part of the last epoch only; the forked
    walks walk to the deadline and their results reach ``absorb``."""
    monkeypatch.setattr(walks_module, "EPOCH_S", 0.3)
    walk = _Recorder()
    finished, absorbed = [], []

    def finish(best: Improved, end: Deadline) -> Improved:
        finished.append((best.cost, round(end.left(), 1)))
        return best

    done = walks(walk, [[(1, 0)]], workers=2, deadline=Deadline.after(0.6), seed=1, finish=finish, finish_s=0.1,
                 absorb=absorbed.append)
    assert len(finished) == 1 and finished[0][1] <= 0.1  # once, in the last epoch, about 0.1 s before its end
    assert [r.cost for r in absorbed] == [10.0, 100.0 + (1 + 3 * SEED_STRIDE) % 7]  # each epoch's forked walk
    assert done.cost == 10.0
