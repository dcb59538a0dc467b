"""The exact search on several cores: walks in forked processes that meet
at the best plan.

A time-limited search of a whole day (:func:`.improve.improve`) uses one
core. With ``workers`` cores, :func:`walks` runs that many walks at once
from the same plan, each with its own seed (walk 0 in this process, with
the seed the solve was given, the others forked; walk 0 at the
record-to-record threshold ``improve.THRESHOLD``, the others at
``improve.OTHER_THRESHOLD``: a portfolio), for an epoch of about
``EPOCH_S``; every walk then starts the next epoch from the cheapest plan
any found (ties: the lowest walk), until the deadline. The record-to-record
threshold falls over the whole limit, not per epoch (``phase``). Forked
processes inherit the day (network, travel matrices, memos) without
pickling it, so an epoch starts in milliseconds; a walk that has not
answered shortly after the deadline is ended and its epoch's plan ignored.

Each walk on a part of the plan (``split`` and ``merge``, what the engine
gives a whole day's search with ``walk_parts``): a portfolio's walks repeat each other, and an
epoch keeps one walk's work. Cut into parts (:mod:`.plan_parts`), each walk
moves only its part's lots among its part's routes, and the parts' routes
make one plan, judged by the exact checks; where they reject it (two parts'
unloadings in one intake slot), the cheapest walk's plan takes the other
walks' changes that keep the rules and pay. An epoch whose merge did not
win is followed by one epoch of the portfolio (``PARTS_AFTER_LOSS``): where
the packing houses' intake binds, the parts cannot free a slot for each
other. Measured at 60 s (2 walks, seeds 1-4, one solve at a time, M VND,
mean and range): the embedded day 58.33 (57.07-59.98) with the portfolio,
57.50 (56.45-59.69) with parts in every epoch (cheaper for 4 of 4 seeds),
57.45 (56.64-58.57) with the portfolio after a loss; the day with a packing
house down 73.65 (72.31-75.00), 74.96 (72.70-76.95: in 4-6 of 7 epochs the
whole merge was refused) and 73.16 (66.90-76.43). More seeds on the same
machine (0f29432 with the portfolio after a loss, 1dd25b2 for the
portfolio): the embedded day 57.67 over 9 seeds against 57.62 over 9 (the
portfolio's first 4 seeds were its dearest); the house-down day 74.49 over
12 (66.90-79.37) against 73.13 over 14 (70.50-75.00). No cheaper where the
intake leaves room, dearer where it binds: off by default
(``RoutingParams.walk_parts``). The
parts' steps are cheaper (fewer routes to try): 6,100-8,200 steps against
5,000-7,300.

Under a step limit (``solution_limit``) the search stays one walk, so the
same input and seed give the same plan on any machine.

Tried and dropped (2026-12-07): the walks' plans crossed as a genetic
search crosses them (HGS, SREX-like): the routes of a random lot's vehicle
and of its 2-12 nearest lots' vehicles taken from one plan, the others from
the second, the lots thus on two routes taken off the second's, the lots
then on none re-inserted by the exact insertion. Four 15 s walks of the
embedded day from one start (60.59-62.11 M VND) crossed 8 times: the exact
checks rejected 4 children (two plans' unloadings in one intake slot), the
others cost 64.2-83.1 M, and 4 s of walk from each reached 61.6-63.7 M where
4 s from the best parent reached 58.6-59.4; on the day with a packing house
down 7 of 8 children were rejected. A plan's routes are bound together by
the packing houses' intake and the harvest waves, so a child of two plans
is far from both.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..processes import die_with_parent
from .deadline import Deadline
from .improve import Improved
from .plan_parts import Merge, Part
from .schedule import Visits

EPOCH_S = 10.0  # seconds between two meetings of the walks at the best plan
GRACE_S = 0.25  # a forked walk not done this long after the search's end is ended
LATE_S = 2.0  # before the last epoch, a forked walk's last step may end this much after its epoch (time left)
PARTS_AFTER_LOSS = False  # an epoch whose parts' merge did not win is followed by walks on the whole plan
SEED_STRIDE = 7919  # walk k of epoch e takes seed + SEED_STRIDE * (e * workers + k)

# one walk: from routes, until the deadline, with a seed, over a part (start, end) of the whole search's
# time; the last argument False in a forked walk (it reports no progress: this process does)
Walk = Callable[..., Improved]  # (with ``split``, also ``part=``: the Part it may change)
Finish = Callable[[Improved, Deadline], Improved]  # a walk's plan made what it can be by a deadline
Split = Callable[[list[Visits], int], list[Part]]  # a plan and a seed: one part per walk (:func:`.plan_parts.split`)
# the start of an epoch and each walk's part, plan and cost: one plan (None: none cheaper), whether the whole
# merge was refused (:func:`.plan_parts.merge`)
Merger = Callable[[list[Visits], list[tuple[Part, list[Visits], float]]], tuple[Merge | None, bool]]


def epochs(seconds: float) -> int:
    """How many epochs a search of ``seconds`` takes: about ``EPOCH_S`` each, at least one."""
    return max(1, round(seconds / EPOCH_S))


def walks(walk: Walk, routes: list[Visits], *, workers: int, deadline: Deadline, seed: int,
          until_deadline: bool = False, split: Split | None = None, merge: Merger | None = None,
          absorb: Callable[[Improved], None] | None = None, finish: Finish | None = None,
          finish_s: float = 0.0) -> Improved:
    """The best plan of ``workers`` walks meeting every epoch (module
    docstring); ``walk`` itself with one worker, and with
    ``until_deadline`` (a search bounded by time alone) once it has ended
    itself after ``improve.MAX_RESTARTS`` fruitless restarts, another walk
    from the best plan with the next seed, until the deadline. The steps,
    kept steps and restarts of every walk are summed. With ``split`` and
    ``merge`` each walk of an epoch changes only its part of the plan
    (``split`` of the epoch's plan with its first walk's seed), and
    ``merge`` makes their plans one more (:mod:`.plan_parts`); ``merged``
    in the result counts the epochs that plan won, ``refused`` those whose
    whole merge the exact checks rejected. ``absorb`` is given each forked
    walk's result as it comes back (the routes it judged: :mod:`.route_pool`).
    ``finish`` ends walk 0's last ``finish_s`` seconds: walk 0 stops that
    much before the deadline and ``finish`` makes what it can of its plan
    by then (the routes recombined) while the other walks walk on to the
    deadline (one walk: the walk stops, then ``finish``)."""
    if workers <= 1:
        if finish is None:
            return _one(walk, routes, deadline, seed, until_deadline)
        return finish(_one(walk, routes, deadline.minus(finish_s), seed, until_deadline), deadline)
    total = deadline.left()
    count = epochs(total)
    best: Improved | None = None
    steps = kept = restarts = wins = refused = 0
    current = routes
    apart = True  # this epoch's walks each on a part of the plan (with split and merge)
    for e in range(count):
        until = deadline.share(1.0 / (count - e))
        phase = (e / count, (e + 1) / count)
        seeds = [seed + SEED_STRIDE * (e * workers + k) for k in range(workers)]
        parts = split(current, seeds[0]) if split is not None and merge is not None and apart else None
        last = e == count - 1 and finish is not None
        found = _epoch(walk, current, until, seeds, phase, deadline, parts,
                       finish=finish if last else None, finish_s=finish_s)
        for k, result in found:
            steps, kept, restarts = steps + result.steps, kept + result.kept, restarts + result.restarts
            if k > 0 and absorb is not None:
                absorb(result)
        epoch_best = min((r for _, r in found), key=lambda r: r.cost)  # (min keeps the first of equal costs)
        if parts is not None and merge is not None and len(found) > 1:
            made, whole_refused = merge(current, [(parts[k], r.routes, r.cost) for k, r in found])
            refused += whole_refused
            if made is not None and made.cost < epoch_best.cost - 1e-6:
                epoch_best, wins = Improved(made.routes, made.cost, 0, 0), wins + 1
            else:  # (the parts did not pay: the next epoch's walks are let loose on the whole plan)
                apart = PARTS_AFTER_LOSS
        else:
            apart = True
        if best is None or epoch_best.cost < best.cost:
            best = epoch_best
        current = best.routes
        if deadline.expired():
            break
    assert best is not None
    return Improved(best.routes, best.cost, steps, kept, restarts, merged=wins, refused=refused)


def _one(walk: Walk, routes: list[Visits], deadline: Deadline, seed: int, until_deadline: bool) -> Improved:
    """One walk over the whole time; with ``until_deadline``, a walk that
    stalled (its restarts found nothing cheaper ``improve.MAX_RESTARTS`` times: the
    embedded day's 20-minute single walk ended itself at 803 s, the day
    with a packing house down at 336 s) is followed by another from the
    best plan, its threshold where the whole search's has fallen to; at
    most as many walks as the search has epochs (:func:`epochs`), as the
    walks on several cores, so a day too small to need the time still
    ends early."""
    total = max(deadline.left(), 1e-9)
    count = epochs(total)
    done = best = walk(routes, deadline, seed, (0.0, 1.0), True)
    steps, kept, restarts, k = done.steps, done.kept, done.restarts, 0
    while until_deadline and done.stalled and k + 1 < count and not deadline.expired():
        k += 1
        done = walk(best.routes, deadline, seed + SEED_STRIDE * k, (1.0 - deadline.left() / total, 1.0), True)
        steps, kept, restarts = steps + done.steps, kept + done.kept, restarts + done.restarts
        if done.cost < best.cost:
            best = done
    return Improved(best.routes, best.cost, steps, kept, restarts)


def _epoch(walk: Walk, routes: list[Visits], until: Deadline, seeds: list[int], phase: tuple[float, float],
           end: Deadline, parts: list[Part] | None = None, *, finish: Finish | None = None,
           finish_s: float = 0.0) -> list[tuple[int, Improved]]:
    """One epoch until ``until``: walk 0 here, the others forked (walk k
    on ``parts[k]`` when given); the results of the walks that answered
    (within ``LATE_S`` of the epoch's end while the search's ``end`` is
    later, ``GRACE_S`` after that end), each with its walk's number, walk
    0's first; with ``finish``, walk 0 stops ``finish_s`` before ``until``
    and its plan is what ``finish`` makes of it by ``until``."""
    ctx = mp.get_context("fork")
    children: list[tuple[Any, Connection]] = []  # (forked processes)

    def part(k: int) -> dict[str, Part]:
        return {} if parts is None else {"part": parts[k]}

    try:
        for k, s in enumerate(seeds[1:], start=1):
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(send, walk, routes, until, s, phase, os.getpid(), part(k)),
                               daemon=True)
            proc.start()
            send.close()
            children.append((proc, receive))
        if finish is None:
            out = [(0, walk(routes, until, seeds[0], phase, True, **part(0)))]
        else:
            out = [(0, finish(walk(routes, until.minus(finish_s), seeds[0], phase, True, **part(0)), until))]
        for k, (_, receive) in enumerate(children, start=1):
            wait = max(until.left() + GRACE_S, min(end.left(), until.left() + LATE_S))
            if receive.poll(wait):
                with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):  # (a walk that died: ignored)
                    out.append((k, pickle.loads(receive.recv_bytes())))
        return out
    finally:
        for proc, receive in children:
            receive.close()
            if proc.is_alive():
                proc.kill()
            proc.join()


def _child(send: Connection, walk: Walk, routes: list[Visits], until: Deadline, seed: int,
           phase: tuple[float, float], parent: int, part: dict[str, Part]) -> None:
    die_with_parent(parent)  # (a search killed by a signal takes its walks with it)
    try:
        send.send_bytes(pickle.dumps(walk(routes, until, seed, phase, False, **part)))
    finally:
        send.close()
